package cql2

import (
	"strconv"
	"strings"

	"github.com/paulmach/orb"
)

// Conformance lists the CQL2 1.0 conformance classes (OGC 21-065r2) this package implements,
// for /conformance. Not implemented: case- and accent-insensitive comparison, temporal
// and array functions, arithmetic.
var Conformance = []string{
	"http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
	"http://www.opengis.net/spec/cql2/1.0/conf/cql2-json",
	"http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
	"http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators",
	"http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions",
	"http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions-plus",
	"http://www.opengis.net/spec/cql2/1.0/conf/spatial-functions",
	"http://www.opengis.net/spec/cql2/1.0/conf/property-property",
	"http://www.opengis.net/spec/cql2/1.0/conf/functions",
}

// Function describes a function filters may call, in the shape of OGC API – Features Part 3's
// /functions response ({"functions": [...]}).
type Function struct {
	Name        string     `json:"name"`
	Description string     `json:"description,omitempty"`
	Arguments   []Argument `json:"arguments"`
	// Returns lists the possible result types: string, number, integer, datetime, geometry, boolean.
	Returns []string `json:"returns"`
}

// Argument is one argument of a Function.
type Argument struct {
	Title       string   `json:"title,omitempty"`
	Description string   `json:"description,omitempty"`
	Type        []string `json:"type"`
}

// Functions are the functions beyond the CQL2 standard that Compile supports. CQL2 1.0 has
// no distance operator; S_DWITHIN is ours (its name is case-insensitive, like every keyword).
var Functions = []Function{{
	Name: "S_DWITHIN",
	Description: "True when the two geometries are within the given distance of each other, in metres " +
		"on the WGS84 ellipsoid, e.g. S_DWITHIN(geometry, POINT(106.70 10.78), 250). " +
		"CQL2 JSON: {\"op\": \"s_dwithin\", \"args\": [{\"property\": \"geometry\"}, " +
		"{\"type\": \"Point\", \"coordinates\": [106.70, 10.78]}, 250]}.",
	Arguments: []Argument{
		{Title: "geometry1", Description: "a geometry property or literal", Type: []string{"geometry"}},
		{Title: "geometry2", Description: "a geometry property or literal", Type: []string{"geometry"}},
		{Title: "distance", Description: "the distance in metres, a number literal from 0 to " + strconv.Itoa(MaxDistanceM), Type: []string{"number"}},
	},
	Returns: []string{"boolean"},
}}

// Degrees per metre, bounded from above so that the box around a geometry always holds every
// point within the distance: a degree of latitude is at least 110574 m on WGS84 (at the
// equator) and a degree of longitude at least 111319.49·cos φ m.
const (
	metresPerDegreeLatMin = "110574.0"
	metresPerDegreeLonEq  = "111319.49"
)

// dwithin compiles S_DWITHIN(a, b, metres) to ST_DWithin on geography, which measures on the
// ellipsoid, plus a && test against the other side's box expanded by the distance in degrees
// at its highest latitude, which a GiST index on a 4326 geometry column answers (a geography
// cast of the column cannot use it). The box ignores the antimeridian.
func (c *compiler) dwithin(e Call) (string, error) {
	if len(e.Args) != 3 {
		return "", errCompile("S_DWITHIN takes 3 arguments (geometry, geometry, metres), not %d", len(e.Args))
	}
	d, ok := e.Args[2].(Number)
	if !ok || !(d.Value >= 0) || d.Value > MaxDistanceM {
		return "", errCompile("S_DWITHIN's third argument must be a distance in metres, a number from 0 to %d", MaxDistanceM)
	}
	for _, a := range e.Args[:2] {
		if g, ok := a.(Geometry); ok && c.schema.filterSRID() == srid4326 && !inLonLat(g.Value) {
			return "", errCompile("S_DWITHIN's geometry must have longitudes from -180 to 180 and latitudes from -90 to 90")
		}
	}
	// Expand the side that is not a column, so the column can be tested against the box.
	col, other := e.Args[0], e.Args[1]
	if _, ok := col.(Property); !ok {
		col, other = other, col
	}
	a, _, err := c.geomOperand(col, srid4326, "S_DWITHIN")
	if err != nil {
		return "", err
	}
	b, _, err := c.geomOperand(other, srid4326, "S_DWITHIN")
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

func inLonLat(g orb.Geometry) bool {
	b := g.Bound()
	return b.Min[0] >= -180 && b.Max[0] <= 180 && b.Min[1] >= -90 && b.Max[1] <= 90
}

// knownFunction reports whether name (lower case) is one of Functions.
func knownFunction(name string) bool {
	for _, f := range Functions {
		if strings.EqualFold(f.Name, name) {
			return true
		}
	}
	return false
}
