package api_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
)

func TestOGCFilters(t *testing.T) {
	e := newTileEnv(t)
	c := e.centre
	square := fmt.Sprintf("POLYGON((%[1]f %[2]f, %[3]f %[2]f, %[3]f %[4]f, %[1]f %[4]f, %[1]f %[2]f))",
		c[0]-0.001, c[1]-0.001, c[0]+0.001, c[1]+0.001)
	var square9210 string
	if err := e.pool.QueryRow(context.Background(), `SELECT ST_AsText(ST_Transform(ST_GeomFromText($1, 4326), 9210))`, square).Scan(&square9210); err != nil {
		t.Fatal(err)
	}
	for _, f := range []struct {
		name, query, sql string
	}{
		{"comparison", "filter=" + url.QueryEscape("land_use = 'ODT' AND area_m2 > 100"),
			"land_use = 'ODT' AND area_m2 > 100"},
		{"json", "filter-lang=cql2-json&filter=" + url.QueryEscape(`{"op":"and","args":[{"op":"=","args":[{"property":"land_use"},"ODT"]},{"op":">","args":[{"property":"area_m2"},100]}]}`),
			"land_use = 'ODT' AND area_m2 > 100"},
		{"in, between, not", "filter=" + url.QueryEscape("land_use IN ('TMD','ONT') OR NOT (sheet_no BETWEEN 2 AND 40)"),
			"land_use IN ('TMD','ONT') OR NOT (sheet_no BETWEEN 2 AND 40)"},
		{"like", "filter=" + url.QueryEscape("ward_code LIKE '267%' AND parcel_no < 20"), "ward_code LIKE '267%' AND parcel_no < 20"},
		{"s_intersects", "filter=" + url.QueryEscape("S_INTERSECTS(geometry, "+square+")"),
			fmt.Sprintf("ST_Intersects(geom, ST_GeomFromText('%s', 4326))", square)},
		{"s_within in filter-crs 9210", "filter-crs=EPSG:9210&filter=" + url.QueryEscape("S_WITHIN(geometry, "+square9210+")"),
			fmt.Sprintf("ST_Within(geom, ST_Transform(ST_GeomFromText('%s', 9210), 4326))", square9210)},
		{"s_dwithin metres", "filter=" + url.QueryEscape(fmt.Sprintf("S_DWITHIN(geometry, POINT(%f %f), 60)", c[0], c[1])),
			fmt.Sprintf("ST_DWithin(geom::geography, ST_Point(%f, %f, 4326)::geography, 60)", c[0], c[1])},
	} {
		t.Run(f.name, func(t *testing.T) {
			want := e.count(t, "SELECT count(*) FROM parcels WHERE "+f.sql)
			p := e.items(t, "/ogc/collections/parcels/items?limit=10000&"+f.query)
			if want == 0 || p.NumberMatched != want || int64(len(p.Features)) != want {
				t.Errorf("%d matched, %d returned; SQL finds %d", p.NumberMatched, len(p.Features), want)
			}
		})
	}

	t.Run("bad filters name the parameter", func(t *testing.T) {
		for _, c := range []struct{ query, param, says string }{
			{"filter=" + url.QueryEscape("land_use = 'ODT' AND"), "filter", "at"},
			{"filter=" + url.QueryEscape("nosuch = 1"), "filter", "nosuch"},
			{"filter=" + url.QueryEscape("area_m2 = 'big'"), "filter", "area_m2"},
			{"filter=" + url.QueryEscape("land_use = 'x'; DROP TABLE parcels"), "filter", ""},
			{"filter-lang=cql2-json&filter=" + url.QueryEscape(`{"op":"=","args":[`), "filter", ""},
			{"filter-lang=sql&filter=1", "filter-lang", "cql2-text"},
			{"filter-crs=EPSG:9999&filter=" + url.QueryEscape("land_use = 'ODT'"), "filter-crs", ""},
			{"filter-crs=EPSG:9210", "filter-crs", "without filter"},
		} {
			r := e.get(t, "/ogc/collections/parcels/items?"+c.query)
			if r.status != 400 || !strings.Contains(string(r.body), `"parameter":"`+c.param+`"`) || !strings.Contains(string(r.body), c.says) {
				t.Errorf("%s: status %d: %s", c.query, r.status, r.body)
			}
		}
		if n := e.count(t, "SELECT count(*) FROM parcels"); n == 0 {
			t.Error("parcels are gone")
		}
	})

	t.Run("datetime on validity dates", func(t *testing.T) {
		for _, c := range []struct{ layer, datetime, sql string }{
			// the ward layers show the units with a boundary only
			{"wards", "2025-07-01", "level = 'ward' AND valid_to IS NULL AND valid_from <= '2025-07-01' AND geom IS NOT NULL"},
			{"wards", "2020-01-01T00:00:00Z", "level = 'ward' AND valid_to IS NULL AND valid_from <= '2020-01-01' AND geom IS NOT NULL"},
			{"wards_2024", "2025-06-30", "level = 'ward' AND valid_to = '2025-07-01' AND valid_from <= '2025-06-30' AND geom IS NOT NULL"},
			{"wards_2024", "2025-07-01", "false"},
			{"wards_2024", "../2025-06-30", "level = 'ward' AND valid_to = '2025-07-01' AND valid_from <= '2025-06-30' AND geom IS NOT NULL"},
			{"plans", "2000-01-01/..", "true"},
		} {
			want := e.count(t, "SELECT count(*) FROM "+map[string]string{"wards": "admin_units", "wards_2024": "admin_units", "plans": "plans"}[c.layer]+" WHERE "+c.sql)
			p := e.items(t, "/ogc/collections/"+c.layer+"/items?datetime="+url.QueryEscape(c.datetime))
			if p.NumberMatched != want {
				t.Errorf("%s at %s: %d matched, SQL finds %d", c.layer, c.datetime, p.NumberMatched, want)
			}
		}
		for _, q := range []string{"parcels/items?datetime=2025-01-01", "wards/items?datetime=yesterday", "wards/items?datetime=2025-02-01/2024-01-01", "wards/items?datetime=../.."} {
			if r := e.get(t, "/ogc/collections/"+q); r.status != 400 || !strings.Contains(string(r.body), `"parameter":"datetime"`) {
				t.Errorf("%s: %d %s", q, r.status, r.body)
			}
		}
	})

	t.Run("queryables and functions", func(t *testing.T) {
		r := e.get(t, "/ogc/collections/parcels/queryables")
		if r.status != 200 || r.header.Get("Content-Type") != "application/schema+json" ||
			!strings.Contains(string(r.body), `"area_m2":{"title":"area_m2","type":"number"}`) ||
			!strings.Contains(string(r.body), `"sheet_no":{"format":"int32","title":"sheet_no","type":"integer"}`) {
			t.Errorf("queryables: %d %s", r.status, r.body)
		}
		if r := e.get(t, "/ogc/functions"); r.status != 200 || !strings.Contains(string(r.body), "S_DWITHIN") {
			t.Errorf("functions: %d %s", r.status, r.body)
		}
		if r := e.get(t, "/ogc/conformance"); !strings.Contains(string(r.body), "ogcapi-features-3/1.0/conf/filter") ||
			!strings.Contains(string(r.body), "cql2/1.0/conf/cql2-text") {
			t.Errorf("conformance: %s", r.body)
		}
	})
}
