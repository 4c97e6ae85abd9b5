package api_test

import (
	"context"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
)

// TestDemoBasemapTiles: the demo city, loaded alone, has a basemap: its tiles hold buildings
// and land use among the parcels, and the river and its waterway at its edge.
func TestDemoBasemapTiles(t *testing.T) {
	e := newCityEnv(t, 3000)
	const layers = "landuse,parks,water,waterways,buildings,railways,roads,pois"
	classes := func(tile maptile.Tile) map[string]map[string]int {
		got := map[string]map[string]int{}
		for name, l := range decode(t, e.get(t, tilePath(layers, tile))) {
			got[name] = map[string]int{}
			for _, f := range l.Features {
				class, _ := f.Properties["class"].(string)
				got[name][class]++
			}
		}
		return got
	}
	centre := classes(maptile.At(e.centre, 16))
	if len(centre["buildings"]) == 0 || centre["landuse"]["residential"] == 0 {
		t.Errorf("tile at the city's centre has buildings %v and land use %v, want buildings on residential land", centre["buildings"], centre["landuse"])
	}
	var river orb.Point
	if err := e.pool.QueryRow(context.Background(), `SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointOnSurface(geom) p
		FROM osm_areas WHERE kind = 'water' AND class = 'river') s`).Scan(&river[0], &river[1]); err != nil {
		t.Fatal(err)
	}
	water := classes(maptile.At(river, 14))
	if water["water"]["river"] == 0 || water["waterways"]["river"] == 0 {
		t.Errorf("tile on the river has water %v and waterways %v, want the river in both", water["water"], water["waterways"])
	}
	if far := classes(maptile.At(e.centre, 11)); far["landuse"]["farmland"] == 0 {
		t.Errorf("tile of the city at z11 has land use %v, want the farmland around it", far["landuse"])
	}
}
