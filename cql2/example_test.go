package cql2_test

import (
	"fmt"

	"bandoso/cql2"
)

// A filter from the query string becomes a WHERE clause with its arguments; the caller's
// own parameters come first (here one: argOffset 1).
func Example() {
	schema := cql2.Schema{
		Table: "t",
		Properties: map[string]cql2.Column{
			"land_use": {Name: "land_use", Type: cql2.TypeString},
			"area_m2":  {Name: "area_m2", Type: cql2.TypeNumber},
			"geometry": {Name: "geom", Type: cql2.TypeGeometry, SRID: 4326},
		},
	}
	e, err := cql2.ParseText(`land_use = 'ODT' AND area_m2 > 80 AND S_INTERSECTS(geometry, BBOX(106.69, 10.77, 106.71, 10.79))`)
	if err != nil {
		fmt.Println(err)
		return
	}
	where, args, err := cql2.Compile(e, schema, 1)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(where)
	fmt.Println(args)

	_, err = cql2.ParseText(`land_use LIKEE 'O%'`)
	fmt.Println(err)
	e, _ = cql2.ParseJSON([]byte(`{"op": "=", "args": [{"property": "owner"}, "x"]}`))
	_, _, err = cql2.Compile(e, schema, 0)
	fmt.Println(err)
	// Output:
	// (("t"."land_use" = $2::text) AND ("t"."area_m2" > $3::bigint) AND ST_Intersects("t"."geom", ST_MakeEnvelope($4::float8, $5::float8, $6::float8, $7::float8, 4326)))
	// [ODT 80 106.69 10.77 106.71 10.79]
	// cql2: unknown operator 'LIKEE' at 9
	// cql2: unknown property 'owner'
}
