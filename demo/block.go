package demo

import (
	"fmt"
	"math"
	"math/rand/v2"

	"bandoso/geo"
)

// pass carries the counters of one walk over the blocks: ids, house numbers per street side
// and parcel numbers per map sheet. Every walk starts from zero, so every walk is the same.
type pass struct {
	c                       *City
	r                       *rand.Rand
	nextParcel, nextAddress int64
	nextStreet, nextZone    int64
	side                    [][2]int       // per named street and side: lots numbered so far
	sheets                  map[[2]int]int // (old ward id, sheet) → last parcel number
	national                map[string]int // postcode → last national serial given
	postcode                string         // the block's new ward's postcode
	b                       Block
	oldCode, newCode        string
	sheet                   int
	oldID                   int64
	rural                   bool
}

// Blocks calls fn for every block in a fixed order (rows from south to north, west to east
// within a row). The Block passed is reused; fn must copy what it keeps.
func (c *City) Blocks(fn func(*Block) error) error {
	p := &pass{c: c, nextStreet: c.namedStreets() + 1, side: make([][2]int, c.namedStreets()+1),
		sheets: map[[2]int]int{}, national: map[string]int{}, nextParcel: 1, nextAddress: 1, nextZone: 1}
	for j := range c.ny {
		for i := range c.nx {
			p.block(i, j)
			if err := fn(&p.b); err != nil {
				return err
			}
		}
	}
	return nil
}

// houseNumber takes the next number on one side of a named street: odd numbers on side 0,
// even on side 1.
func (p *pass) houseNumber(street int64, side int) int {
	n := p.side[street][side]
	p.side[street][side]++
	return 2*n + 1 + side
}

// frontage says where a lot's addresses go: the street, the number as written, and which
// edge of the lot faces the street.
type frontage struct {
	street int64
	number string
	edge   byte // 'S', 'N', 'W', 'E': the lot's edge on the street
}

// lot emits a parcel with its addresses (none when f is nil).
func (p *pass) lot(x0, y0, x1, y1 float64, use string, f *frontage) {
	g, a := p.c.lotPolygon(x0, y0, x1, y1)
	key := [2]int{int(p.oldID), p.sheet}
	p.sheets[key]++
	id := p.nextParcel
	p.nextParcel++
	legal := math.Round(a*(1+0.004*p.r.NormFloat64())*10) / 10
	p.b.Parcels = append(p.b.Parcels, Parcel{ID: id, WardCode: p.oldCode, SheetNo: p.sheet, ParcelNo: p.sheets[key],
		LandUse: use, AreaM2: max(legal, 0.1), Geom: g})
	p.b.plan.lots = append(p.b.plan.lots, rectUV{x0, y0, x1, y1})
	if f == nil {
		return
	}
	// one address per lot, often two or three: sub-numbers (12A, 12B) of a divided house
	n := 1
	switch x := p.r.IntN(20); {
	case x >= 14:
		n = 3
	case x >= 5:
		n = 2
	}
	for k := range n {
		t := float64(k+1) / float64(n+1)
		var u, v float64
		switch f.edge {
		case 'S':
			u, v = x0+(x1-x0)*t, y0+(y1-y0)*0.4
		case 'N':
			u, v = x0+(x1-x0)*t, y1-(y1-y0)*0.4
		case 'W':
			u, v = x0+(x1-x0)*0.4, y0+(y1-y0)*t
		default:
			u, v = x1-(x1-x0)*0.4, y0+(y1-y0)*t
		}
		number := f.number
		if k > 0 {
			number += string(rune('A' + k - 1))
		}
		aid := p.nextAddress
		p.nextAddress++
		code, _ := geo.RegistryCode(RegistrySerial(aid))
		p.b.Addresses = append(p.b.Addresses, Address{ID: aid, Code: code, NationalCode: p.nationalCode(aid),
			HouseNumber: number, StreetID: f.street, WardCode: p.newCode, OldWardCode: p.oldCode, ParcelID: id,
			Geom: p.c.point(u, v)})
	}
}

// RegistrySerial is the serial of the n-th registry code issued: n spread over the 11-digit
// space so that neighbouring houses do not get neighbouring codes. It is the twin of the
// database's registry_serial (migration 00012), which issues codes after the demo's, so the
// demo gives address id n the code the database would have given it.
func RegistrySerial(n int64) uint64 {
	const space = geo.MaxRegistrySerial + 1
	return (uint64(n)%space*86028157 + 31415926535) % space
}

// nationalCode gives about one address in four a national code (địa chỉ số): its ward's
// postcode and the next serial there, as a pilot that numbered part of the city would have.
// The choice hangs on the registry serial, not the block's random stream, which stays as it was.
func (p *pass) nationalCode(aid int64) string {
	if RegistrySerial(aid)%4 != 0 || p.national[p.postcode] >= 99999 {
		return ""
	}
	p.national[p.postcode]++
	return fmt.Sprintf("%s%05d", p.postcode, p.national[p.postcode])
}

// cut splits [lo, hi] into lots of 4 to 6 m frontage, the last one taking the remainder.
func (p *pass) cut(lo, hi float64) []float64 {
	xs := []float64{lo}
	for x := lo; ; {
		w := 4 + 2*p.r.Float64()
		if hi-(x+w) < 4 {
			return append(xs, hi)
		}
		x += w
		xs = append(xs, math.Round(x*100)/100)
	}
}

// block generates block (i, j): frontage lots on its four sides, alleys (hẻm) reaching in
// from the south street with lots along them and along their branches, and its zone.
func (p *pass) block(i, j int) {
	c := p.c
	p.b.Alleys, p.b.Parcels, p.b.Addresses = p.b.Alleys[:0], p.b.Parcels[:0], p.b.Addresses[:0]
	p.r = rand.New(rand.NewPCG(c.Seed^0x9E3779B97F4A7C15, uint64(j*c.nx+i)))
	ow, nw := c.oldWardAt(i, j), c.newWardAt(i, j)
	p.oldCode, p.newCode, p.oldID = ow.code, nw.code, ow.id
	p.postcode = postcode(c.newWardIndex(i, j))
	sheetsPerRow := (c.k + 1) / 2
	p.sheet = ((j-ow.by0)/2)*sheetsPerRow + (i-ow.bx0)/2 + 1
	x0, x1 := c.colX[i]+halfRoadM(i), c.colX[i+1]-halfRoadM(i+1)
	y0, y1 := c.rowY[j]+halfRoadM(j), c.rowY[j+1]-halfRoadM(j+1)
	cu, cv := (x0+x1)/2/c.halfWidthU, (y0+y1)/2/c.halfHeightV
	p.rural = c.ruralOutside && math.Hypot(cu, cv) > 0.8
	south, north := c.rowStreet(j), c.rowStreet(j+1)
	west, east := c.colStreet(i), c.colStreet(i+1)
	p.b.plan = blockPlan{i: i, j: j, x0: x0, y0: y0, x1: x1, y1: y1, lots: p.b.plan.lots[:0], alleys: p.b.plan.alleys[:0],
		oldWard: ow, newWard: nw}
	p.zone(i, j, x0, y0, x1, y1)
	switch x := p.r.Float64(); {
	case p.rural && x < 0.5:
		p.b.plan.kind = blockFarmland
		p.farmland(x0, y0, x1, y1)
		return
	case x < 0.04:
		p.b.plan.kind = blockInstitution
		p.institution(x0, y0, x1, y1, south)
		return
	}
	d := math.Round(15 + 10*p.r.Float64())
	if y1-y0-2*d < 30 {
		d = (y1 - y0) / 2
	}
	d2 := math.Round(15 + 7*p.r.Float64())
	inner0, inner1 := x0+d2, x1-d2
	nAlleys := 0
	if y1-y0-2*d >= 30 {
		nAlleys = max(1, int((inner1-inner0)/45))
	}
	band := (inner1 - inner0) / float64(max(nAlleys, 1))
	// south frontage, the alley mouths taking their numbers in the sequence
	emitSouth := func(lo, hi float64) {
		for _, cut := range pairs(p.cut(lo, hi)) {
			p.lot(cut[0], y0, cut[1], y0+d, p.frontUse(mainLine(j)), &frontage{south, fmt.Sprint(p.houseNumber(south, 1)), 'S'})
		}
	}
	lo := x0
	for a := range nAlleys {
		m := inner0 + band*(float64(a)+0.5)
		emitSouth(lo, m-alleyHalfM)
		p.alley(m, c.rowY[j], y0+d, y1-d, m-band/2, m+band/2, p.houseNumber(south, 1), south)
		lo = m + alleyHalfM
	}
	emitSouth(lo, x1)
	for _, cut := range pairs(p.cut(x0, x1)) {
		p.lot(cut[0], y1-d, cut[1], y1, p.frontUse(mainLine(j+1)), &frontage{north, fmt.Sprint(p.houseNumber(north, 0)), 'N'})
	}
	if nAlleys == 0 {
		return
	}
	// west and east frontages between the south and north strips
	for _, cut := range pairs(p.cut(y0+d, y1-d)) {
		p.lot(x0, cut[0], inner0, cut[1], p.frontUse(mainLine(i)), &frontage{west, fmt.Sprint(p.houseNumber(west, 1)), 'W'})
	}
	for _, cut := range pairs(p.cut(y0+d, y1-d)) {
		p.lot(inner1, cut[0], x1, cut[1], p.frontUse(mainLine(i+1)), &frontage{east, fmt.Sprint(p.houseNumber(east, 0)), 'E'})
	}
}

// pairs turns cut positions into consecutive (from, to) pairs.
func pairs(xs []float64) [][2]float64 {
	out := make([][2]float64, 0, len(xs))
	for k := 1; k < len(xs); k++ {
		out = append(out, [2]float64{xs[k-1], xs[k]})
	}
	return out
}

// frontUse is the land use of a lot on a street: shops on main streets, houses elsewhere,
// rural houses at the edge of a large city.
func (p *pass) frontUse(main bool) string {
	switch {
	case p.rural:
		return "ONT"
	case main && p.r.IntN(10) < 6:
		return "TMD"
	}
	return "ODT"
}
