package cql2_test

import (
	"errors"
	"strings"
	"testing"

	"bandoso/cql2"
)

// parcels is the schema of the parcels table as an OGC collection would publish it.
var parcels = cql2.Schema{Properties: map[string]cql2.Type{
	"id":        cql2.TypeInteger,
	"ward_code": cql2.TypeString,
	"sheet_no":  cql2.TypeInteger,
	"parcel_no": cql2.TypeInteger,
	"land_use":  cql2.TypeString,
	"area_m2":   cql2.TypeNumber,
	"geometry":  cql2.TypeGeometry,
	// not columns of parcels: they exercise the other types
	"surveyed":   cql2.TypeBoolean,
	"valid_from": cql2.TypeDate,
	"updated":    cql2.TypeTimestamp,
}}

// TestCheckAccepts: filters of every kind on the schema's queryables pass.
func TestCheckAccepts(t *testing.T) {
	for _, c := range []struct {
		filter     string
		filterSRID int
	}{
		{filter: `ward_code = '26740' AND sheet_no >= 3`},
		{filter: `area_m2 < 80.5 OR area_m2 BETWEEN 50 AND 100`},
		{filter: `NOT land_use = 'ODT' OR surveyed = FALSE`},
		{filter: `ward_code LIKE '267%' AND land_use NOT IN ('ODT', 'ONT')`},
		{filter: `valid_from IS NULL OR geometry IS NULL`},
		{filter: `valid_from < DATE('2025-07-01') AND updated > TIMESTAMP('2025-07-01T00:00:00Z')`},
		{filter: `valid_from < updated`},
		{filter: `sheet_no < parcel_no AND 3 = sheet_no AND area_m2 > sheet_no`},
		{filter: `true`},
		{filter: `S_INTERSECTS(geometry, POINT(106.7 10.78)) AND S_WITHIN(geometry, BBOX(106.6, 10.7, 106.8, 10.9))`},
		{filter: `S_CONTAINS(POLYGON((600000 1192000, 600100 1192000, 600100 1192100, 600000 1192000)), geometry)`, filterSRID: 9210},
		{filter: `S_DWITHIN(POINT(106.7 10.78), geometry, 250)`},
		{filter: `S_INTERSECTS(POINT(1 1), BBOX(0, 0, 2, 2))`},
	} {
		e, err := cql2.ParseText(c.filter)
		if err != nil {
			t.Fatalf("%s: %v", c.filter, err)
		}
		s := parcels
		s.FilterSRID = c.filterSRID
		if err := cql2.Check(e, s); err != nil {
			t.Errorf("%s: %v", c.filter, err)
		}
	}
}

func TestCheckErrors(t *testing.T) {
	for _, c := range []struct{ filter, msg string }{
		{`owner = 'x'`, "unknown property 'owner'"},
		{`sheet_no = 'x'`, "property 'sheet_no' is an integer and cannot be compared with string 'x'"},
		{`'x' < area_m2`, "property 'area_m2' is a number and cannot be compared with string 'x'"},
		{`valid_from > '2025-01-01'`, "write DATE('YYYY-MM-DD')"},
		{`land_use IN ('ODT', 3)`, "cannot be compared with number 3"},
		{`sheet_no BETWEEN 1 AND 'z'`, "cannot be compared with string 'z'"},
		{`sheet_no LIKE '1%'`, "property 'sheet_no' is an integer"},
		{`land_use LIKE land_use`, "LIKE needs a string pattern"},
		{`geometry = POINT(1 2)`, "use S_EQUALS"},
		{`S_INTERSECTS(land_use, POINT(1 2))`, "property 'land_use' is a string"},
		{`S_INTERSECTS(geometry, 'POINT(1 2)')`, "needs geometries, not string"},
		{`S_DWITHIN(geometry, POINT(1 2), -5)`, "distance in metres"},
		{`S_DWITHIN(geometry, POINT(1 2))`, "takes 3 arguments"},
		{`S_DWITHIN(geometry, POINT(1 95), 10)`, "latitudes from -90 to 90"},
		{`S_DWITHIN(geometry, POINT(1 2), 10) = TRUE`, "cannot be used as a value"},
	} {
		e, err := cql2.ParseText(c.filter)
		if err != nil {
			t.Errorf("%s: parse: %v", c.filter, err)
			continue
		}
		err = cql2.Check(e, parcels)
		var ce *cql2.Error
		if !errors.As(err, &ce) || !strings.Contains(ce.Msg, c.msg) {
			t.Errorf("%s: got %v, want an *Error containing %q", c.filter, err, c.msg)
		}
	}
}
