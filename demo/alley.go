package demo

import (
	"fmt"

	"github.com/paulmach/orb"
)

// alleyHalfM is half the width of an alley (hẻm); branches are narrower.
const (
	alleyHalfM  = 1.5
	branchHalfM = 1.0
	branchRowM  = 20 // a branch with a row of lots on each side
)

// alley lays an alley at u = m from the street centre line (vStreet) through the south strip
// (to vIn) up to the back of the north strip (vEnd), within the band [bandLo, bandHi]. Its
// number is no, the house number its mouth takes on the street. Lots on its west side face
// it (no/1, no/3, …); on its east side branches (no/2, no/4, …) reach to the band's edge with
// lots on both sides (no/2/1, no/2/2, …).
func (p *pass) alley(m, vStreet, vIn, vEnd, bandLo, bandHi float64, no int, street int64) {
	c := p.c
	id := p.nextStreet
	p.nextStreet++
	num := fmt.Sprint(no)
	p.b.Alleys = append(p.b.Alleys, Street{ID: id, Name: "Hẻm " + num + " " + c.nameOf(street), Kind: "alley",
		ParentID: street, AlleyNo: num, Geom: orb.MultiLineString{c.vline(m, vStreet, vEnd)}})
	p.b.plan.alleys = append(p.b.plan.alleys, lineUV{m, vStreet, m, vEnd})
	west, east := m-alleyHalfM, m+alleyHalfM
	odd, even := 1, 2
	for _, cut := range pairs(p.cut(vIn, vEnd)) {
		p.lot(bandLo, cut[0], west, cut[1], p.alleyUse(), &frontage{street, fmt.Sprintf("%s/%d", num, odd), 'E'})
		odd += 2
	}
	rows := int((vEnd - vIn) / branchRowM)
	if bandHi-east < 12 || rows == 0 {
		for _, cut := range pairs(p.cut(vIn, vEnd)) {
			p.lot(east, cut[0], bandHi, cut[1], p.alleyUse(), &frontage{street, fmt.Sprintf("%s/%d", num, even), 'W'})
			even += 2
		}
		return
	}
	rowH := (vEnd - vIn) / float64(rows)
	for k := range rows {
		lo, hi := vIn+rowH*float64(k), vIn+rowH*float64(k+1)
		s := (lo + hi) / 2
		bno := fmt.Sprintf("%s/%d", num, even)
		even += 2
		bid := p.nextStreet
		p.nextStreet++
		p.b.Alleys = append(p.b.Alleys, Street{ID: bid, Name: "Hẻm " + bno + " " + c.nameOf(street), Kind: "alley",
			ParentID: id, AlleyNo: bno, Geom: orb.MultiLineString{c.hline(s, m, bandHi-2)}})
		p.b.plan.alleys = append(p.b.plan.alleys, lineUV{m, s, bandHi - 2, s})
		bodd, beven := 1, 2
		for _, cut := range pairs(p.cut(east, bandHi)) {
			p.lot(cut[0], lo, cut[1], s-branchHalfM, p.alleyUse(), &frontage{street, fmt.Sprintf("%s/%d", bno, bodd), 'N'})
			bodd += 2
		}
		for _, cut := range pairs(p.cut(east, bandHi)) {
			p.lot(cut[0], s+branchHalfM, cut[1], hi, p.alleyUse(), &frontage{street, fmt.Sprintf("%s/%d", bno, beven), 'S'})
			beven += 2
		}
	}
}

// alleyUse is the land use of a lot in an alley: houses, now and then a pagoda or a
// kindergarten.
func (p *pass) alleyUse() string {
	switch x := p.r.IntN(200); {
	case p.rural:
		return "ONT"
	case x == 0:
		return "TON"
	case x == 1:
		return "DGD"
	}
	return "ODT"
}

// nameOf is the name of a named street.
func (c *City) nameOf(street int64) string { return c.lineNames[street-1] }

// StreetName is the name of the named street (not an alley) with id street, the street of
// every address.
func (c *City) StreetName(street int64) string { return c.nameOf(street) }
