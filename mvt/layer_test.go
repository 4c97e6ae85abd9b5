package mvt_test

import (
	"reflect"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/encoding/wkb"

	bmvt "bandoso/mvt"
)

// grid is a tile 4096 metres across with its top left corner at the origin: one unit a
// metre, y flipped.
var grid = bmvt.Grid{Bound: orb.Bound{Min: orb.Point{0, -4096}, Max: orb.Point{4096, 0}}, Extent: 4096, Buffer: 64}

// drawn adds each geometry as a feature (id = its index + 1) and decodes the layer.
func drawn(t *testing.T, g bmvt.Grid, geoms ...orb.Geometry) map[uint64]orb.Geometry {
	t.Helper()
	l := bmvt.NewLayer("test", nil, g)
	for i, geom := range geoms {
		if err := l.AddWKB(int64(i+1), wkb.MustMarshal(geom), nil); err != nil {
			t.Fatal(err)
		}
	}
	b, err := l.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	out := map[uint64]orb.Geometry{}
	if b == nil {
		return out
	}
	layers, err := mvt.Unmarshal(b)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range layers[0].Features {
		out[uint64(f.ID.(float64))] = f.Geometry
	}
	return out
}

// at is the point x, y of the grid, in metres.
func at(x, y float64) orb.Point { return orb.Point{x, -y} }

func TestPolygonsAreSnappedClippedAndWound(t *testing.T) {
	inside := orb.Polygon{{at(10.4, 10.6), at(10, 20), at(20, 20), at(20, 10), at(10.4, 10.6)}}
	// Wound the other way, with a hole wound like the outer ring.
	reversed := orb.Polygon{
		{at(100, 100), at(200, 100), at(200, 200), at(100, 200), at(100, 100)},
		{at(120, 120), at(180, 120), at(180, 180), at(120, 180), at(120, 120)},
	}
	across := orb.Polygon{{at(4000, 100), at(5000, 100), at(5000, 200), at(4000, 200), at(4000, 100)}}
	outside := orb.Polygon{{at(5000, 100), at(6000, 100), at(6000, 200), at(5000, 100)}}
	tiny := orb.Polygon{{at(50, 50), at(50.2, 50), at(50.2, 50.2), at(50, 50)}}
	// The tile lies in the hole: clipped ring by ring, both become the buffer's square.
	ring := orb.Polygon{
		{at(-1000, -1000), at(9000, -1000), at(9000, 9000), at(-1000, 9000), at(-1000, -1000)},
		{at(-500, -500), at(8000, -500), at(8000, 8000), at(-500, 8000), at(-500, -500)},
	}
	// Half a square unit of it left in the buffer's corner.
	corner := orb.Polygon{{at(-63, -64), at(-64, -63), at(-80, -80), at(-63, -64)}}
	got := drawn(t, grid, inside, reversed, across, outside, tiny, ring, corner)
	want := map[uint64]orb.Geometry{
		// Reversed, from the same first point, as PostGIS reverses: an outer ring's area is
		// positive in the grid, y pointing down.
		1: orb.Polygon{{{10, 11}, {20, 10}, {20, 20}, {10, 20}, {10, 11}}},
		2: orb.Polygon{
			{{100, 100}, {200, 100}, {200, 200}, {100, 200}, {100, 100}},
			{{120, 180}, {180, 180}, {180, 120}, {120, 120}, {120, 180}},
		},
		3: orb.Polygon{{{4000, 100}, {4160, 100}, {4160, 200}, {4000, 200}, {4000, 100}}},
	}
	for id, w := range want {
		if !orb.Equal(got[id], w) {
			t.Errorf("feature %d: %v, want %v", id, got[id], w)
		}
	}
	for id := range got {
		if want[id] == nil {
			t.Errorf("feature %d drawn: %v; it leaves nothing in the tile", id, got[id])
		}
	}
}

func TestRingsStartWhereTheyTakeFewestBytes(t *testing.T) {
	// Long sides of 200 units take three bytes a step, short ones of 10 two. Written from
	// its first point the ring would step along both long sides, leaving a short one to
	// ClosePath; starting elsewhere, a long one is left to it.
	long := orb.Polygon{{at(110, 100), at(110, 300), at(100, 300), at(100, 100), at(110, 100)}}
	got := drawn(t, grid, long)[1].(orb.Polygon)[0]
	n := len(got)
	if n != 5 {
		t.Fatalf("ring %v, want 4 points and the closing one", got)
	}
	closing := got[0].Y() - got[n-2].Y()
	if closing != 200 && closing != -200 {
		t.Errorf("ring %v: ClosePath steps %v down from %v to %v, want a long side", got, closing, got[n-2], got[0])
	}
}

func TestLinesAndPointsKeepToTheBuffer(t *testing.T) {
	// Points on a straight line go; the line is cut at the buffer's edge.
	line := orb.LineString{at(10, 10), at(20, 10), at(30, 10), at(30, 5000)}
	points := orb.MultiPoint{at(1, 1), at(-64.4, 0), at(-65, 0), at(4160, 4160)}
	got := drawn(t, grid, line, points, orb.Point(at(-100, 5)))
	want := map[uint64]orb.Geometry{
		1: orb.LineString{{10, 10}, {30, 10}, {30, 4160}},
		2: orb.MultiPoint{{1, 1}, {-64, 0}, {4160, 4160}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("drawn %v, want %v", got, want)
	}
}

func TestValues(t *testing.T) {
	l := bmvt.NewLayer("values", []string{"name", "n", "x", "f", "ok", "none"}, grid)
	square := wkb.MustMarshal(orb.Polygon{{at(0, 0), at(10, 0), at(10, 10), at(0, 10), at(0, 0)}})
	// Added out of id order: the layer writes them in id order.
	if err := l.AddWKB(7, square, []bmvt.Value{l.Text([]byte("b")), bmvt.Int(-3), bmvt.Float64(2.5), bmvt.Float32(1.5), bmvt.Bool(true), bmvt.Null}); err != nil {
		t.Fatal(err)
	}
	if err := l.AddWKB(2, square, []bmvt.Value{bmvt.String("a"), bmvt.Int(4), bmvt.Float64(2.5), bmvt.Null, bmvt.Bool(false), bmvt.Null}); err != nil {
		t.Fatal(err)
	}
	if err := l.AddWKB(3, square, []bmvt.Value{bmvt.String("a")}); err == nil {
		t.Error("a feature with one value for six keys: no error")
	}
	b, err := l.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	layers, err := mvt.Unmarshal(b)
	if err != nil {
		t.Fatal(err)
	}
	fs := layers[0].Features
	if len(fs) != 2 || fs[0].ID != 2.0 || fs[1].ID != 7.0 {
		t.Fatalf("features %v, want ids 2 and 7 in that order", fs)
	}
	want := []map[string]any{
		{"name": "a", "n": 4.0, "x": 2.5, "ok": false},
		{"name": "b", "n": -3.0, "x": 2.5, "f": 1.5, "ok": true},
	}
	for i, f := range fs {
		if !reflect.DeepEqual(map[string]any(f.Properties), want[i]) {
			t.Errorf("feature %v: %v, want %v", f.ID, f.Properties, want[i])
		}
	}
	if layers[0].Extent != 4096 || layers[0].Version != 2 || layers[0].Name != "values" {
		t.Errorf("layer %q version %d extent %d", layers[0].Name, layers[0].Version, layers[0].Extent)
	}
}

func TestEmptyLayerHasNoBytes(t *testing.T) {
	l := bmvt.NewLayer("none", nil, grid)
	far := wkb.MustMarshal(orb.Point(at(9000, 9000)))
	if err := l.AddWKB(1, far, nil); err != nil {
		t.Fatal(err)
	}
	if b, err := l.Bytes(); err != nil || b != nil {
		t.Errorf("layer of no features: %d bytes, %v; want none", len(b), err)
	}
	if err := l.AddWKB(2, []byte{1, 3, 0}, nil); err == nil {
		t.Error("WKB cut short: no error")
	}
}
