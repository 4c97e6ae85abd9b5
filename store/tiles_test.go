package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"bandoso/geo"
	"bandoso/internal/testwait"
	"bandoso/store"
	"bandoso/store/storetest"
)

// TestTileQueriesUseGeometryIndex plans every catalog layer's tile statement at a low, a
// middle and a high zoom of its range, over the city, and requires the geometry's GiST index:
// a tile statement that scans a whole table is fast on the demo city and hopeless on a real one.
func TestTileQueriesUseGeometryIndex(t *testing.T) {
	ctx := context.Background()
	db, conn := loadCity(t, 1, 3000)
	// The demo city has a handful of wards and plans, which a sequential read rightly beats;
	// the country has thousands. Pad those tables to that size with units far from the city.
	if _, err := conn.Exec(ctx, sqlPadNational); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, "ANALYZE"); err != nil {
		t.Fatal(err)
	}
	centre, layers := cityLayers(t, db, conn)
	for _, l := range layers {
		for _, src := range zoomSources(l) {
			for _, z := range src.zooms {
				t.Run(fmt.Sprintf("%s/z%d", l.Name, z), func(t *testing.T) {
					tile := maptile.At(centre, maptile.Zoom(z))
					var rows float64
					if err := conn.QueryRow(ctx, "SELECT reltuples FROM pg_class WHERE relname = $1", src.Table).Scan(&rows); err != nil {
						t.Fatal(err)
					}
					var plan []byte
					err := conn.QueryRow(ctx, "EXPLAIN (FORMAT JSON) "+store.NewTileQuery(l.Name, src.TileSource).SQL(),
						int(tile.Z), int(tile.X), int(tile.Y)).Scan(&plan)
					if err != nil {
						t.Fatal(err)
					}
					var doc []struct{ Plan planNode }
					if err := json.Unmarshal(plan, &doc); err != nil {
						t.Fatal(err)
					}
					var index string
					if err := conn.QueryRow(ctx, `SELECT i.relname FROM pg_index x
						JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class c ON c.oid = x.indrelid
						JOIN pg_am am ON am.oid = i.relam JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = x.indkey[0]
						WHERE c.relname = $1 AND a.attname = $2 AND am.amname = 'gist'`, src.Table, src.GeomColumn).Scan(&index); err != nil {
						t.Fatalf("gist index on %s.%s: %v", src.Table, src.GeomColumn, err)
					}
					if !doc[0].Plan.uses(index) {
						t.Errorf("plan does not scan index %s (table of %.0f rows):\n%s", index, rows, plan)
					}
				})
			}
		}
	}
}

// zoomSource is a source of a layer with the zooms of its range worth planning.
type zoomSource struct {
	store.TileSource
	zooms []int
}

// zoomSources groups the layer's zooms by the source drawing them and picks the lowest,
// middle and highest of each group. Zooms below 12 are left out where the group has others:
// at zoom 10 or 11 one tile holds all the demo's streets, and reading the table is right.
func zoomSources(l store.LayerRow) []zoomSource {
	var out []zoomSource
	var all [][]int
	for z := l.MinZoom; z <= l.MaxZoom; z++ {
		i := len(l.Bands)
		for j, b := range l.Bands {
			if b.Covers(z) {
				i = j
				break
			}
		}
		for len(all) <= len(l.Bands) {
			all = append(all, nil)
		}
		all[i] = append(all[i], z)
	}
	for i, zs := range all {
		if len(zs) == 0 {
			continue
		}
		if k := slices.IndexFunc(zs, func(z int) bool { return z >= 12 }); k > 0 {
			zs = zs[k:]
		}
		src := l.Tiles
		if i < len(l.Bands) {
			src = l.Bands[i]
		}
		out = append(out, zoomSource{src, slices.Compact([]int{zs[0], zs[len(zs)/2], zs[len(zs)-1]})})
	}
	return out
}

// sqlPadNational adds 3,000 current and 3,000 former wards, a parcel in each former ward,
// 2,000 plans with a zone each and 2,000 road boundaries, and the basemap's lines, areas and places, on a grid
// in the north of the country, far from the demo city.
const sqlPadNational = `
INSERT INTO admin_units (code, name, level, kind, parent_code, valid_from, valid_to, geom)
SELECT lpad((90000 + i)::text, 5, '0'), 'Phường ' || i, 'ward', 'phường', '01',
	CASE WHEN i % 2 = 0 THEN DATE '2025-07-01' ELSE DATE '2000-01-01' END,
	CASE WHEN i % 2 = 0 THEN NULL ELSE DATE '2025-07-01' END,
	ST_Multi(ST_MakeEnvelope(103 + (i % 80) * 0.05, 20 + (i / 80) * 0.05, 103.04 + (i % 80) * 0.05, 20.04 + (i / 80) * 0.05, 4326))
FROM generate_series(1, 6000) i;
INSERT INTO plans (name, decision_no, decision_date, approved_by, scale, geom)
SELECT 'Quy hoạch ' || i, i || '/QĐ-UBND', DATE '2020-01-01', 'UBND', 2000,
	ST_Multi(ST_MakeEnvelope(103 + (i % 50) * 0.05, 20 + (i / 50) * 0.05, 103.04 + (i % 50) * 0.05, 20.04 + (i / 50) * 0.05, 4326))
FROM generate_series(1, 2000) i;
INSERT INTO planning_zones (plan_id, zone_code, land_use, function_name, geom)
SELECT id, 'A', 'ODT', 'Đất ở', geom FROM plans WHERE name ~ '^Quy hoạch [0-9]+$';
INSERT INTO parcels (ward_code, sheet_no, parcel_no, land_use, area_m2, geom)
SELECT code, 1, 1, 'ODT', 100, ST_Multi(ST_Buffer(ST_PointOnSurface(geom), 0.0001, 1))
FROM admin_units WHERE code >= '90000' AND valid_to IS NOT NULL;
INSERT INTO road_boundaries (street_name, width_m, geom)
SELECT 'Đường ' || i, 20, ST_Multi(ST_MakeLine(ST_Point(103 + (i % 50) * 0.05, 20 + (i / 50) * 0.05, 4326),
	ST_Point(103.04 + (i % 50) * 0.05, 20 + (i / 50) * 0.05, 4326)))
FROM generate_series(1, 2000) i;
INSERT INTO osm_lines (osm_id, kind, class, name, tags, geom)
SELECT 'w' || i, (ARRAY['road', 'railway', 'waterway'])[1 + i % 3], (ARRAY['primary', 'residential', 'service'])[1 + i % 3], NULL, '{}',
	ST_Multi(ST_MakeLine(ST_Point(103 + (i % 80) * 0.05, 20 + (i / 80) * 0.05, 4326), ST_Point(103.04 + (i % 80) * 0.05, 20 + (i / 80) * 0.05, 4326)))
FROM generate_series(1, 6000) i;
INSERT INTO osm_areas (osm_id, kind, class, name, tags, geom)
SELECT 'w' || i, (ARRAY['water', 'park', 'landuse', 'building'])[1 + i % 4], 'yes', NULL, '{}',
	ST_Multi(ST_MakeEnvelope(103 + (i % 80) * 0.05, 20 + (i / 80) * 0.05, 103.04 + (i % 80) * 0.05, 20.04 + (i / 80) * 0.05, 4326))
FROM generate_series(1, 8000) i;
INSERT INTO pois (osm_id, category, class, name, geom)
SELECT 'n' || i, 'amenity', 'cafe', 'Quán ' || i, ST_Point(103 + (i % 80) * 0.05, 20 + (i / 80) * 0.05, 4326)
FROM generate_series(1, 3000) i;
SELECT refresh_tile_tables()`

// planNode is the part of an EXPLAIN (FORMAT JSON) plan that tells which index a node scans.
type planNode struct {
	NodeType  string     `json:"Node Type"`
	IndexName string     `json:"Index Name"`
	Plans     []planNode `json:"Plans"`
}

func (n planNode) uses(index string) bool {
	if (n.NodeType == "Index Scan" || n.NodeType == "Bitmap Index Scan" || n.NodeType == "Index Only Scan") && n.IndexName == index {
		return true
	}
	for _, c := range n.Plans {
		if c.uses(index) {
			return true
		}
	}
	return false
}

// cityLayers returns the centre of the city's parcels and the catalog's tile layers.
func cityLayers(t *testing.T, db *store.DB, conn *pgx.Conn) (orb.Point, []store.LayerRow) {
	t.Helper()
	ctx := context.Background()
	var centre orb.Point
	if err := conn.QueryRow(ctx, `SELECT ST_X(c), ST_Y(c) FROM (SELECT ST_Centroid(ST_Collect(geom)) c FROM parcels) s`).
		Scan(&centre[0], &centre[1]); err != nil {
		t.Fatal(err)
	}
	layers, err := db.TileLayers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(layers) == 0 {
		t.Fatal("no layers in the catalog")
	}
	return centre, layers
}

// TestTileSession checks how Tile runs its statements: parallel query off, a failure rolled
// back, and stopped, on the server as well, as soon as the caller's context is cancelled.
func TestTileSession(t *testing.T) {
	db := storetest.New(t)
	ctx := context.Background()
	setting := store.RawTileQuery(`SELECT convert_to(current_setting('max_parallel_workers_per_gather')
		|| '/' || $1::int || '/' || $2::int || '/' || $3::int, 'UTF8')`)
	out, _, err := db.Tile(ctx, []store.TileQuery{setting, setting}, geo.NewTile(3, 2, 1))
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range out {
		if string(b) != "0/3/2/1" {
			t.Errorf("statement saw %q, want max_parallel_workers_per_gather 0 and z/x/y 3/2/1", b)
		}
	}
	// Outside Tile the pool keeps the server's setting.
	var other string
	if err := db.Pool().QueryRow(ctx, "SHOW max_parallel_workers_per_gather").Scan(&other); err != nil || other == "0" {
		t.Errorf("pool setting %q, %v: SET LOCAL leaked out of the tile's transaction", other, err)
	}

	// A statement that fails fails the tile, and its transaction is rolled back on the
	// connection, which the pool then keeps: the next tile makes no new connection.
	failing := store.RawTileQuery(`SELECT convert_to((1 / ($1::int - 3))::text || $2::int || $3::int, 'UTF8')`)
	if _, _, err := db.Tile(ctx, []store.TileQuery{setting, failing}, geo.NewTile(3, 2, 1)); err == nil {
		t.Error("a tile whose statement divides by zero: no error")
	}
	conns := db.Stats().NewConnsCount()
	if _, _, err := db.Tile(ctx, []store.TileQuery{setting}, geo.NewTile(3, 2, 1)); err != nil {
		t.Fatal(err)
	}
	if n := db.Stats().NewConnsCount() - conns; n != 0 {
		t.Errorf("the tile after a failed one opened %d connections: the failed one's was dropped", n)
	}

	// Long beyond the waits below: a statement that outlived them would still be sleeping.
	slow := store.RawTileQuery(`SELECT convert_to(pg_sleep(600)::text || $1::int || $2::int || $3::int, 'UTF8')`)
	cctx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, _, err = db.Tile(cctx, []store.TileQuery{slow}, geo.NewTile(0, 0, 0))
	if err == nil || time.Since(start) > testwait.Patience {
		t.Errorf("cancelled tile: %v after %s, want an error as soon as it is cancelled", err, time.Since(start))
	}
	// The statement stops on the server too, not only in the client.
	deadline := time.Now().Add(testwait.Patience)
	for {
		var running int
		if err := db.Pool().QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity
			WHERE state = 'active' AND query LIKE '%pg_sleep(600)%' AND pid <> pg_backend_pid()`).Scan(&running); err != nil {
			t.Fatal(err)
		}
		if running == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the cancelled tile's statement still runs on the server %s later", time.Since(start))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestTileDrawsEachRowOnce checks the shape of the tile statements: the service's sends the
// rows without drawing them; PostGIS's, which tests and benchmarks compare with, has
// ST_AsMVTGeom once in its plan (the filter on its result is not pushed down into the scan,
// where it would run a second time); and a tile whose rows all clip away has no layer at all,
// not a layer without features.
func TestTileDrawsEachRowOnce(t *testing.T) {
	db := storetest.New(t)
	ctx := context.Background()
	// A square of a metre at the centre of the world, which vanishes at zoom 0 (a tile pixel
	// is ten kilometres there), and one of a thousand kilometres, which does not.
	if _, err := db.Pool().Exec(ctx, `CREATE TABLE blobs (id int PRIMARY KEY, geom geometry(Polygon, 3857));
		INSERT INTO blobs VALUES (1, ST_MakeEnvelope(0, 0, 1, 1, 3857)), (2, ST_MakeEnvelope(0, 0, 1e6, 1e6, 3857))`); err != nil {
		t.Fatal(err)
	}
	q := store.NewTileQuery("blobs", store.TileSource{Table: "blobs", GeomColumn: "geom", SRID: 3857,
		IDColumn: "id", Filters: []string{"t.id = $1 + 1"}, GeometryType: "Polygon"})
	world := geo.NewTile(0, 0, 0)
	var plan string
	if err := db.Pool().QueryRow(ctx, "EXPLAIN (VERBOSE, FORMAT JSON) "+q.MVTSQL(), 0, 0, 0).Scan(&plan); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(strings.ToLower(plan), "st_asmvtgeom("); n != 1 {
		t.Errorf("ST_AsMVTGeom appears %d times in the plan of PostGIS's drawing, want once:\n%s", n, plan)
	}
	// The service's own statement draws nothing: the rows' geometries go out as they are.
	if sql := strings.ToLower(q.SQL()); strings.Contains(sql, "st_asmvt") {
		t.Errorf("the tile statement draws in the database:\n%s", q.SQL())
	}
	// $1 + 1 picks the row: zoom 0 the vanishing square, zoom 1 (its own tile) the large one.
	out, _, err := db.Tile(ctx, []store.TileQuery{q}, world)
	if err != nil {
		t.Fatal(err)
	}
	if len(out[0]) != 0 {
		t.Errorf("tile of a row that clips away: %d bytes, want none (no layer)", len(out[0]))
	}
	out, _, err = db.Tile(ctx, []store.TileQuery{q}, geo.NewTile(1, 1, 0))
	if err != nil {
		t.Fatal(err)
	}
	if len(out[0]) == 0 {
		t.Error("tile of a drawn row: no bytes")
	}
}
