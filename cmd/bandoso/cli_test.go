package main_test

import (
	"context"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"bandoso/store/storetest"
)

// runMain runs the program as a user does and returns its exit status, stdout and stderr.
func runMain(t *testing.T, vars map[string]string, args ...string) (int, string, string) {
	t.Helper()
	p := newProgram(vars)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	code := p.main(ctx, args...)
	return code, p.stdout.String(), p.stderr.String()
}

// singleDash finds a flag written -name, as Go's flag package prints them, where --name is meant.
var singleDash = regexp.MustCompile(`(^|[\s"'(\x60])-[a-z]`)

// Help, asked for in every way for every command and action, is on stdout with status 0.
func TestHelp(t *testing.T) {
	t.Parallel()
	commands := [][]string{{"serve"}, {"migrate"}, {"demo"}, {"import"}, {"version"}, {"keys", "create"}, {"keys", "list"}, {"keys", "revoke"}}
	type ask struct {
		args []string
		want []string // in stdout
	}
	var asks []ask
	for _, forms := range [][]string{{"--help"}, {"-h"}, {"help"}} {
		asks = append(asks, ask{forms, []string{"Commands:", "serve", "migrate", "demo", "keys", "import", "version"}},
			ask{append([]string{"keys"}, forms...), []string{"Actions:", "create", "list", "revoke", "bandoso keys <action> --help"}})
		for _, c := range commands {
			asks = append(asks, ask{append(append([]string{}, c...), forms...), []string{"Usage: bandoso " + strings.Join(c, " ")}})
		}
	}
	asks = append(asks, ask{[]string{"help", "keys"}, []string{"Actions:"}},
		ask{[]string{"keys", "help", "create"}, []string{"Usage: bandoso keys create [flags]", "--name name", "--role role"}},
		ask{[]string{"keys", "revoke", "k1", "--help"}, []string{"Usage: bandoso keys revoke NAME|PREFIX [flags]"}})
	for _, c := range commands {
		asks = append(asks, ask{append([]string{"help"}, c...), []string{"Usage: bandoso " + strings.Join(c, " ")}})
	}
	for _, a := range asks {
		t.Run(strings.Join(a.args, " "), func(t *testing.T) {
			t.Parallel()
			code, stdout, stderr := runMain(t, nil, a.args...)
			if code != 0 || stderr != "" {
				t.Fatalf("status %d, stderr %q; want 0 and nothing", code, stderr)
			}
			for _, w := range a.want {
				if !strings.Contains(stdout, w) {
					t.Errorf("help lacks %q:\n%s", w, stdout)
				}
			}
			if m := singleDash.FindString(stdout); m != "" {
				t.Errorf("help writes a flag with one dash (%q):\n%s", m, stdout)
			}
		})
	}
}

// Without a command or an action, the overview goes to stderr with status 2.
func TestNoCommand(t *testing.T) {
	t.Parallel()
	for want, args := range map[string][]string{"Commands:": nil, "Actions:": {"keys"}} {
		if code, stdout, stderr := runMain(t, nil, args...); code != 2 || stdout != "" || !strings.Contains(stderr, want) {
			t.Errorf("bandoso %v: status %d, stdout %q, stderr %q; want 2 and the overview on stderr", args, code, stdout, stderr)
		}
	}
}

// The help of a command lists each of its flags as --name with its variable and default; a
// password in DATABASE_URL never shows.
func TestHelpFlags(t *testing.T) {
	t.Parallel()
	const secret = "s3cr3t-pw"
	_, stdout, _ := runMain(t, map[string]string{"DATABASE_URL": "postgres://u:" + secret + "@db/x"}, "serve", "--help")
	for _, w := range []string{
		"  --database-url url  (env DATABASE_URL)\n",
		"  --listen address  (env LISTEN_ADDR, default \":8080\")\n",
		"  --request-timeout duration  (env BANDOSO_REQUEST_TIMEOUT, default 30s)\n",
		"  --tile-cache-ttl duration  (env BANDOSO_TILE_CACHE_TTL, default 1h)\n",
		"  --log-level level  (env LOG_LEVEL, default info)\n",
		"  --public-url string  (env PUBLIC_URL)\n",
		"  --trusted-proxies networks  (env BANDOSO_TRUSTED_PROXIES)\n",
	} {
		if !strings.Contains(stdout, w) {
			t.Errorf("serve --help lacks %q", w)
		}
	}
	if strings.Contains(stdout, secret) {
		t.Errorf("serve --help shows the password of DATABASE_URL")
	}
	_, stdout, _ = runMain(t, nil, "demo", "--help")
	if !strings.Contains(stdout, "  --force  (env BANDOSO_FORCE)\n") {
		t.Errorf("demo --help does not show the bool --force without a value:\n%s", stdout)
	}
}

func TestVersion(t *testing.T) {
	t.Parallel()
	_, long, _ := runMain(t, nil, "--version")
	if !regexp.MustCompile(`^bandoso \S+ \(go1\.\d+\S* \w+/\w+\)\n$`).MatchString(long) {
		t.Errorf("--version printed %q", long)
	}
	if code, short, _ := runMain(t, nil, "version"); code != 0 || short != long {
		t.Errorf("version: %d %q; --version printed %q", code, short, long)
	}
}

// Each error is one line on stderr, nothing on stdout, with status 2 for a command used wrongly
// and 1 for a failure.
func TestErrors(t *testing.T) {
	t.Parallel()
	const secret = "s3cr3t-pw"
	anyDB := map[string]string{"DATABASE_URL": "postgres://db/x"}
	down := map[string]string{"DATABASE_URL": storetest.ClosedURL(t)}
	cases := []struct {
		name string
		vars map[string]string
		args []string
		code int
		want string // the line, "bandoso: " and this; a trailing … matches any end
	}{
		{"duration without a unit", anyDB, []string{"serve", "--request-timeout", "30"}, 2,
			`invalid value "30" for --request-timeout: a duration needs a unit, e.g. 30s`},
		{"duration without a unit, by variable", map[string]string{"DATABASE_URL": "postgres://db/x", "BANDOSO_REQUEST_TIMEOUT": "30"}, []string{"serve"}, 2,
			`invalid value "30" for BANDOSO_REQUEST_TIMEOUT (--request-timeout): a duration needs a unit, e.g. 30s`},
		{"not a duration", anyDB, []string{"serve", "--tile-timeout=soon"}, 2,
			`invalid value "soon" for --tile-timeout: not a duration: a number and a unit (ms, s, m or h), e.g. 30s or 1h30m`},
		{"not a number", anyDB, []string{"serve", "--max-conns", "many"}, 2, `invalid value "many" for --max-conns: not a whole number`},
		{"bad log level", anyDB, []string{"serve", "--log-level", "loud"}, 2, `invalid value "loud" for --log-level: not debug, info, warn or error`},
		{"bad LOG_LEVEL", map[string]string{"DATABASE_URL": "postgres://db/x", "LOG_LEVEL": "loud"}, []string{"serve"}, 2,
			`invalid value "loud" for LOG_LEVEL (--log-level): not debug, info, warn or error`},
		{"flag without its value", anyDB, []string{"serve", "--listen"}, 2, `--listen needs a value: --listen address`},
		{"typo of a flag", anyDB, []string{"serve", "--lisen", ":8080"}, 2, `unknown flag --lisen: did you mean --listen?`},
		{"typo of a long flag", anyDB, []string{"serve", "--request-timout=3s"}, 2, `unknown flag --request-timout: did you mean --request-timeout?`},
		{"start of a flag", anyDB, []string{"demo", "--import-statement", "1h"}, 2, `unknown flag --import-statement: did you mean --import-statement-timeout?`},
		{"unknown flag", anyDB, []string{"migrate", "--frobnicate"}, 2, "unknown flag --frobnicate: `bandoso migrate --help` lists the flags"},
		{"typo of a command", nil, []string{"serv"}, 2, `unknown command "serv": did you mean serve?`},
		{"typo of an action", nil, []string{"keys", "revok", "k1"}, 2, `unknown command "keys revok": did you mean keys revoke?`},
		{"unknown command", nil, []string{"frobnicate"}, 2, "unknown command \"frobnicate\": `bandoso help` lists them"},
		{"argument too many", anyDB, []string{"migrate", "now"}, 2, "unexpected argument \"now\": `bandoso migrate --help` shows the usage"},
		{"revoke without a key", anyDB, []string{"keys", "revoke", "--log-level", "warn"}, 2, `keys revoke needs the name or prefix of the key: bandoso keys revoke NAME|PREFIX`},
		{"bad role", anyDB, []string{"keys", "create", "--name", "x", "--role", "root"}, 2, `invalid value "root" for --role: reader, editor or admin`},
		{"no DATABASE_URL", nil, []string{"migrate"}, 2, "DATABASE_URL is not set (or pass --database-url); `make run` starts a local PostGIS and sets it"},
		{"malformed DATABASE_URL", map[string]string{"DATABASE_URL": "postgres://u:" + secret + "@db:notaport/x"}, []string{"keys", "list"}, 2,
			"--database-url (env DATABASE_URL): cannot parse `postgres://u:xxxxx@db:notaport/x`: invalid port"},
		{"bad PUBLIC_URL", map[string]string{"DATABASE_URL": "postgres://db/x", "PUBLIC_URL": "maps.example.vn"}, []string{"serve"}, 2,
			`--public-url (env PUBLIC_URL): "maps.example.vn" is not an http or https URL without a query, such as https://maps.example.vn/bandoso`},
		{"database down: migrate", down, []string{"migrate"}, 1, `database unavailable: cannot connect to database "bandoso" at 127.0.0.1:…`},
		{"database down: keys list", down, []string{"keys", "list"}, 1, `database unavailable: cannot connect to database "bandoso" at 127.0.0.1:…`},
		{"database down: keys create", down, []string{"keys", "create", "--name", "x"}, 1, `database unavailable: cannot connect to database "bandoso" at 127.0.0.1:…`},
		{"database down: demo", down, []string{"demo", "--size", "200"}, 1, `database unavailable: cannot connect to database "bandoso" at 127.0.0.1:…`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			code, stdout, stderr := runMain(t, c.vars, c.args...)
			checkError(t, code, stdout, stderr, c.code, c.want)
			if strings.Contains(stderr, secret) {
				t.Errorf("the error shows the password: %q", stderr)
			}
		})
	}
}

// checkError checks that a run failed with status code and the one line "bandoso: "+want on
// stderr, saying no store: nor -flag; want may end in … to match the line's start.
func checkError(t *testing.T, code int, stdout, stderr string, wantCode int, want string) {
	t.Helper()
	if code != wantCode {
		t.Errorf("status %d, want %d", code, wantCode)
	}
	if stdout != "" {
		t.Errorf("stdout %q, want nothing", stdout)
	}
	line, rest, _ := strings.Cut(stderr, "\n")
	prefix, open := strings.CutSuffix("bandoso: "+want, "…")
	if open && !strings.HasPrefix(line, prefix) || !open && line != prefix || rest != "" {
		t.Errorf("stderr %q, want the one line %q", stderr, "bandoso: "+want)
	}
	if strings.Contains(stderr, "store:") || singleDash.MatchString(stderr) {
		t.Errorf("stderr %q names a package or writes a flag with one dash", stderr)
	}
}

// A taken key name is said plainly, once, without the database's words or a log line.
func TestKeyNameTaken(t *testing.T) {
	t.Parallel()
	vars := map[string]string{"DATABASE_URL": storetest.NewURL(t)}
	if code, _, stderr := runMain(t, vars, "keys", "create", "--name", "gis-team"); code != 0 {
		t.Fatalf("keys create: %d %s", code, stderr)
	}
	code, stdout, stderr := runMain(t, vars, "keys", "create", "--name", "gis-team", "--role", "admin")
	checkError(t, code, stdout, stderr, 1,
		`the name "gis-team" is taken by a live key: choose another --name, or revoke that key first (bandoso keys revoke gis-team)`)
	code, stdout, stderr = runMain(t, vars, "keys", "revoke", "nobody")
	checkError(t, code, stdout, stderr, 1, "no live key is named or prefixed \"nobody\": `bandoso keys list` shows them")
	code, stdout, _ = runMain(t, vars, "keys", "revoke", "--log-level", "warn", "gis-team")
	if code != 0 || !strings.Contains(stdout, "revoked key") {
		t.Errorf("keys revoke with the key after a flag: %d %q", code, stdout)
	}
}

// The binary as built: -ldflags sets the version, and os.Exit gets each status.
func TestBinary(t *testing.T) {
	t.Parallel()
	bin := buildBandoso(t, "-ldflags", "-X main.version=v9.8.7-test")
	for _, c := range []struct {
		args   []string
		code   int
		stdout string // at its start
		stderr string
	}{
		{[]string{"--version"}, 0, "bandoso v9.8.7-test (go", ""},
		{[]string{"keys", "--help"}, 0, "Create, list and revoke", ""},
		{[]string{"serve", "--request-timeout", "30"}, 2, "", "bandoso: invalid value \"30\" for --request-timeout: a duration needs a unit, e.g. 30s\n"},
		{[]string{"migrate", "--database-url", storetest.ClosedURL(t)}, 1, "", "bandoso: database unavailable: cannot connect"},
	} {
		cmd := exec.Command(bin, c.args...)
		cmd.Env = []string{"PATH=/usr/bin:/bin"}
		var stdout, stderr strings.Builder
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		code := exitCode(cmd.Run())
		if code != c.code || !strings.HasPrefix(stdout.String(), c.stdout) || !strings.HasPrefix(stderr.String(), c.stderr) ||
			(c.stdout == "") != (stdout.Len() == 0) || (c.stderr == "") != (stderr.Len() == 0) {
			t.Errorf("bandoso %s: status %d, stdout %q, stderr %q; want %d, %q…, %q…", strings.Join(c.args, " "), code, stdout.String(), stderr.String(), c.code, c.stdout, c.stderr)
		}
	}
}
