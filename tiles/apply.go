package tiles

import (
	"slices"

	"github.com/paulmach/orb"

	"bandoso/geo"
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
		s.cache.Drop(func(key Key) bool { return touches(key, layers, byTable) })
	}
}

func (l *Layer) forgetBounds() {
	l.boundsMu.Lock()
	defer l.boundsMu.Unlock()
	l.boundsRead = false
}

// touches reports whether the tile cached under key draws a layer from a changed table
// where a change's boxes meet the tile, buffer included.
func touches(key Key, layers map[string]*Layer, byTable map[string][]store.Change) bool {
	z := int(key.Tile.Z)
	var drawn orb.Bound
	var haveDrawn bool
	for name := range key.Names() {
		l := layers[name]
		if l == nil {
			return true
		}
		for _, c := range byTable[l.TileSource(z).Table] {
			if c.All {
				return true
			}
			if !haveDrawn {
				// The tile grown by its buffer and one more unit of the extent, for features
				// that snap onto the grid at its edge.
				drawn, haveDrawn = key.Tile.BufferBound(geo.TileBuffer+1), true
			}
			for _, b := range c.Boxes {
				if b.Intersects(drawn) {
					return true
				}
			}
		}
	}
	return false
}
