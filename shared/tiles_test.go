package shared_test

import (
	"context"
	"testing"
	"time"

	"bandoso/internal/testwait"
	"bandoso/shared"
	"bandoso/shared/sharedtest"
)

func openTiles(t *testing.T) *shared.Tiles {
	t.Helper()
	c, err := shared.Open(sharedtest.URL(t, 1), shared.Options{Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c.Tiles(time.Hour)
}

var (
	parcels = shared.TileKey{Coord: "16/52192/30793", Layers: []string{"parcels"}, Drawn: "d1", Tables: []string{"parcels"}}
	both    = shared.TileKey{Coord: "16/52192/30793", Layers: []string{"streets", "parcels"}, Drawn: "d2", Tables: []string{"streets", "parcels"}}
	streets = shared.TileKey{Coord: "16/52192/30793", Layers: []string{"streets"}, Drawn: "d3", Tables: []string{"streets"}}
	tileA   = shared.Tile{Hash: "0123456789abcdef0123456789abcdef", Gzip: []byte{0x1f, 0x8b, 1, 2, 3}}
)

func get(t *testing.T, c *shared.Tiles, k shared.TileKey) (shared.Tile, bool, shared.Miss) {
	t.Helper()
	tile, found, miss, err := c.Get(context.Background(), k)
	if err != nil {
		t.Fatal(err)
	}
	return tile, found, miss
}

func store(t *testing.T, c *shared.Tiles, k shared.TileKey, miss shared.Miss, tile shared.Tile) bool {
	t.Helper()
	ok, err := c.Store(context.Background(), k, miss, tile)
	if err != nil {
		t.Fatal(err)
	}
	return ok
}

// TestTilesStoreAndDrop: a stored tile is found with its bytes; a drop naming one of its
// layers removes it, one naming none of them leaves it.
func TestTilesStoreAndDrop(t *testing.T) {
	c := openTiles(t)
	ctx := context.Background()
	for _, k := range []shared.TileKey{parcels, both, streets} {
		_, found, miss := get(t, c, k)
		if found {
			t.Fatalf("%v found in an empty cache", k)
		}
		if !store(t, c, k, miss, tileA) {
			t.Fatalf("%v not stored", k)
		}
	}
	tile, found, _ := get(t, c, both)
	if !found || tile.Hash != tileA.Hash || string(tile.Gzip) != string(tileA.Gzip) {
		t.Fatalf("got %+v, %v; want %+v", tile, found, tileA)
	}
	// parcels changed here: the tiles holding parcels go, the streets-only tile stays
	for range 2 { // a second instance drops again
		if err := c.Drop(ctx, []string{"parcels"}, []string{"16/52192/30793"}); err != nil {
			t.Fatal(err)
		}
	}
	for k, want := range map[*shared.TileKey]bool{&parcels: false, &both: false, &streets: true} {
		if _, found, _ := get(t, c, *k); found != want {
			t.Errorf("%v found %v after dropping parcels, want %v", k.Layers, found, want)
		}
	}
	// an empty tile is a tile too
	_, _, miss := get(t, c, parcels)
	store(t, c, parcels, miss, shared.Tile{})
	if tile, found, _ := get(t, c, parcels); !found || tile.Hash != "" {
		t.Errorf("empty tile: got %+v, %v", tile, found)
	}
}

// TestTilesStoreAfterDropRefused is the race of a tile made from rows before a change and
// stored after another instance dropped it: the store is refused. A miss after the drop
// stores as usual.
func TestTilesStoreAfterDropRefused(t *testing.T) {
	c := openTiles(t)
	ctx := context.Background()
	_, _, before := get(t, c, parcels) // instance A misses and asks the database
	if err := c.Drop(ctx, []string{"parcels"}, []string{parcels.Coord}); err != nil {
		t.Fatal(err) // instance B heard the change first
	}
	if store(t, c, parcels, before, tileA) {
		t.Fatal("a tile missed before a drop was stored after it")
	}
	if _, found, _ := get(t, c, parcels); found {
		t.Fatal("the refused tile is served")
	}
	_, _, after := get(t, c, parcels)
	if !store(t, c, parcels, after, tileA) {
		t.Fatal("a tile missed after the drop was refused")
	}
}

// TestTilesBump: a new generation of a table hides its tiles at that zoom only, refuses a
// store missed before it, and is taken once per change however many instances bump.
func TestTilesBump(t *testing.T) {
	c := openTiles(t)
	ctx := context.Background()
	other := parcels
	other.Coord = "15/26096/15396"
	for _, k := range []shared.TileKey{parcels, streets, other} {
		_, _, miss := get(t, c, k)
		store(t, c, k, miss, tileA)
	}
	_, _, before := get(t, c, both)
	for range 2 {
		if err := c.Bump(ctx, 42, 16, []string{"parcels"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, found, _ := get(t, c, parcels); found {
		t.Error("a parcels tile at the bumped zoom is still found")
	}
	if _, found, _ := get(t, c, streets); !found {
		t.Error("the streets tile went with a bump of parcels")
	}
	if _, found, _ := get(t, c, other); !found {
		t.Error("a parcels tile at another zoom went")
	}
	if store(t, c, both, before, tileA) {
		t.Error("a tile missed before the bump was stored")
	}
	_, _, miss := get(t, c, parcels)
	store(t, c, parcels, miss, tileA)
	if err := c.Bump(ctx, 42, 16, []string{"parcels"}); err != nil {
		t.Fatal(err)
	}
	if _, found, _ := get(t, c, parcels); !found {
		t.Error("bumping again for the same change dropped a tile made after it")
	}
}

// TestTilesStoreAfterRestartRefused: a Redis restarted empty has forgotten the drops made
// before; a tile missed before the restart is not stored after it.
func TestTilesStoreAfterRestartRefused(t *testing.T) {
	srv := sharedtest.Start(t)
	c, err := shared.Open(srv.URL(), shared.Options{Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	tiles := c.Tiles(time.Hour)
	_, _, before := get(t, tiles, parcels)
	srv.Kill()
	srv.Restart()
	testwait.Until(t, "the client back", func() bool { return c.Ping(context.Background()) == nil })
	if ok, err := tiles.Store(context.Background(), parcels, before, tileA); ok || err != nil {
		t.Fatalf("a tile missed before Redis restarted was stored after: %v %v", ok, err)
	}
	_, _, after := get(t, tiles, parcels)
	if !store(t, tiles, parcels, after, tileA) {
		t.Fatal("a tile missed after the restart was refused")
	}
}
