package tiles

import (
	"math"
	"slices"
	"strconv"
	"strings"

	"bandoso/store"
)

// CatalogTables are the tables whose changes are changes of the layer catalog itself.
var CatalogTables = []string{"layers", "layer_bands"}

// Apply takes committed changes into account: it drops from the cache exactly the tiles
// they touch, at every zoom whose source table changed (a generalized table at low zooms,
// the layer's own above), forgets the bounds of layers over a changed table, and for a
// change of the catalog reads the catalog again and drops every tile. Tiles being made
// meanwhile are served but not cached. Dropping costs one pass over the cache per call.
func (s *Service) Apply(changes []store.Change) {
	if len(changes) == 0 {
		return
	}
	// First the epoch, then the drop: a tile made from rows before the change is either
	// dropped here or never cached.
	s.epoch.Add(1)
	byTable := map[string][]store.Change{}
	catalog := false
	for _, c := range changes {
		byTable[c.Table] = append(byTable[c.Table], c)
		catalog = catalog || slices.Contains(CatalogTables, c.Table)
	}
	s.mu.Lock()
	// The cached tiles were drawn from the catalog read last, or, when it was forgotten for
	// a catalog change, from the one before.
	layers := s.layers
	if layers == nil {
		layers = s.stale
	}
	if catalog {
		s.forgetCatalogLocked()
	}
	s.mu.Unlock()
	if layers == nil {
		return // no catalog read yet: nothing cached
	}
	for _, l := range layers {
		if _, ok := byTable[l.row.Table]; ok {
			l.forgetBounds()
		}
	}
	if s.cache != nil {
		s.cache.Drop(func(key string) bool { return touches(key, layers, byTable) })
	}
}

func (l *Layer) forgetBounds() {
	l.boundsMu.Lock()
	defer l.boundsMu.Unlock()
	l.boundsRead = false
}

// touches reports whether the tile cached under key draws a layer from a changed table
// where a change's boxes meet the tile, buffer included.
func touches(key string, layers map[string]*Layer, byTable map[string][]store.Change) bool {
	names, z, x, y, ok := parseTileKey(key)
	if !ok {
		return true // not ours to keep
	}
	var bounds [4]float64
	var haveBounds bool
	for name := range strings.SplitSeq(names, ",") {
		l := layers[name]
		if l == nil {
			return true
		}
		for _, c := range byTable[l.TileSource(z).Table] {
			if c.All {
				return true
			}
			if !haveBounds {
				bounds, haveBounds = tileBoundsLonLat(z, x, y), true
			}
			for _, b := range c.Boxes {
				if b[0] <= bounds[2] && b[2] >= bounds[0] && b[1] <= bounds[3] && b[3] >= bounds[1] {
					return true
				}
			}
		}
	}
	return false
}

// parseTileKey reads back a key made by tileKey.
func parseTileKey(key string) (layers string, z, x, y int, ok bool) {
	parts := strings.Split(key, "/")
	if len(parts) != 4 {
		return "", 0, 0, 0, false
	}
	var err [3]error
	z, err[0] = strconv.Atoi(parts[1])
	x, err[1] = strconv.Atoi(parts[2])
	y, err[2] = strconv.Atoi(parts[3])
	return parts[0], z, x, y, err[0] == nil && err[1] == nil && err[2] == nil
}

// tileBoundsLonLat is what tile z/x/y draws as west, south, east, north in degrees: the
// tile grown by its buffer (store.TileBuffer) and one more unit of the extent, for features
// that snap onto the grid at its edge.
func tileBoundsLonLat(z, x, y int) [4]float64 {
	grow := float64(store.TileBuffer+1) / store.TileExtent
	n := math.Exp2(float64(z))
	lon := func(tx float64) float64 { return tx/n*360 - 180 }
	lat := func(ty float64) float64 { return math.Atan(math.Sinh(math.Pi*(1-2*ty/n))) * 180 / math.Pi }
	return [4]float64{lon(float64(x) - grow), lat(float64(y+1) + grow), lon(float64(x+1) + grow), lat(float64(y) - grow)}
}
