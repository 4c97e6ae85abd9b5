package api_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"

	"bandoso/api"
	"bandoso/archive"
	"bandoso/catalog"
	"bandoso/internal/testlog"
	"bandoso/live"
	"bandoso/store"
	"bandoso/store/storetest"
	"bandoso/tiles"
	"bandoso/web"
)

// tileEnv is one demo city served over HTTP, shared by the subtests of TestTiles.
type tileEnv struct {
	url string
	// proxied serves the same city to a peer it trusts as a proxy (httptest's 127.0.0.1).
	proxied string
	handler http.Handler  // the router, for tests that walk its routes
	pool    *pgxpool.Pool // ground truth, read apart from the service
	db      *store.DB     // the service's own, for setting up keys
	tiles   *tiles.Service
	changes *live.Hub // nil without withLiveTiles
	// centre is the centroid of the parcels, inside the city.
	centre orb.Point
	// archives is the folder of tile archives served at /tiles/archive, empty at first.
	archives string
}

// tileClient never asks for gzip by itself, so each test chooses Accept-Encoding.
var tileClient = &http.Client{Transport: &http.Transport{DisableCompression: true}}

func newTileEnv(t *testing.T) tileEnv {
	t.Helper()
	return newCityEnv(t, 3000)
}

// newCityEnv serves a demo city of about parcels parcels (12,000 has two new wards). Each
// configure func may change the server before it starts (see withLiveTiles).
func newCityEnv(t *testing.T, parcels int, configure ...func(*api.Server)) tileEnv {
	t.Helper()
	url := storetest.NewURL(t)
	db := openStore(t, url)
	storetest.LoadDemo(t, db, 1, parcels)
	return serveCity(t, url, db, "parcels", configure...)
}

// newOSMCityEnv serves the demo city of about parcels parcels as a city that imported an
// OpenStreetMap extract has it (storetest.LoadDemoOSM): wards, and the streets, addresses,
// buildings, roads, water and named places of the extract; no parcels or plans. Its centre
// is that of the buildings.
func newOSMCityEnv(t *testing.T, parcels int) tileEnv {
	t.Helper()
	url := storetest.NewURL(t)
	db := openStore(t, url)
	storetest.LoadDemoOSM(t, db, 1, parcels)
	return serveCity(t, url, db, "osm_areas")
}

// serveCity serves the database at url through db; the env's centre is the centroid of the
// rows of table.
func serveCity(t *testing.T, url string, db *store.DB, table string, configure ...func(*api.Server)) tileEnv {
	t.Helper()
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	env := tileEnv{pool: pool, db: db}
	if err := pool.QueryRow(ctx, `SELECT ST_X(c), ST_Y(c) FROM (SELECT ST_Centroid(ST_Collect(geom)) c FROM `+
		pgx.Identifier{table}.Sanitize()+`) s`).Scan(&env.centre[0], &env.centre[1]); err != nil {
		t.Fatal(err)
	}
	logs := &testlog.Buffer{}
	cat := catalog.New(db)
	env.archives = t.TempDir()
	archives, err := archive.OpenDir(env.archives, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { archives.Close() })
	base := configured(api.Server{DB: db, Catalog: cat, Tiles: tiles.New(db, cat, nil), Version: "test", Web: web.Embedded(), Archives: archives,
		Log: slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))},
		append([]func(*api.Server){func(s *api.Server) { s.Config.Tiles.MaxAge = 90 * time.Second }}, configure...)...)
	// The proxied server shares the services; made first, so that the tile service reports
	// its queries to the other's metrics.
	proxied := base
	trustLocalProxy(&proxied)
	pts := httptest.NewServer(api.New(proxied).Handler())
	t.Cleanup(pts.Close)
	s := api.New(base)
	env.proxied = pts.URL
	env.handler = s.Handler()
	ts := httptest.NewServer(env.handler)
	t.Cleanup(ts.Close)
	env.url = ts.URL
	env.tiles, env.changes = s.Tiles, s.Changes
	if err := s.Changes.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	return env
}

// withLiveTiles gives the server a tile cache that follows committed changes, as `bandoso
// serve` runs it.
func withLiveTiles(s *api.Server) {
	s.Tiles = tiles.New(s.DB, s.Catalog, tiles.NewCache(64<<20, time.Hour))
	s.Changes = live.New(s.DB, nil)
	s.Changes.Subscribe(s.Catalog.Apply)
	s.Changes.Subscribe(s.Tiles.Apply)
}

type tileResponse struct {
	status int
	header http.Header
	body   []byte
}

func (e tileEnv) get(t *testing.T, path string, header ...string) tileResponse {
	t.Helper()
	res, body := send(t, http.MethodGet, e.url+path, header...)
	return tileResponse{status: res.StatusCode, header: res.Header, body: body}
}

// behindProxy is the env as its trusted proxy reaches it.
func (e tileEnv) behindProxy() tileEnv {
	e.url = e.proxied
	return e
}

// varies reports whether an answer's Vary names header.
func varies(h http.Header, header string) bool {
	for _, line := range h.Values("Vary") {
		for _, v := range strings.Split(line, ",") {
			if strings.EqualFold(strings.TrimSpace(v), header) {
				return true
			}
		}
	}
	return false
}

func tilePath(layers string, tile maptile.Tile) string {
	return fmt.Sprintf("/tiles/%s/%d/%d/%d.mvt", layers, tile.Z, tile.X, tile.Y)
}

// decode asserts a 200 MVT response and decodes it.
func decode(t *testing.T, r tileResponse) map[string]*mvt.Layer {
	t.Helper()
	if r.status != http.StatusOK {
		t.Fatalf("status %d, want 200; body %q", r.status, r.body)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/vnd.mapbox-vector-tile" {
		t.Errorf("Content-Type %q", ct)
	}
	var layers mvt.Layers
	var err error
	if r.header.Get("Content-Encoding") == "gzip" {
		layers, err = mvt.UnmarshalGzipped(r.body)
	} else {
		layers, err = mvt.Unmarshal(r.body)
	}
	if err != nil {
		t.Fatalf("decode tile: %v", err)
	}
	byName := map[string]*mvt.Layer{}
	for _, l := range layers {
		if byName[l.Name] != nil {
			t.Errorf("layer %q twice in one tile", l.Name)
		}
		byName[l.Name] = l
	}
	return byName
}

// catalogLayer is what the test reads of a layer's catalog row to check its tiles.
type catalogLayer struct {
	table, geom, id, filter string
	fields                  []string
	minZoom, maxZoom        int
}

func (e tileEnv) catalog(t *testing.T, name string) catalogLayer {
	t.Helper()
	var c catalogLayer
	err := e.pool.QueryRow(context.Background(),
		`SELECT table_name, geom_column, id_column, coalesce(row_filter, 'true'), fields, min_zoom, max_zoom FROM layers WHERE name = $1`, name).
		Scan(&c.table, &c.geom, &c.id, &c.filter, &c.fields, &c.minZoom, &c.maxZoom)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// idsMeeting returns the ids of the layer's rows whose interior meets the interior of the
// tile's envelope widened by margin (a fraction of the tile).
func (e tileEnv) idsMeeting(t *testing.T, name string, tile maptile.Tile, margin float64) map[uint64]bool {
	t.Helper()
	c := e.catalog(t, name)
	sql := fmt.Sprintf(`SELECT %s FROM %s WHERE (%s)
		AND ST_Relate(ST_Transform(%s, 3857), ST_TileEnvelope($1, $2, $3, margin => $4), 'T********')`,
		pgx.Identifier{c.id}.Sanitize(), pgx.Identifier{c.table}.Sanitize(), c.filter, pgx.Identifier{c.geom}.Sanitize())
	rows, err := e.pool.Query(context.Background(), sql, int(tile.Z), int(tile.X), int(tile.Y), margin)
	if err != nil {
		t.Fatal(err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		t.Fatal(err)
	}
	set := make(map[uint64]bool, len(ids))
	for _, id := range ids {
		set[uint64(id)] = true
	}
	return set
}

func TestTiles(t *testing.T) {
	e := newTileEnv(t)
	z16 := maptile.At(e.centre, 16)
	z14 := maptile.At(e.centre, 14)

	// A tile holds every row that reaches into the tile proper, and no row that stays outside
	// the tile and its buffer. Between the two, a row whose part in the buffer is thinner than
	// one tile unit collapses on the grid and is rightly dropped; so the count is checked
	// between both bounds, and equals the rows meeting the buffered envelope up to such slivers.
	t.Run("features are the rows meeting the tile", func(t *testing.T) {
		for _, name := range []string{"parcels", "streets", "addresses", "wards", "planning_zones"} {
			l := decode(t, e.get(t, tilePath(name, z16)))[name]
			if l == nil {
				t.Errorf("%s: layer missing", name)
				continue
			}
			inner := e.idsMeeting(t, name, z16, 0)
			outer := e.idsMeeting(t, name, z16, 64.0/4096)
			got := map[uint64]bool{}
			for _, f := range l.Features {
				id, _ := f.ID.(float64)
				got[uint64(id)] = true
				if !outer[uint64(id)] {
					t.Errorf("%s: feature %v lies outside the tile and its buffer", name, f.ID)
				}
			}
			for id := range inner {
				if !got[id] {
					t.Errorf("%s: row %d meets the tile but is not in it", name, id)
				}
			}
			if len(inner) == 0 || len(got) != len(l.Features) || len(got) < len(outer)-len(outer)/100 {
				t.Errorf("%s: %d features (%d ids), %d rows meet the tile, %d the buffered tile",
					name, len(l.Features), len(got), len(inner), len(outer))
			}
		}
	})

	t.Run("attributes are the database's", func(t *testing.T) {
		l := decode(t, e.get(t, tilePath("parcels", z16)))["parcels"]
		if l == nil || len(l.Features) == 0 {
			t.Fatal("no parcels")
		}
		c := e.catalog(t, "parcels")
		exprs := make([]string, len(c.fields))
		for i, f := range c.fields {
			exprs[i] = pgx.Identifier{f}.Sanitize() + "::text"
		}
		sql := fmt.Sprintf(`SELECT ARRAY[%s] FROM parcels WHERE id = $1`, strings.Join(exprs, ", "))
		for _, f := range []int{0, len(l.Features) / 2, len(l.Features) - 1} {
			feat := l.Features[f]
			id, ok := feat.ID.(float64)
			if !ok {
				t.Fatalf("feature id %v (%T) is not a number", feat.ID, feat.ID)
			}
			var want []*string
			if err := e.pool.QueryRow(context.Background(), sql, int64(id)).Scan(&want); err != nil {
				t.Fatalf("parcel %v: %v", id, err)
			}
			if len(feat.Properties) != len(c.fields) {
				t.Errorf("parcel %v has properties %v, want exactly %v", id, feat.Properties, c.fields)
			}
			for i, name := range c.fields {
				got, ok := feat.Properties[name]
				if want[i] == nil {
					if ok {
						t.Errorf("parcel %v: %s = %v, want absent (NULL)", id, name, got)
					}
					continue
				}
				if !sameValue(got, *want[i]) {
					t.Errorf("parcel %v: %s = %v (%T), want %s", id, name, got, got, *want[i])
				}
			}
		}
	})

	t.Run("numeric columns are numbers", func(t *testing.T) {
		l := decode(t, e.get(t, tilePath("parcels", z16)))["parcels"]
		if l == nil || len(l.Features) == 0 {
			t.Fatal("no parcels")
		}
		if v, ok := l.Features[0].Properties["area_m2"].(float64); !ok || v <= 0 {
			t.Errorf("area_m2 = %#v, want a positive number", l.Features[0].Properties["area_m2"])
		}
	})

	t.Run("coordinates lie within the tile and its buffer", func(t *testing.T) {
		l := decode(t, e.get(t, tilePath("parcels", z16)))["parcels"]
		if l == nil || len(l.Features) == 0 {
			t.Fatal("no parcels")
		}
		l.ProjectToWGS84(z16)
		b := z16.Bound()
		pad := (b.Max[0] - b.Min[0]) * 65 / 4096 // the buffer and one unit of rounding
		b = b.Pad(pad)
		inner := 0
		for _, f := range l.Features {
			if !b.Contains(f.Geometry.Bound().Min) || !b.Contains(f.Geometry.Bound().Max) {
				t.Fatalf("feature %v bound %v outside tile %v", f.ID, f.Geometry.Bound(), b)
			}
			if z16.Bound().Contains(f.Geometry.Bound().Center()) {
				inner++
			}
		}
		if inner == 0 {
			t.Error("no feature's centre lies inside the tile proper")
		}
	})

	t.Run("layers outside their zoom range are absent", func(t *testing.T) {
		layers := decode(t, e.get(t, tilePath("parcels,addresses", z14)))
		if layers["parcels"] == nil {
			t.Error("parcels (zoom 14 to 22) missing at zoom 14")
		}
		if layers["addresses"] != nil {
			t.Error("addresses (zoom 16 to 22) present at zoom 14")
		}
		if r := e.get(t, tilePath("parcels", maptile.At(e.centre, 9))); r.status != http.StatusNoContent {
			t.Errorf("parcels at zoom 9: status %d, want 204", r.status)
		}
	})

	t.Run("composite tile holds each layer in order", func(t *testing.T) {
		names := []string{"wards", "streets", "parcels", "addresses", "planning_zones"}
		r := e.get(t, tilePath(strings.Join(names, ","), z16))
		layers, err := mvt.Unmarshal(r.body)
		if err != nil {
			t.Fatal(err)
		}
		if len(layers) != len(names) {
			t.Fatalf("%d layers, want %d", len(layers), len(names))
		}
		for i, l := range layers {
			if l.Name != names[i] || len(l.Features) == 0 || l.Extent != 4096 || l.Version != 2 {
				t.Errorf("layer %d: %s with %d features, extent %d, version %d; want %s, features, 4096, 2",
					i, l.Name, len(l.Features), l.Extent, l.Version, names[i])
			}
		}
	})

	t.Run("empty tile is 204", func(t *testing.T) {
		sea := maptile.At(orb.Point{108.5, 9.0}, 16) // the East Sea, far off the city
		r := e.get(t, tilePath("wards,parcels", sea))
		if r.status != http.StatusNoContent || len(r.body) != 0 {
			t.Errorf("status %d with %d bytes, want 204 and none", r.status, len(r.body))
		}
	})

	t.Run("bad coordinates are 400 naming the parameter", func(t *testing.T) {
		for _, tt := range []struct{ path, param string }{
			{"/tiles/parcels/abc/1/1.mvt", "z"},
			{"/tiles/parcels/25/0/0.mvt", "z"},
			{"/tiles/parcels/-1/0/0.mvt", "z"},
			{"/tiles/parcels/+3/0/0.mvt", "z"},
			{"/tiles/parcels/3/-0/0.mvt", "x"},
			{"/tiles/parcels/3/8/0.mvt", "x"},
			{"/tiles/parcels/3/1.5/0.mvt", "x"},
			{"/tiles/parcels/3/0/8.mvt", "y"},
		} {
			r := do(t, http.MethodGet, e.url+tt.path)
			checkProblem(t, r, http.StatusBadRequest, tt.path)
			errs, _ := r.body["errors"].([]any)
			if len(errs) == 0 || errs[0].(map[string]any)["parameter"] != tt.param {
				t.Errorf("%s: errors %v, want parameter %q", tt.path, r.body["errors"], tt.param)
			}
			if r.header.Get("Access-Control-Allow-Origin") != "*" {
				t.Errorf("%s: no CORS header on the problem", tt.path)
			}
		}
	})

	t.Run("unknown layer is 404 naming it", func(t *testing.T) {
		path := "/tiles/parcels,no_such_layer/16/0/0.mvt"
		r := do(t, http.MethodGet, e.url+path)
		checkProblem(t, r, http.StatusNotFound, path)
		if d, _ := r.body["detail"].(string); !strings.Contains(d, "no_such_layer") {
			t.Errorf("detail %q does not name the layer", d)
		}
	})

	t.Run("gzip, ETag and 304", func(t *testing.T) {
		path := tilePath("parcels", z16)
		plain := e.get(t, path)
		zipped := e.get(t, path, "Accept-Encoding", "br, gzip;q=0.8")
		if plain.header.Get("Content-Encoding") != "" {
			t.Errorf("Content-Encoding %q without Accept-Encoding", plain.header.Get("Content-Encoding"))
		}
		if zipped.header.Get("Content-Encoding") != "gzip" || len(zipped.body) >= len(plain.body) {
			t.Errorf("gzip asked: Content-Encoding %q, %d bytes against %d plain",
				zipped.header.Get("Content-Encoding"), len(zipped.body), len(plain.body))
		}
		if n, m := len(decode(t, zipped)["parcels"].Features), len(decode(t, plain)["parcels"].Features); n != m {
			t.Errorf("gzipped tile has %d parcels, plain %d", n, m)
		}
		if r := e.get(t, path, "Accept-Encoding", "gzip;q=0"); r.header.Get("Content-Encoding") != "" {
			t.Error("gzip;q=0 still gzipped")
		}
		for _, r := range []tileResponse{plain, zipped} {
			if r.header.Get("Vary") != "Accept-Encoding" || r.header.Get("Cache-Control") != "public, max-age=90" ||
				r.header.Get("Access-Control-Allow-Origin") != "*" {
				t.Errorf("headers %v", r.header)
			}
		}
		etag := plain.header.Get("ETag")
		if !strings.HasPrefix(etag, `"`) || etag == zipped.header.Get("ETag") {
			t.Errorf("ETag %q plain, %q gzipped: want strong and different", etag, zipped.header.Get("ETag"))
		}
		// pgx prepares the statement; PostgreSQL may switch to a generic plan after five runs.
		for range 8 {
			if again := e.get(t, path); again.header.Get("ETag") != etag {
				t.Fatalf("ETag changed between requests: %q, %q", etag, again.header.Get("ETag"))
			}
		}
		notMod := e.get(t, path, "If-None-Match", `"other", `+etag)
		if notMod.status != http.StatusNotModified || len(notMod.body) != 0 || notMod.header.Get("ETag") != etag {
			t.Errorf("If-None-Match: status %d, %d bytes, ETag %q; want 304, none, %q",
				notMod.status, len(notMod.body), notMod.header.Get("ETag"), etag)
		}
		zetag := zipped.header.Get("ETag")
		if r := e.get(t, path, "If-None-Match", zetag, "Accept-Encoding", "gzip"); r.status != http.StatusNotModified {
			t.Errorf("gzipped If-None-Match: status %d, want 304", r.status)
		}
		if r := e.get(t, path, "If-None-Match", `"stale"`); r.status != http.StatusOK {
			t.Errorf("stale If-None-Match: status %d, want 200", r.status)
		}
	})
}

// sameValue compares a tile's attribute with the database's text of it: numbers as numbers
// (numeric 100.0 arrives as the float 100), the rest as text.
func sameValue(got any, want string) bool {
	if f, ok := got.(float64); ok {
		w, err := strconv.ParseFloat(want, 64)
		return err == nil && w == f
	}
	return fmt.Sprint(got) == want
}
