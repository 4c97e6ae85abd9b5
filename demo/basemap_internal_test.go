package demo

import (
	"testing"

	"github.com/paulmach/orb/planar"
)

// TestBuildingsInsideParcels: every building stands inside a parcel of its block whose land
// use bears one, and most built lots have one.
func TestBuildingsInsideParcels(t *testing.T) {
	c, err := New(2, 4000)
	if err != nil {
		t.Fatal(err)
	}
	names := streetNames()
	var buildings, built int
	err = c.Blocks(func(b *Block) error {
		for _, p := range b.Parcels {
			if _, ok := osmBuildings[p.LandUse]; ok {
				built++
			}
		}
		c.blockAreas(b, names, func(a BasemapArea) bool {
			if a.Kind != "building" {
				return true
			}
			buildings++
			for _, p := range b.Parcels {
				if _, ok := osmBuildings[p.LandUse]; !ok {
					continue
				}
				inside := true
				for _, pt := range a.Geom[0][0] {
					inside = inside && planar.MultiPolygonContains(p.Geom, pt)
				}
				if inside {
					return true
				}
			}
			t.Errorf("building %v lies in no built parcel of block (%d, %d)", a.Geom[0][0][0], b.plan.i, b.plan.j)
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if built == 0 || buildings != built {
		t.Errorf("%d buildings on %d built parcels, want one on each", buildings, built)
	}
}
