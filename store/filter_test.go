package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"bandoso/cql2"
	"bandoso/store"
	"bandoso/store/storetest"
)

// filterDB is a migrated database with the small demo city, columns of the other types
// added to parcels and filled so that filters on them select something, and the parcels
// layer publishing them all.
func filterDB(t *testing.T) (*store.DB, *pgxpool.Pool, store.LayerRow) {
	t.Helper()
	ctx := context.Background()
	db := storetest.New(t)
	storetest.LoadDemo(t, db, 1, 3000)
	pool := db.Pool()
	if _, err := pool.Exec(ctx, `ALTER TABLE parcels ADD COLUMN surveyed boolean, ADD COLUMN valid_from date,
		ADD COLUMN "up""dated" timestamptz;
		UPDATE parcels SET surveyed = id % 3 = 0, valid_from = DATE '2024-01-01' + (id % 700)::int,
			"up""dated" = CASE WHEN id % 5 <> 0 THEN TIMESTAMPTZ '2025-06-01 00:00Z' + id * interval '1 hour' END`); err != nil {
		t.Fatal(err)
	}
	l := store.LayerRow{Name: "parcels", Table: "parcels", GeomColumn: "geom", IDColumn: "id",
		Fields: []string{"ward_code", "sheet_no", "parcel_no", "land_use", "area_m2", "surveyed", "valid_from", `up"dated`}}
	if err := pool.QueryRow(ctx, `SELECT array_agg(format_type(a.atttypid, a.atttypmod) ORDER BY f.i)
		FROM unnest($1::text[]) WITH ORDINALITY f (name, i)
		JOIN pg_attribute a ON a.attrelid = 'parcels'::regclass AND a.attname = f.name`, l.Fields).Scan(&l.FieldTypes); err != nil {
		t.Fatal(err)
	}
	return db, pool, l
}

// ids are the ids of parcels where the SQL condition holds, in order.
func ids(t *testing.T, pool *pgxpool.Pool, where string, args ...any) []int64 {
	t.Helper()
	rows, err := pool.Query(context.Background(), "SELECT id FROM parcels WHERE "+where+" ORDER BY id", args...)
	if err != nil {
		t.Fatalf("%s: %v", where, err)
	}
	got, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		t.Fatalf("%s: %v", where, err)
	}
	return got
}

// featureIDs are the ids of the features Features streams for q, all on one page.
func featureIDs(t *testing.T, db *store.DB, q store.FeatureQuery) []int64 {
	t.Helper()
	q.Limit = 1 << 20
	var got []int64
	_, err := db.Features(context.Background(), q, store.FormatCSV, func(cols [][]byte) error {
		id, err := strconv.ParseInt(string(cols[0]), 10, 64)
		got = append(got, id)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// TestFiltersAgainstPostGIS runs filters through Features and compares the features with
// those of hand-written SQL.
func TestFiltersAgainstPostGIS(t *testing.T) {
	db, pool, parcels := filterDB(t)
	ctx := context.Background()
	var ward, use1, use2 string
	var cx, cy, ex, ey, area float64
	var sheet int
	if err := pool.QueryRow(ctx, `SELECT ward_code, sheet_no, area_m2::float8 FROM parcels ORDER BY id LIMIT 1 OFFSET 100`).Scan(&ward, &sheet, &area); err != nil {
		t.Fatal(err)
	}
	if err := pool.QueryRow(ctx, `SELECT min(land_use), max(land_use) FROM parcels`).Scan(&use1, &use2); err != nil {
		t.Fatal(err)
	}
	if err := pool.QueryRow(ctx, `SELECT ST_X(c), ST_Y(c), ST_X(ST_Transform(c, 9210)), ST_Y(ST_Transform(c, 9210))
		FROM (SELECT ST_Centroid(ST_Collect(geom)) c FROM parcels) s`).Scan(&cx, &cy, &ex, &ey); err != nil {
		t.Fatal(err)
	}
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	pt := fmt.Sprintf("ST_SetSRID(ST_MakePoint(%s, %s), 4326)", f(cx), f(cy))
	box := fmt.Sprintf("ST_MakeEnvelope(%s, %s, %s, %s, 4326)", f(cx-0.002), f(cy-0.002), f(cx+0.003), f(cy+0.001))
	tri := fmt.Sprintf("POLYGON((%s %s, %s %s, %s %s, %s %s))", f(cx-0.003), f(cy-0.003), f(cx+0.003), f(cy-0.002), f(cx), f(cy+0.003), f(cx-0.003), f(cy-0.003))
	localBox := fmt.Sprintf("%s, %s, %s, %s", f(ex-150), f(ey-100), f(ex+150), f(ey+100))

	cases := []struct{ name, filter, json, sql string }{
		{"equal", fmt.Sprintf(`ward_code = '%s'`, ward),
			fmt.Sprintf(`{"op":"=","args":[{"property":"ward_code"},"%s"]}`, ward), fmt.Sprintf(`ward_code = '%s'`, ward)},
		{"parcel key", fmt.Sprintf(`ward_code = '%s' AND sheet_no = %d AND parcel_no <= 10`, ward, sheet), "",
			fmt.Sprintf(`ward_code = '%s' AND sheet_no = %d AND parcel_no <= 10`, ward, sheet)},
		{"in or", fmt.Sprintf(`land_use IN ('%s', '%s') OR area_m2 > 500`, use1, use2),
			fmt.Sprintf(`{"op":"or","args":[{"op":"in","args":[{"property":"land_use"},["%s","%s"]]},{"op":">","args":[{"property":"area_m2"},500]}]}`, use1, use2),
			fmt.Sprintf(`land_use IN ('%s', '%s') OR area_m2 > 500`, use1, use2)},
		{"not and between", fmt.Sprintf(`NOT land_use = '%s' AND area_m2 BETWEEN 50.5 AND 120`, use1), "",
			fmt.Sprintf(`NOT land_use = '%s' AND area_m2 BETWEEN 50.5 AND 120`, use1)},
		{"exact decimal", fmt.Sprintf(`area_m2 = %s`, f(area)), "", fmt.Sprintf(`area_m2 = %s`, f(area))},
		{"extreme numbers", `area_m2 < 1e300 AND area_m2 > 1.5e-7 AND sheet_no = 1 AND parcel_no > -1e300`, "",
			`area_m2 < 1e300 AND area_m2 > 1.5e-7 AND sheet_no = 1 AND parcel_no > -1e300`},
		{"like", fmt.Sprintf(`ward_code LIKE '%s_' AND land_use NOT LIKE '%s%%'`, ward[:4], use1[:1]), "",
			fmt.Sprintf(`ward_code LIKE '%s_' AND land_use NOT LIKE '%s%%'`, ward[:4], use1[:1])},
		{"not in, not between", `sheet_no NOT IN (1, 2) AND parcel_no NOT BETWEEN 3 AND 40`, "",
			`sheet_no NOT IN (1, 2) AND parcel_no NOT BETWEEN 3 AND 40`},
		{"precedence", `sheet_no = 1 OR sheet_no = 2 AND parcel_no < 5`, "", `sheet_no = 1 OR (sheet_no = 2 AND parcel_no < 5)`},
		{"property-property", `parcel_no < sheet_no * 1 OR sheet_no > parcel_no`, "", ""}, // refused: arithmetic
		{"property-property", `sheet_no > parcel_no`, "", `sheet_no > parcel_no`},
		{"boolean", `surveyed = TRUE AND NOT surveyed = false`, "", `surveyed AND surveyed`},
		{"date", `valid_from >= DATE('2025-03-01')`, `{"op":">=","args":[{"property":"valid_from"},{"date":"2025-03-01"}]}`,
			`valid_from >= DATE '2025-03-01'`},
		{"timestamp and null, a name to quote", "",
			`{"op":"or","args":[{"op":"<","args":[{"property":"up\"dated"},{"timestamp":"2025-06-20T07:00:00+07:00"}]},{"op":"isNull","args":[{"property":"up\"dated"}]}]}`,
			`"up""dated" < TIMESTAMPTZ '2025-06-20 00:00Z' OR "up""dated" IS NULL`},
		{"point", fmt.Sprintf(`S_INTERSECTS(geometry, POINT(%s %s))`, f(cx), f(cy)),
			fmt.Sprintf(`{"op":"s_intersects","args":[{"property":"geometry"},{"type":"Point","coordinates":[%s,%s]}]}`, f(cx), f(cy)),
			fmt.Sprintf(`ST_Intersects(geom, %s)`, pt)},
		{"bbox", fmt.Sprintf(`S_WITHIN(geometry, BBOX(%s, %s, %s, %s))`, f(cx-0.002), f(cy-0.002), f(cx+0.003), f(cy+0.001)),
			fmt.Sprintf(`{"op":"s_within","args":[{"property":"geometry"},{"bbox":[%s,%s,%s,%s]}]}`, f(cx-0.002), f(cy-0.002), f(cx+0.003), f(cy+0.001)),
			fmt.Sprintf(`ST_Within(geom, %s)`, box)},
		{"polygon", fmt.Sprintf(`S_INTERSECTS(geometry, %s) AND NOT S_CONTAINS(geometry, POINT(%s %s))`, tri, f(cx), f(cy)), "",
			fmt.Sprintf(`ST_Intersects(geom, ST_GeomFromText('%s', 4326)) AND NOT ST_Contains(geom, %s)`, tri, pt)},
		{"disjoint", fmt.Sprintf(`S_DISJOINT(geometry, BBOX(%s, %s, %s, %s))`, f(cx-0.002), f(cy-0.002), f(cx+0.003), f(cy+0.001)), "",
			fmt.Sprintf(`ST_Disjoint(geom, %s)`, box)},
		{"touches or overlaps", fmt.Sprintf(`S_TOUCHES(geometry, %s) OR S_OVERLAPS(geometry, %s)`, tri, tri), "",
			fmt.Sprintf(`ST_Touches(geom, ST_GeomFromText('%[1]s', 4326)) OR ST_Overlaps(geom, ST_GeomFromText('%[1]s', 4326))`, tri)},
		{"filter crs", fmt.Sprintf(`S_INTERSECTS(geometry, BBOX(%s))`, localBox), "",
			fmt.Sprintf(`ST_Intersects(geom, ST_Transform(ST_MakeEnvelope(%s, 9210), 4326))`, localBox)},
	}
	for _, d := range []float64{0, 7.5, 60, 250, 400} {
		cases = append(cases, struct{ name, filter, json, sql string }{
			"distance " + f(d), fmt.Sprintf(`S_DWITHIN(geometry, POINT(%s %s), %s)`, f(cx), f(cy), f(d)),
			fmt.Sprintf(`{"op":"s_dwithin","args":[{"property":"geometry"},{"type":"Point","coordinates":[%s,%s]},%s]}`, f(cx), f(cy), f(d)),
			fmt.Sprintf(`ST_DWithin(geom::geography, %s::geography, %s)`, pt, f(d))})
	}
	cases = append(cases, struct{ name, filter, json, sql string }{"distance to a line",
		fmt.Sprintf(`S_DWITHIN(LINESTRING(%s %s, %s %s), geometry, 80)`, f(cx-0.01), f(cy), f(cx+0.01), f(cy+0.001)), "",
		fmt.Sprintf(`ST_DWithin(geom::geography, ST_GeomFromText('LINESTRING(%s %s, %s %s)', 4326)::geography, 80)`, f(cx-0.01), f(cy), f(cx+0.01), f(cy+0.001))})

	total := len(ids(t, pool, "true"))
	if got := featureIDs(t, db, store.FeatureQuery{Layer: parcels}); len(got) != total {
		t.Fatalf("no filter: %d features of %d parcels", len(got), total)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			q := store.FeatureQuery{Layer: parcels}
			if strings.Contains(c.name, "filter crs") {
				q.FilterSRID = 9210
			}
			var filters []cql2.Expr
			if c.filter != "" {
				e, err := cql2.ParseText(c.filter)
				if c.sql == "" {
					if err == nil {
						t.Fatalf("%s: accepted", c.filter)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				filters = append(filters, e)
			}
			if c.json != "" {
				e, err := cql2.ParseJSON([]byte(c.json))
				if err != nil {
					t.Fatal(err)
				}
				filters = append(filters, e)
			}
			want := ids(t, pool, c.sql)
			if len(want) == 0 || len(want) == total {
				t.Errorf("%s selects %d of %d parcels: choose a filter that tells more", c.sql, len(want), total)
			}
			for _, e := range filters {
				q.Filter = e
				if err := q.CheckFilter(); err != nil {
					t.Fatal(err)
				}
				if got := featureIDs(t, db, q); !slices.Equal(got, want) {
					where, _, _ := store.FilterSQL(q, 0)
					t.Fatalf("%s %s: %d features, hand-written SQL %d\n%s", c.filter, c.json, len(got), len(want), where)
				}
			}
		})
	}
}

// TestAcceptedFiltersPrepare prepares every entry of cql2's fuzz corpus that parses and
// passes the check: what the fuzz tests accept must be SQL PostgreSQL takes.
func TestAcceptedFiltersPrepare(t *testing.T) {
	_, pool, parcels := filterDB(t)
	ctx := context.Background()
	conn, err := pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	var filters []func() (cql2.Expr, error)
	for _, dir := range []string{"FuzzParseText", "FuzzParseJSON"} {
		for _, input := range cql2Corpus(t, dir) {
			if dir == "FuzzParseText" {
				filters = append(filters, func() (cql2.Expr, error) { return cql2.ParseText(input) })
			} else {
				filters = append(filters, func() (cql2.Expr, error) { return cql2.ParseJSON([]byte(input)) })
			}
		}
	}
	prepared := 0
	for i, parse := range filters {
		e, err := parse()
		if err != nil {
			continue
		}
		where, args, err := store.FilterSQL(store.FeatureQuery{Layer: parcels, Filter: e}, 1)
		if err != nil {
			continue
		}
		sd, err := conn.Conn().Prepare(ctx, "f"+strconv.Itoa(i), "SELECT id FROM parcels t WHERE id > $1 AND "+where)
		if err != nil {
			t.Errorf("PREPARE %s: %v", where, err)
			continue
		}
		if len(sd.ParamOIDs) != len(args)+1 {
			t.Errorf("%s: %d parameters, %d args", where, len(sd.ParamOIDs), len(args)+1)
		}
		prepared++
	}
	if prepared < 30 {
		t.Errorf("only %d filters prepared", prepared)
	}
	t.Logf("%d of %d filters prepared", prepared, len(filters))
}

// cql2Corpus reads the one-value entries (go test fuzz v1, string or []byte) of cql2's fuzz
// corpus for fuzz test name, its seeds among them.
func cql2Corpus(t testing.TB, name string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "cql2", "testdata", "fuzz", name, "*"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no corpus for %s: %v", name, err)
	}
	var out []string
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.SplitN(string(b), "\n", 2)
		if len(lines) != 2 || lines[0] != "go test fuzz v1" {
			t.Fatalf("%s: not a fuzz corpus file", file)
		}
		v := strings.TrimSpace(lines[1])
		v = strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(v, "string("), "[]byte("), ")")
		s, err := strconv.Unquote(v)
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		out = append(out, s)
	}
	return out
}

// TestSpatialFiltersUseTheIndex plans filters on a table of 48 000 parcels and requires a scan
// of its GiST index: a filter that casts the column, or transforms it, would not use it.
func TestSpatialFiltersUseTheIndex(t *testing.T) {
	_, pool, _ := filterDB(t)
	ctx := context.Background()
	if _, err := pool.Exec(ctx, `CREATE TABLE parcels_big AS
		SELECT row_number() OVER () AS id, ST_Translate(geom, dx * 0.1, dy * 0.1)::geometry(MultiPolygon, 4326) AS geom
		FROM parcels, generate_series(0, 3) dx, generate_series(0, 3) dy;
		CREATE INDEX parcels_big_geom ON parcels_big USING gist (geom);
		ANALYZE parcels_big`); err != nil {
		t.Fatal(err)
	}
	var cx, cy float64
	if err := pool.QueryRow(ctx, `SELECT ST_X(c), ST_Y(c) FROM (SELECT ST_Centroid(ST_Collect(geom)) c FROM parcels) s`).Scan(&cx, &cy); err != nil {
		t.Fatal(err)
	}
	big := store.LayerRow{Name: "parcels_big", Table: "parcels_big", GeomColumn: "geom", IDColumn: "id"}
	for _, filter := range []string{
		fmt.Sprintf(`S_DWITHIN(geometry, POINT(%f %f), 100)`, cx, cy),
		fmt.Sprintf(`S_DWITHIN(LINESTRING(%f %f, %f %f), geometry, 30)`, cx, cy, cx+0.001, cy),
		fmt.Sprintf(`S_INTERSECTS(geometry, POINT(%f %f))`, cx, cy),
		fmt.Sprintf(`S_WITHIN(geometry, BBOX(%f, %f, %f, %f))`, cx, cy, cx+0.002, cy+0.002),
	} {
		e, err := cql2.ParseText(filter)
		if err != nil {
			t.Fatal(err)
		}
		where, args, err := store.FilterSQL(store.FeatureQuery{Layer: big, Filter: e}, 0)
		if err != nil {
			t.Fatal(err)
		}
		var plan []byte
		if err := pool.QueryRow(ctx, "EXPLAIN (FORMAT JSON) SELECT id FROM parcels_big t WHERE "+where, args...).Scan(&plan); err != nil {
			t.Fatal(err)
		}
		var doc []struct{ Plan planNode }
		if err := json.Unmarshal(plan, &doc); err != nil {
			t.Fatal(err)
		}
		if !doc[0].Plan.uses("parcels_big_geom") {
			t.Errorf("%s does not scan parcels_big_geom:\n%s", filter, plan)
		}
	}
}

// TestMatchedCapped counts a first page's matches up to the cap, and past it says nothing.
func TestMatchedCapped(t *testing.T) {
	db, pool, parcels := filterDB(t)
	all := int64(len(ids(t, pool, "true")))
	for _, c := range []struct {
		cap  int
		want int64
	}{{0, all}, {int(all), all}, {int(all) - 1, -1}, {10, -1}} {
		q := store.FeatureQuery{Layer: parcels, Limit: 5, MatchedCap: c.cap}
		page, err := db.Features(context.Background(), q, store.FormatCSV, func([][]byte) error { return nil })
		if err != nil {
			t.Fatal(err)
		}
		if page.Matched != c.want || page.Returned != 5 || !page.More {
			t.Errorf("cap %d over %d parcels: matched %d, returned %d, more %v; want matched %d", c.cap, all, page.Matched, page.Returned, page.More, c.want)
		}
	}
	// A first page holding every match has counted them itself, the cap applying as well.
	for _, c := range []struct {
		cap  int
		want int64
	}{{0, all}, {int(all) - 1, -1}} {
		q := store.FeatureQuery{Layer: parcels, Limit: int(all) + 1, MatchedCap: c.cap}
		page, err := db.Features(context.Background(), q, store.FormatCSV, func([][]byte) error { return nil })
		if err != nil {
			t.Fatal(err)
		}
		if page.Matched != c.want || page.Returned != int(all) || page.More {
			t.Errorf("one page of all %d parcels, cap %d: matched %d, returned %d, more %v; want matched %d", all, c.cap, page.Matched, page.Returned, page.More, c.want)
		}
	}
}
