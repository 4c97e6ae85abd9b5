package api_test

import (
	"context"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"bandoso/api"
	"bandoso/catalog"
	"bandoso/store"
	"bandoso/store/storetest"
	"bandoso/tiles"
	"bandoso/web"
)

// TestDocsExamples runs every command of the sh blocks of README.md and docs/*.md that talk to
// the server (those naming localhost:8080), as written, against the demo city that `make run`
// loads (seed 1, 20,000 parcels): each must succeed and its answer hold what the comment after
// "# →" says. Blocks not meant to run (output, operators' shell) are fenced otherwise, e.g. text;
// the bandoso commands run in cmd/bandoso. $EDITOR_KEY is an editor's key.
func TestDocsExamples(t *testing.T) {
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("curl is not installed")
	}
	db := openStore(t, storetest.NewURL(t))
	storetest.LoadDemo(t, db, 1, 20000)
	_, key, err := db.CreateKey(context.Background(), "docs", store.RoleEditor, "test")
	if err != nil {
		t.Fatal(err)
	}
	cat := catalog.New(db)
	city := httptest.NewServer(testServer(api.Server{DB: db, Catalog: cat, Tiles: tiles.New(db, cat, nil), Web: web.Embedded()}).Handler())
	t.Cleanup(city.Close)
	pages, err := filepath.Glob("../docs/*.md")
	if err != nil {
		t.Fatal(err)
	}
	examples := 0
	for _, page := range append(pages, "../README.md") {
		for _, ex := range serverExamples(t, page) {
			examples++
			t.Run(strings.TrimPrefix(page, "../")+ex.heading, func(t *testing.T) {
				runExample(t, ex, city.URL, "EDITOR_KEY="+key)
			})
		}
	}
	if examples < 30 {
		t.Fatalf("%d examples found; the docs hold more", examples)
	}
}

// example is one command of a sh block, with the variables set before it in its block.
type example struct {
	heading, prelude, command, want string
}

var shBlock = regexp.MustCompile("(?s)```sh\n(.*?)```")

// serverExamples are the commands of the sh blocks of page that name localhost:8080. A command
// spans lines until bash reads it whole (continuations, quoted bodies); a line setting a
// variable is kept for the commands after it.
func serverExamples(t *testing.T, page string) []example {
	t.Helper()
	raw, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	var out []example
	for _, section := range strings.Split(string(raw), "\n## ") {
		heading, _, _ := strings.Cut(section, "\n")
		for _, block := range shBlock.FindAllStringSubmatch(section, -1) {
			if !strings.Contains(block[1], "localhost:8080") {
				checkRunElsewhere(t, page, heading, block[1])
				continue
			}
			prelude, command := "", ""
			for _, line := range strings.Split(block[1], "\n") {
				if command == "" && (strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#")) {
					continue
				}
				command += line + "\n"
				if strings.HasSuffix(line, "\\") || exec.Command("bash", "-n", "-c", command).Run() != nil {
					continue
				}
				c, want := splitAnswer(command)
				if regexp.MustCompile(`^[A-Za-z_]+=\S`).MatchString(c) && !strings.Contains(c, " curl ") && !strings.HasPrefix(c, "curl") {
					prelude += c + "\n"
				} else {
					out = append(out, example{heading: " " + strings.TrimPrefix(heading, "# "), prelude: prelude, command: c, want: strings.TrimSpace(want)})
				}
				command = ""
			}
			if command != "" {
				t.Errorf("%s %q: unfinished command %q", page, heading, command)
			}
		}
	}
	return out
}

// runExample runs one example in a folder of its own, with localhost:8080 read as base.
func runExample(t *testing.T, ex example, base string, env ...string) {
	if ex.want == "" {
		t.Fatalf("%s\nno answer after \"# →\" to check", ex.command)
	}
	script := strings.ReplaceAll(ex.prelude+ex.command, "localhost:8080", base)
	cmd := exec.Command("bash", "-c", "set -o pipefail; "+script+" --fail-with-body --silent --show-error")
	cmd.Dir = t.TempDir()
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), ex.want) {
		t.Errorf("%s\n%v: %.2000s\nwant %s", ex.command, err, out, ex.want)
	}
}

// splitAnswer cuts a command from its comment, "# what it is → what the answer holds".
func splitAnswer(command string) (c, want string) {
	arrow := strings.LastIndex(command, "→")
	hash := strings.LastIndex(command[:max(arrow, 0)], "# ")
	if arrow < 0 || hash < 0 {
		return strings.TrimSpace(command), ""
	}
	return strings.TrimSpace(command[:hash]), strings.TrimSpace(command[arrow+len("→"):])
}

// checkRunElsewhere fails on a command of a sh block without the server that no test runs:
// cmd/bandoso runs `bin/bandoso` and `bandoso import` lines; anything else belongs in a block
// fenced otherwise (text).
func checkRunElsewhere(t *testing.T, page, heading, block string) {
	t.Helper()
	for _, line := range strings.Split(strings.ReplaceAll(block, "\\\n", " "), "\n") {
		if line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, "bin/bandoso ") || strings.HasPrefix(line, "bandoso import ") {
			continue
		}
		t.Errorf("%s %q: %q runs in no test; fence its block as text if it is not meant to", page, heading, line)
	}
}
