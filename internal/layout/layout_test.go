package layout_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// module is the module path; the tables below leave it out.
const module = "bandoso"

// everything stands for every package of the table that is not a test helper.
const everything = "everything"

// mayImport is the layering: each bandoso package and the bandoso packages it may import
// (tests aside). An import not listed fails, as does a package not in the table.
// docs/layout.md's table says the same, which TestLayoutDoc checks.
var mayImport = map[string][]string{
	// pure: no database, no HTTP (see pure)
	"geo":        nil,
	"address":    {"geo"},
	"admit":      nil,
	"web":        nil,
	"migrations": nil,
	"osmwrite":   nil,
	"ingest":     nil,
	"demo":       {"geo", "migrations", "osmwrite"},
	"gazetteer":  {"address", "migrations"},
	"cql2":       {"geo"},
	"mvt":        nil,

	"internal/glyphs": nil,

	// the database and what is built on it
	"migrations/units": {"migrations"},
	"store":            {"address", "cql2", "geo", "ingest", "migrations", "migrations/units", "mvt"},
	"catalog":          {"admit", "geo", "store"},
	"tiles":            {"admit", "catalog", "geo", "shared", "store"},
	"shared":           nil,
	"live":             {"store"},
	"geocode":          {"address", "gazetteer", "geo", "store"},

	// files: tile archives (SQLite through its pure Go driver)
	"archive": {"geo"},

	// HTTP
	"api": {"address", "admit", "archive", "catalog", "cql2", "gazetteer", "geo", "geocode", "ingest", "live", "shared", "store", "tiles", "web"},

	// programs
	"cmd/bandoso":   {everything},
	"cmd/tilebench": {everything},
	"cmd/loadtest":  {"geo"},
	"cmd/glyphs":    {"internal/glyphs"},

	// test helpers, which only tests import
	"store/storetest":       {"demo", "ingest", "internal/testwait", "migrations", "migrations/units", "osmwrite", "store"},
	"osmwrite/osmwritetest": {"osmwrite"},
	"shared/sharedtest":     {"internal/testwait"},
	"internal/housenumbers": nil,
	"internal/streetkeys":   nil,
	"internal/testlog":      nil,
	"internal/testwait":     nil,
	"internal/layout":       nil,
	"deploy":                nil,
}

// testHelpers are the packages only tests may import; everything leaves them out.
var testHelpers = []string{"store/storetest", "osmwrite/osmwritetest", "shared/sharedtest", "internal/housenumbers", "internal/streetkeys", "internal/testlog", "internal/testwait", "internal/layout", "deploy"}

// pure are the packages that depend, directly or not, on no database driver, no SQL and no
// HTTP: they run anywhere and their tests need no server.
var pure = []string{"geo", "address", "admit", "web", "migrations", "osmwrite", "ingest", "demo", "gazetteer", "cql2", "mvt", "internal/glyphs"}

// impure are the dependencies pure packages must not have: a package, or a path ending in
// "/" for everything below it.
var impure = []string{"database/sql", "net/http", "github.com/jackc/", "github.com/pressly/goose/", "github.com/redis/"}

// listed is what `go list -deps -json` says of a package.
type listed struct {
	ImportPath string
	Imports    []string
	Deps       []string
}

// packages lists every package of the module and everything they depend on, by import path.
func packages(t *testing.T) map[string]listed {
	t.Helper()
	cmd := exec.Command("go", "list", "-deps", "-json", module+"/...")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	all := map[string]listed{}
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p listed
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("go list: %v", err)
		}
		all[p.ImportPath] = p
	}
	return all
}

// ours is the module's package of import path, without the module: "store" for bandoso/store.
func ours(path string) (string, bool) {
	return strings.CutPrefix(path, module+"/")
}

// allowed expands mayImport[pkg]: everything becomes every package but the test helpers.
func allowed(pkg string) []string {
	list := mayImport[pkg]
	if slices.Contains(list, everything) {
		list = nil
		for p := range mayImport {
			if p != pkg && !slices.Contains(testHelpers, p) {
				list = append(list, p)
			}
		}
	}
	return list
}

func TestImports(t *testing.T) {
	all := packages(t)
	seen := 0
	for path, p := range all {
		pkg, ok := ours(path)
		if !ok {
			continue
		}
		seen++
		if _, known := mayImport[pkg]; !known {
			t.Errorf("%s is not in mayImport: add it with the packages it may import, and to docs/layout.md", pkg)
			continue
		}
		for _, imp := range p.Imports {
			dep, ok := ours(imp)
			if ok && !slices.Contains(allowed(pkg), dep) {
				t.Errorf("%s imports %s, which mayImport does not allow", pkg, dep)
			}
		}
	}
	if seen < 20 {
		t.Fatalf("go list found %d packages of %s; run from inside the module", seen, module)
	}
}

func TestPure(t *testing.T) {
	all := packages(t)
	for _, pkg := range pure {
		p, ok := all[module+"/"+pkg]
		if !ok {
			t.Errorf("pure package %s not found", pkg)
			continue
		}
		for _, dep := range p.Deps {
			for _, bad := range impure {
				if dep == bad || (strings.HasSuffix(bad, "/") && strings.HasPrefix(dep, bad)) {
					t.Errorf("%s depends on %s", pkg, dep)
				}
			}
		}
	}
}

// docRow is a row of docs/layout.md's "## Layout" table: | `folder`[, `folder`] | what | may import |.
var docRow = regexp.MustCompile("^\\| (`[^|]+`) \\|.*\\| ([^|]*) \\|$")

var backticked = regexp.MustCompile("`([^`]+)`")

// TestLayoutDoc checks that docs/layout.md's table lists every package of mayImport once,
// with the same packages it may import: "nothing", "everything" or their names in backticks.
func TestLayoutDoc(t *testing.T) {
	f, err := os.Open("../../docs/layout.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc := map[string][]string{}
	in := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "## ") {
			in = line == "## Layout"
			continue
		}
		m := docRow.FindStringSubmatch(line)
		if !in || m == nil {
			continue
		}
		var names []string
		switch col := strings.TrimSpace(m[2]); col {
		case "nothing", "":
		case everything:
			names = []string{everything}
		default:
			for _, n := range backticked.FindAllStringSubmatch(col, -1) {
				names = append(names, n[1])
			}
		}
		for _, folder := range backticked.FindAllStringSubmatch(m[1], -1) {
			pkg := strings.TrimSuffix(folder[1], "/")
			if _, dup := doc[pkg]; dup {
				t.Errorf("docs/layout.md lists %s twice", pkg)
			}
			doc[pkg] = names
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	for pkg, want := range mayImport {
		got, ok := doc[pkg]
		if !ok {
			t.Errorf("docs/layout.md has no row for %s", pkg)
			continue
		}
		if !sameSet(got, want) {
			t.Errorf("docs/layout.md: %s may import %v, mayImport says %v", pkg, got, want)
		}
	}
	for pkg, got := range doc {
		if _, ok := mayImport[pkg]; !ok && len(got) > 0 {
			t.Errorf("docs/layout.md: %s is not a package of mayImport but may import %v", pkg, got)
		}
	}
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}
