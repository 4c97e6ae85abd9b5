package main

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb"

	"bandoso/catalog"
	"bandoso/store"
	"bandoso/store/storetest"
)

// TestBench runs each measurement on a small demo city with a short tile list: the figures
// are sane and the server serves, byte for byte, what the bare statements make.
func TestBench(t *testing.T) {
	ctx := context.Background()
	url := storetest.NewURL(t)
	db, err := store.Open(ctx, url, store.Options{MaxConns: 4})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	storetest.LoadDemo(t, db, 1, 3000)
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	r, err := newReport(ctx, db, pool, Options{Views: 1, Seed: 1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	b := r.b
	b.Rounds = 1
	zooms := map[int]bool{}
	for _, tl := range b.List {
		zooms[int(tl.At.Z)] = true
	}
	if len(zooms) != 9 {
		t.Errorf("the list has zooms %v, want 10 to 18", zooms)
	}

	t.Run("cold: same bytes, sane figures", func(t *testing.T) {
		c, err := b.cold(ctx, 2)
		if err != nil {
			t.Fatal(err)
		}
		if len(c.Mismatches) > 0 {
			t.Errorf("server and bare bytes differ:\n%s", strings.Join(c.Mismatches, "\n"))
		}
		for _, run := range []Run{c.Server, c.BareGzip, c.Bare} {
			if run.Errors > 0 || run.Requests != len(b.List) || run.PerSecond() <= 0 || run.Quantile(0.99) <= 0 || run.Bytes == 0 {
				t.Errorf("%s: %d errors (%v), %d requests, %.1f/s, p99 %v, %d bytes", run.Name, run.Errors, run.FirstErr,
					run.Requests, run.PerSecond(), run.Quantile(0.99), run.Bytes)
			}
		}
		if c.Server.Bytes != c.BareGzip.Bytes {
			t.Errorf("server sent %d gzipped bytes, bare made %d", c.Server.Bytes, c.BareGzip.Bytes)
		}
		if r := medianRatio(c.Server, c.Bare); !(r > 0) {
			t.Errorf("median ratio %v", r)
		}
	})

	t.Run("crowd", func(t *testing.T) {
		run := b.crowd(ctx, 20, 1)
		if run.Errors > 0 || run.PerSecond() <= 0 {
			t.Errorf("%d errors (%v), %.1f/s", run.Errors, run.FirstErr, run.PerSecond())
		}
	})

	t.Run("warm: the cache serves what it was primed with", func(t *testing.T) {
		w, err := b.warm(ctx, 2, 2*len(b.List))
		if err != nil {
			t.Fatal(err)
		}
		if len(w.Mismatches) > 0 {
			t.Error(w.Mismatches)
		}
		if w.Server.Errors+w.Bare.Errors > 0 || w.Server.Bytes != w.Bare.Bytes || w.Server.PerSecond() <= 0 {
			t.Errorf("server %d errors, %d bytes; bare %d errors, %d bytes", w.Server.Errors, w.Server.Bytes, w.Bare.Errors, w.Bare.Bytes)
		}
	})

	t.Run("seed: the seeded zooms of the trace come from the cache", func(t *testing.T) {
		r.o.Seeding = SeedOptions{Views: 2, MinZoom: 12, MaxZoom: 14, TraceMinZoom: 12, TraceMaxZoom: 15, CacheMB: 64, Clients: 2}
		cat := catalog.New(db)
		sources, names, err := viewerSources(ctx, cat)
		if err != nil {
			t.Fatal(err)
		}
		trace := panZoomTrace(r.bounds, sources, 12, 15, 2, 1)
		fresh, seeded, rep, err := r.seedRuns(ctx, cat, trace, names)
		if err != nil {
			t.Fatal(err)
		}
		if fresh.Origins["miss"] != len(trace) || fresh.Errors > 0 {
			t.Errorf("a fresh cache: %v of %d tiles, %d errors (%v); want every one a miss", fresh.Origins, len(trace), fresh.Errors, fresh.FirstErr)
		}
		if rep.Made == 0 || rep.Failed > 0 || seeded.Errors > 0 {
			t.Fatalf("seed %+v, trace %d errors (%v)", rep, seeded.Errors, seeded.FirstErr)
		}
		at15 := 0
		for _, tr := range trace {
			if tr.At.Z == 15 {
				at15++
			}
		}
		if got := seeded.Origins["miss"]; got != at15 || seeded.MissByZoom[15] != at15 {
			t.Errorf("after seeding 12-14: %d misses (%v by zoom), want the %d tiles of zoom 15", got, seeded.MissByZoom, at15)
		}
	})

	t.Run("sizes", func(t *testing.T) {
		stats, err := sizes(ctx, b, r.svc, r.bounds, 15, 16, 3, 2, 1)
		if err != nil {
			t.Fatal(err)
		}
		if len(stats) != 2*(len(sizedLayers)+1) {
			t.Fatalf("%d rows", len(stats))
		}
		for _, s := range stats {
			if s.Layer == "addresses" && s.Z < 16 {
				continue // addresses start at 16
			}
			if s.Tiles != 3 || s.NonEmpty == 0 || s.Max < s.P95 || s.MaxGzip == 0 || !strings.HasPrefix(s.Largest, "/tiles/") {
				t.Errorf("%+v", s)
			}
		}
		// the style tile holds the parcels tile
		for i := 0; i+len(sizedLayers) < len(stats); i += len(sizedLayers) + 1 {
			if style, parcels := stats[i+len(sizedLayers)], stats[i]; style.Max < parcels.Max {
				t.Errorf("z%d: style tile max %d < parcels %d", style.Z, style.Max, parcels.Max)
			}
		}
	})
}

func TestTileLists(t *testing.T) {
	b := orb.Bound{Min: orb.Point{106.63, 10.71}, Max: orb.Point{106.77, 10.85}}
	a, c := viewTiles(b, 10, 18, 13, 8, 1), viewTiles(b, 10, 18, 13, 8, 1)
	if !slices.Equal(a, c) {
		t.Error("the same seed gave two lists")
	}
	if slices.Equal(a, viewTiles(b, 10, 18, 13, 8, 2)) {
		t.Error("another seed gave the same list")
	}
	x0, y0, x1, y1 := tileRange(b, 15)
	for _, p := range a {
		if p.Z < 10 || p.Z > 18 {
			t.Fatalf("zoom %d", p.Z)
		}
		if x, y := int(p.X), int(p.Y); p.Z == 15 && (x < x0-1 || x > x1+1 || y < y0-1 || y > y1+1) {
			t.Errorf("%v is off the bounds %d..%d, %d..%d", p, x0, x1, y0, y1)
		}
	}
	if n := len(allTiles(b, 15)); n != (x1-x0+1)*(y1-y0+1) || len(sampleTiles(b, 15, 10, 1)) != 10 || len(sampleTiles(b, 15, n+5, 1)) != n {
		t.Error("sampleTiles takes all tiles or n")
	}
	if got := nearestRank([]int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 0.95); got != 10 {
		t.Errorf("p95 of 1..10 = %d", got)
	}
}

// TestPanZoomTrace: past a source's maxzoom the trace asks for its parent tile, below its
// minzoom for nothing, and for each tile once.
func TestPanZoomTrace(t *testing.T) {
	b := orb.Bound{Min: orb.Point{106.63, 10.71}, Max: orb.Point{106.77, 10.85}}
	trace := panZoomTrace(b, []viewerSource{{layers: []string{"a", "b"}, minZ: 11, maxZ: 14}}, 10, 18, 5, 1)
	seen := map[string]bool{}
	for _, r := range trace {
		if r.At.Z < 11 || r.At.Z > 14 || seen[r.Path()] || !strings.HasPrefix(r.Path(), "/tiles/a,b/") {
			t.Fatalf("%s in the trace", r.Path())
		}
		seen[r.Path()] = true
	}
	if len(trace) == 0 {
		t.Fatal("an empty trace")
	}
}

func TestDefaultDatabaseURL(t *testing.T) {
	env := map[string]string{"DATABASE_URL": "postgres://u@127.0.0.1:54320/bandoso?sslmode=disable"}
	if got := defaultDatabaseURL(func(k string) string { return env[k] }); got != "postgres://u@127.0.0.1:54320/bandoso_bench?sslmode=disable" {
		t.Errorf("got %q", got)
	}
}
