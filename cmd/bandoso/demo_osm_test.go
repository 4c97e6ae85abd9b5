package main_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"bandoso/osmwrite"
	"bandoso/osmwrite/osmwritetest"
)

// TestDemoOSM writes the demo city to PBF and XML without a database, and reads both back:
// they hold what the command reports, and the same elements.
func TestDemoOSM(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	counts := map[string][3]int{}
	for _, name := range []string{"city.osm.pbf", "city.osm"} {
		path := filepath.Join(dir, name)
		p := newProgram(nil) // no DATABASE_URL
		if err := p.run(context.Background(), "demo", "--osm", path, "--size", "800", "--seed", "4"); err != nil {
			t.Fatalf("demo --osm %s: %v\n%s", name, err, p.stderr)
		}
		var nodes, ways, relations, size int
		out := p.stdout.String()
		if _, err := fmt.Sscanf(out[strings.LastIndex(out, ": ")+2:], "%d nodes, %d ways, %d relations, %d bytes", &nodes, &ways, &relations, &size); err != nil {
			t.Fatalf("output %q: %v", out, err)
		}
		got := readCounts(t, path)
		if fi, err := os.Stat(path); err != nil || fi.Size() != int64(size) || got != [3]int{nodes, ways, relations} {
			t.Errorf("%s: reported %d nodes, %d ways, %d relations, %d bytes; file holds %v, %v", name, nodes, ways, relations, size, got, fi)
		}
		if nodes < 1000 || ways < 100 || relations != 1 {
			t.Errorf("%s: %v elements", name, got)
		}
		counts[name] = got
	}
	if counts["city.osm.pbf"] != counts["city.osm"] {
		t.Errorf("PBF holds %v elements, XML %v", counts["city.osm.pbf"], counts["city.osm"])
	}
}

// readCounts counts the nodes, ways and relations of an OSM file.
func readCounts(t *testing.T, path string) [3]int {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	format, err := osmwrite.FormatFor(path)
	if err != nil {
		t.Fatal(err)
	}
	r := osmwritetest.Read(t, format, f)
	return [3]int{len(r.Nodes), len(r.Ways), len(r.Relations)}
}

func TestDemoOSMRefused(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"unknown extension", []string{"--osm", filepath.Join(dir, "city.geojson")}, "--osm"},
		{"with --force", []string{"--osm", filepath.Join(dir, "city.osm"), "--force"}, "--force"},
		{"no directory", []string{"--osm", filepath.Join(dir, "missing", "city.osm.pbf")}, "missing"},
		{"loading needs the database", nil, "DATABASE_URL"},
	}
	for _, c := range cases {
		p := newProgram(nil)
		err := p.run(context.Background(), append([]string{"demo", "--size", "200"}, c.args...)...)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error naming %s", c.name, err, c.want)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("refused runs left %v", entries)
	}
}
