// Package tiles serves Mapbox Vector Tiles (MVT 2.1) of the catalog's layers: it turns the
// layer catalog into specs with their zoom ranges and statements, and puts the layers of a
// tile together. PostGIS makes each layer's bytes; store runs the statements.
package tiles

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"bandoso/admit"
	"bandoso/geo"
	"bandoso/store"
)

// ErrUnknownLayer: a requested layer is not in the catalog. It comes wrapped in a
// *LayerError naming the layer.
var ErrUnknownLayer = errors.New("tiles: unknown layer")

// LayerError names the layer an error is about.
type LayerError struct {
	Name string
	Err  error
}

func (e *LayerError) Error() string { return fmt.Sprintf("layer %q: %v", e.Name, e.Err) }
func (e *LayerError) Unwrap() error { return e.Err }

// Layer is one catalog layer as tiles serve it.
type Layer struct {
	Name         string
	Title        string
	Description  string
	GeometryType string
	// Fields are the attributes features carry besides their id, in catalog order; a band
	// drawn from a generalized table may add its own (parcel counts on ward totals).
	Fields []string
	// FieldKinds gives each field's kind in a tile: "Number", "Boolean" or "String".
	FieldKinds map[string]string
	// Source and Licence credit the data; Synthetic marks generated demo data.
	Source, Licence string
	Synthetic       bool
	// Public layers are read by anyone; callers check a key before serving the others.
	Public bool
	// MinZoom and MaxZoom bound the zooms whose tiles include the layer.
	MinZoom, MaxZoom int
	// Bands are the zoom ranges drawn otherwise than from the layer's own table.
	Bands []store.TileSource
	// queries[i] draws Bands[i]; queries[len(Bands)] draws the other zooms.
	queries []store.TileQuery
	row     store.LayerRow

	boundsMu   sync.Mutex
	boundsRead bool
	bounds     [4]float64
	hasBounds  bool
}

// InZoom reports whether tiles at zoom z include the layer.
func (l *Layer) InZoom(z int) bool { return z >= l.MinZoom && z <= l.MaxZoom }

// Row is the layer's catalog row, for the features and lookups that read its own table.
func (l *Layer) Row() store.LayerRow { return l.row }

// Query is the statement drawing the layer at zoom z: the first band covering z, else
// the layer's own table.
func (l *Layer) Query(z int) store.TileQuery {
	for i, b := range l.Bands {
		if b.Covers(z) {
			return l.queries[i]
		}
	}
	return l.queries[len(l.Bands)]
}

// TileSource is where the layer is drawn from at zoom z: the first band covering z, else the
// layer's own table.
func (l *Layer) TileSource(z int) store.TileSource {
	for _, b := range l.Bands {
		if b.Covers(z) {
			return b
		}
	}
	return l.row.Tiles
}

// newLayer makes the layer of catalog row r with a statement for each band.
func newLayer(r store.LayerRow) *Layer {
	l := &Layer{Name: r.Name, Title: r.Title, Description: r.Description,
		GeometryType: r.GeometryType, FieldKinds: map[string]string{},
		Source: r.Source, Licence: r.Licence, Synthetic: r.Synthetic, Public: r.Public,
		MinZoom: r.MinZoom, MaxZoom: min(r.MaxZoom, geo.MaxZoom), Bands: r.Bands, row: r}
	for _, src := range append(slices.Clone(r.Bands), r.Tiles) {
		l.queries = append(l.queries, store.NewTileQuery(r.Name, src))
		for i, f := range src.Fields {
			if _, ok := l.FieldKinds[f]; !ok {
				l.FieldKinds[f] = store.FieldKind(src.FieldTypes[i])
				l.Fields = append(l.Fields, f)
			}
		}
	}
	// Catalog order first: the layer's own fields, then those only bands have.
	l.Fields = append(slices.Clone(r.Fields), slices.DeleteFunc(l.Fields, func(f string) bool { return slices.Contains(r.Fields, f) })...)
	return l
}

// Service makes tiles. It reads the layer catalog once, on the first call that needs it, so
// that a service started while the database is down serves tiles once it is back. It is safe
// for concurrent use.
type Service struct {
	db      *store.DB
	cache   *Cache
	flights flights

	mu     sync.Mutex
	layers map[string]*Layer
	// stale is the catalog tiles were drawn from before the catalog changed, until the next
	// read compares with it.
	stale map[string]*Layer

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
}

// Stats counts the tiles a service made and what its cache did.
type Stats struct {
	// Queries is the number of tiles made by the database, QueryTime their total time.
	Queries   int64
	QueryTime time.Duration
	// Cache is the cache's counters; zero without a cache.
	Cache CacheStats
}

// Stats returns the service's counters since it started.
func (s *Service) Stats() Stats {
	st := Stats{Queries: s.queries.Load(), QueryTime: time.Duration(s.queryNanos.Load())}
	if s.cache != nil {
		st.Cache = s.cache.Stats()
	}
	return st
}

// New returns a service over db's catalog. With a cache, tiles are kept there and concurrent
// requests for one tile make one query; cache may be nil.
func New(db *store.DB, cache *Cache) *Service { return &Service{db: db, cache: cache} }

// Load reads the catalog and builds each layer's statement, unless done already.
func (s *Service) Load(ctx context.Context) error {
	_, err := s.catalog(ctx)
	return err
}

func (s *Service) catalog(ctx context.Context) (map[string]*Layer, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.layers != nil {
		return s.layers, nil
	}
	rows, err := s.db.TileLayers(ctx)
	if err != nil {
		return nil, fmt.Errorf("tiles: layer catalog: %w", err)
	}
	layers := make(map[string]*Layer, len(rows))
	for _, r := range rows {
		layers[r.Name] = newLayer(r)
	}
	if s.stale != nil && s.cache != nil {
		// Only layers drawn otherwise than before lose their tiles: a change to a title, a
		// licence or the update time leaves every tile as it was.
		changed := map[string]bool{}
		for name, l := range layers {
			if old := s.stale[name]; old == nil || old.signature() != l.signature() {
				changed[name] = true
			}
		}
		for name := range s.stale {
			if layers[name] == nil {
				changed[name] = true
			}
		}
		if len(changed) > 0 {
			s.cache.Drop(func(key Key) bool {
				for n := range key.Names() {
					if changed[n] {
						return true
					}
				}
				return false
			})
		}
	}
	s.stale = nil
	s.layers = layers
	return layers, nil
}

// ReloadCatalog makes the next call read the catalog again, after the catalog changed. The
// tiles of layers then drawn differently leave the cache.
func (s *Service) ReloadCatalog() {
	s.epoch.Add(1)
	s.mu.Lock()
	s.forgetCatalogLocked()
	s.mu.Unlock()
}

// forgetCatalogLocked drops the catalog read, keeping the one tiles were drawn from for
// comparison with the next read. s.mu is held.
func (s *Service) forgetCatalogLocked() {
	if s.stale == nil {
		s.stale = s.layers
	}
	s.layers = nil
}

// signature is everything about a layer that its tiles' bytes depend on: its zoom range and
// the statements drawing each band.
func (l *Layer) signature() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d-%d", l.MinZoom, l.MaxZoom)
	for _, band := range l.Bands {
		fmt.Fprintf(&b, ";%d-%d", band.MinZoom, band.MaxZoom)
	}
	for _, q := range l.queries {
		b.WriteString(";" + q.SQL())
	}
	return b.String()
}

// Layer returns the named layer, or an error wrapping ErrUnknownLayer.
func (s *Service) Layer(ctx context.Context, name string) (*Layer, error) {
	layers, err := s.catalog(ctx)
	if err != nil {
		return nil, err
	}
	l, ok := layers[name]
	if !ok {
		return nil, &LayerError{Name: name, Err: ErrUnknownLayer}
	}
	return l, nil
}

// Layers returns every layer of the catalog, restricted ones too, by name.
func (s *Service) Layers(ctx context.Context) ([]*Layer, error) {
	layers, err := s.catalog(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]*Layer, 0, len(layers))
	for _, l := range layers {
		out = append(out, l)
	}
	slices.SortFunc(out, func(a, b *Layer) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// Bounds returns the extent of layer l's features as west, south, east, north in degrees;
// ok is false when the layer is empty. It is read once and kept until a change to the
// layer's table (Apply), since reading it takes a pass over the table.
func (s *Service) Bounds(ctx context.Context, l *Layer) (bounds [4]float64, ok bool, err error) {
	l.boundsMu.Lock()
	defer l.boundsMu.Unlock()
	if !l.boundsRead {
		// A failure is not kept: the next call reads again.
		if l.bounds, l.hasBounds, err = s.db.LayerBounds(ctx, l.row); err != nil {
			return bounds, false, err
		}
		l.boundsRead = true
	}
	return l.bounds, l.hasBounds, nil
}

// Queries returns the statements a tile at zoom z of the named layers runs, and the layers
// they draw: each layer once, in the order named, those outside their zoom range at z left
// out. An unknown layer is an error wrapping ErrUnknownLayer.
func (s *Service) Queries(ctx context.Context, names []string, z int) (served []string, qs []store.TileQuery, err error) {
	seen := make(map[string]bool, len(names))
	for _, n := range names {
		l, err := s.Layer(ctx, n)
		if err != nil {
			return nil, nil, err
		}
		// A tile must not hold two layers of one name (MVT 2.1 §4.1).
		if l.InZoom(z) && !seen[n] {
			seen[n] = true
			served = append(served, n)
			qs = append(qs, l.Query(z))
		}
	}
	return served, qs, nil
}

// Tile returns the MVT tile t holding the named layers, in the order named. Layers outside
// their zoom range at t's zoom are left out; a tile with no features is Empty. MVT layers
// are independent messages of one repeated field (MVT 2.1 §4.1), so the tile is the
// concatenation of each layer's bytes. t must be Valid.
func (s *Service) Tile(ctx context.Context, names []string, t geo.Tile) (*Tile, error) {
	served, qs, err := s.Queries(ctx, names, int(t.Z))
	if err != nil {
		return nil, err
	}
	if len(qs) == 0 {
		return &Tile{}, nil
	}
	query := func(ctx context.Context) (*Tile, error) {
		leave, err := s.Gate.Enter(ctx)
		if err != nil {
			return nil, err
		}
		defer leave()
		start := time.Now()
		parts, err := s.db.Tile(ctx, qs, t)
		took := time.Since(start)
		s.queries.Add(1)
		s.queryNanos.Add(int64(took))
		if s.ObserveQuery != nil {
			s.ObserveQuery(took)
		}
		if err != nil {
			return nil, err
		}
		return newTile(bytes.Join(parts, nil))
	}
	if s.cache == nil {
		return query(ctx)
	}
	key := newKey(served, t)
	epoch := s.epoch.Load()
	if tile, ok := s.cache.Get(key); ok {
		return tile, nil
	}
	// Callers after a change do not join a query started before it.
	flight := key.String() + "@" + strconv.FormatInt(epoch, 10)
	return s.flights.do(ctx, flight, func(ctx context.Context) (*Tile, error) {
		tile, err := query(ctx)
		if err == nil && s.epoch.Load() == epoch {
			s.cache.Add(key, tile)
		}
		return tile, err
	})
}
