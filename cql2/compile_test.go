package cql2_test

import (
	"errors"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"bandoso/cql2"
)

// parcels is the schema of the parcels table as an OGC collection would publish it.
var parcels = cql2.Schema{Properties: map[string]cql2.Column{
	"id":        {Name: "id", Type: cql2.TypeInteger},
	"ward_code": {Name: "ward_code", Type: cql2.TypeString},
	"sheet_no":  {Name: "sheet_no", Type: cql2.TypeInteger},
	"parcel_no": {Name: "parcel_no", Type: cql2.TypeInteger},
	"land_use":  {Name: "land_use", Type: cql2.TypeString},
	"area_m2":   {Name: "area_m2", Type: cql2.TypeNumber},
	"geometry":  {Name: "geom", Type: cql2.TypeGeometry, SRID: 4326},
	// not columns of parcels: they exercise the other types
	"surveyed":   {Name: "surveyed", Type: cql2.TypeBoolean},
	"valid_from": {Name: "valid_from", Type: cql2.TypeDate},
	"updated":    {Name: "up\"dated", Type: cql2.TypeTimestamp},
}}

func TestCompile(t *testing.T) {
	for _, c := range []struct {
		name, filter string
		schema       func(*cql2.Schema)
		offset       int
		want         string
		args         []any
	}{
		{name: "comparison", filter: `ward_code = '26740' AND sheet_no >= 3`,
			want: `(("ward_code" = $1::text) AND ("sheet_no" >= $2::bigint))`, args: []any{"26740", int64(3)}},
		{name: "offset", filter: `land_use <> 'ODT'`, offset: 2,
			want: `("land_use" <> $3::text)`, args: []any{"ODT"}},
		{name: "fraction", filter: `area_m2 < 80.5`, want: `("area_m2" < $1::numeric)`, args: []any{80.5}},
		{name: "or not", filter: `NOT land_use = 'ODT' OR surveyed = FALSE`,
			want: `((NOT ("land_use" = $1::text)) OR ("surveyed" = $2::boolean))`, args: []any{"ODT", false}},
		{name: "like", filter: `ward_code LIKE '267%'`, want: `("ward_code" LIKE $1::text)`, args: []any{"267%"}},
		{name: "between", filter: `area_m2 BETWEEN 50 AND 100`,
			want: `("area_m2" BETWEEN $1::bigint AND $2::bigint)`, args: []any{int64(50), int64(100)}},
		{name: "in", filter: `land_use NOT IN ('ODT', 'ONT')`,
			want: `(NOT ("land_use" IN ($1::text, $2::text)))`, args: []any{"ODT", "ONT"}},
		{name: "is null", filter: `valid_from IS NULL`, want: `("valid_from" IS NULL)`},
		{name: "date and timestamp", filter: `valid_from < DATE('2025-07-01') AND updated > TIMESTAMP('2025-07-01T00:00:00Z')`,
			want: `(("valid_from" < $1::date) AND ("up""dated" > $2::timestamptz))`,
			args: []any{time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC), time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC)}},
		{name: "property-property", filter: `sheet_no < parcel_no`, want: `("sheet_no" < "parcel_no")`},
		{name: "literal first", filter: `3 = sheet_no`, want: `($1::bigint = "sheet_no")`, args: []any{int64(3)}},
		{name: "boolean literal", filter: `true`, want: `($1::boolean)`, args: []any{true}},
		{name: "table", filter: `land_use = 'ODT'`, schema: func(s *cql2.Schema) { s.Table = "p" },
			want: `("p"."land_use" = $1::text)`, args: []any{"ODT"}},
		{name: "intersects", filter: `S_INTERSECTS(geometry, POINT(106.7 10.78))`,
			want: `ST_Intersects("geom", ST_GeomFromText($1::text, 4326))`, args: []any{"POINT(106.7 10.78)"}},
		{name: "bbox", filter: `S_WITHIN(geometry, BBOX(106.6, 10.7, 106.8, 10.9))`,
			want: `ST_Within("geom", ST_MakeEnvelope($1::float8, $2::float8, $3::float8, $4::float8, 4326))`,
			args: []any{106.6, 10.7, 106.8, 10.9}},
		{name: "filter crs", filter: `S_CONTAINS(POLYGON((600000 1192000, 600100 1192000, 600100 1192100, 600000 1192000)), geometry)`,
			schema: func(s *cql2.Schema) { s.FilterSRID = 9210 },
			want:   `ST_Contains(ST_Transform(ST_GeomFromText($1::text, 9210), 4326), "geom")`,
			args:   []any{"POLYGON((600000 1192000,600100 1192000,600100 1192100,600000 1192000))"}},
		{name: "distance", filter: `S_DWITHIN(POINT(106.7 10.78), geometry, 250)`,
			want: `("geom" && ST_Expand(ST_GeomFromText($1::text, 4326), LEAST(360.0, $2::float8 / (111319.49 * cos(radians(` +
				`LEAST(90.0, GREATEST(abs(ST_YMin(ST_GeomFromText($1::text, 4326))), abs(ST_YMax(ST_GeomFromText($1::text, 4326)))) + ($2::float8 / 110574.0)))))), ` +
				`($2::float8 / 110574.0)) AND ST_DWithin("geom"::geography, ST_GeomFromText($1::text, 4326)::geography, $2::float8))`,
			args: []any{"POINT(106.7 10.78)", 250.0}},
	} {
		t.Run(c.name, func(t *testing.T) {
			e, err := cql2.ParseText(c.filter)
			if err != nil {
				t.Fatal(err)
			}
			s := parcels
			if c.schema != nil {
				c.schema(&s)
			}
			sql, args, err := cql2.Compile(e, s, c.offset)
			if err != nil {
				t.Fatal(err)
			}
			if sql != c.want {
				t.Errorf("sql\n got %s\nwant %s", sql, c.want)
			}
			if !reflect.DeepEqual(args, c.args) && !(len(args) == 0 && len(c.args) == 0) {
				t.Errorf("args: got %#v, want %#v", args, c.args)
			}
		})
	}
}

func TestCompileErrors(t *testing.T) {
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
		_, _, err = cql2.Compile(e, parcels, 0)
		var ce *cql2.Error
		if !errors.As(err, &ce) || !strings.Contains(ce.Msg, c.msg) {
			t.Errorf("%s: got %v, want an *Error containing %q", c.filter, err, c.msg)
		}
	}
}

var placeholder = regexp.MustCompile(`\$([0-9]+)`)

// checkSQL asserts what every compiled filter must be: placeholders $offset+1 … $offset+len(args),
// each used, and no character literal in the SQL text.
func checkSQL(t testing.TB, sql string, args []any, offset int) {
	t.Helper()
	used := map[int]bool{}
	for _, m := range placeholder.FindAllStringSubmatch(sql, -1) {
		n, _ := strconv.Atoi(m[1])
		if n <= offset || n > offset+len(args) {
			t.Fatalf("placeholder $%d outside $%d..$%d in %s", n, offset+1, offset+len(args), sql)
		}
		used[n] = true
	}
	if len(used) != len(args) {
		t.Fatalf("%d args but %d placeholders used in %s", len(args), len(used), sql)
	}
	if strings.ContainsAny(sql, "';") || strings.Contains(sql, "--") || strings.Contains(sql, "/*") {
		t.Fatalf("SQL holds a literal or comment: %s", sql)
	}
}

func TestCompiledSQLHoldsOnlyPlaceholders(t *testing.T) {
	for _, f := range textSeeds {
		e, err := cql2.ParseText(f)
		if err != nil {
			continue
		}
		sql, args, err := cql2.Compile(e, parcels, 5)
		if err != nil {
			continue
		}
		checkSQL(t, sql, args, 5)
	}
}

func TestTypeOf(t *testing.T) {
	for _, c := range []struct {
		pg   string
		want cql2.Type
		srid int
		ok   bool
	}{
		{"integer", cql2.TypeInteger, 0, true},
		{"bigint", cql2.TypeInteger, 0, true},
		{"numeric(12,1)", cql2.TypeNumber, 0, true},
		{"double precision", cql2.TypeNumber, 0, true},
		{"text", cql2.TypeString, 0, true},
		{"character varying(20)", cql2.TypeString, 0, true},
		{"boolean", cql2.TypeBoolean, 0, true},
		{"date", cql2.TypeDate, 0, true},
		{"timestamp with time zone", cql2.TypeTimestamp, 0, true},
		{"geometry(MultiPolygon,4326)", cql2.TypeGeometry, 4326, true},
		{"geometry(Point,9210)", cql2.TypeGeometry, 9210, true},
		{"geometry", cql2.TypeGeometry, 0, true},
		{"text[]", 0, 0, false},
		{"jsonb", 0, 0, false},
	} {
		got, srid, ok := cql2.TypeOf(c.pg)
		if got != c.want || srid != c.srid || ok != c.ok {
			t.Errorf("TypeOf(%q) = %v, %d, %v; want %v, %d, %v", c.pg, got, srid, ok, c.want, c.srid, c.ok)
		}
	}
}
