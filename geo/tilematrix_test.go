package geo_test

import (
	"math"
	"testing"

	"github.com/paulmach/orb/maptile"

	"bandoso/geo"
)

// The values the OGC publishes for WebMercatorQuad (OGC 17-083r4 Annex D.1 and the JSON
// definition at http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad).
func TestWebMercatorQuadPublishedValues(t *testing.T) {
	cases := []struct {
		z                       int
		scaleDenominator, cellM float64
	}{
		{0, 559082264.0287178, 156543.033928041},
		{1, 279541132.0143589, 78271.5169640205},
		{2, 139770566.0071794, 39135.7584820102},
		{10, 545978.7734655447, 152.874056570353},
		{18, 2132.729584, 0.597164283},
		{24, 33.3238997477, 0.00933069192932},
	}
	for _, c := range cases {
		if got := geo.ScaleDenominator(c.z); !near(got, c.scaleDenominator, 1e-9) {
			t.Errorf("z%d: scale denominator %.10f, want %.10f", c.z, got, c.scaleDenominator)
		}
		if got := geo.CellSizeM(c.z); !near(got, c.cellM, 1e-9) {
			t.Errorf("z%d: cell size %.12f, want %.12f", c.z, got, c.cellM)
		}
	}
	if got := geo.WebMercatorHalfWorldM; !near(got, 20037508.3427892, 1e-12) {
		t.Errorf("point of origin %.7f, want -20037508.3427892, 20037508.3427892", got)
	}
}

func TestTileBoundsM(t *testing.T) {
	h := geo.WebMercatorHalfWorldM
	cases := []struct {
		name        string
		z, row, col int
		minX, minY  float64
		maxX, maxY  float64
	}{
		{"the world", 0, 0, 0, -h, -h, h, h},
		{"top left of zoom 1", 1, 0, 0, -h, 0, 0, h},
		{"row counts down, column right", 1, 1, 0, -h, -h, 0, 0},
		{"bottom right of zoom 2", 2, 3, 3, h / 2, -h, h, -h / 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			minX, minY, maxX, maxY := geo.TileBoundsM(c.z, c.row, c.col)
			for i, p := range [][2]float64{{minX, c.minX}, {minY, c.minY}, {maxX, c.maxX}, {maxY, c.maxY}} {
				if math.Abs(p[0]-p[1]) > 1e-6 {
					t.Errorf("bound %d: %f, want %f", i, p[0], p[1])
				}
			}
		})
	}
	// Against orb's XYZ tiles: the tile's centre in degrees, projected to EPSG:3857, lies in
	// the bounds, for a tile in Ho Chi Minh City and one at each corner of zoom 24.
	for _, tile := range []maptile.Tile{maptile.New(52192, 30793, 16), maptile.New(0, 0, 24), maptile.New(1<<24-1, 1<<24-1, 24)} {
		c := tile.Center()
		x := c[0] * math.Pi / 180 * 6378137
		y := math.Log(math.Tan(math.Pi/4+c[1]*math.Pi/360)) * 6378137
		minX, minY, maxX, maxY := geo.TileBoundsM(int(tile.Z), int(tile.Y), int(tile.X))
		if x < minX || x > maxX || y < minY || y > maxY {
			t.Errorf("centre of %v (%f, %f) outside %f %f %f %f", tile, x, y, minX, minY, maxX, maxY)
		}
	}
	if got := geo.MatrixSize(24); got != 16777216 {
		t.Errorf("matrix size at zoom 24: %d", got)
	}
}

// near reports whether got is within a relative tolerance of want.
func near(got, want, rel float64) bool { return math.Abs(got-want) <= rel*math.Abs(want) }
