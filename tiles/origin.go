package tiles

import (
	"context"
	"sync/atomic"
)

// Origin says where a tile came from: this instance's cache, the shared cache, or the
// database (which includes waiting for a query another caller started).
type Origin int32

const (
	FromDatabase Origin = iota
	FromCache
	FromShared
)

// String is the origin as the X-Cache header says it: "hit", "shared-hit" or "miss".
func (o Origin) String() string {
	switch o {
	case FromCache:
		return "hit"
	case FromShared:
		return "shared-hit"
	}
	return "miss"
}

// OriginOf records where the tile a call of Tile returned came from.
type OriginOf struct{ v atomic.Int32 }

// Origin is what was recorded; FromDatabase when nothing was.
func (o *OriginOf) Origin() Origin { return Origin(o.v.Load()) }

type originKey struct{}

// WithOrigin returns ctx carrying a record in which Tile notes where its tile came from.
// The record is written atomically: a query running on for other callers may still write
// it after the caller has gone.
func WithOrigin(ctx context.Context) (context.Context, *OriginOf) {
	o := &OriginOf{}
	return context.WithValue(ctx, originKey{}, o), o
}

func noteOrigin(ctx context.Context, o Origin) {
	if rec, ok := ctx.Value(originKey{}).(*OriginOf); ok {
		rec.v.Store(int32(o))
	}
}

type backgroundKey struct{}

// inBackground marks ctx as the service's own work (pre-rendering, seeding), which takes a
// place of the gate only while idle places are free (enter): its cache lookups are not
// counted as the clients' hits and misses.
func inBackground(ctx context.Context, idle int) context.Context {
	return context.WithValue(ctx, backgroundKey{}, max(idle, 1))
}

// backgroundIdle is the idle places of ctx's background work, 0 for a client's.
func backgroundIdle(ctx context.Context) int {
	idle, _ := ctx.Value(backgroundKey{}).(int)
	return idle
}

func isBackground(ctx context.Context) bool { return backgroundIdle(ctx) > 0 }

// lookup is the cache's Get for a caller of Tile: it notes the origin of a hit, and leaves
// the counters alone for the service's own work.
func (s *Service) lookup(ctx context.Context, key Key) (*Tile, bool) {
	var tile *Tile
	var ok bool
	if isBackground(ctx) {
		tile, ok = s.cache.peek(key)
	} else {
		tile, ok = s.cache.Get(key)
	}
	if ok {
		noteOrigin(ctx, FromCache)
	}
	return tile, ok
}

// peek is Get without counting and without making the tile recently used.
func (c *Cache) peek(key Key) (*Tile, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[key]
	if !ok {
		return nil, false
	}
	e := el.Value.(*entry)
	if c.now().Sub(e.at) > c.ttl {
		return nil, false
	}
	return e.tile, true
}

// room is how many more bytes the cache holds before it evicts, and its bound.
func (c *Cache) room() (free, max int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.max - c.size, c.max
}
