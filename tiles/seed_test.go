package tiles_test

import (
	"context"
	"testing"
	"time"

	"bandoso/catalog"
	"bandoso/geo"
	"bandoso/shared"
	"bandoso/shared/sharedtest"
	"bandoso/tiles"
)

// parcelTiles lists every tile of zooms minZ to maxZ over the parcels of db's city.
func parcelTiles(t *testing.T, cat *catalog.Catalog, minZ, maxZ int) []geo.Tile {
	t.Helper()
	ctx := context.Background()
	l, err := cat.Layer(ctx, "parcels")
	if err != nil {
		t.Fatal(err)
	}
	b, ok, err := cat.Bounds(ctx, l)
	if err != nil || !ok {
		t.Fatalf("parcels' bounds: %v, %v", ok, err)
	}
	var out []geo.Tile
	for z := minZ; z <= maxZ; z++ {
		nw, se := geo.TileAt(b.LeftTop(), z), geo.TileAt(b.RightBottom(), z)
		for x := nw.X; x <= se.X; x++ {
			for y := nw.Y; y <= se.Y; y++ {
				out = append(out, geo.NewTile(z, int(x), int(y)))
			}
		}
	}
	return out
}

// TestSeedFillsTheCache: a seed of two sources makes each tile of its zooms over the data
// once, and a client then finds every one of them in the cache; a second seed makes none.
func TestSeedFillsTheCache(t *testing.T) {
	db := demoDB(t)
	cat := catalog.New(db)
	s := tiles.New(db, cat, tiles.NewCache(64<<20, time.Hour))
	ctx := context.Background()
	sources := [][]string{{"streets", "parcels"}, {"parcels"}}
	rep, err := s.Seed(ctx, tiles.SeedOptions{Sources: sources, MinZoom: 13, MaxZoom: 16})
	if err != nil {
		t.Fatal(err)
	}
	want := parcelTiles(t, cat, 13, 16)
	if rep.Planned < 2*len(want) || rep.Made != rep.Planned || rep.Skipped != 0 || rep.Failed != 0 {
		t.Fatalf("report %+v, want %d tiles of each source made (the streets' extent may add more)", rep, len(want))
	}
	if st := s.Stats(); st.Queries != int64(rep.Made) || st.Cache.Hits+st.Cache.Misses != 0 {
		t.Fatalf("stats %+v after the seed, want %d tiles made and no client's hit or miss counted", st, rep.Made)
	}
	for _, at := range want {
		for _, layers := range sources {
			if _, origin := originOf(t, s, layers, at); origin != tiles.FromCache {
				t.Fatalf("%v %v came from %v after the seed, want the cache", layers, at, origin)
			}
		}
	}
	if st := s.BackgroundStats(); st.Seeded != int64(rep.Made) || st.SeedLeft != 0 {
		t.Fatalf("background stats %+v, want %d seeded and none left", st, rep.Made)
	}
	again, err := s.Seed(ctx, tiles.SeedOptions{Sources: sources, MinZoom: 13, MaxZoom: 16})
	if err != nil {
		t.Fatal(err)
	}
	if again.Made != 0 || again.Cached != rep.Planned {
		t.Fatalf("a second seed: %+v, want every tile cached already", again)
	}
}

// TestSeedStopsAtTheCacheBound: a cache too small for the seed is not churned through: the
// seed stops and says how many tiles it left out.
func TestSeedStopsAtTheCacheBound(t *testing.T) {
	db := demoDB(t)
	cat := catalog.New(db)
	cache := tiles.NewCache(256<<10, time.Hour)
	s := tiles.New(db, cat, cache)
	rep, err := s.Seed(context.Background(), tiles.SeedOptions{Sources: [][]string{{"parcels"}}, MinZoom: 12, MaxZoom: 18})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Skipped == 0 || rep.Skipped >= rep.Planned || rep.Made+rep.Skipped != rep.Planned {
		t.Fatalf("report %+v, want some zooms seeded and the rest left out", rep)
	}
	if z18 := len(parcelTiles(t, cat, 18, 18)); rep.Skipped < z18 {
		t.Fatalf("%d tiles left out, fewer than the %d of zoom 18 alone", rep.Skipped, z18)
	}
}

// TestSeedIntoTheSharedCache: a service with only the shared cache seeds it, and another
// instance finds the tiles there.
func TestSeedIntoTheSharedCache(t *testing.T) {
	url, _ := liveCity(t)
	redisURL := sharedtest.URL(t, 2)
	c, err := shared.Open(redisURL, shared.Options{Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	db := openDB(t, url)
	seeder := tiles.New(db, catalog.New(db), nil)
	seeder.Shared = c.Tiles(time.Hour)
	rep, err := seeder.Seed(context.Background(), tiles.SeedOptions{Sources: [][]string{{"parcels"}}, MinZoom: 14, MaxZoom: 15})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Made == 0 || rep.Made != rep.Planned {
		t.Fatalf("report %+v, want every tile made", rep)
	}
	// Seeding is not a client: the shared cache's hits and misses are the clients'.
	if st := seeder.Stats().Shared; st.Hits+st.Misses != 0 {
		t.Errorf("seeding counted %d shared hits and %d misses, want none", st.Hits, st.Misses)
	}
	other, _ := sharedInstance(t, url, redisURL)
	for _, at := range parcelTiles(t, catalog.New(db), 14, 15) {
		if _, origin := originOf(t, other, []string{"parcels"}, at); origin != tiles.FromShared {
			t.Fatalf("%v came from %v, want the shared cache", at, origin)
		}
	}
	if st := other.Stats(); st.Queries != 0 {
		t.Fatalf("the other instance made %d tiles, want none", st.Queries)
	}
}
