package geo_test

import (
	"math"
	"testing"

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
	// MapLibre's 512-pixel tiles: a CSS pixel at zoom z is half a cell.
	if got := geo.CSSPixelM(1); !near(got, 78271.5169640205/2, 1e-9) {
		t.Errorf("CSS pixel at zoom 1: %.10f", got)
	}
	if got := geo.MatrixSize(24); got != 16777216 {
		t.Errorf("matrix size at zoom 24: %d", got)
	}
}

// near reports whether got is within a relative tolerance of want.
func near(got, want, rel float64) bool { return math.Abs(got-want) <= rel*math.Abs(want) }
