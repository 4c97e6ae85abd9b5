package tiles

import (
	"bytes"
	"testing"
	"time"

	"bandoso/geo"
)

// key is the key of the parcels tile i of zoom 16's top row: 7 bytes of layer name.
func key(i int) Key { return Key{Layers: "parcels", Tile: geo.NewTile(16, i, 0)} }

func TestCacheBoundAndExpiry(t *testing.T) {
	now := time.Unix(0, 0)
	c := NewCache(10*(1000+entryOverhead+8), time.Minute)
	c.now = func() time.Time { return now }
	tile := &Tile{Data: bytes.Repeat([]byte{1}, 1000)}
	for i := range 30 {
		c.Add(key(i), tile) // keys of 7 bytes, plus 1 spare per entry
	}
	if c.Size() > c.max {
		t.Errorf("size %d over the bound %d", c.Size(), c.max)
	}
	if _, ok := c.Get(key(0)); ok {
		t.Error("the oldest tile survived 30 adds to a cache of 10")
	}
	if _, ok := c.Get(key(29)); !ok {
		t.Error("the newest tile was evicted")
	}
	// A read makes a tile recent: key 20 is the oldest now, read it and add one more.
	if _, ok := c.Get(key(20)); !ok {
		t.Fatal("key 20 missing")
	}
	c.Add(key(30), tile)
	if _, ok := c.Get(key(20)); !ok {
		t.Error("a tile just read was evicted before older ones")
	}
	if _, ok := c.Get(key(21)); ok {
		t.Error("the least recently used tile survived")
	}
	c.Add(Key{Layers: "huge", Tile: geo.NewTile(0, 0, 0)}, &Tile{Data: bytes.Repeat([]byte{1}, int(c.max))})
	if _, ok := c.Get(Key{Layers: "huge", Tile: geo.NewTile(0, 0, 0)}); ok {
		t.Error("a tile larger than the cache was kept")
	}
	now = now.Add(2 * time.Minute)
	if _, ok := c.Get(key(29)); ok {
		t.Error("a tile outlived its time to live")
	}
	want := CacheStats{Hits: 3, Misses: 4, Evictions: 21, Entries: 9, Bytes: c.Size()}
	if got := c.Stats(); got != want {
		t.Errorf("stats %+v, want %+v", got, want)
	}
}
