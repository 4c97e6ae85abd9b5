// Command bandoso serves a city's digital map: vector tiles, features, planning and
// addresses from PostGIS. Run `bandoso help` for its subcommands.
package main

import (
	"context"
	"flag"
	"io"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

// command is one subcommand: its name, one line for the overview, and its run function,
// which parses its own flags from args.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, env Env, args []string) error
}

func commands() []command {
	return []command{
		{"serve", "serve tiles, features, planning and addresses over HTTP", runServe},
		{"migrate", "apply pending database migrations and report them", runMigrate},
		{"demo", "generate and load the synthetic demo city", runDemo},
		{"keys", "create, list and revoke API keys (roles reader, editor, admin)", runKeys},
		{"seed", "put the viewer's tiles of some zooms in the shared tile cache in Redis ahead of requests", runSeed},
		{"export", "export the tiles of an area to a PMTiles or MBTiles file for offline use", runExport},
		{"import", "import a GeoJSON, CSV, Shapefile or GeoPackage file into a layer, all or nothing", runImport},
		{"version", "print the version", runVersion},
	}
}

// Env is the program's outside world, passed in so tests can run the real program.
type Env struct {
	Getenv func(string) string
	Stdout io.Writer
	Stderr io.Writer
	// IsTerminal says whether Stderr is a terminal (progress bars, text logs).
	IsTerminal bool
	// Listening, when set, is told the address serve listens on (tests listen on port 0).
	Listening func(net.Addr)
	// parsed, when set, is shown each command's flags once they are parsed, environment
	// included; an error it returns ends the command (tests read the flags and stop).
	parsed func(*flag.FlagSet) error
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	env := Env{Getenv: os.Getenv, Stdout: os.Stdout, Stderr: os.Stderr, IsTerminal: isTerminal(os.Stderr)}
	code := Main(ctx, env, os.Args[1:])
	stop()
	os.Exit(code)
}

// Run runs the subcommand named by args[0]: Main without the reporting, for tests that look
// at the error itself.
func Run(ctx context.Context, env Env, args []string) error {
	if len(args) > 0 && (args[0] == "--version" || args[0] == "-version") {
		return runVersion(ctx, env, args[1:])
	}
	intro := "bandoso " + programVersion() + ": the city's digital map (bản đồ số) from PostGIS."
	return dispatch(ctx, env, "bandoso", intro, commands(), args)
}

// dispatch runs the command of cmds that args[0] names, path being their parent: "bandoso",
// or "bandoso keys" for its actions. help, -h and --help alone write the overview, intro and
// the commands, on stdout; `help X` and `X help` are `X --help`. With no command at all the
// overview goes to stderr.
func dispatch(ctx context.Context, env Env, path, intro string, cmds []command, args []string) error {
	if len(args) == 0 {
		writeCommands(env.Stderr, path, intro, cmds)
		return errShown
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		if len(args) == 1 {
			writeCommands(env.Stdout, path, intro, cmds)
			return nil
		}
		return dispatch(ctx, env, path, intro, cmds, append([]string{args[1]}, append(args[2:], "--help")...))
	}
	for _, c := range cmds {
		if c.name != args[0] {
			continue
		}
		rest := args[1:]
		if len(rest) > 0 && rest[0] == "help" {
			rest = append([]string{"--help"}, rest[1:]...)
		}
		return c.run(ctx, env, rest)
	}
	names := make([]string, len(cmds))
	for i, c := range cmds {
		names[i] = c.name
	}
	sub := strings.TrimPrefix(strings.TrimPrefix(path, "bandoso"), " ")
	if sub != "" {
		sub += " "
	}
	if meant := nearest(args[0], names); meant != "" {
		return usagef("unknown command %q: did you mean %s?", sub+args[0], sub+meant)
	}
	return usagef("unknown command %q: `%s help` lists them", sub+args[0], path)
}

func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
