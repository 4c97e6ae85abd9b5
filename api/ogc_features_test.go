package api_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"
)

type itemsPage struct {
	Type     string `json:"type"`
	Features []struct {
		ID       int64           `json:"id"`
		Geometry json.RawMessage `json:"geometry"`
		Props    map[string]any  `json:"properties"`
	} `json:"features"`
	NumberMatched  int64 `json:"numberMatched"`
	NumberReturned int   `json:"numberReturned"`
	Links          []struct {
		Href string `json:"href"`
		Rel  string `json:"rel"`
		Type string `json:"type"`
	} `json:"links"`
}

func (p itemsPage) link(rel string) string {
	for _, l := range p.Links {
		if l.Rel == rel {
			return l.Href
		}
	}
	return ""
}

func (e tileEnv) items(t *testing.T, url string) itemsPage {
	t.Helper()
	if !strings.HasPrefix(url, "http") {
		url = e.url + url
	}
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var p itemsPage
	if err := json.NewDecoder(res.Body).Decode(&p); err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK || p.Type != "FeatureCollection" {
		t.Fatalf("%s: status %d, type %q", url, res.StatusCode, p.Type)
	}
	if got := res.Header.Get("Content-Type"); got != "application/geo+json" {
		t.Errorf("Content-Type %q", got)
	}
	return p
}

func (e tileEnv) count(t *testing.T, sql string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := e.pool.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestOGCFeatures(t *testing.T) {
	e := newTileEnv(t)
	ctx := context.Background()

	t.Run("paging visits every feature once, forwards and back", func(t *testing.T) {
		want := e.count(t, `SELECT count(*) FROM parcels WHERE land_use = 'ODT'`)
		seen := map[int64]bool{}
		var pages []itemsPage
		next := "/ogc/collections/parcels/items?land_use=ODT&limit=700"
		for next != "" {
			p := e.items(t, next)
			// Counted on the first page only: pages after it leave numberMatched out.
			if first := len(pages) == 0; first && p.NumberMatched != want || !first && p.NumberMatched != 0 {
				t.Fatalf("page %d: numberMatched %d, the database has %d", len(pages), p.NumberMatched, want)
			}
			if p.NumberReturned != len(p.Features) {
				t.Errorf("numberReturned %d for %d features", p.NumberReturned, len(p.Features))
			}
			for _, f := range p.Features {
				if seen[f.ID] {
					t.Fatalf("feature %d twice", f.ID)
				}
				if f.Props["land_use"] != "ODT" {
					t.Fatalf("feature %d has land use %v", f.ID, f.Props["land_use"])
				}
				seen[f.ID] = true
			}
			pages = append(pages, p)
			next = p.link("next")
			if len(pages) > 100 {
				t.Fatal("paging does not end")
			}
		}
		if int64(len(seen)) != want || len(pages) < 3 {
			t.Fatalf("visited %d features in %d pages, the database has %d", len(seen), len(pages), want)
		}
		// prev from the last page gives the page before it, feature for feature.
		prev := e.items(t, pages[len(pages)-1].link("prev"))
		before := pages[len(pages)-2]
		if len(prev.Features) != len(before.Features) || prev.Features[0].ID != before.Features[0].ID ||
			prev.Features[len(prev.Features)-1].ID != before.Features[len(before.Features)-1].ID {
			t.Errorf("prev page holds %d features from %d, the page before %d from %d", len(prev.Features),
				prev.Features[0].ID, len(before.Features), before.Features[0].ID)
		}
	})

	t.Run("bbox and property filters match SQL", func(t *testing.T) {
		c := e.centre
		bbox := fmt.Sprintf("%f,%f,%f,%f", c[0]-0.002, c[1]-0.002, c[0]+0.002, c[1]+0.002)
		p := e.items(t, "/ogc/collections/parcels/items?limit=10000&sheet_no=1&bbox="+bbox)
		want := e.count(t, `SELECT count(*) FROM parcels WHERE sheet_no = 1
			AND ST_Intersects(geom, ST_MakeEnvelope($1, $2, $3, $4, 4326))`, c[0]-0.002, c[1]-0.002, c[0]+0.002, c[1]+0.002)
		if want == 0 || p.NumberMatched != want || int64(len(p.Features)) != want {
			t.Errorf("%d matched, %d returned; SQL finds %d", p.NumberMatched, len(p.Features), want)
		}
		// The same bbox in VN-2000 / TM-3 105-45, computed by PostGIS, finds at least those.
		var b [4]float64
		if err := e.pool.QueryRow(ctx, `SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM
			(SELECT ST_Transform(ST_MakeEnvelope($1, $2, $3, $4, 4326), 9210)::box2d e) s`,
			c[0]-0.002, c[1]-0.002, c[0]+0.002, c[1]+0.002).Scan(&b[0], &b[1], &b[2], &b[3]); err != nil {
			t.Fatal(err)
		}
		p9210 := e.items(t, fmt.Sprintf("/ogc/collections/parcels/items?limit=10000&sheet_no=1&bbox-crs=EPSG:9210&bbox=%f,%f,%f,%f", b[0], b[1], b[2], b[3]))
		if p9210.NumberMatched < want {
			t.Errorf("the bbox in EPSG:9210 matched %d, in CRS84 %d", p9210.NumberMatched, want)
		}
	})

	t.Run("coordinates in each CRS agree with PostGIS", func(t *testing.T) {
		for _, c := range []struct {
			crs     string
			srid    int
			latLong bool
		}{
			{"http://www.opengis.net/def/crs/OGC/1.3/CRS84", 4326, false},
			{"EPSG:4326", 4326, true},
			{"EPSG:3857", 3857, false},
			{"EPSG:3405", 3405, false},
			{"EPSG:9210", 9210, false},
			{"EPSG:5897", 5897, false},
		} {
			res, err := http.Get(e.url + "/ogc/collections/addresses/items/7?crs=" + c.crs)
			if err != nil {
				t.Fatal(err)
			}
			var f struct {
				Geometry struct{ Coordinates [2]float64 } `json:"geometry"`
			}
			err = json.NewDecoder(res.Body).Decode(&f)
			res.Body.Close()
			if err != nil || res.StatusCode != 200 {
				t.Fatalf("%s: status %d, %v", c.crs, res.StatusCode, err)
			}
			if !strings.Contains(res.Header.Get("Content-Crs"), fmt.Sprint(c.srid)) && c.srid != 4326 {
				t.Errorf("%s: Content-Crs %q", c.crs, res.Header.Get("Content-Crs"))
			}
			var x, y float64
			if err := e.pool.QueryRow(ctx, `SELECT ST_X(g), ST_Y(g) FROM (SELECT ST_Transform(geom, $1::int) g FROM addresses WHERE id = 7) s`,
				c.srid).Scan(&x, &y); err != nil {
				t.Fatal(err)
			}
			got := f.Geometry.Coordinates
			if c.latLong {
				got[0], got[1] = got[1], got[0]
			}
			tol := 0.01 // 1 cm
			if c.srid == 4326 {
				tol = 1e-7
			}
			if math.Abs(got[0]-x) > tol || math.Abs(got[1]-y) > tol {
				t.Errorf("%s: (%v, %v), PostGIS says (%v, %v)", c.crs, got[0], got[1], x, y)
			}
		}
	})

	t.Run("csv", func(t *testing.T) {
		res, err := http.Get(e.url + "/ogc/collections/parcels/items?f=csv&limit=5&crs=EPSG:9210")
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		recs, err := csv.NewReader(res.Body).ReadAll()
		if err != nil || len(recs) != 6 {
			t.Fatalf("%d records, %v", len(recs), err)
		}
		if strings.Join(recs[0], ",") != "id,ward_code,sheet_no,parcel_no,land_use,area_m2,wkt" || !strings.HasPrefix(recs[1][6], "MULTIPOLYGON(((6") {
			t.Errorf("header %v, first row %v", recs[0], recs[1])
		}
	})

	t.Run("sortby pages through every feature once, in order, NULLs last", func(t *testing.T) {
		// Some zones without FAR, so that NULLs meet the cursor.
		if _, err := e.pool.Exec(ctx, `UPDATE planning_zones SET far = NULL WHERE id % 4 = 0`); err != nil {
			t.Fatal(err)
		}
		for _, sortby := range []string{"-far,zone_code", "far,-zone_code", "+land_use,-far"} {
			var wantIDs []int64
			order := map[string]string{"-far,zone_code": "far DESC NULLS LAST, zone_code, id",
				"far,-zone_code": "far NULLS LAST, zone_code DESC, id", "+land_use,-far": "land_use, far DESC NULLS LAST, id"}[sortby]
			rows, err := e.pool.Query(ctx, "SELECT id FROM planning_zones ORDER BY "+order)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var id int64
				if err := rows.Scan(&id); err != nil {
					t.Fatal(err)
				}
				wantIDs = append(wantIDs, id)
			}
			var got []int64
			var pages []itemsPage
			next := "/ogc/collections/planning_zones/items?limit=7&sortby=" + sortby
			for next != "" && len(pages) < 100 {
				p := e.items(t, next)
				for _, f := range p.Features {
					got = append(got, f.ID)
				}
				pages = append(pages, p)
				next = p.link("next")
			}
			if fmt.Sprint(got) != fmt.Sprint(wantIDs) {
				t.Errorf("sortby=%s: ids %v, SQL orders %v", sortby, got, wantIDs)
			}
			if len(pages) < 3 {
				t.Fatalf("sortby=%s: %d pages", sortby, len(pages))
			}
			for i := len(pages) - 1; i > 0; i-- {
				prev := e.items(t, pages[i].link("prev"))
				if fmt.Sprint(ids(prev)) != fmt.Sprint(ids(pages[i-1])) {
					t.Errorf("sortby=%s: prev of page %d is %v, page %d was %v", sortby, i, ids(prev), i-1, ids(pages[i-1]))
				}
			}
		}
		if r := e.get(t, "/ogc/collections/planning_zones/items?sortby=far&after=12"); r.status != 400 || !strings.Contains(string(r.body), `"parameter":"after"`) {
			t.Errorf("an id cursor with sortby: %d %s", r.status, r.body)
		}
		if r := e.get(t, "/ogc/collections/planning_zones/items?sortby=-nosuch"); r.status != 400 || !strings.Contains(string(r.body), "nosuch") {
			t.Errorf("unknown sort key: %d %s", r.status, r.body)
		}
	})

	t.Run("properties", func(t *testing.T) {
		p := e.items(t, "/ogc/collections/parcels/items?limit=2&properties=land_use,parcel_no")
		if len(p.Features) != 2 || len(p.Features[0].Props) != 2 || p.Features[0].Props["land_use"] == nil || p.Features[0].Props["parcel_no"] == nil {
			t.Errorf("properties %v", p.Features[0].Props)
		}
		if r := e.get(t, "/ogc/collections/parcels/items?properties=land_use,nosuch"); r.status != 400 || !strings.Contains(string(r.body), "nosuch") {
			t.Errorf("unknown property: %d %s", r.status, r.body)
		}
		res, err := http.Get(e.url + "/ogc/collections/parcels/items?f=csv&limit=1&properties=area_m2")
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		recs, err := csv.NewReader(res.Body).ReadAll()
		if err != nil || len(recs) != 2 || strings.Join(recs[0], ",") != "id,area_m2,wkt" {
			t.Errorf("csv with properties: %v, %v", recs, err)
		}
	})

	t.Run("single feature, etag", func(t *testing.T) {
		r := e.get(t, "/ogc/collections/parcels/items/3")
		var f struct {
			ID    int64 `json:"id"`
			Links []struct{ Rel string }
		}
		if err := json.Unmarshal(r.body, &f); err != nil || r.status != 200 || f.ID != 3 || len(f.Links) != 3 {
			t.Fatalf("status %d, %+v, %v: %s", r.status, f, err, r.body)
		}
		if r2 := e.get(t, "/ogc/collections/parcels/items/3", "If-None-Match", r.header.Get("ETag")); r2.status != http.StatusNotModified {
			t.Errorf("If-None-Match: %d", r2.status)
		}
		page := e.get(t, "/ogc/collections/parcels/items?limit=3")
		if etag := page.header.Get("ETag"); etag == "" || e.get(t, "/ogc/collections/parcels/items?limit=3", "If-None-Match", etag).status != http.StatusNotModified {
			t.Errorf("items page ETag %q does not revalidate", etag)
		}
	})

	t.Run("a page gzipped for a client that accepts it", func(t *testing.T) {
		const path = "/ogc/collections/parcels/items?limit=50"
		plain := e.get(t, path, "Accept-Encoding", "identity")
		zipped := e.get(t, path, "Accept-Encoding", "gzip")
		if plain.status != 200 || zipped.status != 200 {
			t.Fatalf("status %d and %d", plain.status, zipped.status)
		}
		if ce := plain.header.Get("Content-Encoding"); ce != "" {
			t.Errorf("identity: Content-Encoding %q", ce)
		}
		if ce := zipped.header.Get("Content-Encoding"); ce != "gzip" {
			t.Fatalf("gzip: Content-Encoding %q", ce)
		}
		if !slices.Contains(zipped.header.Values("Vary"), "Accept-Encoding") || !slices.Contains(plain.header.Values("Vary"), "Accept-Encoding") {
			t.Errorf("Vary %q and %q lack Accept-Encoding", plain.header.Values("Vary"), zipped.header.Values("Vary"))
		}
		tagPlain, tagZipped := plain.header.Get("ETag"), zipped.header.Get("ETag")
		if tagZipped != strings.TrimSuffix(tagPlain, `"`)+`-gzip"` {
			t.Errorf("ETags %s and %s: the gzipped one should be the plain one marked", tagPlain, tagZipped)
		}
		zr, err := gzip.NewReader(bytes.NewReader(zipped.body))
		if err != nil {
			t.Fatal(err)
		}
		unzipped, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		if len(zipped.body)*3 > len(unzipped) {
			t.Errorf("%d bytes gzipped from %d", len(zipped.body), len(unzipped))
		}
		// The pages differ only in their time stamps.
		stamp := regexp.MustCompile(`"timeStamp":"[^"]*"`)
		if a, b := stamp.ReplaceAll(plain.body, nil), stamp.ReplaceAll(unzipped, nil); !bytes.Equal(a, b) {
			t.Errorf("the gzipped page is not the plain one:\n%.300s\n%.300s", a, b)
		}
		if again := e.get(t, path, "Accept-Encoding", "gzip", "If-None-Match", tagZipped); again.status != http.StatusNotModified {
			t.Errorf("If-None-Match with the gzipped ETag: %d", again.status)
		}
		// A feature of a few hundred bytes goes as it is.
		if small := e.get(t, "/ogc/collections/parcels/items/3", "Accept-Encoding", "gzip"); small.status != 200 || small.header.Get("Content-Encoding") != "" {
			t.Errorf("a feature of %d bytes: status %d, Content-Encoding %q", len(small.body), small.status, small.header.Get("Content-Encoding"))
		}
	})

	t.Run("bad requests name the parameter", func(t *testing.T) {
		for _, c := range []struct {
			query, param string
			status       int
		}{
			{"bbox=1,2,0,3", "bbox", 400},
			{"bbox=1,2,3", "bbox", 400},
			{"bbox=1,2,3,NaN", "bbox", 400},
			{"bbox=1,2,3,4,5,6", "bbox", 400},
			{"bbox-crs=EPSG:2154&bbox=1,2,3,4", "bbox-crs", 400},
			{"crs=EPSG:9999", "crs", 400},
			{"limit=0", "limit", 400},
			{"limit=abc", "limit", 400},
			{"after=x", "after", 400},
			{"after=1&before=9", "before", 400},
			{"sheet_no=abc", "sheet_no", 400},
			{"nosuch=1", "nosuch", 400},
			{"f=xml", "f", 400},
			{"land_use='%3B DROP TABLE parcels%3B --", "", 200},
			{"land_use='; DROP TABLE parcels; --", "land_use", 400}, // a raw ';' would drop the parameter
		} {
			r := e.get(t, "/ogc/collections/parcels/items?"+strings.ReplaceAll(c.query, " ", "%20"))
			if r.status != c.status || c.param != "" && !strings.Contains(string(r.body), `"parameter":"`+c.param+`"`) {
				t.Errorf("%s: status %d, want %d naming %q: %s", c.query, r.status, c.status, c.param, r.body)
			}
		}
		if p := e.items(t, "/ogc/collections/parcels/items?limit=99999"); len(p.Features) != 10000 && int64(len(p.Features)) != p.NumberMatched {
			t.Errorf("limit over the maximum: %d features", len(p.Features))
		}
		for _, path := range []string{"/ogc/collections/parcels/items/999999999", "/ogc/collections/parcels/items/abc", "/ogc/collections/nosuch/items"} {
			if r := e.get(t, path); r.status != http.StatusNotFound {
				t.Errorf("%s: status %d", path, r.status)
			}
		}
	})

	t.Run("GDAL reads it", func(t *testing.T) {
		ogrinfo, err := exec.LookPath("ogrinfo")
		if err != nil {
			t.Fatal("ogrinfo (Debian's gdal-bin) is missing: `make test` installs it")
		}
		out, err := exec.Command(ogrinfo, "-ro", "-so", "OAPIF:"+e.url+"/ogc").CombinedOutput()
		if err != nil || !strings.Contains(string(out), "parcels") || !strings.Contains(string(out), "addresses") {
			t.Fatalf("ogrinfo listing: %v\n%s", err, out)
		}
		c := e.centre
		spat := []string{fmt.Sprint(c[0] - 0.001), fmt.Sprint(c[1] - 0.001), fmt.Sprint(c[0] + 0.001), fmt.Sprint(c[1] + 0.001)}
		args := append([]string{"-ro", "-so", "OAPIF:" + e.url + "/ogc", "parcels", "-where", "land_use = 'ODT'", "-spat"}, spat...)
		out, err = exec.Command(ogrinfo, args...).CombinedOutput()
		want := e.count(t, `SELECT count(*) FROM parcels WHERE land_use = 'ODT' AND ST_Intersects(geom, ST_MakeEnvelope($1, $2, $3, $4, 4326))`,
			c[0]-0.001, c[1]-0.001, c[0]+0.001, c[1]+0.001)
		if err != nil || !strings.Contains(string(out), fmt.Sprintf("Feature Count: %d\n", want)) {
			t.Fatalf("ogrinfo with filters: %v, want Feature Count: %d\n%s", err, want, out)
		}
	})
}

func ids(p itemsPage) []int64 {
	out := make([]int64, len(p.Features))
	for i, f := range p.Features {
		out[i] = f.ID
	}
	return out
}
