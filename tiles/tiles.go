// Package tiles serves Mapbox Vector Tiles (MVT 2.1) of the catalog's layers: it turns the
// layer catalog into specs with their zoom ranges and statements, and puts the layers of a
// tile together. PostGIS makes each layer's bytes; store runs the statements.
package tiles

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"bandoso/store"
)

// MaxZoom is the deepest zoom served; the catalog's zoom ranges stop there too.
const MaxZoom = 24

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
	GeometryType string
	// Fields are the attributes each feature carries besides its id, in catalog order.
	Fields []string
	// MinZoom and MaxZoom bound the zooms whose tiles include the layer.
	MinZoom, MaxZoom int
	query            store.TileQuery
}

// InZoom reports whether tiles at zoom z include the layer.
func (l *Layer) InZoom(z int) bool { return z >= l.MinZoom && z <= l.MaxZoom }

// Service makes tiles. It reads the layer catalog once, on the first call that needs it, so
// that a service started while the database is down serves tiles once it is back. It is safe
// for concurrent use.
type Service struct {
	db      *store.DB
	cache   *Cache
	flights flights

	mu     sync.Mutex
	layers map[string]*Layer
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
		layers[r.Name] = &Layer{Name: r.Name, Title: r.Title, GeometryType: r.GeometryType, Fields: r.Fields,
			MinZoom: r.MinZoom, MaxZoom: min(r.MaxZoom, MaxZoom), query: store.NewTileQuery(r)}
	}
	s.layers = layers
	return layers, nil
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

// Tile returns the MVT tile z/x/y holding the named layers, in the order named. Layers
// outside their zoom range at z are left out; a tile with no features is Empty. MVT
// layers are independent messages of one repeated field (MVT 2.1 §4.1), so the tile is the
// concatenation of each layer's bytes. z, x and y must be a valid tile.
func (s *Service) Tile(ctx context.Context, names []string, z, x, y int) (*Tile, error) {
	var qs []store.TileQuery
	var served []string
	seen := make(map[string]bool, len(names))
	for _, n := range names {
		l, err := s.Layer(ctx, n)
		if err != nil {
			return nil, err
		}
		// A tile must not hold two layers of one name (MVT 2.1 §4.1).
		if l.InZoom(z) && !seen[n] {
			seen[n] = true
			served = append(served, n)
			qs = append(qs, l.query)
		}
	}
	if len(qs) == 0 {
		return &Tile{}, nil
	}
	query := func(ctx context.Context) (*Tile, error) {
		parts, err := s.db.Tile(ctx, qs, z, x, y)
		if err != nil {
			return nil, err
		}
		return newTile(bytes.Join(parts, nil))
	}
	if s.cache == nil {
		return query(ctx)
	}
	key := strings.Join(served, ",") + "/" + strconv.Itoa(z) + "/" + strconv.Itoa(x) + "/" + strconv.Itoa(y)
	if tile, ok := s.cache.Get(key); ok {
		return tile, nil
	}
	return s.flights.do(ctx, key, func(ctx context.Context) (*Tile, error) {
		tile, err := query(ctx)
		if err == nil {
			s.cache.Add(key, tile)
		}
		return tile, err
	})
}
