package store_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"

	"bandoso/address"
	"bandoso/demo"
	"bandoso/ingest"
	"bandoso/osmwrite"
	"bandoso/store"
	"bandoso/store/storetest"
)

// osmDemoSize is the demo city the OpenStreetMap tests export and import again.
const osmDemoSize = 2000

// osmCity is a database holding the demo city's administrative units and parcels but none
// of its streets and addresses, and the city itself: an OpenStreetMap export of it is to
// bring those back.
func osmCity(t *testing.T) (*store.DB, *demo.City) {
	t.Helper()
	db := storetest.New(t)
	storetest.LoadDemo(t, db, 1, osmDemoSize)
	if _, err := db.Pool().Exec(context.Background(), `
DELETE FROM addresses; UPDATE road_boundaries SET street_id = NULL; DELETE FROM streets`); err != nil {
		t.Fatal(err)
	}
	city, err := demo.New(1, osmDemoSize)
	if err != nil {
		t.Fatal(err)
	}
	return db, city
}

// writeOSM writes the city as an OpenStreetMap file of the format its name says.
func writeOSM(t *testing.T, city *demo.City, name string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
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

func importOSM(t *testing.T, db *store.DB, path string, opt ingest.OSMOptions) store.OSMReport {
	t.Helper()
	r, err := ingest.OpenOSM(path, opt)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	rep, err := db.ImportOSM(context.Background(), r, store.OSMImportOptions{File: filepath.Base(path), Actor: "test"})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// TestOSMRoundTrip: the demo city written as OpenStreetMap data the way real OSM looks
// (streets split into many ways, Ð for Đ, "Đường" before some addr:street, house numbers in
// every form, addresses on buildings, unnamed service roads) comes back: every street as one
// street per name per ward along the demo's line, every address on its street with its
// number at its point (or in its lot's building), every building; a second import of the
// same extract changes nothing.
func TestOSMRoundTrip(t *testing.T) {
	db, city := osmCity(t)
	ctx := context.Background()
	path := writeOSM(t, city, "city.osm.pbf")
	rep := importOSM(t, db, path, ingest.OSMOptions{})
	if rep.Streets.Inserted == 0 || rep.Addresses.Inserted == 0 || rep.Areas.Inserted == 0 || rep.POIs.Inserted == 0 {
		t.Fatalf("report: %+v", rep)
	}
	t.Logf("report: lines %+v areas %+v pois %+v streets %+v addresses %+v skipped %d %v",
		rep.Lines, rep.Areas, rep.POIs, rep.Streets, rep.Addresses, rep.Skipped, rep.ProblemCounts)

	t.Run("streets", func(t *testing.T) {
		named := city.Streets()
		if err := city.Blocks(func(b *demo.Block) error { named = append(named, b.Alleys...); return nil }); err != nil {
			t.Fatal(err)
		}
		for _, s := range named {
			var rows, wards int
			var offM float64
			var names []string
			// every imported street of the name, together, runs along the demo's line: the
			// Hausdorff distance between them, in metres, is under a metre
			err := db.Pool().QueryRow(ctx, `
SELECT count(*), count(DISTINCT ward_code), array_agg(DISTINCT name),
	coalesce(ST_HausdorffDistance(ST_Transform(ST_Union(geom), 32648), ST_Transform(ST_GeomFromEWKT($2), 32648)), 1e9)
FROM streets WHERE source = 'osm' AND name_key = $1`, address.StreetKey(s.Name), ewkt(s.Geom)).Scan(&rows, &wards, &names, &offM)
			if err != nil {
				t.Fatal(err)
			}
			if rows == 0 || rows != wards || offM > 1 || len(names) != 1 || names[0] != s.Name {
				t.Errorf("%s: %d streets in %d wards named %q, %.2f m from the demo's line", s.Name, rows, wards, names, offM)
			}
			if s.Kind == "alley" {
				var kind, no string
				if err := db.Pool().QueryRow(ctx, `SELECT kind, coalesce(alley_no, '') FROM streets WHERE source = 'osm' AND name_key = $1 LIMIT 1`,
					address.StreetKey(s.Name)).Scan(&kind, &no); err != nil || kind != "alley" || no != s.AlleyNo {
					t.Errorf("%s: kind %s alley %q (%v), want an alley %s", s.Name, kind, no, err, s.AlleyNo)
				}
			}
		}
		var unnamed int
		if err := db.Pool().QueryRow(ctx, `SELECT count(*) FROM osm_lines WHERE kind = 'road' AND name IS NULL`).Scan(&unnamed); err != nil || unnamed == 0 {
			t.Errorf("unnamed service roads in the roads layer: %d (%v)", unnamed, err)
		}
	})

	t.Run("addresses", func(t *testing.T) {
		missing, seen := 0, 0
		err := city.Blocks(func(b *demo.Block) error {
			how := city.OSMAddresses(b)
			for i, a := range b.Addresses {
				seen++
				var offM float64
				var inLot bool
				err := db.Pool().QueryRow(ctx, `
SELECT ST_Distance(a.geom::geography, ST_SetSRID(ST_MakePoint($3, $4), 4326)::geography),
	EXISTS (SELECT 1 FROM parcels p WHERE p.id = $5 AND ST_Covers(p.geom, a.geom))
FROM addresses a JOIN streets s ON s.id = a.street_id
WHERE s.name_key = $1 AND a.number_norm = $2`, address.StreetKey(city.StreetName(a.StreetID)), address.NormHouseNumber(a.HouseNumber),
					a.Geom[0], a.Geom[1], a.ParcelID).Scan(&offM, &inLot)
				switch {
				case err != nil:
					missing++
					if missing <= 10 {
						t.Errorf("address %s %s: %v", a.HouseNumber, city.StreetName(a.StreetID), err)
					}
				case how[i].OnBuilding && !inLot, !how[i].OnBuilding && offM > 0.01:
					t.Errorf("address %s %s is %.3f m from the demo's point (on its building: %v, in its lot: %v)",
						a.HouseNumber, city.StreetName(a.StreetID), offM, how[i].OnBuilding, inLot)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if missing > 0 {
			t.Errorf("%d of %d demo addresses did not come back", missing, seen)
		}
		for _, x := range city.OSMExtraAddresses() {
			var n int
			if err := db.Pool().QueryRow(ctx, `SELECT count(*) FROM addresses a JOIN streets s ON s.id = a.street_id
				WHERE a.house_number = $1 AND s.name_key = $2`, x.HouseNumber, address.StreetKey(x.Street)).Scan(&n); err != nil || n != 1 {
				t.Errorf("extra address %q on %s: %d rows (%v)", x.HouseNumber, x.Street, n, err)
			}
		}
	})

	t.Run("buildings and places", func(t *testing.T) {
		var lots, buildings, named int
		if err := db.Pool().QueryRow(ctx, `SELECT
			(SELECT count(*) FROM parcels WHERE land_use IN ('ODT', 'ONT', 'TMD', 'SKC', 'TSC', 'DGD', 'DYT', 'DVH', 'TON')),
			(SELECT count(*) FROM osm_areas WHERE kind = 'building'),
			(SELECT count(*) FROM osm_areas b JOIN parcels p ON ST_Equals(ST_SnapToGrid(b.geom, 1e-7), ST_SnapToGrid(p.geom, 1e-7)) WHERE b.kind = 'building')`).Scan(&lots, &buildings, &named); err != nil {
			t.Fatal(err)
		}
		if buildings != lots || named != lots {
			t.Errorf("%d lots with a building, %d buildings imported, %d of them on their lot", lots, buildings, named)
		}
		kinds := map[string]int{}
		rows, _ := db.Pool().Query(ctx, `SELECT kind, count(*) FROM osm_areas GROUP BY kind UNION ALL SELECT kind, count(*) FROM osm_lines GROUP BY kind`)
		for rows.Next() {
			var k string
			var n int
			if err := rows.Scan(&k, &n); err != nil {
				t.Fatal(err)
			}
			kinds[k] = n
		}
		for _, k := range []string{"water", "park", "landuse", "building", "road", "railway", "waterway"} {
			if kinds[k] == 0 {
				t.Errorf("no %s imported: %v", k, kinds)
			}
		}
		var market int
		if err := db.Pool().QueryRow(ctx, `SELECT count(*) FROM pois WHERE name = 'Chợ Bến Thành' AND class = 'marketplace'`).Scan(&market); err != nil || market != 1 {
			t.Errorf("Chợ Bến Thành: %d (%v)", market, err)
		}
		var licence string
		if err := db.Pool().QueryRow(ctx, `SELECT licence FROM layers WHERE name = 'buildings'`).Scan(&licence); err != nil || licence != store.OSMLicence {
			t.Errorf("buildings' licence %q (%v)", licence, err)
		}
	})

	t.Run("again", func(t *testing.T) {
		again := importOSM(t, db, path, ingest.OSMOptions{})
		for name, c := range map[string]store.OSMCounts{"lines": again.Lines, "areas": again.Areas, "pois": again.POIs, "streets": again.Streets, "addresses": again.Addresses} {
			if c.Inserted+c.Updated+c.Deleted != 0 || c.Unchanged == 0 {
				t.Errorf("%s on the second import: %+v", name, c)
			}
		}
	})
}

// ewkt is a geometry as EWKT in WGS84.
func ewkt(g orb.Geometry) string { return "SRID=4326;" + wkt.MarshalString(g) }
