package tiles

import (
	"bytes"
	"context"
	"time"

	"bandoso/geo"
	"bandoso/store"
)

// TileAsOf is Tile as the named layers were at time at. Past tiles bypass the cache: they
// are rare, and a cache keyed by every instant asked for would hold each once.
func (s *Service) TileAsOf(ctx context.Context, names []string, t geo.Tile, at time.Time) (*Tile, error) {
	z := int(t.Z)
	var qs []store.TileQuery
	seen := map[string]bool{}
	for _, n := range names {
		l, err := s.catalog.Layer(ctx, n)
		if err != nil {
			return nil, err
		}
		if !l.InZoom(z) || seen[n] {
			continue
		}
		seen[n] = true
		q, err := s.db.TileQueryAsOf(ctx, l.LayerRow, z)
		if err != nil {
			return nil, err
		}
		qs = append(qs, q)
	}
	if len(qs) == 0 {
		return &Tile{}, nil
	}
	parts, err := s.db.TileAsOf(ctx, qs, t, at)
	if err != nil {
		return nil, err
	}
	return &Tile{Data: bytes.Join(parts, nil)}, nil
}
