package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5"

	"bandoso/demo"
	"bandoso/store"
	"bandoso/store/storetest"
)

// loadSmall loads the small demo city into a fresh database and returns a connection to it.
func loadSmall(t *testing.T, seed uint64) (*store.DB, *pgx.Conn) {
	t.Helper()
	return loadCity(t, seed, demo.SizeSmall)
}

// loadCity loads a demo city of size parcels into a fresh database and returns a connection to it.
func loadCity(t *testing.T, seed uint64, size int) (*store.DB, *pgx.Conn) {
	t.Helper()
	ctx := context.Background()
	url := storetest.NewURL(t)
	db, err := store.Open(ctx, url, store.Options{MaxConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	storetest.LoadDemo(t, db, seed, size)
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return db, conn
}

// Each query counts rows that break a rule of the demo city; all must count zero.
var demoSoundness = []struct{ name, sql string }{
	{"parcels do not overlap", `SELECT count(*) FROM parcels a JOIN parcels b ON a.geom && b.geom AND a.id < b.id
		WHERE ST_Intersects(a.geom, b.geom) AND ST_Area(ST_Intersection(a.geom, b.geom)::geography) > 0.5`},
	{"parcels lie in their cadastral ward", `SELECT count(*) FROM parcels p WHERE NOT EXISTS (SELECT 1 FROM admin_units w
		WHERE w.level = 'ward' AND w.valid_to = DATE '2025-07-01' AND w.code = p.ward_code AND ST_Within(p.geom, w.geom))`},
	{"parcels lie in a current ward", `SELECT count(*) FROM parcels p WHERE NOT EXISTS (SELECT 1 FROM admin_units w
		WHERE w.level = 'ward' AND w.valid_to IS NULL AND ST_Within(p.geom, w.geom))`},
	{"addresses lie in their new ward", `SELECT count(*) FROM addresses a WHERE NOT EXISTS (SELECT 1 FROM admin_units w
		WHERE w.level = 'ward' AND w.valid_to IS NULL AND w.code = a.ward_code AND ST_Within(a.geom, w.geom))`},
	{"addresses lie in their old ward", `SELECT count(*) FROM addresses a WHERE NOT EXISTS (SELECT 1 FROM admin_units w
		WHERE w.level = 'ward' AND w.valid_to = DATE '2025-07-01' AND w.code = a.old_ward_code AND ST_Within(a.geom, w.geom))`},
	{"addresses lie in their parcel", `SELECT count(*) FROM addresses a LEFT JOIN parcels p ON p.id = a.parcel_id
		WHERE p.id IS NULL OR NOT ST_Within(a.geom, p.geom)`},
	{"addresses are on named streets", `SELECT count(*) FROM addresses a LEFT JOIN streets s ON s.id = a.street_id
		WHERE s.id IS NULL OR s.kind <> 'street'`},
	{"alleys hang off existing streets", `SELECT count(*) FROM streets a LEFT JOIN streets p ON p.id = a.parent_id
		WHERE a.kind = 'alley' AND p.id IS NULL`},
	{"address codes are unique", `SELECT count(*) - count(DISTINCT code) FROM addresses`},
	{"parcel keys are unique", `SELECT count(*) - count(DISTINCT (ward_code, sheet_no, parcel_no)) FROM parcels`},
	{"geometries are valid", `SELECT (SELECT count(*) FROM parcels WHERE NOT ST_IsValid(geom))
		+ (SELECT count(*) FROM admin_units WHERE NOT ST_IsValid(geom))
		+ (SELECT count(*) FROM streets WHERE NOT ST_IsValid(geom))
		+ (SELECT count(*) FROM planning_zones WHERE NOT ST_IsValid(geom))
		+ (SELECT count(*) FROM plans WHERE NOT ST_IsValid(geom))`},
	{"every placed unit is an official one", `SELECT count(*) FROM admin_units WHERE geom IS NOT NULL AND source IS DISTINCT FROM 'nso-2025'`},
	{"every placed old ward has official successors", `SELECT count(*) FROM admin_units o
		WHERE o.level = 'ward' AND o.valid_to = DATE '2025-07-01' AND o.geom IS NOT NULL
		AND NOT EXISTS (SELECT 1 FROM admin_succession s WHERE s.old_unit_id = o.id AND s.source = 'nso-2025')`},
	{"no relation but the table's", `SELECT count(*) FROM admin_succession WHERE source IS DISTINCT FROM 'nso-2025'`},
	{"some placed old wards were split", `SELECT CASE WHEN EXISTS (SELECT 1 FROM admin_succession s JOIN admin_units o ON o.id = s.old_unit_id
		WHERE s.kind = 'part' AND o.geom IS NOT NULL) THEN 0 ELSE 1 END`},
	{"outlines only where the city is", `SELECT count(*) FROM admin_units WHERE geom IS NOT NULL AND code IN ('01', '74', '77')`},
	{"layers are marked synthetic", `SELECT count(*) FROM layers WHERE NOT synthetic AND table_name NOT IN ('osm_lines', 'osm_areas', 'pois')`},
}

func TestDemoLoadSound(t *testing.T) {
	db, conn := loadSmall(t, 1)
	ctx := context.Background()
	for _, c := range demoSoundness {
		t.Run(c.name, func(t *testing.T) {
			var n int64
			if err := conn.QueryRow(ctx, c.sql).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n != 0 {
				t.Errorf("%d rows break the rule", n)
			}
		})
	}
	t.Run("recorded in dataset_info", func(t *testing.T) {
		info, err := db.DemoLoaded(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if info.Seed != 1 || info.Size != demo.SizeSmall || info.Version != demo.GeneratorVersion || info.Parcels == 0 {
			t.Errorf("dataset_info: %+v", info)
		}
	})
	t.Run("sequences moved past the loaded ids", func(t *testing.T) {
		_, err := conn.Exec(ctx, `INSERT INTO plans (name, decision_no, decision_date, approved_by, scale, geom)
			SELECT 'x', '1/QĐ-UBND', DATE '2024-01-01', 'x', 500, geom FROM plans LIMIT 1`)
		if err != nil {
			t.Fatal(err)
		}
	})
	t.Run("ErrNotSynthetic", func(t *testing.T) {
		if _, err := conn.Exec(ctx, `UPDATE layers SET synthetic = false WHERE name = 'parcels'`); err != nil {
			t.Fatal(err)
		}
		city, _ := demo.New(2, 500)
		if _, err := db.LoadDemo(ctx, city, store.DemoLoadOptions{}); !errors.Is(err, store.ErrNotSynthetic) {
			t.Errorf("LoadDemo over real parcels: %v, want ErrNotSynthetic", err)
		}
	})
}

// tableDigests are md5 sums of every demo table's rows in id order.
const sqlTableDigests = `SELECT
	(SELECT md5(string_agg(p::text, '|' ORDER BY id)) FROM (SELECT id, ward_code, sheet_no, parcel_no, land_use, area_m2, ST_AsEWKB(geom) FROM parcels) p),
	(SELECT md5(string_agg(a::text, '|' ORDER BY id)) FROM (SELECT id, code, house_number, street_id, ward_code, old_ward_code, parcel_id, ST_AsEWKB(geom) FROM addresses) a),
	(SELECT md5(string_agg(s::text, '|' ORDER BY id)) FROM (SELECT id, name, kind, parent_id, alley_no, ST_AsEWKB(geom) FROM streets) s),
	(SELECT md5(string_agg(u::text, '|' ORDER BY id)) FROM (SELECT id, code, name, level, parent_code, ST_AsEWKB(geom) FROM admin_units) u)`

func TestDemoLoadDeterministic(t *testing.T) {
	ctx := context.Background()
	digests := func(conn *pgx.Conn) [4]string {
		var d [4]string
		if err := conn.QueryRow(ctx, sqlTableDigests).Scan(&d[0], &d[1], &d[2], &d[3]); err != nil {
			t.Fatal(err)
		}
		return d
	}
	_, a := loadSmall(t, 1)
	_, b := loadSmall(t, 1)
	_, c := loadSmall(t, 2)
	da, db, dc := digests(a), digests(b), digests(c)
	if da != db {
		t.Errorf("seed 1 loaded twice differs: %v vs %v", da, db)
	}
	for i := range da {
		if da[i] == dc[i] {
			t.Errorf("table %d is the same for seeds 1 and 2", i)
		}
	}
}
