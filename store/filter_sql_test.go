package store_test

import (
	"errors"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"bandoso/cql2"
	"bandoso/store"
)

// parcelsRow is the parcels layer as the catalog reads it, with fields of the other types.
var parcelsRow = store.LayerRow{Name: "parcels", Table: "parcels", GeomColumn: "geom", IDColumn: "id",
	Fields: []string{"ward_code", "sheet_no", "parcel_no", "land_use", "area_m2",
		"surveyed", "valid_from", "updated", "tags", "site"},
	FieldTypes: []string{"text", "integer", "integer", "text", "numeric(12,1)",
		"boolean", "date", "timestamp with time zone", "jsonb", "geometry(Point,9210)"}}

func TestFilterSQL(t *testing.T) {
	for _, c := range []struct {
		name, filter string
		filterSRID   int
		offset       int
		want         string
		args         []any
	}{
		{name: "comparison", filter: `ward_code = '26740' AND sheet_no >= 3`,
			want: `((t."ward_code" = $1::text) AND (t."sheet_no" >= $2::bigint))`, args: []any{"26740", int64(3)}},
		{name: "offset", filter: `land_use <> 'ODT'`, offset: 2,
			want: `(t."land_use" <> $3::text)`, args: []any{"ODT"}},
		{name: "fraction", filter: `area_m2 < 80.5`, want: `(t."area_m2" < $1::numeric)`, args: []any{80.5}},
		{name: "or not", filter: `NOT land_use = 'ODT' OR surveyed = FALSE`,
			want: `((NOT (t."land_use" = $1::text)) OR (t."surveyed" = $2::boolean))`, args: []any{"ODT", false}},
		{name: "like", filter: `ward_code LIKE '267%'`, want: `(t."ward_code" LIKE $1::text)`, args: []any{"267%"}},
		{name: "between", filter: `area_m2 BETWEEN 50 AND 100`,
			want: `(t."area_m2" BETWEEN $1::bigint AND $2::bigint)`, args: []any{int64(50), int64(100)}},
		{name: "in", filter: `land_use NOT IN ('ODT', 'ONT')`,
			want: `(NOT (t."land_use" IN ($1::text, $2::text)))`, args: []any{"ODT", "ONT"}},
		{name: "is null", filter: `valid_from IS NULL`, want: `(t."valid_from" IS NULL)`},
		{name: "date and timestamp", filter: `valid_from < DATE('2025-07-01') AND updated > TIMESTAMP('2025-07-01T00:00:00Z')`,
			want: `((t."valid_from" < $1::date) AND (t."updated" > $2::timestamptz))`,
			args: []any{time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC), time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC)}},
		{name: "property-property", filter: `sheet_no < parcel_no`, want: `(t."sheet_no" < t."parcel_no")`},
		{name: "literal first", filter: `3 = sheet_no`, want: `($1::bigint = t."sheet_no")`, args: []any{int64(3)}},
		{name: "boolean literal", filter: `true`, want: `($1::boolean)`, args: []any{true}},
		{name: "a type filters cannot use compares as text", filter: `tags = '{}'`,
			want: `(t."tags" = $1::text)`, args: []any{"{}"}},
		{name: "intersects", filter: `S_INTERSECTS(geometry, POINT(106.7 10.78))`,
			want: `ST_Intersects(t."geom", ST_GeomFromText($1::text, 4326))`, args: []any{"POINT(106.7 10.78)"}},
		{name: "bbox", filter: `S_WITHIN(geometry, BBOX(106.6, 10.7, 106.8, 10.9))`,
			want: `ST_Within(t."geom", ST_MakeEnvelope($1::float8, $2::float8, $3::float8, $4::float8, 4326))`,
			args: []any{106.6, 10.7, 106.8, 10.9}},
		{name: "filter crs", filter: `S_CONTAINS(POLYGON((600000 1192000, 600100 1192000, 600100 1192100, 600000 1192000)), geometry)`,
			filterSRID: 9210,
			want:       `ST_Contains(ST_Transform(ST_GeomFromText($1::text, 9210), 4326), t."geom")`,
			args:       []any{"POLYGON((600000 1192000,600100 1192000,600100 1192100,600000 1192000))"}},
		{name: "literal to the column's SRID", filter: `S_INTERSECTS(site, POINT(106.7 10.78))`,
			want: `ST_Intersects(t."site", ST_Transform(ST_GeomFromText($1::text, 4326), 9210))`, args: []any{"POINT(106.7 10.78)"}},
		{name: "distance", filter: `S_DWITHIN(POINT(106.7 10.78), geometry, 250)`,
			want: `(t."geom" && ST_Expand(ST_GeomFromText($1::text, 4326), LEAST(360.0, $2::float8 / (111319.49 * cos(radians(` +
				`LEAST(90.0, GREATEST(abs(ST_YMin(ST_GeomFromText($1::text, 4326))), abs(ST_YMax(ST_GeomFromText($1::text, 4326)))) + ($2::float8 / 110574.0)))))), ` +
				`($2::float8 / 110574.0)) AND ST_DWithin(t."geom"::geography, ST_GeomFromText($1::text, 4326)::geography, $2::float8))`,
			args: []any{"POINT(106.7 10.78)", 250.0}},
	} {
		t.Run(c.name, func(t *testing.T) {
			e, err := cql2.ParseText(c.filter)
			if err != nil {
				t.Fatal(err)
			}
			sql, args, err := store.FilterSQL(store.FeatureQuery{Layer: parcelsRow, Filter: e, FilterSRID: c.filterSRID}, c.offset)
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

// TestCheckFilter: a filter is checked against the layer's own fields and their column
// types; the refusal is the *cql2.Error the person who wrote the filter reads.
func TestCheckFilter(t *testing.T) {
	for _, c := range []struct{ filter, want string }{
		{`ward_code = '26740' AND S_INTERSECTS(site, POINT(1 2))`, ""},
		{`owner = 'x'`, "unknown property 'owner'"},
		{`id = 3`, "unknown property 'id'"}, // the id is not a published field
		{`sheet_no = 'x'`, "property 'sheet_no' is an integer and cannot be compared with string 'x'"},
		{`valid_from > '2025-01-01'`, "property 'valid_from' is a date"},
		{`updated > 3`, "property 'updated' is a timestamp"},
		{`S_INTERSECTS(ward_code, POINT(1 2))`, "property 'ward_code' is a string"},
	} {
		e, err := cql2.ParseText(c.filter)
		if err != nil {
			t.Fatalf("%s: %v", c.filter, err)
		}
		q := store.FeatureQuery{Layer: parcelsRow, Filter: e}
		err = q.CheckFilter()
		_, _, sqlErr := store.FilterSQL(q, 0)
		var ce *cql2.Error
		switch {
		case c.want == "" && (err != nil || sqlErr != nil):
			t.Errorf("%s: %v, %v", c.filter, err, sqlErr)
		case c.want != "" && (!errors.As(err, &ce) || !strings.Contains(ce.Msg, c.want) || sqlErr == nil):
			t.Errorf("%s: got %v (SQL error %v), want an *cql2.Error containing %q", c.filter, err, sqlErr, c.want)
		}
	}
	if err := (store.FeatureQuery{Layer: parcelsRow}).CheckFilter(); err != nil {
		t.Errorf("no filter: %v", err)
	}
}

func TestFilterType(t *testing.T) {
	for _, c := range []struct {
		pg   string
		want cql2.Type
		srid int
	}{
		{"integer", cql2.TypeInteger, 0},
		{"bigint", cql2.TypeInteger, 0},
		{"numeric(12,1)", cql2.TypeNumber, 0},
		{"double precision", cql2.TypeNumber, 0},
		{"text", cql2.TypeString, 0},
		{"character varying(20)", cql2.TypeString, 0},
		{"boolean", cql2.TypeBoolean, 0},
		{"date", cql2.TypeDate, 0},
		{"timestamp with time zone", cql2.TypeTimestamp, 0},
		{"timestamp(3) without time zone", cql2.TypeTimestamp, 0},
		{"geometry(MultiPolygon,4326)", cql2.TypeGeometry, 4326},
		{"geometry(Point,9210)", cql2.TypeGeometry, 9210},
		{"geometry", cql2.TypeGeometry, 0},
		{"text[]", cql2.TypeString, 0},
		{"jsonb", cql2.TypeString, 0},
		{"", cql2.TypeString, 0}, // a field missing from the table
	} {
		got, srid := store.FilterType(c.pg)
		if got != c.want || srid != c.srid {
			t.Errorf("FilterType(%q) = %v, %d; want %v, %d", c.pg, got, srid, c.want, c.srid)
		}
	}
}

var placeholder = regexp.MustCompile(`\$([0-9]+)`)

// checkSQL asserts what every translated filter must be: placeholders $offset+1 …
// $offset+len(args), each used, and no character literal or comment in the SQL text.
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

// FuzzFilterSQL: every filter that parses and passes the check becomes SQL holding only
// placeholders and quoted columns; every refusal is a *cql2.Error. Seeds: cql2's corpus.
func FuzzFilterSQL(f *testing.F) {
	for _, s := range cql2Corpus(f, "FuzzParseText") {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := cql2.ParseText(s)
		if err != nil {
			return
		}
		where, args, err := store.FilterSQL(store.FeatureQuery{Layer: parcelsRow, Filter: e}, 5)
		if err != nil {
			var ce *cql2.Error
			if !errors.As(err, &ce) {
				t.Fatalf("error %v is not a *cql2.Error", err)
			}
			return
		}
		checkSQL(t, where, args, 5)
	})
}
