package ingest

import (
	"fmt"

	"github.com/paulmach/orb"
)

// fixingReader is a Reader whose records --fix has repaired where the repair must come before
// the database sees them: rings closed and repeated points removed. Making polygons valid
// (ST_MakeValid) is the database's, after it has read them.
type fixingReader struct{ Reader }

func (f fixingReader) Next() (Record, error) {
	rec, err := f.Reader.Next()
	if err == nil {
		repair(&rec)
	}
	return rec, err
}

// repair closes rec's open rings and removes its repeated points, and says so in its
// problems: a refused geometry that the repairs make readable becomes a repaired one.
func repair(rec *Record) {
	g := rec.Geom
	if g == nil {
		g = rec.RawGeom
	}
	if g == nil {
		return
	}
	g = orb.Clone(g)
	closed := closeRings(g)
	repeated := 0
	g = dropRepeated(g, &repeated)
	if rec.Geom == nil {
		ok, p := checkGeometry(g)
		if p != nil {
			for i, q := range rec.Problems {
				if q.Field == "geometry" && q.Action == Refused {
					rec.Problems[i].Detail += "; --fix cannot repair it: " + p.Detail
				}
			}
			return
		}
		rec.Problems = dropRefusedGeometry(rec.Problems)
		rec.Geom, rec.RawGeom = ok, nil
	} else {
		rec.Geom = g
	}
	if closed > 0 {
		rec.Problems = append(rec.Problems, Problem{Field: "geometry", Problem: InvalidGeometry, Action: Repaired,
			Detail: fmt.Sprintf("%d ring(s) not closed: closed by repeating the first point", closed)})
	}
	if repeated > 0 {
		rec.Problems = append(rec.Problems, Problem{Field: "geometry", Problem: InvalidGeometry, Action: Repaired,
			Detail: fmt.Sprintf("%d repeated point(s) removed", repeated)})
	}
}

func dropRefusedGeometry(ps []Problem) []Problem {
	out := ps[:0]
	for _, p := range ps {
		if p.Field != "geometry" || p.Action != Refused {
			out = append(out, p)
		}
	}
	return out
}

// closeRings appends the first point to every ring that does not end with it, in place,
// and counts them.
func closeRings(g orb.Geometry) int {
	n := 0
	closeAll := func(p orb.Polygon) {
		for i, r := range p {
			if len(r) > 0 && r[0] != r[len(r)-1] {
				p[i] = append(r, r[0])
				n++
			}
		}
	}
	switch g := g.(type) {
	case orb.Polygon:
		closeAll(g)
	case orb.MultiPolygon:
		for _, p := range g {
			closeAll(p)
		}
	case orb.Collection:
		for _, c := range g {
			n += closeRings(c)
		}
	}
	return n
}

// dropRepeated removes each point equal to the one before it in lines and rings, counting
// them in n.
func dropRepeated(g orb.Geometry, n *int) orb.Geometry {
	line := func(ls []orb.Point) []orb.Point {
		out := ls[:0]
		for i, p := range ls {
			if i > 0 && p == out[len(out)-1] {
				*n++
				continue
			}
			out = append(out, p)
		}
		return out
	}
	poly := func(p orb.Polygon) orb.Polygon {
		for i, r := range p {
			p[i] = orb.Ring(line(r))
		}
		return p
	}
	switch g := g.(type) {
	case orb.LineString:
		return orb.LineString(line(g))
	case orb.MultiLineString:
		for i, l := range g {
			g[i] = orb.LineString(line(l))
		}
	case orb.Polygon:
		return poly(g)
	case orb.MultiPolygon:
		for i, p := range g {
			g[i] = poly(p)
		}
	case orb.Collection:
		for i, c := range g {
			g[i] = dropRepeated(c, n)
		}
	}
	return g
}
