package geo_test

import (
	"math"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"bandoso/geo"
)

func TestTileValid(t *testing.T) {
	last := 1<<geo.MaxZoom - 1
	cases := []struct {
		name    string
		z, x, y int
		valid   bool
	}{
		{"the world", 0, 0, 0, true},
		{"bottom right of zoom 1", 1, 1, 1, true},
		{"column past the matrix", 1, 2, 0, false},
		{"row past the matrix", 3, 0, 8, false},
		{"deepest corner", geo.MaxZoom, last, last, true},
		{"zoom past the deepest", geo.MaxZoom + 1, 0, 0, false},
		{"negative column", 4, -1, 0, false},
		{"negative zoom", -1, 0, 0, false},
		// -2^32+5 would wrap to column 5 in 32 bits.
		{"column that wraps", 16, -(1 << 32) + 5, 0, false},
		{"row too large for any zoom", 16, 0, 1 << 33, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := geo.NewTile(c.z, c.x, c.y).Valid(); got != c.valid {
				t.Errorf("NewTile(%d, %d, %d).Valid() = %v", c.z, c.x, c.y, got)
			}
		})
	}
	if got := geo.NewTile(16, 52192, 30793).String(); got != "16/52192/30793" {
		t.Errorf("String %q", got)
	}
}

func TestTileBoundM(t *testing.T) {
	h := geo.WebMercatorHalfWorldM
	cases := []struct {
		name    string
		z, x, y int
		want    orb.Bound
	}{
		{"the world", 0, 0, 0, orb.Bound{Min: orb.Point{-h, -h}, Max: orb.Point{h, h}}},
		{"top left of zoom 1", 1, 0, 0, orb.Bound{Min: orb.Point{-h, 0}, Max: orb.Point{0, h}}},
		{"row counts down, column right", 1, 0, 1, orb.Bound{Min: orb.Point{-h, -h}, Max: orb.Point{0, 0}}},
		{"bottom right of zoom 2", 2, 3, 3, orb.Bound{Min: orb.Point{h / 2, -h}, Max: orb.Point{h, -h / 2}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := geo.NewTile(c.z, c.x, c.y).BoundM(); !boundNear(got, c.want, 1e-6) {
				t.Errorf("%v, want %v", got, c.want)
			}
		})
	}
	// The degrees of Bound, projected to EPSG:3857, are the metres of BoundM, for a tile in
	// Ho Chi Minh City and one at each corner of zoom 24.
	for _, tile := range []geo.Tile{geo.NewTile(16, 52192, 30793), geo.NewTile(24, 0, 0), geo.NewTile(24, 1<<24-1, 1<<24-1)} {
		b := tile.Bound()
		got := orb.Bound{Min: mercator(b.Min), Max: mercator(b.Max)}
		if want := tile.BoundM(); !boundNear(got, want, 1e-6) {
			t.Errorf("%v: %v projected is %v, BoundM %v", tile, b, got, want)
		}
	}
}

// The buffered bounds PostGIS 3.3 gives, ST_Transform(ST_TileEnvelope(z, x, y, margin =>
// 0.015625), 4326): geo.TileBuffer units of geo.TileExtent.
func TestTileBufferBound(t *testing.T) {
	hcmc := geo.NewTile(16, 52192, 30793)
	want := orb.Bound{Min: orb.Point{106.699132919312, 10.779264156353}, Max: orb.Point{106.704797744751, 10.784828974496}}
	if got := hcmc.BufferBound(geo.TileBuffer); !boundNear(got, want, 1e-9) {
		t.Errorf("%v grown by the buffer: %v, want %v", hcmc, got, want)
	}
	if got, want := hcmc.BufferBound(0), (orb.Bound{Min: orb.Point{106.69921875, 10.779348472547}, Max: orb.Point{106.704711914062, 10.784744659837}}); !boundNear(got, want, 1e-9) {
		t.Errorf("%v unbuffered: %v, want %v", hcmc, got, want)
	}
	// At the top of the world the buffer stops at its edge, as ST_TileEnvelope's does.
	top := geo.NewTile(2, 0, 0).BufferBound(geo.TileBuffer)
	if !near(top.Max[1], 85.051128779807, 1e-12) || !near(top.Min[1], 65.946471776157, 1e-12) {
		t.Errorf("top left of zoom 2 grown by the buffer: latitudes %f..%f, want 65.946472..85.051129", top.Min[1], top.Max[1])
	}
	// In metres the buffer is as many cells as it is units of the extent, scaled.
	grown := hcmc.BufferBound(geo.TileBuffer)
	pad := geo.TileBuffer * geo.CellSizeM(16) * geo.TileSizePx / geo.TileExtent
	if got, want := (orb.Bound{Min: mercator(grown.Min), Max: mercator(grown.Max)}), hcmc.BoundM().Pad(pad); !boundNear(got, want, 1e-6) {
		t.Errorf("buffer in metres: %v, want %v", got, want)
	}
}

// TilePoint undoes maptile.Fraction.
func TestTilePoint(t *testing.T) {
	for _, p := range []orb.Point{{106.7009, 10.7769}, {-179.5, -85}, {0, 0}, {179.99, 85}} {
		for _, z := range []int{0, 9, 16, geo.MaxZoom} {
			got := geo.TilePoint(maptile.Fraction(p, maptile.Zoom(z)), z)
			if math.Abs(got[0]-p[0]) > 1e-9 || math.Abs(got[1]-p[1]) > 1e-9 {
				t.Errorf("z%d: %v came back as %v", z, p, got)
			}
		}
	}
	if got := geo.TilePoint(orb.Point{1, 1}, 1); got != (orb.Point{0, 0}) {
		t.Errorf("the centre of zoom 1 is %v", got)
	}
}

// mercator projects degrees to EPSG:3857 metres by the formula of EPSG's guidance note 7-2.
func mercator(p orb.Point) orb.Point {
	const a = 6378137
	return orb.Point{p[0] * math.Pi / 180 * a, math.Log(math.Tan(math.Pi/4+p[1]*math.Pi/360)) * a}
}

// boundNear reports whether every side of got is within tol of want's.
func boundNear(got, want orb.Bound, tol float64) bool {
	for _, v := range []float64{got.Min[0] - want.Min[0], got.Min[1] - want.Min[1], got.Max[0] - want.Max[0], got.Max[1] - want.Max[1]} {
		if math.Abs(v) > tol {
			return false
		}
	}
	return true
}
