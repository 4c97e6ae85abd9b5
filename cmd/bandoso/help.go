package main

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"time"
)

// help is what a command's --help says besides its flags.
type help struct {
	command string // as typed after bandoso: "serve", "keys revoke"
	args    string // the arguments besides flags, e.g. "NAME|PREFIX"; empty for none
	about   string // what the command does
}

// writeHelp writes a command's --help: how to call it, what it does, and each flag as
// --name with its value, environment variable and default.
func writeHelp(w io.Writer, fs *flag.FlagSet, h help) {
	call := fs.Name()
	if h.args != "" {
		call += " " + h.args
	}
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	if n == 0 {
		fmt.Fprintf(w, "Usage: %s\n\n%s\n", call, h.about)
		return
	}
	fmt.Fprintf(w, "Usage: %s [flags]\n\n%s\n\nFlags, each also read from the environment variable shown; a flag given wins:\n", call, h.about)
	fs.VisitAll(func(f *flag.Flag) {
		placeholder, usage := flag.UnquoteUsage(f)
		line := "  --" + f.Name
		if placeholder != "" {
			line += " " + placeholder
		}
		line += "  (env " + envName(f.Name)
		if d := defaultText(f); d != "" {
			line += ", default " + d
		}
		fmt.Fprintf(w, "%s)\n        %s\n", line, strings.ReplaceAll(usage, "\n", "\n        "))
	})
}

// defaultText is f's default as one would type it, or "" for none: no value, zero or false.
func defaultText(f *flag.Flag) string {
	d := f.DefValue
	if d == "" || d == "0" || d == "false" || d == "0s" {
		return ""
	}
	var v any
	if g, ok := f.Value.(flag.Getter); ok {
		v = g.Get()
	}
	switch v.(type) {
	case string:
		return strconv.Quote(d)
	case time.Duration:
		// 1h0m0s and 2m0s as one writes them: 1h, 2m
		if strings.HasSuffix(d, "m0s") {
			d = strings.TrimSuffix(d, "0s")
		}
		if strings.HasSuffix(d, "h0m") {
			d = strings.TrimSuffix(d, "0m")
		}
		return d
	case *slog.Level:
		return strings.ToLower(d)
	}
	return d
}

// writeCommands writes an overview of the commands under path ("bandoso"), or of the actions
// of one ("bandoso keys"): each with its summary, and how to see more.
func writeCommands(w io.Writer, path, intro string, cmds []command) {
	noun := "command"
	if path != "bandoso" {
		noun = "action"
	}
	fmt.Fprintf(w, "%s\n\nUsage: %s <%s> [flags]\n\n%ss:\n", intro, path, noun, strings.ToUpper(noun[:1])+noun[1:])
	for _, c := range cmds {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, "\nRun `%s <%s> --help` (or `%s help <%s>`) for its flags and their environment variables.\n", path, noun, path, noun)
}
