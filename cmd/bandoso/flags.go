package main

import (
	"errors"
	"flag"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/agnivade/levenshtein"
)

// parseArgs sets the flags at the start of args as flag.FlagSet.Parse does (-name or --name,
// --name=value or --name value, a bare --name for a bool, -- ending the flags) and returns the
// arguments after them. It words its errors as --help does, with --name and a hint, where
// flag's say "-name" and "parse error"; -h and --help are flag.ErrHelp.
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	for len(args) > 0 {
		arg := args[0]
		if arg == "--" {
			return args[1:], nil
		}
		if len(arg) < 2 || arg[0] != '-' {
			return args, nil
		}
		args = args[1:]
		name, value, hasValue := strings.Cut(strings.TrimPrefix(arg[1:], "-"), "=")
		if name == "" || name[0] == '-' {
			return nil, usagef("%q is not a flag: write --name or --name=value", arg)
		}
		f := fs.Lookup(name)
		if f == nil {
			if name == "h" || name == "help" {
				return nil, flag.ErrHelp
			}
			return nil, unknownFlag(fs, name)
		}
		if !hasValue {
			switch {
			case isBool(f):
				value = "true"
			case len(args) == 0:
				placeholder, _ := flag.UnquoteUsage(f)
				return nil, usagef("--%s needs a value: --%s %s", name, name, placeholder)
			default:
				value, args = args[0], args[1:]
			}
		}
		if err := fs.Set(name, value); err != nil {
			return nil, invalidValue(f, "--"+name, value, err)
		}
	}
	return nil, nil
}

func isBool(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// unknownFlag names a flag fs lacks, and the one meant when it looks like a typo.
func unknownFlag(fs *flag.FlagSet, name string) error {
	var names []string
	fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
	if meant := nearest(name, names); meant != "" {
		return usagef("unknown flag --%s: did you mean --%s?", name, meant)
	}
	return usagef("unknown flag --%s: `%s --help` lists the flags", name, fs.Name())
}

// nearest is the candidate s is most likely a typo of: the closest by edit distance when
// at most one letter in four differs, else the only one s begins.
func nearest(s string, candidates []string) string {
	limit := 1 + len(s)/4 // the edits of a typo: one, and one more for every four letters
	best, bestDist := "", limit+1
	var prefixed []string
	for _, c := range candidates {
		if d := levenshtein.ComputeDistance(s, c); d < bestDist {
			best, bestDist = c, d
		}
		if len(s) >= 3 && strings.HasPrefix(c, s) {
			prefixed = append(prefixed, c)
		}
	}
	if best == "" && len(prefixed) == 1 {
		return prefixed[0]
	}
	return best
}

// invalidValue says why value, given as what (--name or a variable), does not suit f.
func invalidValue(f *flag.Flag, what, value string, err error) error {
	return usagef("invalid value %q for %s: %s", value, what, valueHint(f, value, err))
}

// valueHint is what a value of f's type looks like; flag's own values report only "parse
// error", the program's own say what is wrong themselves.
func valueHint(f *flag.Flag, value string, err error) string {
	var v any
	if g, ok := f.Value.(flag.Getter); ok {
		v = g.Get()
	}
	switch v.(type) {
	case time.Duration:
		if _, ferr := strconv.ParseFloat(value, 64); ferr == nil {
			return "a duration needs a unit, e.g. " + value + "s"
		}
		return "not a duration: a number and a unit (ms, s, m or h), e.g. 30s or 1h30m"
	case bool:
		return "not true or false"
	case int, int64, uint, uint64:
		if _, perr := strconv.ParseInt(value, 0, 64); errors.Is(perr, strconv.ErrRange) {
			return "out of range"
		}
		return "not a whole number"
	case float64:
		return "not a number"
	case *slog.Level:
		return "not debug, info, warn or error"
	}
	return err.Error()
}

// flagSet binds the common flags of every subcommand onto cfg; h is the rest of its --help.
func flagSet(h help, env Env, cfg *Config) *flag.FlagSet {
	fs := flag.NewFlagSet("bandoso "+h.command, flag.ContinueOnError)
	fs.SetOutput(env.Stdout) // --help is asked for: it goes to stdout
	fs.Var(&cfg.Database.URL, "database-url", "PostgreSQL `url` of the city database, e.g. postgres://user:pass@host:5432/bandoso\n"+
		"(make run and make test start a local PostGIS and set it)")
	fs.TextVar(&cfg.Log.Level, "log-level", cfg.Log.Level, "least severe log `level`: debug, info, warn or error")
	fs.StringVar(&cfg.Log.Format, "log-format", cfg.Log.Format, "log `format`: text or json")
	fs.Usage = func() { writeHelp(fs.Output(), fs, h) }
	return fs
}

// parse parses args and the environment and checks the result, naming the flag and
// variable at fault.
func parse(fs *flag.FlagSet, args []string, env Env, cfg *Config, positional ...*string) error {
	if err := parseFlags(fs, args, env, positional...); err != nil {
		return err
	}
	return cfg.check()
}

// parseFlags parses args, then sets each flag they leave out from its environment variable,
// without checking the configuration, for a command that may not need the database. The
// arguments besides flags go to positional in turn, before, between or after the flags; one
// more is an error. --help writes the command's help on stdout and returns flag.ErrHelp.
func parseFlags(fs *flag.FlagSet, args []string, env Env, positional ...*string) error {
	for {
		rest, err := parseArgs(fs, args)
		if errors.Is(err, flag.ErrHelp) {
			fs.Usage()
		}
		if err != nil {
			return err
		}
		if len(rest) == 0 {
			break
		}
		if len(positional) == 0 {
			return usagef("unexpected argument %q: `%s --help` shows the usage", rest[0], fs.Name())
		}
		*positional[0], positional, args = rest[0], positional[1:], rest[1:]
	}
	if err := setFromEnv(fs, env.Getenv); err != nil {
		return err
	}
	if env.parsed != nil {
		return env.parsed(fs)
	}
	return nil
}
