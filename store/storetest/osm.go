package storetest

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

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

// Landmark is a named place (a row of pois) as the tables hold it: what it is, its point, and
// the wards, new and old, at that point.
type Landmark struct {
	ID                         int64
	Name, Category, Class      string
	Lon, Lat                   float64
	Ward, OldWard, OldDistrict store.UnitRef
}

// ReadLandmark reads the named place called name from the database of pool: Chợ Bến Thành,
// a market, is one that LoadDemoOSM imports.
func ReadLandmark(t testing.TB, pool *pgxpool.Pool, name string) Landmark {
	t.Helper()
	l := Landmark{Name: name}
	if err := pool.QueryRow(context.Background(), `
SELECT p.id, p.category, p.class, ST_X(p.geom), ST_Y(p.geom), w.code, w.name, ow.code, ow.name, od.code, od.name
FROM pois p
JOIN admin_units w ON w.level = 'ward' AND w.valid_to IS NULL AND ST_Intersects(w.geom, p.geom)
JOIN admin_units ow ON ow.level = 'ward' AND ow.valid_to = DATE '`+store.ReformDate+`' AND ST_Intersects(ow.geom, p.geom)
JOIN admin_units od ON od.level = 'district' AND od.code = ow.parent_code AND od.valid_to = ow.valid_to
WHERE p.name = $1
ORDER BY p.id, w.code, ow.code LIMIT 1`, name).Scan(&l.ID, &l.Category, &l.Class, &l.Lon, &l.Lat, &l.Ward.Code, &l.Ward.Name,
		&l.OldWard.Code, &l.OldWard.Name, &l.OldDistrict.Code, &l.OldDistrict.Name); err != nil {
		t.Fatalf("storetest: landmark %s: %v", name, err)
	}
	return l
}
