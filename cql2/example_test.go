package cql2_test

import (
	"fmt"

	"bandoso/cql2"
)

// A filter from the query string is parsed, then checked against the queryables of the
// collection; store translates a checked filter to SQL.
func Example() {
	schema := cql2.Schema{Properties: map[string]cql2.Type{
		"land_use": cql2.TypeString,
		"area_m2":  cql2.TypeNumber,
		"geometry": cql2.TypeGeometry,
	}}
	e, err := cql2.ParseText(`land_use = 'ODT' AND area_m2 > 80 AND S_INTERSECTS(geometry, BBOX(106.69, 10.77, 106.71, 10.79))`)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(cql2.Check(e, schema))

	_, err = cql2.ParseText(`land_use LIKEE 'O%'`)
	fmt.Println(err)
	e, _ = cql2.ParseJSON([]byte(`{"op": "=", "args": [{"property": "owner"}, "x"]}`))
	fmt.Println(cql2.Check(e, schema))
	e, _ = cql2.ParseText(`area_m2 > '80'`)
	fmt.Println(cql2.Check(e, schema))
	// Output:
	// <nil>
	// cql2: unknown operator 'LIKEE' at 9
	// cql2: unknown property 'owner'
	// cql2: property 'area_m2' is a number and cannot be compared with string '80'
}
