package tiles

import (
	"testing"

	"github.com/paulmach/orb"

	"bandoso/catalog"
	"bandoso/geo"
	"bandoso/store"
)

// TestTouches: a change drops a cached tile when one of its boxes meets what the tile draws,
// the tile and its buffer, and only for a layer drawn from the changed table.
func TestTouches(t *testing.T) {
	// Tile 16/52192/30793 spans 106.69921875..106.704711914 east; its buffer of 64 units
	// and one more reach 65/4096 of its width, 0.0000872°, beyond.
	tile := geo.NewTile(16, 52192, 30793)
	drawnFrom := func(table string) *drawing {
		return &drawing{layer: &catalog.Layer{LayerRow: store.LayerRow{Name: table, Tiles: store.TileSource{Table: table}}}}
	}
	layers := map[string]*drawing{"parcels": drawnFrom("parcels"), "streets": drawnFrom("streets")}
	box := func(west, east float64) orb.Bound {
		return orb.Bound{Min: orb.Point{west, 10.78}, Max: orb.Point{east, 10.781}}
	}
	cases := []struct {
		name    string
		layers  string
		changes []store.Change
		want    bool
	}{
		{"a box inside the tile", "parcels", []store.Change{{Table: "parcels", Boxes: []orb.Bound{box(106.700, 106.701)}}}, true},
		{"a box in the buffer east of the tile", "parcels", []store.Change{{Table: "parcels", Boxes: []orb.Bound{box(106.70475, 106.7048)}}}, true},
		{"a box past the buffer", "parcels", []store.Change{{Table: "parcels", Boxes: []orb.Bound{box(106.7049, 106.706)}}}, false},
		{"a box in the tile, another table", "streets", []store.Change{{Table: "parcels", Boxes: []orb.Bound{box(106.700, 106.701)}}}, false},
		{"the second layer of the tile", "streets,parcels", []store.Change{{Table: "parcels", Boxes: []orb.Bound{box(106.700, 106.701)}}}, true},
		{"the whole table", "parcels", []store.Change{{Table: "parcels", All: true}}, true},
		{"rows without geometry", "parcels", []store.Change{{Table: "parcels"}}, false},
		{"a layer no longer in the catalog", "gone", []store.Change{{Table: "parcels"}}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			byTable := map[string][]store.Change{}
			for _, ch := range c.changes {
				byTable[ch.Table] = append(byTable[ch.Table], ch)
			}
			if got := touches(Key{Layers: c.layers, Tile: tile}, layers, byTable); got != c.want {
				t.Errorf("touches %v: %v, want %v", Key{Layers: c.layers, Tile: tile}, got, c.want)
			}
		})
	}
}
