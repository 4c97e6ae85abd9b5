package tiles

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/paulmach/orb"

	"bandoso/catalog"
	"bandoso/geo"
)

// ErrSeeding is Seed's error while another seed of the service runs.
var ErrSeeding = errors.New("tiles: a seed is running already")

// ErrNoCache is Seed's error for a service with neither a cache of its own nor a shared one.
var ErrNoCache = errors.New("tiles: no tile cache to seed")

// SeedOptions say which tiles Seed makes.
type SeedOptions struct {
	// Sources are the tiles viewers ask for, each the layers of one composite tile in the
	// order its URL names them ("wards,streets,parcels"): the sources of the viewer's style.
	Sources [][]string
	// MinZoom and MaxZoom are the zooms seeded, each clamped to the zooms of a source's layers.
	MinZoom, MaxZoom int
	// Idle is how many places of the gate must be free before a tile is made. Default
	// DefaultIdle.
	Idle int
	// Timeout bounds one tile. Default 30 s.
	Timeout time.Duration
	// Log hears the seed's progress; nil is silent.
	Log *slog.Logger
}

// SeedReport is what a seed did.
type SeedReport struct {
	// Planned is the tiles of the zooms over the extent of the sources' layers; Skipped those
	// of the zooms left out because the cache of this instance would not hold them.
	Planned, Skipped int
	// Made is the tiles the database made, Shared those found in the shared cache, Cached
	// those this instance held already, Failed those that failed.
	Made, Shared, Cached, Failed int
	// Bytes is what the tiles seeded cost this instance's cache.
	Bytes   int64
	Elapsed time.Duration
}

// Seed fills the caches with the tiles of the sources over the extent of their layers' data
// (and a tile past it), zoom by zoom from the lowest: into the shared cache when the service has one, else into its
// own. It works as Prerender does, one tile at a time while the gate is idle. A cache of its
// own too small for the tiles is not seeded past what it holds: Seed stops before a zoom
// whose tiles would, by the size of those of the zoom before, push out what it seeded, or
// once the cache evicted a tile, and logs it. It returns when done or when ctx ends.
func (s *Service) Seed(ctx context.Context, o SeedOptions) (SeedReport, error) {
	start := time.Now()
	var rep SeedReport
	if s.cache == nil && s.Shared == nil {
		return rep, ErrNoCache
	}
	if !s.background.seeding.CompareAndSwap(false, true) {
		return rep, ErrSeeding
	}
	defer s.background.seeding.Store(false)
	o.Idle = cmp.Or(o.Idle, DefaultIdle)
	o.Timeout = cmp.Or(o.Timeout, 30*time.Second)
	log := o.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	plan, err := s.seedPlan(ctx, o, log)
	if err != nil {
		return rep, err
	}
	for _, keys := range plan {
		rep.Planned += len(keys)
	}
	s.background.seedLeft.Store(int64(rep.Planned))
	defer s.background.seedLeft.Store(0)
	log.Info("tiles: seeding", "zooms", fmt.Sprintf("%d-%d", o.MinZoom, o.MaxZoom), "sources", len(o.Sources),
		"tiles", rep.Planned, "into", s.seedTarget())
	var evictions int64
	if s.cache != nil {
		evictions = s.cache.Stats().Evictions
	}
	perTile := int64(0) // cache bytes per tile at the zoom before
	for i, keys := range plan {
		if s.Shared == nil && i > 0 && s.seedWouldOverflow(plan[i:], perTile, evictions, log) {
			for _, rest := range plan[i:] {
				rep.Skipped += len(rest)
			}
			break
		}
		zoomBytes, zoomTiles := int64(0), int64(0)
		for _, key := range keys {
			cost, err := s.seedOne(ctx, key, o, &rep)
			if ctx.Err() != nil {
				rep.Elapsed = time.Since(start)
				return rep, ctx.Err()
			}
			if err != nil {
				log.Debug("tiles: seed: tile failed", "tile", key.String(), "err", err)
			}
			if cost > 0 {
				zoomBytes, zoomTiles = zoomBytes+cost, zoomTiles+1
			}
			s.background.seedLeft.Add(-1)
		}
		rep.Bytes += zoomBytes
		perTile = zoomBytes / max(zoomTiles, 1)
		log.Info("tiles: seeded a zoom", "zoom", keys[0].Tile.Z, "tiles", len(keys), "made", rep.Made,
			"shared", rep.Shared, "cached", rep.Cached, "failed", rep.Failed, "mb", rep.Bytes>>20,
			"elapsed", time.Since(start).Round(time.Millisecond))
	}
	rep.Elapsed = time.Since(start)
	log.Info("tiles: seed done", "tiles", rep.Planned-rep.Skipped, "made", rep.Made, "shared", rep.Shared,
		"cached", rep.Cached, "failed", rep.Failed, "skipped", rep.Skipped, "elapsed", rep.Elapsed.Round(time.Millisecond))
	return rep, nil
}

func (s *Service) seedTarget() string {
	if s.Shared != nil {
		return "shared"
	}
	return "local"
}

// seedOne makes key's tile unless cached, counting it in rep; cost is what it costs this
// instance's cache, 0 when it holds none of it.
func (s *Service) seedOne(ctx context.Context, key Key, o SeedOptions, rep *SeedReport) (cost int64, err error) {
	if s.cached(key) {
		rep.Cached++
		return 0, nil
	}
	// A tile made while a change came is served but not kept (Tile): it is made again.
	var origin Origin
	for try := 1; ; try++ {
		origin, err = s.makeAhead(ctx, key, o.Idle, o.Timeout)
		if err != nil || s.cache == nil || s.cached(key) {
			break
		}
		if try == prerenderTries {
			err = errors.New("not kept in the cache: changes came each time it was made")
			break
		}
	}
	if err != nil {
		rep.Failed++
		return 0, err
	}
	switch origin {
	case FromCache:
		rep.Cached++
		return 0, nil
	case FromShared:
		rep.Shared++
	default:
		rep.Made++
	}
	s.background.seeded.Add(1)
	if s.cache == nil {
		return 0, nil
	}
	tile, ok := s.cache.peek(key)
	if !ok {
		return 0, nil
	}
	return (&entry{key: key, tile: tile}).cost(), nil
}

// seedWouldOverflow reports, logging why, whether seeding the zooms of rest would push tiles
// out of this instance's cache: it evicted some since evictions, or the next zoom's tiles, at
// perTile bytes each, are more than it has room for.
func (s *Service) seedWouldOverflow(rest [][]Key, perTile, evictions int64, log *slog.Logger) bool {
	free, total := s.cache.room()
	left := 0
	for _, keys := range rest {
		left += len(keys)
	}
	z := rest[0][0].Tile.Z
	if s.cache.Stats().Evictions > evictions {
		log.Warn("tiles: the tile cache is smaller than the seed: it evicted tiles, so zooms from here on are not seeded; raise --tile-cache-mb or seed fewer zooms",
			"cache_mb", total>>20, "from_zoom", z, "tiles_left_out", left)
		return true
	}
	if need := perTile * int64(len(rest[0])); need > free {
		log.Warn("tiles: the tile cache is smaller than the seed: the next zoom would not fit, so zooms from here on are not seeded; raise --tile-cache-mb or seed fewer zooms",
			"cache_mb", total>>20, "free_mb", free>>20, "next_zoom", z, "next_zoom_mb_estimate", need>>20, "tiles_left_out", left)
		return true
	}
	return false
}

// seedPlan lists the keys to seed, by zoom from the lowest: at each zoom, for each source,
// the tiles over the extent of the source's layers drawn at that zoom. Layers the catalog
// does not know are left out and logged.
func (s *Service) seedPlan(ctx context.Context, o SeedOptions, log *slog.Logger) ([][]Key, error) {
	type layer struct {
		l       *catalog.Layer
		bound   orb.Bound
		hasData bool
	}
	var sources [][]layer
	for _, names := range o.Sources {
		var src []layer
		for _, n := range names {
			l, err := s.catalog.Layer(ctx, n)
			if errors.Is(err, catalog.ErrUnknownLayer) {
				log.Warn("tiles: seed: no such layer; left out", "layer", n)
				continue
			}
			if err != nil {
				return nil, err
			}
			b, ok, err := s.catalog.Bounds(ctx, l)
			if err != nil {
				return nil, err
			}
			src = append(src, layer{l: l, bound: b, hasData: ok})
		}
		sources = append(sources, src)
	}
	var plan [][]Key
	for z := max(o.MinZoom, 0); z <= min(o.MaxZoom, geo.MaxZoom); z++ {
		var keys []Key
		seen := map[Key]bool{}
		for _, src := range sources {
			var served []string
			var bound orb.Bound
			has := false
			for _, ly := range src {
				if !ly.l.InZoom(z) || slices.Contains(served, ly.l.Name) {
					continue
				}
				served = append(served, ly.l.Name)
				if !ly.hasData {
					continue
				}
				if has {
					bound = bound.Union(ly.bound)
				} else {
					bound, has = ly.bound, true
				}
			}
			if !has {
				continue
			}
			for _, t := range tilesOver(bound, z) {
				if k := newKey(served, t); !seen[k] {
					seen[k] = true
					keys = append(keys, k)
				}
			}
		}
		if len(keys) > 0 {
			plan = append(plan, keys)
		}
	}
	return plan, nil
}

// tilesOver lists the tiles of zoom z over b, in degrees, and one more all round, row by
// row: a screen at the edge of the data shows tiles past it too.
func tilesOver(b orb.Bound, z int) []geo.Tile {
	nw, se := geo.TileAt(b.LeftTop(), z), geo.TileAt(b.RightBottom(), z)
	last := geo.MatrixSize(z) - 1
	var out []geo.Tile
	for y := max(int(nw.Y)-1, 0); y <= min(int(se.Y)+1, last); y++ {
		for x := max(int(nw.X)-1, 0); x <= min(int(se.X)+1, last); x++ {
			out = append(out, geo.NewTile(z, x, y))
		}
	}
	return out
}
