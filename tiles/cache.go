package tiles

import (
	"container/list"
	"iter"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"bandoso/geo"
)

// entryOverhead approximates what an entry costs beside its key's layer names and its tile:
// the key's position, the list element, the map slot and the entry itself.
const entryOverhead = 160

// Key is what a tile is cached under: the layers it holds, in the order named, and where.
type Key struct {
	// Layers are the layers' names joined by commas: "parcels,streets".
	Layers string
	Tile   geo.Tile
}

// newKey is the key of tile t of layers.
func newKey(layers []string, t geo.Tile) Key { return Key{Layers: strings.Join(layers, ","), Tile: t} }

// Names are the names of the key's layers, in order. Layer names hold no commas (the
// catalog allows ^[a-z][a-z0-9_]*$).
func (k Key) Names() iter.Seq[string] { return strings.SplitSeq(k.Layers, ",") }

// String is the key as a tile path: "parcels,streets/16/52192/30793".
func (k Key) String() string { return k.Layers + "/" + k.Tile.String() }

// Cache is an in-memory least-recently-used store of tiles, bounded in bytes. Changes drop
// the tiles they touch (Service.Apply); the time to live is only a safety net for a change
// the service never heard of. It is safe for concurrent use.
type Cache struct {
	max int64
	ttl time.Duration
	now func() time.Time

	mu    sync.Mutex
	size  int64
	order *list.List // front: most recently used
	items map[Key]*list.Element

	hits, misses, evictions atomic.Int64
}

// CacheStats counts what the cache did since it was made.
type CacheStats struct {
	Hits, Misses, Evictions int64
	// Bytes and Entries are what it holds now.
	Bytes   int64
	Entries int
}

// Stats returns the cache's counters.
func (c *Cache) Stats() CacheStats {
	c.mu.Lock()
	defer c.mu.Unlock()
	return CacheStats{Hits: c.hits.Load(), Misses: c.misses.Load(), Evictions: c.evictions.Load(),
		Bytes: c.size, Entries: len(c.items)}
}

type entry struct {
	key  Key
	tile *Tile
	at   time.Time
}

func (e *entry) cost() int64 { return int64(len(e.key.Layers)) + e.tile.size() + entryOverhead }

// NewCache returns a cache holding at most maxBytes of tiles, each for at most ttl.
func NewCache(maxBytes int64, ttl time.Duration) *Cache {
	return &Cache{max: maxBytes, ttl: ttl, now: time.Now, order: list.New(), items: map[Key]*list.Element{}}
}

// Get returns the tile cached under key. An empty tile is a hit too.
func (c *Cache) Get(key Key) (*Tile, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[key]
	if !ok {
		c.misses.Add(1)
		return nil, false
	}
	e := el.Value.(*entry)
	if c.now().Sub(e.at) > c.ttl {
		c.remove(el)
		c.misses.Add(1)
		return nil, false
	}
	c.order.MoveToFront(el)
	c.hits.Add(1)
	return e.tile, true
}

// Add caches tile under key, evicting the least recently used tiles to stay within the
// bound. A tile larger than the whole cache is not kept.
func (c *Cache) Add(key Key, tile *Tile) {
	e := &entry{key: key, tile: tile, at: c.now()}
	if e.cost() > c.max {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[key]; ok {
		c.remove(el)
	}
	c.items[key] = c.order.PushFront(e)
	c.size += e.cost()
	for c.size > c.max {
		c.remove(c.order.Back())
		c.evictions.Add(1)
	}
}

// Drop removes every tile whose key match accepts and says how many it removed. It looks at
// every entry: a batch of changes costs one pass over the cache.
func (c *Cache) Drop(match func(Key) bool) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for el := c.order.Front(); el != nil; {
		next := el.Next()
		if match(el.Value.(*entry).key) {
			c.remove(el)
			n++
		}
		el = next
	}
	return n
}

// Size returns the bytes the cache holds, by its own accounting.
func (c *Cache) Size() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.size
}

func (c *Cache) remove(el *list.Element) {
	e := c.order.Remove(el).(*entry)
	delete(c.items, e.key)
	c.size -= e.cost()
}
