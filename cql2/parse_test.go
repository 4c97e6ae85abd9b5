package cql2_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"bandoso/cql2"
)

func prop(n string) cql2.Property { return cql2.Property{Name: n} }
func str(s string) cql2.String    { return cql2.String{Value: s} }
func num(f float64) cql2.Number   { return cql2.Number{Value: f} }
func cmp(op string, l, r cql2.Expr) cql2.Compare {
	return cql2.Compare{Op: op, Left: l, Right: r}
}

// parseCases are filters written in both encodings; both must give want. Most come from the
// examples of OGC 21-065r2 (Annex B and the clauses), some from our parcels.
var parseCases = []struct {
	name string
	text string
	json string
	want cql2.Expr
}{
	{"equal string", `city='Toronto'`, `{"op":"=","args":[{"property":"city"},"Toronto"]}`,
		cmp("=", prop("city"), str("Toronto"))},
	{"quote escaped", `name = 'Nhà ''Bè'''`, `{"op":"=","args":[{"property":"name"},"Nhà 'Bè'"]}`,
		cmp("=", prop("name"), str("Nhà 'Bè'"))},
	{"quoted property", `"land use" <> 'ODT'`, `{"op":"<>","args":[{"property":"land use"},"ODT"]}`,
		cmp("<>", prop("land use"), str("ODT"))},
	{"colon and dot in names", `eo:cloud_cover <= 0.5 AND landsat.row >= -28`,
		`{"op":"and","args":[{"op":"<=","args":[{"property":"eo:cloud_cover"},0.5]},{"op":">=","args":[{"property":"landsat.row"},-28]}]}`,
		cql2.And{Args: []cql2.Expr{cmp("<=", prop("eo:cloud_cover"), num(0.5)), cmp(">=", prop("landsat.row"), num(-28))}}},
	{"precedence", `floors>5 AND material='brick' OR swimming_pool=true`,
		`{"op":"or","args":[{"op":"and","args":[{"op":">","args":[{"property":"floors"},5]},{"op":"=","args":[{"property":"material"},"brick"]}]},{"op":"=","args":[{"property":"swimming_pool"},true]}]}`,
		cql2.Or{Args: []cql2.Expr{
			cql2.And{Args: []cql2.Expr{cmp(">", prop("floors"), num(5)), cmp("=", prop("material"), str("brick"))}},
			cmp("=", prop("swimming_pool"), cql2.Bool{Value: true})}}},
	{"parentheses", `floors>5 AND (material='brick' OR swimming_pool=true)`,
		`{"op":"and","args":[{"op":">","args":[{"property":"floors"},5]},{"op":"or","args":[{"op":"=","args":[{"property":"material"},"brick"]},{"op":"=","args":[{"property":"swimming_pool"},true]}]}]}`,
		cql2.And{Args: []cql2.Expr{cmp(">", prop("floors"), num(5)),
			cql2.Or{Args: []cql2.Expr{cmp("=", prop("material"), str("brick")), cmp("=", prop("swimming_pool"), cql2.Bool{Value: true})}}}}},
	{"not binds tightest", `NOT floors<5 OR swimming_pool=true`,
		`{"op":"or","args":[{"op":"not","args":[{"op":"<","args":[{"property":"floors"},5]}]},{"op":"=","args":[{"property":"swimming_pool"},true]}]}`,
		cql2.Or{Args: []cql2.Expr{cql2.Not{Arg: cmp("<", prop("floors"), num(5))}, cmp("=", prop("swimming_pool"), cql2.Bool{Value: true})}}},
	{"and chains flatten", `(a=1 AND b=2) and c=3`,
		`{"op":"and","args":[{"op":"=","args":[{"property":"a"},1]},{"op":"=","args":[{"property":"b"},2]},{"op":"=","args":[{"property":"c"},3]}]}`,
		cql2.And{Args: []cql2.Expr{cmp("=", prop("a"), num(1)), cmp("=", prop("b"), num(2)), cmp("=", prop("c"), num(3))}}},
	{"like", `name LIKE 'Smith%'`, `{"op":"like","args":[{"property":"name"},"Smith%"]}`,
		cql2.Like{Arg: prop("name"), Pattern: str("Smith%")}},
	{"not like", `name not like 'Ph_ng%'`, `{"op":"not","args":[{"op":"like","args":[{"property":"name"},"Ph_ng%"]}]}`,
		cql2.Not{Arg: cql2.Like{Arg: prop("name"), Pattern: str("Ph_ng%")}}},
	{"between", `depth BETWEEN 100.0 and 150.0`, `{"op":"between","args":[{"property":"depth"},100.0,150.0]}`,
		cql2.Between{Arg: prop("depth"), Low: num(100), High: num(150)}},
	{"in", `cityName IN ('Toronto','Frankfurt','Tokyo','New York')`,
		`{"op":"in","args":[{"property":"cityName"},["Toronto","Frankfurt","Tokyo","New York"]]}`,
		cql2.In{Arg: prop("cityName"), List: []cql2.Expr{str("Toronto"), str("Frankfurt"), str("Tokyo"), str("New York")}}},
	{"not in", `category NOT IN (1,2,3,4)`, `{"op":"not","args":[{"op":"in","args":[{"property":"category"},[1,2,3,4]]}]}`,
		cql2.Not{Arg: cql2.In{Arg: prop("category"), List: []cql2.Expr{num(1), num(2), num(3), num(4)}}}},
	{"is null", `value IS NULL OR value BETWEEN 10 AND 20`,
		`{"op":"or","args":[{"op":"isNull","args":[{"property":"value"}]},{"op":"between","args":[{"property":"value"},10,20]}]}`,
		cql2.Or{Args: []cql2.Expr{cql2.IsNull{Arg: prop("value")}, cql2.Between{Arg: prop("value"), Low: num(10), High: num(20)}}}},
	{"is not null", `geometry IS NOT NULL`, `{"op":"not","args":[{"op":"isNull","args":[{"property":"geometry"}]}]}`,
		cql2.Not{Arg: cql2.IsNull{Arg: prop("geometry")}}},
	{"date", `updated >= date('1970-01-01')`, `{"op":">=","args":[{"property":"updated"},{"date":"1970-01-01"}]}`,
		cmp(">=", prop("updated"), cql2.Date{Value: time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)})},
	{"timestamp", `built > TIMESTAMP('2012-08-10T12:30:00+07:00')`,
		`{"op":">","args":[{"property":"built"},{"timestamp":"2012-08-10T05:30:00Z"}]}`,
		cmp(">", prop("built"), cql2.Timestamp{Value: time.Date(2012, 8, 10, 5, 30, 0, 0, time.UTC)})},
	{"property-property", `height < floors`, `{"op":"<","args":[{"property":"height"},{"property":"floors"}]}`,
		cmp("<", prop("height"), prop("floors"))},
	{"boolean literal", `TRUE`, `true`, cql2.Bool{Value: true}},
	{"point", `S_INTERSECTS(geometry,POINT(36.319836 32.288087))`,
		`{"op":"s_intersects","args":[{"property":"geometry"},{"type":"Point","coordinates":[36.319836,32.288087]}]}`,
		cql2.Spatial{Op: "s_intersects", Left: prop("geometry"), Right: cql2.Geometry{Value: orb.Point{36.319836, 32.288087}}}},
	{"bbox", `S_WITHIN(location,BBOX(-118,33.8,-117.9,34))`,
		`{"op":"s_within","args":[{"property":"location"},{"bbox":[-118,33.8,-117.9,34]}]}`,
		cql2.Spatial{Op: "s_within", Left: prop("location"), Right: cql2.Geometry{Value: orb.Bound{Min: orb.Point{-118, 33.8}, Max: orb.Point{-117.9, 34}}}}},
	{"polygon", `s_crosses(road, POLYGON((43.7286 -79.2986, 43.7311 -79.2996, 43.7323 -79.2972, 43.7286 -79.2986)))`,
		`{"op":"s_crosses","args":[{"property":"road"},{"type":"Polygon","coordinates":[[[43.7286,-79.2986],[43.7311,-79.2996],[43.7323,-79.2972],[43.7286,-79.2986]]]}]}`,
		cql2.Spatial{Op: "s_crosses", Left: prop("road"), Right: cql2.Geometry{Value: orb.Polygon{{{43.7286, -79.2986}, {43.7311, -79.2996}, {43.7323, -79.2972}, {43.7286, -79.2986}}}}}},
	{"multipoint both forms", `S_CONTAINS(MULTIPOINT((1 2), 3 4), geometry)`,
		`{"op":"s_contains","args":[{"type":"MultiPoint","coordinates":[[1,2],[3,4]]},{"property":"geometry"}]}`,
		cql2.Spatial{Op: "s_contains", Left: cql2.Geometry{Value: orb.MultiPoint{{1, 2}, {3, 4}}}, Right: prop("geometry")}},
	{"multilinestring", `S_TOUCHES(geometry, MULTILINESTRING((1 2, 3 4), (5 6, 7 8)))`,
		`{"op":"s_touches","args":[{"property":"geometry"},{"type":"MultiLineString","coordinates":[[[1,2],[3,4]],[[5,6],[7,8]]]}]}`,
		cql2.Spatial{Op: "s_touches", Left: prop("geometry"), Right: cql2.Geometry{Value: orb.MultiLineString{{{1, 2}, {3, 4}}, {{5, 6}, {7, 8}}}}}},
	{"multipolygon", `S_DISJOINT(geometry, MULTIPOLYGON(((0 0, 1 0, 1 1, 0 0)), ((5 5, 6 5, 6 6, 5 5), (5.1 5.1, 5.2 5.1, 5.2 5.2, 5.1 5.1))))`,
		`{"op":"s_disjoint","args":[{"property":"geometry"},{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]],[[[5,5],[6,5],[6,6],[5,5]],[[5.1,5.1],[5.2,5.1],[5.2,5.2],[5.1,5.1]]]]}]}`,
		cql2.Spatial{Op: "s_disjoint", Left: prop("geometry"), Right: cql2.Geometry{Value: orb.MultiPolygon{
			{{{0, 0}, {1, 0}, {1, 1}, {0, 0}}},
			{{{5, 5}, {6, 5}, {6, 6}, {5, 5}}, {{5.1, 5.1}, {5.2, 5.1}, {5.2, 5.2}, {5.1, 5.1}}}}}}},
	{"collection", `S_EQUALS(geometry, GEOMETRYCOLLECTION(POINT(1 2), LINESTRING(1 2, 3 4)))`,
		`{"op":"s_equals","args":[{"property":"geometry"},{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[1,2]},{"type":"LineString","coordinates":[[1,2],[3,4]]}]}]}`,
		cql2.Spatial{Op: "s_equals", Left: prop("geometry"), Right: cql2.Geometry{Value: orb.Collection{orb.Point{1, 2}, orb.LineString{{1, 2}, {3, 4}}}}}},
	{"distance function", `S_DWITHIN(geometry, POINT(106.7 10.78), 250) AND land_use = 'ODT'`,
		`{"op":"and","args":[{"op":"s_dwithin","args":[{"property":"geometry"},{"type":"Point","coordinates":[106.7,10.78]},250]},{"op":"=","args":[{"property":"land_use"},"ODT"]}]}`,
		cql2.And{Args: []cql2.Expr{
			cql2.Call{Name: "s_dwithin", Args: []cql2.Expr{prop("geometry"), cql2.Geometry{Value: orb.Point{106.7, 10.78}}, num(250)}},
			cmp("=", prop("land_use"), str("ODT"))}}},
	{"keywords any case", `Not a = 1 oR b iS nOt NuLl`,
		`{"op":"OR","args":[{"op":"NOT","args":[{"op":"=","args":[{"property":"a"},1]}]},{"op":"not","args":[{"op":"ISNULL","args":[{"property":"b"}]}]}]}`,
		cql2.Or{Args: []cql2.Expr{cql2.Not{Arg: cmp("=", prop("a"), num(1))}, cql2.Not{Arg: cql2.IsNull{Arg: prop("b")}}}}},
}

func TestParseTextAndJSONAgree(t *testing.T) {
	for _, c := range parseCases {
		t.Run(c.name, func(t *testing.T) {
			got, err := cql2.ParseText(c.text)
			if err != nil {
				t.Fatalf("text: %v", err)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("text %s\n got %#v\nwant %#v", c.text, got, c.want)
			}
			got, err = cql2.ParseJSON([]byte(c.json))
			if err != nil {
				t.Fatalf("json: %v", err)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("json %s\n got %#v\nwant %#v", c.json, got, c.want)
			}
		})
	}
}

func TestParseTextErrors(t *testing.T) {
	for _, c := range []struct {
		text   string
		offset int
		msg    string
	}{
		{`ward_code = '26740' AND (sheet_no = 3 OR parcel_no = 4`, 54, "expected ')'"},
		{`land_use LIKEE 'ODT'`, 9, "unknown operator 'LIKEE'"},
		{`land_use != 'ODT'`, 9, "unknown operator '!='"},
		{`name = 'unterminated`, 7, "unterminated string"},
		{`"name = 1`, 0, "unterminated quoted property name"},
		{``, 0, "empty filter"},
		{`a = 1 b = 2`, 6, "unknown operator 'b'"},
		{`a = `, 4, "expected a property or a literal"},
		{`a BETWEEN 1 OR 2`, 12, "expected AND in BETWEEN"},
		{`a IS 3`, 5, "expected NULL"},
		{`a NOT = 3`, 6, "expected LIKE, BETWEEN or IN after NOT"},
		{`a`, 1, "expected a comparison operator after 'a'"},
		{`d > DATE('2025-13-01')`, 9, "invalid date '2025-13-01'"},
		{`t > TIMESTAMP('yesterday')`, 14, "invalid timestamp"},
		{`S_INTERSECTS(geom, POINT(1 2 3))`, 29, "two-dimensional"},
		{`S_INTERSECTS(geom, POINT Z(1 2 3))`, 25, "two-dimensional"},
		{`S_INTERSECTS(geom, POLYGON((0 0, 1 0, 1 1, 0 1)))`, 27, "must end where it starts"},
		{`S_INTERSECTS(geom, LINESTRING(0 0))`, 19, "at least 2 points"},
		{`S_INTERSECTS(geom, BBOX(1, 2, 0, 3))`, 19, "minimum is greater than its maximum"},
		{`S_INTERSECTS(geom, BBOX(1, 2, 3))`, 19, "4 numbers"},
		{`S_INTERSECTS(geom)`, 0, "takes 2 arguments"},
		{`S_INTERSECTS(geom, POINT EMPTY)`, 25, "empty geometries"},
		{`a = 1e999`, 4, "out of range"},
		{`avg(windSpeed) < 4`, 0, "unknown function 'avg'"},
		{`a = 1 AND`, 9, "expected a property or a literal"},
		{`a = 1)`, 5, "unexpected ')'"},
		{`a = #`, 4, "unexpected character '#'"},
		{`a = 'x' AND b = 'y` + "\xff'", 18, "invalid UTF-8"},
		{strings.Repeat("(", 200) + "a = 1" + strings.Repeat(")", 200), 100, "nested deeper than 100"},
		{strings.Repeat("NOT ", 150) + "a = 1", 400, "nested deeper than 100"},
		{"a IN (" + strings.Repeat("1,", 1000) + "1)", 2006, "more than 1000 literals"},
		{strings.Repeat(" ", cql2.MaxLength+1), cql2.MaxLength, "longer than"},
	} {
		_, err := cql2.ParseText(c.text)
		var e *cql2.Error
		if !errors.As(err, &e) {
			t.Errorf("%.60q: got %v, want *cql2.Error", c.text, err)
			continue
		}
		if e.Offset != c.offset || !strings.Contains(e.Msg, c.msg) {
			t.Errorf("%.60q: got %q at %d, want %q at %d", c.text, e.Msg, e.Offset, c.msg, c.offset)
		}
	}
}

func TestParseJSONErrors(t *testing.T) {
	for _, c := range []struct {
		json, path, msg string
	}{
		{`{"op":"and","args":[{"op":"=","args":[{"property":"a"},1]},{"op":"likee","args":[{"property":"b"},"x"]}]}`, "/args/1/op", "unknown operator 'likee'"},
		{`{"op":"=","args":[{"property":"a"}]}`, "/args", "takes 2 arguments, not 1"},
		{`{"op":"=","args":[{"property":"a"},null]}`, "/args/1", "null is not a value"},
		{`{"op":"=","args":[{"property":"a"},[1]]}`, "/args/1", "found an array"},
		{`{"op":"=","args":[{"property":""},1]}`, "/args/0/property", "non-empty string"},
		{`{"op":"in","args":[{"property":"a"},[]]}`, "/args/1", "non-empty array"},
		{`{"op":"in","args":[{"property":"a"},[1,{"x":1}]]}`, "/args/1/1", "expected a value"},
		{`{"op":"=","args":[{"property":"d"},{"date":"2025-02-30"}]}`, "/args/1/date", "invalid date"},
		{`{"op":"s_intersects","args":[{"property":"g"},{"type":"Point","coordinates":[1,2,3]}]}`, "/args/1/coordinates", "two-dimensional"},
		{`{"op":"s_intersects","args":[{"property":"g"},{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]}]}`, "/args/1/coordinates/0", "must end where it starts"},
		{`{"op":"s_intersects","args":[{"property":"g"},{"type":"Circle","coordinates":[1,2]}]}`, "/args/1/type", "unknown GeoJSON geometry type"},
		{`{"op":"s_intersects","args":[{"property":"g"},{"bbox":[3,0,1,1]}]}`, "/args/1/bbox", "minimum is greater"},
		{`{"op":"=","args":[{"property":"a"},1],"extra":1}`, "/extra", "unexpected member"},
		{`{"op":"not","args":["a"]}`, "/args/0", "expected a predicate"},
		{`{"op":"=","args":[{"op":"=","args":[1,1]},1]}`, "/args/0", "found a predicate"},
		{`"a"`, "", "expected a predicate"},
	} {
		_, err := cql2.ParseJSON([]byte(c.json))
		var e *cql2.Error
		if !errors.As(err, &e) {
			t.Errorf("%s: got %v, want *cql2.Error", c.json, err)
			continue
		}
		if e.Path != c.path || !strings.Contains(e.Msg, c.msg) {
			t.Errorf("%s: got %q at %q, want %q at %q", c.json, e.Msg, e.Path, c.msg, c.path)
		}
	}
	for _, c := range []struct {
		json   string
		offset int
		msg    string
	}{
		{`{"op":"=","args":[{"property":"a"},1]`, 37, "invalid JSON"},
		{`{"op":"=","args":[{"property":"a"},1]} {}`, 39, "unexpected data after the filter"},
		{`{"op":"=","args":[{"property":"a"},"` + "\xfe" + `"]}`, 36, "invalid UTF-8"},
	} {
		_, err := cql2.ParseJSON([]byte(c.json))
		var e *cql2.Error
		if !errors.As(err, &e) || e.Offset != c.offset || !strings.Contains(e.Msg, c.msg) {
			t.Errorf("%s: got %v, want %q at %d", c.json, err, c.msg, c.offset)
		}
	}
	deep := strings.Repeat(`{"op":"not","args":[`, 150) + `true` + strings.Repeat(`]}`, 150)
	if _, err := cql2.ParseJSON([]byte(deep)); err == nil || !strings.Contains(err.Error(), "nested deeper") {
		t.Errorf("150 nested nots: got %v", err)
	}
}

func TestErrorMessage(t *testing.T) {
	_, err := cql2.ParseText(`a = 1 AND (b = 2`)
	if got, want := err.Error(), "cql2: expected ')', found the end of the filter at 16"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
