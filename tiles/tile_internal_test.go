package tiles

import (
	"bytes"
	"context"
	"testing"
	"time"

	"bandoso/catalog"
	"bandoso/geo"
	"bandoso/store/storetest"
)

// TestTileHashAndGzipOnDemand: a tile not sealed answers Hash and Gzip as a sealed one does,
// without keeping what it computed (it may be read by several requests at once).
func TestTileHashAndGzipOnDemand(t *testing.T) {
	data := bytes.Repeat([]byte("parcel 12/345 ODT "), 500)
	raw, sealed := &Tile{Data: data}, &Tile{Data: data}
	if err := sealed.seal(); err != nil {
		t.Fatal(err)
	}
	if raw.Hash() != sealed.Hash() || raw.Hash() != hashOf(data) {
		t.Errorf("hash %q on demand, %q sealed, want %q", raw.Hash(), sealed.Hash(), hashOf(data))
	}
	gz, err := raw.Gzip()
	if err != nil {
		t.Fatal(err)
	}
	if back, err := gunzip(gz); err != nil || !bytes.Equal(back, data) {
		t.Errorf("gzip on demand unpacks to %d bytes (%v), want the %d of Data", len(back), err, len(data))
	}
	if raw.gzip != nil || raw.hash != "" {
		t.Error("Gzip or Hash kept what it computed in a tile not sealed")
	}
	if sgz, _ := sealed.Gzip(); &sgz[0] != &sealed.gzip[0] {
		t.Error("a sealed tile is compressed again")
	}
	var empty Tile
	if err := empty.seal(); err != nil || empty.Hash() != "" {
		t.Errorf("empty tile: hash %q, %v", empty.Hash(), err)
	}
	if gz, err := empty.Gzip(); err != nil || len(gz) != 0 {
		t.Errorf("empty tile: %d gzipped bytes, %v", len(gz), err)
	}
}

// TestOnlyKeptTilesAreSealed: without a cache a tile comes as the database made it, neither
// hashed nor compressed; with one, the tile kept is sealed, with the same hash.
func TestOnlyKeptTilesAreSealed(t *testing.T) {
	db := storetest.New(t)
	storetest.LoadDemo(t, db, 1, 500)
	ctx := context.Background()
	at := geo.NewTile(16, 52192, 30793) // the demo city's centre
	layers := []string{"parcels", "streets"}
	bare, err := New(db, catalog.New(db), nil).Tile(ctx, layers, at)
	if err != nil {
		t.Fatal(err)
	}
	if bare.Empty() || bare.gzip != nil || bare.hash != "" {
		t.Fatalf("uncached tile: %d bytes, %d gzipped, hash %q; want bytes, neither gzip nor hash", len(bare.Data), len(bare.gzip), bare.hash)
	}
	cache := NewCache(64<<20, time.Minute)
	if _, err := New(db, catalog.New(db), cache).Tile(ctx, layers, at); err != nil {
		t.Fatal(err)
	}
	kept, ok := cache.Get(newKey(layers, at))
	if !ok {
		t.Fatal("the tile was not cached")
	}
	if kept.gzip == nil || kept.hash != bare.Hash() || !bytes.Equal(kept.Data, bare.Data) {
		t.Errorf("cached tile: %d gzipped bytes, hash %q; want gzip and hash %q", len(kept.gzip), kept.hash, bare.Hash())
	}
}
