package tiles

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"math"
	"slices"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"bandoso/catalog"
	"bandoso/geo"
	"bandoso/shared"
	"bandoso/store"
)

// maxDropTiles bounds the tiles of one zoom that a batch of changes to one table drops one
// by one from the shared cache; past it the table's generation at that zoom moves instead.
const maxDropTiles = 256

// sharedTimeout bounds the shared cache's work on one batch of changes.
const sharedTimeout = 5 * time.Second

// sharedKey is the shared cache's key of tile t of the served layers, drawn by ds.
func sharedKey(served []string, ds []*drawing, t geo.Tile) shared.TileKey {
	z := int(t.Z)
	h := sha256.New()
	var tables []string
	for _, d := range ds {
		io.WriteString(h, d.signature+"\x00") //nolint:errcheck // hashes do not fail
		tables = append(tables, d.layer.TileSource(z).Table)
	}
	slices.Sort(tables)
	return shared.TileKey{Coord: t.String(), Layers: served, Drawn: hex.EncodeToString(h.Sum(nil)[:6]),
		Tables: slices.Compact(tables)}
}

// viaShared returns the tile from the shared cache, or makes it with query and shares it.
// Redis failing is no failure here: the tile is made, and simply not shared. A tile made on
// a replica that had not replayed seen, the changes heard of when it was asked for, is not
// shared either. A tile from the shared cache counts as replayed up to seen: drops keep it
// fresh (see shared.Tiles).
func (s *Service) viaShared(ctx context.Context, key shared.TileKey, seen store.LSN, query tileQuery) (*Tile, store.LSN, error) {
	get := s.Shared.Get
	if isBackground(ctx) {
		get = s.Shared.Look // not the clients' hits and misses
	}
	st, found, miss, err := get(ctx, key)
	if err == nil && found {
		if tile, err := tileFromGzip(st.Hash, st.Gzip); err == nil {
			noteOrigin(ctx, FromShared)
			return tile, seen, nil
		}
	}
	tile, replayed, qerr := query(ctx)
	if qerr != nil || err != nil || replayed < seen {
		return tile, replayed, qerr
	}
	if err := tile.seal(); err != nil {
		return nil, 0, err
	}
	if s.beforeShare != nil {
		s.beforeShare()
	}
	s.Shared.Store(ctx, key, miss, shared.Tile{Hash: tile.hash, Gzip: tile.gzip}) //nolint:errcheck // the client counts and logs failures
	return tile, replayed, nil
}

// tileFromGzip is the tile whose gzipped bytes are gz.
func tileFromGzip(hash string, gz []byte) (*Tile, error) {
	if hash == "" {
		return &Tile{}, nil
	}
	data, err := gunzip(gz)
	if err != nil {
		return nil, err
	}
	return &Tile{Data: data, gzip: gz, hash: hash}, nil
}

// dropShared drops from the shared cache what changes touch: at each zoom a changed table
// is drawn at, the tiles its changes' boxes cover, holding a layer drawn from it there; or,
// past maxDropTiles or for a change of the whole table, the table's generation at that zoom.
func (s *Service) dropShared(changes []store.Change) {
	ctx, cancel := context.WithTimeout(context.Background(), sharedTimeout)
	defer cancel()
	layers, err := s.catalog.Layers(ctx)
	if err != nil {
		// Without the catalog the zooms are unknown: every zoom of the tables moves on.
		for _, c := range changes {
			for z := range geo.MaxZoom + 1 {
				s.Shared.Bump(ctx, c.ID, z, []string{c.Table}) //nolint:errcheck // the client counts and logs failures
			}
		}
		return
	}
	byTable := map[string][]store.Change{}
	for _, c := range changes {
		byTable[c.Table] = append(byTable[c.Table], c)
	}
	for table, cs := range byTable {
		for z := range geo.MaxZoom + 1 {
			names := drawnFrom(layers, table, z)
			if len(names) == 0 {
				continue
			}
			coords, ok := coveredTiles(cs, z, maxDropTiles)
			if !ok {
				s.Shared.Bump(ctx, lastID(cs), z, []string{table}) //nolint:errcheck // as above
				continue
			}
			s.Shared.Drop(ctx, names, coords) //nolint:errcheck // as above
		}
	}
}

// lastID is the largest id of changes: what the instances bumping for them agree on.
func lastID(changes []store.Change) int64 {
	var id int64
	for _, c := range changes {
		id = max(id, c.ID)
	}
	return id
}

// drawnFrom are the names of the layers drawn from table at zoom z.
func drawnFrom(layers []*catalog.Layer, table string, z int) []string {
	var names []string
	for _, l := range layers {
		if l.InZoom(z) && l.TileSource(z).Table == table {
			names = append(names, l.Name)
		}
	}
	return names
}

// coveredTiles are the tiles z/x/y of zoom z whose buffered bound (as touches sees it) meets
// a box of changes; ok is false when a change is of the whole table or they are more than
// limit.
func coveredTiles(changes []store.Change, z, limit int) (coords []string, ok bool) {
	seen := map[maptile.Tile]bool{}
	for _, c := range changes {
		if c.All {
			return nil, false
		}
		for _, b := range c.Boxes {
			minX, minY, maxX, maxY := tileRange(b, z)
			if (maxX-minX+1)*(maxY-minY+1)+len(seen) > limit {
				return nil, false
			}
			for x := minX; x <= maxX; x++ {
				for y := minY; y <= maxY; y++ {
					seen[maptile.New(uint32(x), uint32(y), maptile.Zoom(z))] = true
				}
			}
		}
	}
	for t := range seen {
		coords = append(coords, geo.Tile{Tile: t}.String())
	}
	slices.Sort(coords)
	return coords, true
}

// tileRange is the columns and rows of zoom z whose tiles, grown by the buffer and one unit
// more (as touches grows them), meet b, in degrees. A little more is taken at each edge so
// that rounding never leaves a tile out; a tile too many is merely dropped.
func tileRange(b orb.Bound, z int) (minX, minY, maxX, maxY int) {
	pad := float64(geo.TileBuffer+1)/geo.TileExtent + 1e-6
	lo := maptile.Fraction(orb.Point{b.Min[0], b.Max[1]}, maptile.Zoom(z)) // west, north: the smallest row
	hi := maptile.Fraction(orb.Point{b.Max[0], b.Min[1]}, maptile.Zoom(z))
	last := float64(int(1)<<z - 1)
	clamp := func(v float64) int { return int(math.Max(0, math.Min(last, v))) }
	return clamp(math.Ceil(lo[0] - 1 - pad)), clamp(math.Ceil(lo[1] - 1 - pad)), clamp(math.Floor(hi[0] + pad)), clamp(math.Floor(hi[1] + pad))
}
