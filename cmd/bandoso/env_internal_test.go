package main

import (
	"context"
	"errors"
	"flag"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// invocations run every command, and each action of keys, as far as its flags.
var invocations = [][]string{{"serve"}, {"migrate"}, {"demo"}, {"import"}, {"export"}, {"keys", "create"}, {"keys", "list"}, {"keys", "revoke", "k1"}, {"seed"}}

var errStop = errors.New("flags read")

// flagsOf runs the program with args and the environment vars, and returns the command's
// flags as parsed, or the error that came first.
func flagsOf(t *testing.T, args []string, vars map[string]string) (*flag.FlagSet, error) {
	t.Helper()
	var fs *flag.FlagSet
	env := Env{Getenv: func(k string) string { return vars[k] }, Stdout: io.Discard, Stderr: io.Discard,
		parsed: func(f *flag.FlagSet) error { fs = f; return errStop }}
	err := Run(context.Background(), env, args)
	if errors.Is(err, errStop) {
		return fs, nil
	}
	if err == nil {
		t.Fatalf("%q ran past its flags", args)
	}
	return nil, err
}

// flagSample is two values of a flag, different from each other and from its default, and
// one it refuses ("" when it takes any).
type flagSample struct {
	values [2]string
	bad    string
}

// samples are those of flags whose type does not say.
var samples = map[string]flagSample{
	"database-url":        {[2]string{"postgres://a.example/x", "postgres://b.example/y"}, ""}, // checked by Validate
	"log-level":           {[2]string{"debug", "warn"}, "loud"},
	"trusted-proxies":     {[2]string{"10.0.0.0/8", "192.168.0.0/16"}, "nowhere"},
	"map":                 {[2]string{"a=b", "c=d"}, "a"},
	"set":                 {[2]string{"a=b", "c=d"}, "a"},
	"replica-url":         {[2]string{"postgres://r1.example/x", "postgres://r2.example/x"}, ""},
	"listen-database-url": {[2]string{"postgres://a.example/x", "postgres://b.example/y"}, ""},
	"database-pooler":     {[2]string{"session", "transaction"}, ""},                               // checked by Validate
	"redis-url":           {[2]string{"redis://a.example:6379/0", "redis://b.example:6380/1"}, ""}, // checked by Validate
	"seed-tiles":          {[2]string{"10-16", "12"}, "x"},
	"zooms":               {[2]string{"10-15", "12"}, "x"},
}

func sample(t *testing.T, f *flag.Flag) flagSample {
	t.Helper()
	if s, ok := samples[f.Name]; ok {
		return s
	}
	if g, ok := f.Value.(flag.Getter); ok {
		switch v := g.Get().(type) {
		case bool:
			return flagSample{[2]string{strconv.FormatBool(!v), strconv.FormatBool(v)}, "maybe"}
		case time.Duration:
			return flagSample{[2]string{"7m", "8m"}, "7 minutes"}
		case int, int64, uint64:
			return flagSample{[2]string{"7", "8"}, "seven"}
		case float64:
			return flagSample{[2]string{"7.5", "8.5"}, "seven"}
		case string:
			return flagSample{[2]string{"sample", "other"}, ""}
		}
	}
	t.Fatalf("--%s: add its values to samples", f.Name)
	return flagSample{}
}

var envPattern = regexp.MustCompile(`^[A-Z][A-Z0-9_]*$`)

// Every flag of every command is read from its environment variable too: the variable sets
// what the flag would, a flag given wins over it, and a bad value is an error naming the
// variable.
func TestEveryFlagHasItsVariable(t *testing.T) {
	t.Parallel()
	for _, c := range commands() {
		if c.name == "version" {
			continue // it has no flags
		}
		if !slices.ContainsFunc(invocations, func(inv []string) bool { return inv[0] == c.name }) {
			t.Errorf("command %s is not among the invocations", c.name)
		}
	}
	for _, inv := range invocations {
		t.Run(strings.Join(inv, " "), func(t *testing.T) {
			t.Parallel()
			defaults, err := flagsOf(t, inv, nil)
			if err != nil {
				t.Fatal(err)
			}
			var help strings.Builder
			if err := Run(context.Background(), Env{Getenv: func(string) string { return "" }, Stdout: &help, Stderr: io.Discard},
				append(slices.Clone(inv), "--help")); !errors.Is(err, flag.ErrHelp) {
				t.Fatalf("--help: %v", err)
			}
			names := map[string]string{}
			n := 0
			defaults.VisitAll(func(f *flag.Flag) {
				n++
				name := envName(f.Name)
				if !envPattern.MatchString(name) || names[name] != "" {
					t.Errorf("--%s: variable %q is not a plain name of its own (also --%s)", f.Name, name, names[name])
				}
				names[name] = f.Name
				listed := regexp.MustCompile(`(?m)^  --` + regexp.QuoteMeta(f.Name) + `( \S+)?  \(env ` + name + `[,)]`)
				if !listed.MatchString(help.String()) {
					t.Errorf("--%s: --help does not list it with %s:\n%s", f.Name, name, help.String())
				}
				s := sample(t, f)
				value := func(args []string, vars map[string]string) string {
					fs, err := flagsOf(t, args, vars)
					if err != nil {
						t.Fatalf("--%s: %q with %v: %v", f.Name, args, vars, err)
					}
					return fs.Lookup(f.Name).Value.String()
				}
				withFlag := append(slices.Clone(inv), "--"+f.Name+"="+s.values[0])
				byFlag := value(withFlag, nil)
				byEnv := value(inv, map[string]string{name: s.values[0]})
				if byEnv != byFlag || byEnv == f.Value.String() {
					t.Errorf("%s=%s gives --%s %q; the flag gives %q, the default is %q", name, s.values[0], f.Name, byEnv, byFlag, f.Value.String())
				}
				if both := value(withFlag, map[string]string{name: s.values[1]}); both != byFlag {
					t.Errorf("--%s=%s with %s=%s gives %q, not the flag's %q", f.Name, s.values[0], name, s.values[1], both, byFlag)
				}
				if s.bad != "" {
					if _, err := flagsOf(t, inv, map[string]string{name: s.bad}); err == nil || !strings.Contains(err.Error(), name) {
						t.Errorf("%s=%s: error %v, want one naming %s", name, s.bad, err, name)
					}
				}
			})
			if n < 3 {
				t.Errorf("%d flags: the common ones are missing", n)
			}
		})
	}
}

// The settings that had variables before every flag had one keep their names.
func TestKnownVariables(t *testing.T) {
	for flagName, want := range map[string]string{"database-url": "DATABASE_URL", "listen": "LISTEN_ADDR", "log-level": "LOG_LEVEL",
		"log-format": "LOG_FORMAT", "public-url": "PUBLIC_URL", "import-statement-timeout": "IMPORT_STATEMENT_TIMEOUT",
		"tile-max-age": "BANDOSO_TILE_MAX_AGE", "db-work-per-client": "BANDOSO_DB_WORK_PER_CLIENT"} {
		if got := envName(flagName); got != want {
			t.Errorf("envName(%q) = %q, want %q", flagName, got, want)
		}
	}
}
