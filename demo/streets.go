package demo

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/paulmach/orb"
)

// Streets returns the named streets: one per centre line, running the whole city.
func (c *City) Streets() []Street {
	var out []Street
	for i := 0; i <= c.nx; i++ {
		out = append(out, Street{ID: c.colStreet(i), Name: c.lineNames[i], Kind: "street",
			Geom: orb.MultiLineString{c.vline(c.colX[i], c.rowY[0], c.rowY[c.ny])}})
	}
	for j := 0; j <= c.ny; j++ {
		out = append(out, Street{ID: c.rowStreet(j), Name: c.lineNames[c.nx+1+j], Kind: "street",
			Geom: orb.MultiLineString{c.hline(c.rowY[j], c.colX[0], c.colX[c.nx])}})
	}
	return out
}

// RoadBoundaries returns the planned widths of the main streets along their centre lines.
func (c *City) RoadBoundaries() []RoadBoundary {
	r := rand.New(rand.NewPCG(c.Seed, 0x6c6f6769)) // "logi"
	var out []RoadBoundary
	for _, s := range c.Streets() {
		n := int(s.ID - 1)
		if n > c.nx {
			n -= c.nx + 1
		}
		if !mainLine(n) {
			continue
		}
		out = append(out, RoadBoundary{ID: int64(len(out) + 1), StreetID: s.ID, StreetName: s.Name,
			WidthM: float64(25 + r.IntN(4)*5), Geom: s.Geom})
	}
	return out
}

// Plans returns the detailed plans: one per planStep columns of new wards and one row.
func (c *City) Plans() []Plan {
	r := rand.New(rand.NewPCG(c.Seed, 0x706c616e)) // "plan"
	var out []Plan
	for j := 0; j+1 < len(c.newY); j++ {
		for i := 0; i+1 < len(c.newX); i += c.planStep {
			i1 := min(i+c.planStep, len(c.newX)-1)
			g, _ := c.cellsPolygon(c.newX[i], c.newY[j], c.newX[i1], c.newY[j+1])
			w := c.newWards[j*(len(c.newX)-1)+i]
			scale := 2000
			if r.IntN(3) == 0 {
				scale = 500
			}
			out = append(out, Plan{
				ID:           int64(len(out) + 1),
				Name:         fmt.Sprintf("Quy hoạch chi tiết tỷ lệ 1/%d khu vực %s", scale, w.name),
				DecisionNo:   fmt.Sprintf("%d/QĐ-UBND", 100+r.IntN(6900)),
				DecisionDate: time.Date(2012+r.IntN(13), time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC),
				ApprovedBy:   "Ủy ban nhân dân " + provinceName,
				Scale:        scale,
				Geom:         g,
			})
		}
	}
	return out
}

// planAt returns the id of the plan covering block (i, j), and the block's row and column
// within that plan.
func (c *City) planAt(i, j int) (id int64, row, col int) {
	x, y := 0, 0
	for x+1 < len(c.newX) && c.newX[x+1] <= i {
		x++
	}
	for y+1 < len(c.newY) && c.newY[y+1] <= j {
		y++
	}
	perRow := (len(c.newX) - 1 + c.planStep - 1) / c.planStep
	px := x / c.planStep
	return int64(y*perRow + px + 1), j - c.newY[y], i - c.newX[px*c.planStep]
}
