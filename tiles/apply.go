package tiles

import (
	"maps"

	"github.com/paulmach/orb"

	"bandoso/geo"
	"bandoso/store"
)

// Apply takes committed changes into account: it drops from the cache exactly the tiles
// they touch, at every zoom whose source table changed (a generalized table at low zooms,
// the layer's own above). Tiles being made meanwhile are served but not cached. A change of
// the catalog reaches tiles through the catalog (catalog.Catalog.Apply): the tiles of a layer
// it draws otherwise leave the cache when the layer is next asked for. Dropping costs one
// pass over the cache per call, and with a shared cache a few calls to Redis (dropShared).
func (s *Service) Apply(changes []store.Change) {
	if len(changes) == 0 {
		return
	}
	// The shared cache first, then the epoch, then the drop here: a tile made from rows
	// before the change, here or taken from the shared cache before its drop, is either
	// dropped here or never cached.
	if s.Shared != nil {
		s.dropShared(changes)
	}
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
	// The tiles dropped were wanted: they are made again ahead of the next request.
	var dropped []Key
	s.cache.Drop(func(key Key) bool {
		if touches(key, drawn, byTable) {
			dropped = append(dropped, key)
			return true
		}
		return false
	})
	s.prerender(dropped)
}

// touches reports whether the tile cached under key draws a layer from a changed table
// where a change's boxes meet the tile, buffer included.
func touches(key Key, drawn map[string]*drawing, byTable map[string][]store.Change) bool {
	z := int(key.Tile.Z)
	var bound orb.Bound
	var haveBound bool
	for name := range key.Names() {
		d := drawn[name]
		if d == nil {
			return true
		}
		for _, c := range byTable[d.layer.TileSource(z).Table] {
			if c.All {
				return true
			}
			if !haveBound {
				// The tile grown by its buffer and one more unit of the extent, for features
				// that snap onto the grid at its edge.
				bound, haveBound = key.Tile.BufferBound(geo.TileBuffer+1), true
			}
			for _, b := range c.Boxes {
				if b.Intersects(bound) {
					return true
				}
			}
		}
	}
	return false
}
