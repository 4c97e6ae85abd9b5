package geo

import "github.com/paulmach/orb"

// Positions counts the positions (vertices) of g, a measure of what work on it costs; a
// bound counts its four corners.
func Positions(g orb.Geometry) int {
	switch g := g.(type) {
	case orb.Point:
		return 1
	case orb.MultiPoint:
		return len(g)
	case orb.LineString:
		return len(g)
	case orb.Ring:
		return len(g)
	case orb.MultiLineString:
		return sum(g)
	case orb.Polygon:
		return sum(g)
	case orb.MultiPolygon:
		return sum(g)
	case orb.Collection:
		return sum(g)
	case orb.Bound:
		return 4
	}
	return 0
}

func sum[G orb.Geometry](gs []G) int {
	n := 0
	for _, g := range gs {
		n += Positions(g)
	}
	return n
}
