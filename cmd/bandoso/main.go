// Command bandoso serves a city's digital map: vector tiles, features, planning and
// addresses from PostGIS. Run `bandoso help` for its subcommands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"syscall"
)

// version is set at build time: -ldflags "-X main.version=…".
var version = "dev"

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
		{"import", "import a GeoJSON, CSV, Shapefile or GeoPackage file into a layer, all or nothing", runImport},
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
	err := Run(ctx, env, os.Args[1:])
	stop()
	var exit *exitError
	switch {
	case err == nil:
	case errors.Is(err, flag.ErrHelp):
		os.Exit(0)
	case errors.Is(err, errUsage):
		if err != errUsage {
			fmt.Fprintln(os.Stderr, "bandoso:", err)
		}
		os.Exit(2)
	case errors.As(err, &exit):
		fmt.Fprintln(os.Stderr, "bandoso:", err)
		os.Exit(exit.code)
	default:
		fmt.Fprintln(os.Stderr, "bandoso:", err)
		os.Exit(1)
	}
}

var errUsage = errors.New("usage")

// Run runs the subcommand named by args[0].
func Run(ctx context.Context, env Env, args []string) error {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(env.Stdout)
		if len(args) == 0 {
			return errUsage
		}
		return nil
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(ctx, env, args[1:])
		}
	}
	fmt.Fprintf(env.Stderr, "bandoso: unknown command %q\n\n", args[0])
	usage(env.Stderr)
	return errUsage
}

func usage(w io.Writer) {
	fmt.Fprintf(w, "bandoso %s: the city's digital map (bản đồ số) from PostGIS.\n\nUsage: bandoso <command> [flags]\n\nCommands:\n", version)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun `bandoso <command> --help` for a command's flags and environment variables.")
}

func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
