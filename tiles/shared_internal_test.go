package tiles

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/paulmach/orb"

	"bandoso/catalog"
	"bandoso/geo"
	"bandoso/store"
)

// TestCoveredTilesMatchTouches: the tiles a change drops from the shared cache, enumerated,
// are every tile that touches would drop from the local cache, plus at most some of their
// neighbours (rounding at an edge).
func TestCoveredTilesMatchTouches(t *testing.T) {
	drawn := map[string]*drawing{"parcels": {layer: &catalog.Layer{LayerRow: store.LayerRow{Name: "parcels", Tiles: store.TileSource{Table: "parcels"}}}}}
	rng := rand.New(rand.NewPCG(1, 19))
	for i := range 300 {
		z := 10 + rng.IntN(9)
		west, south := 106.6+rng.Float64()*0.2, 10.7+rng.Float64()*0.2
		size := rng.Float64() * 0.01 * float64(i%3) // points too
		box := orb.Bound{Min: orb.Point{west, south}, Max: orb.Point{west + size, south + size/2}}
		change := store.Change{Table: "parcels", Boxes: []orb.Bound{box}}
		coords, ok := coveredTiles([]store.Change{change}, z, 1<<20)
		if !ok {
			t.Fatalf("box %v at zoom %d: over the limit", box, z)
		}
		// Every tile around the box that touches drops must be enumerated.
		around := geo.TileAt(orb.Point{west, south + size/2}, z)
		span := 2 + int(size*float64(int(1)<<z)/360*2)
		var touched []geo.Tile
		for dx := -span; dx <= span; dx++ {
			for dy := -span; dy <= span; dy++ {
				tile := geo.NewTile(z, int(around.X)+dx, int(around.Y)+dy)
				key := Key{Layers: "parcels", Tile: tile}
				if touches(key, drawn, map[string][]store.Change{"parcels": {change}}) {
					touched = append(touched, tile)
					if !slices.Contains(coords, tile.String()) {
						t.Fatalf("box %v: tile %s touches it but is not enumerated (%v)", box, tile, coords)
					}
				}
			}
		}
		// And no other tile but a neighbour of one touched.
		for _, c := range coords {
			if !slices.ContainsFunc(touched, func(t geo.Tile) bool { return neighbours(t, c) }) {
				t.Errorf("box %v at zoom %d: tile %s enumerated, far from those touched", box, z, c)
			}
		}
	}
	// Past the limit, or a change of the whole table, nothing is enumerated.
	big := store.Change{Table: "parcels", Boxes: []orb.Bound{{Min: orb.Point{106.5, 10.5}, Max: orb.Point{107, 11}}}}
	if _, ok := coveredTiles([]store.Change{big}, 18, maxDropTiles); ok {
		t.Error("half a degree at zoom 18 is within the limit")
	}
	if _, ok := coveredTiles([]store.Change{{Table: "parcels", All: true}}, 0, maxDropTiles); ok {
		t.Error("a change of the whole table enumerated tiles")
	}
}

// neighbours says whether tile coord (z/x/y) is t or one of the eight around it.
func neighbours(t geo.Tile, coord string) bool {
	for dx := -1; dx <= 1; dx++ {
		for dy := -1; dy <= 1; dy++ {
			if geo.NewTile(int(t.Z), int(t.X)+dx, int(t.Y)+dy).String() == coord {
				return true
			}
		}
	}
	return false
}
