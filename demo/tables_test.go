package demo_test

import (
	"testing"

	"github.com/paulmach/orb"

	"bandoso/demo"
)

// TestRows checks that every row of every table the city fills has a value per column, a
// geometry in its geom column, and that the counts agree with the city's own lists and blocks.
func TestRows(t *testing.T) {
	c, err := demo.New(3, 600)
	if err != nil {
		t.Fatal(err)
	}
	var parcels, addresses, alleys, zones int
	if err := c.Blocks(func(b *demo.Block) error {
		parcels += len(b.Parcels)
		addresses += len(b.Addresses)
		alleys += len(b.Alleys)
		zones++
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	want := map[string]int{
		"admin_units": len(c.Units()), "streets": len(c.Streets()) + alleys, "parcels": parcels,
		"addresses": addresses, "plans": len(c.Plans()), "planning_zones": zones,
		"road_boundaries": len(c.RoadBoundaries()),
	}
	for table, n := range want {
		t.Run(table, func(t *testing.T) {
			cols, rows := c.Rows(table)
			geom := -1
			for i, col := range cols {
				if col == "geom" {
					geom = i
				}
			}
			if geom < 0 {
				t.Fatalf("columns %v have no geom", cols)
			}
			got, withGeom := 0, 0
			for row := range rows {
				got++
				if len(row) != len(cols) {
					t.Fatalf("row %d has %d values for %d columns", got, len(row), len(cols))
				}
				if _, ok := row[geom].(orb.Geometry); ok {
					withGeom++
				} else if row[geom] != nil {
					t.Fatalf("row %d: geom is %T", got, row[geom])
				}
			}
			if got != n || n == 0 {
				t.Errorf("%d rows, want %d", got, n)
			}
			// provinces and districts come without a boundary: the loader derives it
			if table != "admin_units" && withGeom != got {
				t.Errorf("%d of %d rows have a geometry", withGeom, got)
			}
		})
	}
	if cols, rows := c.Rows("pois"); cols != nil || rows != nil {
		t.Errorf("Rows(pois) = %v, want nothing", cols)
	}
}

// TestRowsStop checks that a loader may stop pulling rows part way through a walk of blocks:
// a walk that went on after the loop stopped would panic.
func TestRowsStop(t *testing.T) {
	c, err := demo.New(3, 600)
	if err != nil {
		t.Fatal(err)
	}
	_, rows := c.Rows("parcels")
	n := 0
	for range rows {
		if n++; n == 10 {
			break
		}
	}
	if n != 10 {
		t.Errorf("stopped after %d rows, want 10", n)
	}
}
