package demo_test

import (
	"crypto/sha256"
	"fmt"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"bandoso/demo"
)

// TestBasemapWaterClearOfParcels: no parcel reaches into the river or a canal, and no
// waterway runs through a parcel.
func TestBasemapWaterClearOfParcels(t *testing.T) {
	c, err := demo.New(3, 3000)
	if err != nil {
		t.Fatal(err)
	}
	var water []orb.MultiPolygon
	classes := map[string]int{}
	for a := range c.BasemapAreas() {
		if a.Kind == "water" {
			water = append(water, a.Geom)
			classes[a.Class]++
		}
	}
	if classes["river"] == 0 || classes["canal"] < 2 {
		t.Fatalf("water areas by class %v, want a river and canals", classes)
	}
	var waterPts []orb.Point
	for _, w := range water {
		waterPts = append(waterPts, w[0][0]...)
	}
	for _, l := range c.BasemapLines() {
		if l.Kind == "waterway" {
			waterPts = append(waterPts, l.Geom[0]...)
		}
	}
	var parcels, near int
	err = c.Blocks(func(b *demo.Block) error {
		for _, p := range b.Parcels {
			parcels++
			pb := p.Geom.Bound()
			for _, w := range water {
				if !pb.Intersects(w.Bound()) {
					continue
				}
				near++
				for _, pt := range p.Geom[0][0] {
					if planar.MultiPolygonContains(w, pt) {
						t.Fatalf("parcel %d has a vertex %v in the water", p.ID, pt)
					}
				}
			}
			for _, pt := range waterPts {
				if pb.Contains(pt) && planar.MultiPolygonContains(p.Geom, pt) {
					t.Fatalf("water passes through parcel %d at %v", p.ID, pt)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if near == 0 {
		t.Errorf("none of %d parcels lies near the water: the check checked nothing", parcels)
	}
}

// TestBasemapDeterministic: the same seed and size give the same basemap rows, another seed
// others.
func TestBasemapDeterministic(t *testing.T) {
	a, n := basemapDigest(t, 5, 2000)
	b, _ := basemapDigest(t, 5, 2000)
	other, _ := basemapDigest(t, 6, 2000)
	if a != b {
		t.Errorf("two passes over seed 5 gave basemaps %s and %s", a, b)
	}
	if a == other {
		t.Errorf("seeds 5 and 6 gave the same basemap %s", a)
	}
	if n["osm_areas"] < 1000 || n["osm_lines"] == 0 {
		t.Errorf("rows %v, want buildings by the thousand and lines", n)
	}
}

func basemapDigest(t *testing.T, seed uint64, size int) (string, map[string]int) {
	t.Helper()
	c, err := demo.New(seed, size)
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.New()
	n := map[string]int{}
	for _, table := range []string{"osm_areas", "osm_lines"} {
		cols, rows := c.Rows(table)
		if len(cols) == 0 {
			t.Fatalf("no columns for %s", table)
		}
		for r := range rows {
			fmt.Fprint(h, r)
			n[table]++
		}
	}
	return fmt.Sprintf("%x", h.Sum(nil)), n
}
