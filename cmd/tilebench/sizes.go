package main

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/paulmach/orb"

	"bandoso/geo"
	"bandoso/tiles"
)

// sizedLayers are the layers whose tile sizes are reported one by one; the style's composite
// tile is reported as "style".
var sizedLayers = []string{"parcels", "addresses", "streets"}

// SizeStat describes the sizes of one layer's (or the style's) tiles at one zoom, over the
// tiles that had features.
type SizeStat struct {
	Z     int
	Layer string
	// Tiles were looked at, NonEmpty had features.
	Tiles, NonEmpty int
	// Max and P95 are bytes uncompressed, MaxGzip and P95Gzip gzipped.
	Max, P95, MaxGzip, P95Gzip int
	// Largest is the path of the tile of Max bytes.
	Largest string
}

// tileSize is one tile's size for one layer.
type tileSize struct {
	path     string
	raw, gz  int
	nonEmpty bool
}

// sizes measures every tile over bounds at each zoom from minZ to maxZ, or a fixed sample of
// sample tiles where a zoom has more, with workers concurrent workers. Each tile is the
// style's composite; its layers are measured apart from the same bytes.
func sizes(ctx context.Context, b *Bench, svc *tiles.Service, bounds orb.Bound, minZ, maxZ, sample, workers int, seed uint64) ([]SizeStat, error) {
	var out []SizeStat
	for z := minZ; z <= maxZ; z++ {
		coords := sampleTiles(bounds, z, sample, seed)
		// per layer (sizedLayers, then the style), per tile
		got := make([][]tileSize, len(sizedLayers)+1)
		for k := range got {
			got[k] = make([]tileSize, len(coords))
		}
		var next atomic.Int64
		var firstErr error
		var once sync.Once
		var wg sync.WaitGroup
		for range workers {
			wg.Go(func() {
				for {
					i := int(next.Add(1)) - 1
					if i >= len(coords) {
						return
					}
					if err := sizeTile(ctx, b, svc, coords[i], got, i); err != nil {
						once.Do(func() { firstErr = err })
						return
					}
				}
			})
		}
		wg.Wait()
		if firstErr != nil {
			return nil, firstErr
		}
		for k, name := range append(slices.Clone(sizedLayers), "style") {
			out = append(out, summarize(z, name, got[k]))
		}
	}
	return out, nil
}

// sizeTile fetches the style tile at c bare and records each sized layer's bytes and the
// whole tile's in got[k][i].
func sizeTile(ctx context.Context, b *Bench, svc *tiles.Service, at geo.Tile, got [][]tileSize, i int) error {
	t, err := newTile(ctx, svc, styleLayers, at)
	if err != nil {
		return err
	}
	parts, err := bareParts(ctx, b.DB, t)
	if err != nil {
		return fmt.Errorf("%s: %w", t.Path(), err)
	}
	record := func(k int, layers []string, data []byte) error {
		ts := tileSize{path: Tile{Layers: layers, At: at}.Path(), raw: len(data), nonEmpty: len(data) > 0}
		if ts.nonEmpty {
			gz, err := tiles.Gzip(data)
			if err != nil {
				return err
			}
			ts.gz = len(gz)
		}
		got[k][i] = ts
		return nil
	}
	for k, name := range sizedLayers {
		j := slices.Index(t.names, name)
		var data []byte
		if j >= 0 {
			data = parts[j]
		}
		if err := record(k, []string{name}, data); err != nil {
			return err
		}
	}
	return record(len(sizedLayers), styleLayers, bytes.Join(parts, nil))
}

// summarize makes the statistics of one layer's sizes at zoom z.
func summarize(z int, layer string, all []tileSize) SizeStat {
	s := SizeStat{Z: z, Layer: layer, Tiles: len(all)}
	var raw, gz []int
	for _, t := range all {
		if !t.nonEmpty {
			continue
		}
		s.NonEmpty++
		raw, gz = append(raw, t.raw), append(gz, t.gz)
		if t.raw > s.Max {
			s.Max, s.Largest = t.raw, t.path
		}
	}
	slices.Sort(raw)
	slices.Sort(gz)
	s.P95, s.P95Gzip = nearestRank(raw, 0.95), nearestRank(gz, 0.95)
	if len(gz) > 0 {
		s.MaxGzip = gz[len(gz)-1]
	}
	return s
}

// nearestRank is the q quantile of sorted by the nearest-rank method, 0 when empty.
func nearestRank(sorted []int, q float64) int {
	if len(sorted) == 0 {
		return 0
	}
	i := int(q*float64(len(sorted))+0.999999) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}
