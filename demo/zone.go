package demo

import "fmt"

// zoneKinds are the functions a plan gives its zones, with their rules.
var zoneKinds = []struct {
	landUse, name        string
	far, density         float64
	floorsMin, floorsMax int
}{
	{"ODT", "Đất ở hiện hữu chỉnh trang", 3.5, 70, 2, 7},
	{"HH", "Đất hỗn hợp thương mại dịch vụ - nhà ở", 6.0, 60, 3, 25},
	{"ODT", "Đất ở xây dựng mới", 4.0, 50, 3, 12},
	{"DGD", "Đất giáo dục", 1.6, 40, 1, 4},
	{"DKV", "Đất cây xanh sử dụng công cộng", 0.1, 5, 0, 1},
	{"ONT", "Đất ở nông thôn", 1.2, 60, 1, 3},
	{"NN", "Đất nông nghiệp", 0, 0, 0, 0},
}

// zone sets the block's planning zone: the block itself, in the plan that covers it.
func (p *pass) zone(i, j int, x0, y0, x1, y1 float64) {
	planID, row, col := p.c.planAt(i, j)
	k := 0
	switch x := p.r.IntN(20); {
	case p.rural && x < 10:
		k = 6
	case p.rural:
		k = 5
	case mainLine(j) || mainLine(i):
		k = 1
	case x < 2:
		k = 3
	case x < 3:
		k = 4
	case x < 8:
		k = 2
	}
	z := zoneKinds[k]
	g, _ := p.c.lotPolygon(x0, y0, x1, y1)
	p.b.Zone = Zone{ID: p.nextZone, PlanID: planID, ZoneCode: fmt.Sprintf("%d.%d", row+1, col+1), LandUse: z.landUse,
		FunctionName: z.name, FAR: z.far, DensityPct: z.density, FloorsMin: z.floorsMin, FloorsMax: z.floorsMax,
		HeightMaxM: float64(max(z.floorsMax, 1)) * 4, Geom: g}
	p.nextZone++
}

// farmland cuts an outlying block into a few large fields, perennial crops or rice, with
// no house numbers.
func (p *pass) farmland(x0, y0, x1, y1 float64) {
	use := "LUA"
	if p.r.IntN(2) == 0 {
		use = "CLN"
	}
	cols, rows := 2+p.r.IntN(3), 2+p.r.IntN(2)
	w, h := (x1-x0)/float64(cols), (y1-y0)/float64(rows)
	for b := range rows {
		for a := range cols {
			p.lot(x0+w*float64(a), y0+h*float64(b), x0+w*float64(a+1), y0+h*float64(b+1), use, nil)
		}
	}
}

// institution gives a block to a school, a hospital, a park or a pagoda, in one to three
// parcels each numbered on the south street.
func (p *pass) institution(x0, y0, x1, y1 float64, south int64) {
	uses := []string{"DGD", "DYT", "DKV", "TON"}
	n := 1 + p.r.IntN(3)
	w := (x1 - x0) / float64(n)
	for a := range n {
		use := uses[p.r.IntN(len(uses))]
		var f *frontage
		if use != "DKV" {
			f = &frontage{south, fmt.Sprint(p.houseNumber(south, 1)), 'S'}
		}
		p.lot(x0+w*float64(a), y0, x0+w*float64(a+1), y1, use, f)
	}
}
