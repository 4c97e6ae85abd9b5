package store

import (
	"strconv"

	"github.com/paulmach/orb"

	"bandoso/cql2"
)

// spatialFunctions maps the CQL2 spatial comparison functions to PostGIS's.
var spatialFunctions = map[string]string{
	"s_intersects": "ST_Intersects",
	"s_within":     "ST_Within",
	"s_contains":   "ST_Contains",
	"s_disjoint":   "ST_Disjoint",
	"s_equals":     "ST_Equals",
	"s_touches":    "ST_Touches",
	"s_crosses":    "ST_Crosses",
	"s_overlaps":   "ST_Overlaps",
}

func (c *filterCompiler) spatial(e cql2.Spatial) (string, error) {
	fn := spatialFunctions[e.Op]
	if fn == "" {
		return "", errUnchecked(e)
	}
	// Literals are brought to the column's SRID, never the column to the literal's, so that
	// the column's index stays usable.
	target := 0
	for _, a := range []cql2.Expr{e.Left, e.Right} {
		if p, ok := a.(cql2.Property); ok {
			if q, ok := c.queryables[p.Name]; ok && q.typ == cql2.TypeGeometry {
				target = q.sridOr4326()
				break
			}
		}
	}
	if target == 0 {
		target = c.filterSRID
	}
	l, err := c.geomOperand(e.Left, target)
	if err != nil {
		return "", err
	}
	r, err := c.geomOperand(e.Right, target)
	if err != nil {
		return "", err
	}
	return fn + "(" + l + ", " + r + ")", nil
}

func (q queryable) sridOr4326() int {
	if q.srid == 0 {
		return 4326
	}
	return q.srid
}

// geomOperand writes a geometry operand in target SRID (0: its own).
func (c *filterCompiler) geomOperand(e cql2.Expr, target int) (string, error) {
	switch g := e.(type) {
	case cql2.Property:
		q, ok := c.queryables[g.Name]
		if !ok || q.typ != cql2.TypeGeometry {
			return "", errUnchecked(e)
		}
		sql, _ := c.operand(g)
		if target != 0 && target != q.sridOr4326() {
			return "ST_Transform(" + sql + ", " + strconv.Itoa(target) + ")", nil
		}
		return sql, nil
	case cql2.Geometry:
		return c.geometry(g, target)
	}
	return "", errUnchecked(e)
}

// geometry sends a literal as WKT (or a bbox as four numbers) in the filter CRS and
// transforms it to target when that differs.
func (c *filterCompiler) geometry(g cql2.Geometry, target int) (string, error) {
	if g.Value == nil {
		return "", errUnchecked(g)
	}
	src := c.filterSRID
	var sql string
	if b, ok := g.Value.(orb.Bound); ok {
		sql = "ST_MakeEnvelope(" + c.param(b.Min[0]) + "::float8, " + c.param(b.Min[1]) + "::float8, " +
			c.param(b.Max[0]) + "::float8, " + c.param(b.Max[1]) + "::float8, " + strconv.Itoa(src) + ")"
	} else {
		sql = "ST_GeomFromText(" + c.param(wktString(g.Value)) + "::text, " + strconv.Itoa(src) + ")"
	}
	if target != 0 && target != src {
		return "ST_Transform(" + sql + ", " + strconv.Itoa(target) + ")", nil
	}
	return sql, nil
}

// Degrees per metre, bounded from above so that the box around a geometry always holds every
// point within the distance: a degree of latitude is at least 110574 m on WGS84 (at the
// equator) and a degree of longitude at least 111319.49·cos φ m.
const (
	metresPerDegreeLatMin = "110574.0"
	metresPerDegreeLonEq  = "111319.49"
)

// dwithin writes S_DWITHIN(a, b, metres) as ST_DWithin on geography, which measures on the
// ellipsoid, plus a && test against the other side's box expanded by the distance in degrees
// at its highest latitude, which a GiST index on a 4326 geometry column answers (a geography
// cast of the column cannot use it). The box ignores the antimeridian.
func (c *filterCompiler) dwithin(e cql2.Call) (string, error) {
	if len(e.Args) != 3 {
		return "", errUnchecked(e)
	}
	d, ok := e.Args[2].(cql2.Number)
	if !ok {
		return "", errUnchecked(e)
	}
	// Expand the side that is not a column, so the column can be tested against the box.
	col, other := e.Args[0], e.Args[1]
	if _, ok := col.(cql2.Property); !ok {
		col, other = other, col
	}
	a, err := c.geomOperand(col, 4326)
	if err != nil {
		return "", err
	}
	b, err := c.geomOperand(other, 4326)
	if err != nil {
		return "", err
	}
	m := c.param(d.Value) + "::float8"
	dy := "(" + m + " / " + metresPerDegreeLatMin + ")"
	lat := "LEAST(90.0, GREATEST(abs(ST_YMin(" + b + ")), abs(ST_YMax(" + b + "))) + " + dy + ")"
	dx := "LEAST(360.0, " + m + " / (" + metresPerDegreeLonEq + " * cos(radians(" + lat + "))))"
	return "(" + a + " && ST_Expand(" + b + ", " + dx + ", " + dy + ") AND ST_DWithin(" +
		a + "::geography, " + b + "::geography, " + m + "))", nil
}
