package cql2

import (
	"math"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
)

var geometryKeywords = map[string]bool{
	"POINT": true, "LINESTRING": true, "POLYGON": true, "MULTIPOINT": true, "MULTILINESTRING": true,
	"MULTIPOLYGON": true, "GEOMETRYCOLLECTION": true, "BBOX": true,
}

// geometry parses a WKT geometry (OGC 06-103r4 §7, as CQL2's BNF restricts it) or BBOX(…).
func (p *textParser) geometry() (Expr, error) {
	start := p.peek()
	g, err := p.wkt()
	if err != nil {
		return nil, err
	}
	return Geometry{Value: g}, p.literal(start.pos)
}

func (p *textParser) wkt() (orb.Geometry, error) {
	t := p.next()
	up := strings.ToUpper(t.text)
	if t.kind != tokIdent || !geometryKeywords[up] {
		return nil, errAt(t.pos, "expected a geometry, found %s", t.describe())
	}
	if n := p.peek(); n.kind == tokIdent {
		switch strings.ToUpper(n.text) {
		case "Z", "M", "ZM":
			return nil, errAt(n.pos, "only two-dimensional coordinates are supported")
		case "EMPTY":
			return nil, errAt(n.pos, "empty geometries are not supported")
		}
	}
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	if err := p.expect("("); err != nil {
		return nil, err
	}
	var g orb.Geometry
	var err error
	switch up {
	case "POINT":
		g, err = p.coord()
	case "LINESTRING":
		g, err = p.lineString(t.pos, false)
	case "POLYGON":
		g, err = p.polygonBody(t.pos)
	case "MULTIPOINT":
		g, err = p.multiPoint()
	case "MULTILINESTRING":
		var mls orb.MultiLineString
		err = p.list(func() error {
			if err := p.expect("("); err != nil {
				return err
			}
			ls, err := p.lineString(p.peek().pos, false)
			mls = append(mls, ls)
			return err
		})
		g = mls
	case "MULTIPOLYGON":
		var mp orb.MultiPolygon
		err = p.list(func() error {
			pos := p.peek().pos
			if err := p.expect("("); err != nil {
				return err
			}
			poly, err := p.polygonBody(pos)
			mp = append(mp, poly)
			return err
		})
		g = mp
	case "GEOMETRYCOLLECTION":
		var c orb.Collection
		err = p.list(func() error {
			g, err := p.wkt()
			c = append(c, g)
			return err
		})
		g = c
	case "BBOX":
		g, err = p.bbox(t.pos)
		return g, err // bbox reads its own ')'
	}
	if err != nil {
		return nil, err
	}
	if up == "POINT" { // the others read their closing parenthesis
		if err := p.expect(")"); err != nil {
			return nil, err
		}
	}
	return g, nil
}

// list parses "item, item, … )" (the opening parenthesis already read).
func (p *textParser) list(item func() error) error {
	for {
		if err := item(); err != nil {
			return err
		}
		if !p.punct(",") {
			return p.expect(")")
		}
	}
}

func (p *textParser) number() (float64, error) {
	t := p.next()
	if t.kind != tokNumber {
		return 0, errAt(t.pos, "expected a number, found %s", t.describe())
	}
	v, err := strconv.ParseFloat(t.text, 64)
	if err != nil || math.IsInf(v, 0) {
		return 0, errAt(t.pos, "number %s is out of range", clip(t.text))
	}
	return v, nil
}

// coord parses "x y"; a third number is refused.
func (p *textParser) coord() (orb.Point, error) {
	x, err := p.number()
	if err != nil {
		return orb.Point{}, err
	}
	y, err := p.number()
	if err != nil {
		return orb.Point{}, err
	}
	if t := p.peek(); t.kind == tokNumber {
		return orb.Point{}, errAt(t.pos, "only two-dimensional coordinates are supported")
	}
	return orb.Point{x, y}, nil
}

// lineString parses "x y, x y, … )" (the opening parenthesis already read).
func (p *textParser) lineString(pos int, ring bool) (orb.LineString, error) {
	var ls orb.LineString
	for {
		c, err := p.coord()
		if err != nil {
			return nil, err
		}
		ls = append(ls, c)
		if !p.punct(",") {
			break
		}
	}
	if err := p.expect(")"); err != nil {
		return nil, err
	}
	if msg := checkLine(ls, ring); msg != "" {
		return nil, errAt(pos, "%s", msg)
	}
	return ls, nil
}

// polygonBody parses "(ring), (ring) … )" (the polygon's opening parenthesis already read).
func (p *textParser) polygonBody(pos int) (orb.Polygon, error) {
	var poly orb.Polygon
	err := p.list(func() error {
		rpos := p.peek().pos
		if err := p.expect("("); err != nil {
			return err
		}
		ring, err := p.lineString(rpos, true)
		poly = append(poly, orb.Ring(ring))
		return err
	})
	return poly, err
}

// multiPoint accepts both MULTIPOINT((1 2), (3 4)) and MULTIPOINT(1 2, 3 4).
func (p *textParser) multiPoint() (orb.MultiPoint, error) {
	var mp orb.MultiPoint
	err := p.list(func() error {
		paren := p.punct("(")
		c, err := p.coord()
		if err != nil {
			return err
		}
		mp = append(mp, c)
		if paren {
			return p.expect(")")
		}
		return nil
	})
	return mp, err
}

// bbox parses "minx, miny, maxx, maxy )" or the six-number form with heights, whose heights
// are dropped.
func (p *textParser) bbox(pos int) (orb.Geometry, error) {
	var v []float64
	for {
		x, err := p.number()
		if err != nil {
			return nil, err
		}
		v = append(v, x)
		if !p.punct(",") {
			break
		}
	}
	if err := p.expect(")"); err != nil {
		return nil, err
	}
	b, msg := makeBound(v)
	if msg != "" {
		return nil, errAt(pos, "%s", msg)
	}
	return b, nil
}

func makeBound(v []float64) (orb.Bound, string) {
	var b orb.Bound
	switch len(v) {
	case 4:
		b = orb.Bound{Min: orb.Point{v[0], v[1]}, Max: orb.Point{v[2], v[3]}}
	case 6:
		b = orb.Bound{Min: orb.Point{v[0], v[1]}, Max: orb.Point{v[3], v[4]}}
	default:
		return b, "a bbox has 4 numbers (minx, miny, maxx, maxy) or 6, not " + strconv.Itoa(len(v))
	}
	if b.Min[0] > b.Max[0] || b.Min[1] > b.Max[1] {
		return b, "bbox minimum is greater than its maximum"
	}
	return b, ""
}

// checkLine says what makes ls unusable as a line string or a ring, or "".
func checkLine(ls orb.LineString, ring bool) string {
	if !ring {
		if len(ls) < 2 {
			return "a line string needs at least 2 points"
		}
		return ""
	}
	if len(ls) < 4 {
		return "a polygon ring needs at least 4 points"
	}
	if ls[0] != ls[len(ls)-1] {
		return "a polygon ring must end where it starts"
	}
	return ""
}
