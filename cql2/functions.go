package cql2

import (
	"strconv"
	"strings"
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

// Functions are the functions beyond the CQL2 standard that Check accepts. CQL2 1.0 has
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

// knownFunction reports whether name (lower case) is one of Functions.
func knownFunction(name string) bool {
	for _, f := range Functions {
		if strings.EqualFold(f.Name, name) {
			return true
		}
	}
	return false
}
