package store_test

import (
	"context"
	"fmt"
	"math"
	"reflect"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"
	orbplanar "github.com/paulmach/orb/planar"

	"bandoso/geo"
	"bandoso/store"
)

// TestTilesDrawnAsPostGISDraws compares, for every catalog layer and band, tiles around the
// city's centre as the service draws them with the same tiles drawn by PostGIS (ST_AsMVTGeom
// and ST_AsMVT over the same rows): the same features with the same properties, and the same
// vertices but where clipping or simplification goes another way, with little area between
// them; and about as many bytes.
func TestTilesDrawnAsPostGISDraws(t *testing.T) {
	ctx := context.Background()
	db, conn := loadCity(t, 1, 3000)
	centre, layers := cityLayers(t, db, conn)
	var total drawnDiff
	for _, l := range layers {
		for _, src := range zoomSources(l) {
			for _, z := range src.zooms {
				var band drawnDiff
				q := store.NewTileQuery(l.Name, src.TileSource)
				c := maptile.At(centre, maptile.Zoom(z))
				for dx := -1; dx <= 1; dx++ {
					for dy := -1; dy <= 1; dy++ {
						tile := geo.NewTile(z, int(c.X)+dx, int(c.Y)+dy)
						ours, _, err := db.Tile(ctx, []store.TileQuery{q}, tile)
						if err != nil {
							t.Fatalf("%s %s: %v", l.Name, tile, err)
						}
						var theirs []byte
						if err := conn.QueryRow(ctx, q.MVTSQL(), z, int(tile.X), int(tile.Y)).Scan(&theirs); err != nil {
							t.Fatalf("%s %s, PostGIS: %v", l.Name, tile, err)
						}
						d := compareDrawn(t, l.Name+" "+tile.String(), ours[0], theirs)
						total.add(d)
						band.add(d)
					}
				}
				t.Logf("%s z%d: features %d, other vertices %d, bytes %d against %d", l.Name, z, band.features, band.other, band.bytes, band.theirBytes)
				// Where a hole reaches the buffer's edge GEOS makes it one ring with the outer
				// ring; here they stay two, a few bytes more.
				if band.bytes > band.theirBytes+band.theirBytes/25 {
					t.Errorf("%s z%d: tiles of %d bytes, PostGIS's %d: want at most 4%% more", l.Name, z, band.bytes, band.theirBytes)
				}
			}
		}
	}
	t.Logf("features %d, same vertices %d, other vertices %d (area apart %.3f of theirs), bytes %d against %d",
		total.features, total.same, total.other, total.areaApart/max(total.area, 1), total.bytes, total.theirBytes)
	if total.features == 0 {
		t.Fatal("no features compared")
	}
	if total.other*50 > total.features {
		t.Errorf("%d of %d features drawn with other vertices than PostGIS's, want under 2%%", total.other, total.features)
	}
	if total.areaApart > 0.001*total.area {
		t.Errorf("area apart %.1f of %.1f, want under 0.1%%", total.areaApart, total.area)
	}
	// Rings start where they take fewest bytes: the tiles are no larger than PostGIS's, though
	// a band may be a little larger where clipping went another way.
	if total.bytes > total.theirBytes {
		t.Errorf("tiles of %d bytes, PostGIS's %d: want no more", total.bytes, total.theirBytes)
	}
}

type drawnDiff struct {
	features, same, other int
	area, areaApart       float64
	bytes, theirBytes     int
}

func (d *drawnDiff) add(e drawnDiff) {
	d.features += e.features
	d.same += e.same
	d.other += e.other
	d.area += e.area
	d.areaApart += e.areaApart
	d.bytes += e.bytes
	d.theirBytes += e.theirBytes
}

// compareDrawn compares our layer with PostGIS's: feature ids and properties must match;
// geometries are counted as the same or not, and the area between them summed.
func compareDrawn(t *testing.T, what string, ours, theirs []byte) drawnDiff {
	t.Helper()
	d := drawnDiff{bytes: len(ours), theirBytes: len(theirs)}
	a, b := decodeByID(t, what, ours), decodeByID(t, what+" (PostGIS)", theirs)
	for id, f := range b {
		g, ok := a[id]
		if !ok {
			t.Errorf("%s: feature %v drawn by PostGIS only: %v", what, id, f.Properties)
			continue
		}
		if !reflect.DeepEqual(map[string]any(g.Properties), map[string]any(f.Properties)) {
			t.Errorf("%s: feature %v properties %v, PostGIS %v", what, id, g.Properties, f.Properties)
		}
		d.features++
		area := math.Abs(orbplanar.Area(f.Geometry))
		d.area += area
		if sameDrawing(g.Geometry, f.Geometry) {
			d.same++
			continue
		}
		d.other++
		d.areaApart += math.Abs(math.Abs(orbplanar.Area(g.Geometry)) - area)
		if d.other <= 2 && testing.Verbose() {
			t.Logf("%s: feature %v\n ours    %v\n PostGIS %v", what, id, g.Geometry, f.Geometry)
		}
	}
	for id := range a {
		if _, ok := b[id]; !ok {
			t.Errorf("%s: feature %v drawn here only: %v", what, id, a[id].Geometry)
		}
	}
	return d
}

func decodeByID(t *testing.T, what string, data []byte) map[string]*featureOf {
	t.Helper()
	out := map[string]*featureOf{}
	if len(data) == 0 {
		return out
	}
	layers, err := mvt.Unmarshal(data)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	for _, l := range layers {
		for _, f := range l.Features {
			out[fmt.Sprint(f.ID)] = &featureOf{Geometry: f.Geometry, Properties: f.Properties}
		}
	}
	return out
}

type featureOf struct {
	Geometry   orb.Geometry
	Properties map[string]any
}

// sameDrawing reports whether a and b have the same rings but for where each ring starts.
func sameDrawing(a, b orb.Geometry) bool {
	if orb.Equal(a, b) {
		return true
	}
	pa, ok := a.(orb.Polygon)
	pb, ok2 := b.(orb.Polygon)
	if !ok || !ok2 || len(pa) != len(pb) {
		return false
	}
	for i := range pa {
		if !sameRing(pa[i], pb[i]) {
			return false
		}
	}
	return true
}

// sameRing reports whether closed rings a and b have the same points in the same order,
// starting anywhere.
func sameRing(a, b orb.Ring) bool {
	if len(a) != len(b) || len(a) < 2 {
		return false
	}
	n := len(a) - 1
	for shift := range n {
		same := true
		for i := 0; i < n && same; i++ {
			same = a[i] == b[(i+shift)%n]
		}
		if same {
			return true
		}
	}
	return false
}
