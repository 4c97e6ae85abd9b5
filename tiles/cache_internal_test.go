package tiles

import (
	"bytes"
	"fmt"
	"testing"
	"time"
)

func TestCacheBoundAndExpiry(t *testing.T) {
	now := time.Unix(0, 0)
	c := NewCache(10*(1000+entryOverhead+8), time.Minute)
	c.now = func() time.Time { return now }
	tile := &Tile{Data: bytes.Repeat([]byte{1}, 1000)}
	for i := range 30 {
		c.Add(fmt.Sprintf("t/%04d", i), tile) // keys of 6 bytes, plus 2 spare per entry
	}
	if c.Size() > c.max {
		t.Errorf("size %d over the bound %d", c.Size(), c.max)
	}
	if _, ok := c.Get("t/0000"); ok {
		t.Error("the oldest tile survived 30 adds to a cache of 10")
	}
	if _, ok := c.Get("t/0029"); !ok {
		t.Error("the newest tile was evicted")
	}
	// A read makes a tile recent: t/0020 is the oldest now, read it and add one more.
	if _, ok := c.Get("t/0020"); !ok {
		t.Fatal("t/0020 missing")
	}
	c.Add("t/0030", tile)
	if _, ok := c.Get("t/0020"); !ok {
		t.Error("a tile just read was evicted before older ones")
	}
	if _, ok := c.Get("t/0021"); ok {
		t.Error("the least recently used tile survived")
	}
	c.Add("huge", &Tile{Data: bytes.Repeat([]byte{1}, int(c.max))})
	if _, ok := c.Get("huge"); ok {
		t.Error("a tile larger than the cache was kept")
	}
	now = now.Add(2 * time.Minute)
	if _, ok := c.Get("t/0029"); ok {
		t.Error("a tile outlived its time to live")
	}
	want := CacheStats{Hits: 3, Misses: 4, Evictions: 21, Entries: 9, Bytes: c.Size()}
	if got := c.Stats(); got != want {
		t.Errorf("stats %+v, want %+v", got, want)
	}
}
