package geo_test

import (
	"testing"

	"github.com/paulmach/orb"

	"bandoso/geo"
)

func TestPositions(t *testing.T) {
	ring := orb.Ring{{0, 0}, {1, 0}, {1, 1}, {0, 0}}
	for _, c := range []struct {
		g    orb.Geometry
		want int
	}{
		{orb.Point{1, 2}, 1},
		{orb.MultiPoint{{0, 0}, {1, 1}, {2, 2}}, 3},
		{orb.LineString{{0, 0}, {1, 1}}, 2},
		{orb.Polygon{ring, ring}, 8},
		{orb.MultiPolygon{{ring}, {ring, ring}}, 12},
		{orb.Collection{orb.Point{0, 0}, orb.MultiLineString{{{0, 0}, {1, 1}}, {{2, 2}, {3, 3}, {4, 4}}}}, 6},
		{orb.Bound{Min: orb.Point{0, 0}, Max: orb.Point{1, 1}}, 4},
	} {
		if got := geo.Positions(c.g); got != c.want {
			t.Errorf("Positions(%T) = %d, want %d", c.g, got, c.want)
		}
	}
}
