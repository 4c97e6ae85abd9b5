package geo_test

import (
	"math"
	"testing"

	"github.com/paulmach/orb"

	"bandoso/geo"
)

func TestIsDegreesBox(t *testing.T) {
	cases := map[string]struct {
		west, south, east, north float64
		want                     bool
	}{
		"Ho Chi Minh City":      {106.3, 10.3, 107.1, 11.2, true},
		"the whole world":       {-180, -90, 180, 90, true},
		"west past east":        {107, 10, 106, 11, false},
		"a line, no area":       {106, 10, 107, 10, false},
		"past the antimeridian": {170, 10, 181, 11, false},
		"past the pole":         {0, -91, 1, 0, false},
		"metres, not degrees":   {600000, 1192000, 601000, 1193000, false},
		"a NaN side":            {math.NaN(), 10, 107, 11, false},
	}
	for name, c := range cases {
		b := orb.Bound{Min: orb.Point{c.west, c.south}, Max: orb.Point{c.east, c.north}}
		if got := geo.IsDegreesBox(b); got != c.want {
			t.Errorf("%s %v: %v, want %v", name, b, got, c.want)
		}
	}
}
