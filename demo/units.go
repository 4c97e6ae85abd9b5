package demo

import (
	"fmt"
	"sort"
	"time"
)

// Dates of the administrative systems. The demo does not model reforms before 2025: every
// old unit is valid from reformOld, which is only a plausible start.
var (
	reformOld  = time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)
	reform2025 = time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC)
	province79 = time.Date(1976, 7, 2, 0, 0, 0, 0, time.UTC)
)

const provinceName = "Thành phố Hồ Chí Minh"

// layoutWards places the old wards on their grid in boustrophedon order, so that the wards of
// one district, consecutive in the table, stay next to each other, and the new wards on
// theirs in row-major order; then it numbers every unit.
func (c *City) layoutWards(oldNames, newNames []unitName) {
	id := int64(3) // 1 and 2: the province before and after the reform
	c.oldWards = make([]ward, c.owx*c.owy)
	for oy := range c.owy {
		for ox := range c.owx {
			q := oy*c.owx + ox
			if oy%2 == 1 {
				q = oy*c.owx + c.owx - 1 - ox
			}
			c.oldWards[oy*c.owx+ox] = ward{bx0: ox * c.k, by0: oy * c.k, bx1: min((ox+1)*c.k, c.nx), by1: min((oy+1)*c.k, c.ny),
				unitName: oldNames[q]}
		}
	}
	// districts in table order, each once
	seen := map[string]bool{}
	for q := range c.oldWards {
		n := oldNames[q]
		if !seen[n.districtCode] {
			seen[n.districtCode] = true
			c.districts = append(c.districts, n)
			id++
		}
	}
	for i := range c.oldWards {
		c.oldWards[i].id = id
		id++
	}
	for j := 0; j+1 < len(c.newY); j++ {
		for i := 0; i+1 < len(c.newX); i++ {
			c.newWards = append(c.newWards, ward{id: id, bx0: c.newX[i], by0: c.newY[j], bx1: c.newX[i+1], by1: c.newY[j+1],
				unitName: newNames[len(c.newWards)]})
			id++
		}
	}
}

// oldWardAt and newWardAt return the wards of block (i, j).
func (c *City) oldWardAt(i, j int) *ward { return &c.oldWards[(j/c.k)*c.owx+i/c.k] }

func (c *City) newWardAt(i, j int) *ward { return &c.newWards[c.newWardIndex(i, j)] }

func (c *City) newWardIndex(i, j int) int {
	x := sort.SearchInts(c.newX, i+1) - 1
	y := sort.SearchInts(c.newY, j+1) - 1
	return y*(len(c.newX)-1) + x
}

// postcode is the 5-digit postcode (mã bưu chính) of the new ward at index n, in Ho Chi
// Minh City's range 70000–76999, ten apart as the post numbers its wards.
func postcode(n int) string { return fmt.Sprintf("%05d", 70000+(10*n)%7000) }

// Units returns the provinces (79 before and after the reform), the old districts,
// the old wards and the new wards, all of the official conversion table, placed on the grid.
// Provinces and districts have no geometry: the loader makes it as the union of their wards.
// How old wards went into new ones is the table's, which the grid does not follow.
func (c *City) Units() []Unit {
	units := []Unit{
		{Code: "79", Name: provinceName, Level: "province", Kind: "Thành phố", ValidFrom: province79, ValidTo: reform2025},
		{Code: "79", Name: provinceName, Level: "province", Kind: "Thành phố", ValidFrom: reform2025},
	}
	for _, d := range c.districts {
		units = append(units, Unit{Code: d.districtCode, Name: d.district, Level: "district", Kind: d.districtKind,
			ParentCode: "79", ValidFrom: reformOld, ValidTo: reform2025})
	}
	for _, w := range c.oldWards {
		g, _ := c.cellsPolygon(w.bx0, w.by0, w.bx1, w.by1)
		units = append(units, Unit{Code: w.code, Name: w.name, Level: "ward", Kind: w.kind,
			ParentCode: w.districtCode, ValidFrom: reformOld, ValidTo: reform2025, Geom: g})
	}
	for _, w := range c.newWards {
		g, _ := c.cellsPolygon(w.bx0, w.by0, w.bx1, w.by1)
		units = append(units, Unit{Code: w.code, Name: w.name, Level: "ward", Kind: w.kind,
			ParentCode: "79", ValidFrom: reform2025, Geom: g})
	}
	return units
}
