package storetest

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"bandoso/demo"
	"bandoso/ingest"
	"bandoso/osmwrite"
	"bandoso/store"
)

// LoadDemoOSM loads the demo city of seed and size into db the way a city with an
// OpenStreetMap extract gets its data: the wards and districts alone (`bandoso demo
// --boundaries-only`), then the city written as an OpenStreetMap file and imported (`bandoso
// import --layer osm`), which brings its streets, addresses, buildings, roads, water and named
// places. It returns the city.
func LoadDemoOSM(t testing.TB, db *store.DB, seed uint64, size int) *demo.City {
	t.Helper()
	ctx := context.Background()
	city, err := demo.New(seed, size)
	if err != nil {
		t.Fatalf("storetest: demo city: %v", err)
	}
	if _, err := db.LoadDemo(ctx, city, store.DemoLoadOptions{BoundariesOnly: true}); err != nil {
		t.Fatalf("storetest: load the demo city's boundaries: %v", err)
	}
	path := WriteOSM(t, city, "city.osm.pbf")
	r, err := ingest.OpenOSM(path, ingest.OSMOptions{TempDir: t.TempDir()})
	if err != nil {
		t.Fatalf("storetest: %v", err)
	}
	defer r.Close()
	if _, err := db.ImportOSM(ctx, r, store.OSMImportOptions{File: filepath.Base(path), Actor: "storetest"}); err != nil {
		t.Fatalf("storetest: import the demo city's OpenStreetMap file: %v", err)
	}
	return city
}

// WriteOSM writes city as an OpenStreetMap file of the format its name says (.osm, .osm.pbf)
// in a folder removed when the test ends, and returns its path.
func WriteOSM(t testing.TB, city *demo.City, name string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	format, err := osmwrite.FormatFor(name)
	if err != nil {
		t.Fatal(err)
	}
	w, err := osmwrite.New(f, format, city.OSMBounds())
	if err != nil {
		t.Fatal(err)
	}
	if err := city.WriteOSM(w); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}
