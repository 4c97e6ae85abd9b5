// Package tiles serves Mapbox Vector Tiles (MVT 2.1) of the catalog's layers: it keeps a
// statement for each zoom band of a layer, puts the layers of a tile together, caches tiles
// (in memory, and with Redis in a cache the instances share) and drops those that changes
// touch. PostGIS makes each layer's bytes; store runs the statements; the catalog says what
// the layers are.
package tiles

import (
	"bytes"
	"context"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"bandoso/admit"
	"bandoso/catalog"
	"bandoso/geo"
	"bandoso/shared"
	"bandoso/store"
)

// Service makes tiles of the layers of a catalog. It is safe for concurrent use.
type Service struct {
	db      *store.DB
	catalog *catalog.Catalog
	cache   *Cache
	flights flights

	mu sync.Mutex
	// drawn holds, by layer name, the statements of the catalog layer tiles were last drawn
	// from: a layer the catalog returns anew is compared with it.
	drawn map[string]*drawing

	// epoch counts the batches of changes applied. A tile is cached only if no batch came
	// while it was made: it may hold the rows from before.
	epoch atomic.Int64

	queries, queryNanos atomic.Int64

	// ObserveQuery, when set before the first tile, hears how long each tile the database
	// made took, for a histogram; Stats keeps only the total.
	ObserveQuery func(time.Duration)
	// Gate, when set before the first tile, is where a tile the database must make waits its
	// turn; tiles from the cache pass by it.
	Gate *admit.Gate
	// Shared, when set before the first tile, is a second cache behind the service's own,
	// shared with the other instances (in Redis): a tile missing here is looked for there
	// before the database makes it, and changes drop tiles there too.
	Shared *shared.Tiles

	// beforeShare, when set (by tests), runs between making a tile and sharing it.
	beforeShare func()

	// background is the service's own work of making tiles ahead of requests (prerender.go).
	background background
}

// Stats counts the tiles a service made and what its cache did.
type Stats struct {
	// Queries is the number of tiles made by the database, QueryTime their total time.
	Queries   int64
	QueryTime time.Duration
	// Cache is the cache's counters; zero without a cache.
	Cache CacheStats
	// Shared is what the shared cache answered; zero without one.
	Shared shared.TileStats
}

// Stats returns the service's counters since it started.
func (s *Service) Stats() Stats {
	st := Stats{Queries: s.queries.Load(), QueryTime: time.Duration(s.queryNanos.Load())}
	if s.cache != nil {
		st.Cache = s.cache.Stats()
	}
	if s.Shared != nil {
		st.Shared = s.Shared.Stats()
	}
	return st
}

// New returns a service drawing the layers of cat from db. With a cache, tiles are kept
// there and concurrent requests for one tile make one query; cache may be nil.
func New(db *store.DB, cat *catalog.Catalog, cache *Cache) *Service {
	return &Service{db: db, catalog: cat, cache: cache, drawn: map[string]*drawing{}}
}

// Queries returns the statements a tile at zoom z of the named layers runs, and the layers
// they draw: each layer once, in the order named, those outside their zoom range at z left
// out. An unknown layer is an error wrapping catalog.ErrUnknownLayer.
func (s *Service) Queries(ctx context.Context, names []string, z int) (served []string, qs []store.TileQuery, err error) {
	served, ds, err := s.drawings(ctx, names, z)
	return served, queriesAt(ds, z), err
}

// queriesAt returns the statements of ds drawing zoom z.
func queriesAt(ds []*drawing, z int) []store.TileQuery {
	qs := make([]store.TileQuery, len(ds))
	for i, d := range ds {
		qs[i] = d.query(z)
	}
	return qs
}

// drawings returns the statements of the named layers drawn at zoom z, as Queries does.
func (s *Service) drawings(ctx context.Context, names []string, z int) (served []string, ds []*drawing, err error) {
	seen := make(map[string]bool, len(names))
	for _, n := range names {
		l, err := s.catalog.Layer(ctx, n)
		if err != nil {
			return nil, nil, err
		}
		// A tile must not hold two layers of one name (MVT 2.1 §4.1).
		if l.InZoom(z) && !seen[n] {
			seen[n] = true
			served = append(served, n)
			ds = append(ds, s.drawingOf(l))
		}
	}
	return served, ds, nil
}

// Tile returns the MVT tile z/x/y holding the named layers, in the order named. Layers
// outside their zoom range at z are left out; a tile with no features is Empty. MVT
// layers are independent messages of one repeated field (MVT 2.1 §4.1), so the tile is the
// concatenation of each layer's bytes. t must be valid.
func (s *Service) Tile(ctx context.Context, names []string, t geo.Tile) (*Tile, error) {
	z := int(t.Z)
	served, ds, err := s.drawings(ctx, names, z)
	if err != nil {
		return nil, err
	}
	if len(ds) == 0 {
		return &Tile{}, nil
	}
	qs := queriesAt(ds, z)
	var query tileQuery = func(ctx context.Context) (*Tile, store.LSN, error) {
		leave, err := s.enter(ctx)
		if err != nil {
			return nil, 0, err
		}
		defer leave()
		start := time.Now()
		parts, replayed, err := s.db.Tile(ctx, qs, t)
		took := time.Since(start)
		s.queries.Add(1)
		s.queryNanos.Add(int64(took))
		if s.ObserveQuery != nil {
			s.ObserveQuery(took)
		}
		if err != nil {
			return nil, 0, err
		}
		return &Tile{Data: bytes.Join(parts, nil)}, replayed, nil
	}
	// The changes seen by now must all be in a tile kept: one made on a replica that had not
	// replayed them yet is served but not cached.
	seen := s.db.Seen()
	if s.Shared != nil {
		local, key := query, sharedKey(served, ds, t)
		query = func(ctx context.Context) (*Tile, store.LSN, error) { return s.viaShared(ctx, key, seen, local) }
	}
	if s.cache == nil {
		tile, _, err := query(ctx)
		return tile, err
	}
	key := newKey(served, t)
	epoch := s.epoch.Load()
	if tile, ok := s.lookup(ctx, key); ok {
		return tile, nil
	}
	// Callers after a change do not join a query started before it.
	flight := key.String() + "@" + strconv.FormatInt(epoch, 10)
	return s.flights.do(ctx, flight, func(ctx context.Context) (*Tile, error) {
		tile, replayed, err := query(ctx)
		if err == nil && replayed >= seen {
			if err := tile.seal(); err != nil {
				return nil, err
			}
			s.keep(key, tile, epoch, ds)
		}
		return tile, err
	})
}

// tileQuery makes a tile, saying up to where the database that made it had replayed.
type tileQuery func(ctx context.Context) (*Tile, store.LSN, error)

// keep caches tile, made by the statements ds, unless it may hold what is no longer so: a
// batch of changes came while it was made, or the catalog now draws one of its layers
// otherwise (drawingOf drops such tiles under the same lock).
func (s *Service) keep(key Key, tile *Tile, epoch int64, ds []*drawing) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.epoch.Load() != epoch {
		return
	}
	for _, d := range ds {
		if s.drawn[d.layer.Name].signature != d.signature {
			return
		}
	}
	s.cache.Add(key, tile)
}
