package store

import (
	"strconv"
	"strings"

	"github.com/paulmach/orb"
)

// wktString writes a filter's geometry g as WKT for ST_GeomFromText, numbers in plain
// decimal notation with the fewest digits that read back to the same float64.
func wktString(g orb.Geometry) string {
	var b strings.Builder
	writeWKT(&b, g)
	return b.String()
}

func writeWKT(b *strings.Builder, g orb.Geometry) {
	switch g := g.(type) {
	case orb.Point:
		b.WriteString("POINT(")
		writeCoord(b, g)
		b.WriteByte(')')
	case orb.MultiPoint:
		b.WriteString("MULTIPOINT(")
		for i, p := range g {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteByte('(')
			writeCoord(b, p)
			b.WriteByte(')')
		}
		b.WriteByte(')')
	case orb.LineString:
		b.WriteString("LINESTRING")
		writeCoords(b, g)
	case orb.MultiLineString:
		b.WriteString("MULTILINESTRING(")
		for i, ls := range g {
			if i > 0 {
				b.WriteByte(',')
			}
			writeCoords(b, ls)
		}
		b.WriteByte(')')
	case orb.Polygon:
		b.WriteString("POLYGON")
		writeRings(b, g)
	case orb.MultiPolygon:
		b.WriteString("MULTIPOLYGON(")
		for i, p := range g {
			if i > 0 {
				b.WriteByte(',')
			}
			writeRings(b, p)
		}
		b.WriteByte(')')
	case orb.Collection:
		b.WriteString("GEOMETRYCOLLECTION(")
		for i, x := range g {
			if i > 0 {
				b.WriteByte(',')
			}
			writeWKT(b, x)
		}
		b.WriteByte(')')
	case orb.Bound:
		b.WriteString("POLYGON")
		writeRings(b, orb.Polygon{g.ToRing()})
	}
}

func writeCoord(b *strings.Builder, p orb.Point) {
	b.WriteString(strconv.FormatFloat(p[0], 'f', -1, 64))
	b.WriteByte(' ')
	b.WriteString(strconv.FormatFloat(p[1], 'f', -1, 64))
}

func writeCoords(b *strings.Builder, ls []orb.Point) {
	b.WriteByte('(')
	for i, p := range ls {
		if i > 0 {
			b.WriteByte(',')
		}
		writeCoord(b, p)
	}
	b.WriteByte(')')
}

func writeRings(b *strings.Builder, p orb.Polygon) {
	b.WriteByte('(')
	for i, r := range p {
		if i > 0 {
			b.WriteByte(',')
		}
		writeCoords(b, r)
	}
	b.WriteByte(')')
}
