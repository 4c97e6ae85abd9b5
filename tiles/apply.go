package tiles

import (
	"maps"
	"math"
	"strconv"
	"strings"

	"bandoso/store"
)

// Apply takes committed changes into account: it drops from the cache exactly the tiles
// they touch, at every zoom whose source table changed (a generalized table at low zooms,
// the layer's own above). Tiles being made meanwhile are served but not cached. A change of
// the catalog reaches tiles through the catalog (catalog.Catalog.Apply): the tiles of a layer
// it draws otherwise leave the cache when the layer is next asked for. Dropping costs one
// pass over the cache per call.
func (s *Service) Apply(changes []store.Change) {
	if len(changes) == 0 {
		return
	}
	// First the epoch, then the drop: a tile made from rows before the change is either
	// dropped here or never cached.
	s.epoch.Add(1)
	if s.cache == nil {
		return
	}
	byTable := map[string][]store.Change{}
	for _, c := range changes {
		byTable[c.Table] = append(byTable[c.Table], c)
	}
	// The cached tiles were drawn by the statements drawn last.
	s.mu.Lock()
	drawn := maps.Clone(s.drawn)
	s.mu.Unlock()
	s.cache.Drop(func(key string) bool { return touches(key, drawn, byTable) })
}

// touches reports whether the tile cached under key draws a layer from a changed table
// where a change's boxes meet the tile, buffer included.
func touches(key string, drawn map[string]*drawing, byTable map[string][]store.Change) bool {
	names, z, x, y, ok := parseTileKey(key)
	if !ok {
		return true // not ours to keep
	}
	var bounds [4]float64
	var haveBounds bool
	for name := range strings.SplitSeq(names, ",") {
		d := drawn[name]
		if d == nil {
			return true
		}
		for _, c := range byTable[d.layer.TileSource(z).Table] {
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
