package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"bandoso/api"
	"bandoso/store"
	"bandoso/store/storetest"
)

const testImportMaxBytes = 64 << 10

// newImportEnv is a small demo city served with a 64 KiB import limit, a tile cache and the
// change hub, as serve runs it.
func newImportEnv(t *testing.T) tileEnv {
	t.Helper()
	return newCityEnv(t, 2000, withLiveTiles, func(s *api.Server) { s.Config.Limits.ImportMaxBytes = testImportMaxBytes })
}

// importPart is one part of the form: a field, or the file when fileName is set.
type importPart struct{ name, value, fileName string }

func field(name, value string) importPart { return importPart{name: name, value: value} }

func filePart(name, content string) importPart {
	return importPart{name: "file", value: content, fileName: name}
}

func fixture(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("../testdata/import/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// postImport sends the parts as a real multipart/form-data body.
func (e tileEnv) postImport(t *testing.T, key []string, parts ...importPart) (*http.Response, []byte) {
	t.Helper()
	body, contentType := multipartBody(t, parts...)
	return sendBody(t, http.MethodPost, e.url+"/v1/admin/import", body, append([]string{"Content-Type", contentType}, key...)...)
}

// multipartBody writes the parts as a multipart/form-data body and returns it with its
// Content-Type.
func multipartBody(t *testing.T, parts ...importPart) (string, string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for _, p := range parts {
		var err error
		if p.fileName != "" {
			var w interface{ Write([]byte) (int, error) }
			if w, err = mw.CreateFormFile(p.name, p.fileName); err == nil {
				_, err = w.Write([]byte(p.value))
			}
		} else {
			err = mw.WriteField(p.name, p.value)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return body.String(), mw.FormDataContentType()
}

type importSum struct {
	rows int
	md5  string
}

func (e tileEnv) sum(t *testing.T, table string) importSum {
	t.Helper()
	var s importSum
	if err := e.pool.QueryRow(context.Background(), `SELECT count(*), coalesce(md5(string_agg(x::text, '|' ORDER BY x.id)), '') FROM `+table+` x`).Scan(&s.rows, &s.md5); err != nil {
		t.Fatal(err)
	}
	return s
}

type importAnswer struct {
	Outcome  string         `json:"outcome"`
	File     string         `json:"file"`
	Read     int            `json:"features_read"`
	Inserted int            `json:"inserted"`
	Written  int            `json:"written"`
	Counts   map[string]int `json:"problem_counts"`
	Problems []struct {
		Feature int    `json:"feature"`
		Problem string `json:"problem"`
		Action  string `json:"action"`
	} `json:"problems"`
}

func decodeReport(t *testing.T, body []byte) importAnswer {
	t.Helper()
	var a importAnswer
	if err := json.Unmarshal(body, &a); err != nil {
		t.Fatalf("%v in %s", err, body)
	}
	return a
}

var zoningFields = []importPart{field("layer", "planning_zones"),
	field("map", "zone_code=TypeCode,far=FAR,density_pct=BCR"), field("map", "floors_max=Floor,function_name=Function"),
	field("set", "land_use=ODT")}

// TestAdminImport drives POST /v1/admin/import through a real HTTP multipart body: the
// roles, each outcome and its status, and every bad field named in a 400.
func TestAdminImport(t *testing.T) {
	e := newImportEnv(t)
	editor := newKey(t, e.db, "steward", store.RoleEditor)
	reader := newKey(t, e.db, "viewer", store.RoleReader)
	zoning := fixture(t, "zoning.geojson")

	t.Run("roles", func(t *testing.T) {
		before := e.sum(t, "planning_zones")
		res, body := e.postImport(t, nil, append(zoningFields, filePart("zoning.geojson", zoning))...)
		checkStatus(t, "no key", res, body, http.StatusUnauthorized)
		res, body = e.postImport(t, reader, append(zoningFields, filePart("zoning.geojson", zoning))...)
		checkStatus(t, "reader", res, body, http.StatusForbidden)
		if e.sum(t, "planning_zones") != before {
			t.Error("a refused key changed planning_zones")
		}
	})

	t.Run("written", func(t *testing.T) {
		// the tile holding zone Z-101, cached before the import, shows it right after
		tile := maptile.At(orb.Point{106.69825, 10.77775}, 16)
		zoneTile := func() map[string]bool {
			codes := map[string]bool{}
			if l := decode(t, tileEnv{url: e.url}.get(t, tilePath("planning_zones", tile)))["planning_zones"]; l != nil {
				for _, f := range l.Features {
					codes[fmt.Sprint(f.Properties["zone_code"])] = true
				}
			}
			return codes
		}
		if zoneTile()["Z-101"] {
			t.Fatal("zone Z-101 is in the tile before the import")
		}
		res, body := e.postImport(t, editor, append(zoningFields, filePart("zoning.geojson", zoning))...)
		checkStatus(t, "editor", res, body, http.StatusCreated)
		rep := decodeReport(t, body)
		if rep.Outcome != store.OutcomeWritten || rep.Inserted != 2 || rep.File != "zoning.geojson" {
			t.Fatalf("report: %s", body)
		}
		// every feature of the file is a row holding its values and its very geometry
		var fc struct {
			Features []struct {
				Properties map[string]any  `json:"properties"`
				Geometry   json.RawMessage `json:"geometry"`
			} `json:"features"`
		}
		if err := json.Unmarshal([]byte(zoning), &fc); err != nil {
			t.Fatal(err)
		}
		for _, f := range fc.Features {
			code := f.Properties["TypeCode"].(string)
			var far, bcr float64
			var floors int
			var fn, landUse string
			var same bool
			err := e.pool.QueryRow(context.Background(), `SELECT far, density_pct, floors_max, function_name, land_use,
				ST_Equals(geom, ST_SetSRID(ST_GeomFromGeoJSON($2), 4326)) FROM planning_zones WHERE zone_code = $1`, code, string(f.Geometry)).
				Scan(&far, &bcr, &floors, &fn, &landUse, &same)
			if err != nil {
				t.Fatalf("%s: %v", code, err)
			}
			if !sameNumber(far, f.Properties["FAR"]) || !sameNumber(bcr, f.Properties["BCR"]) || !sameNumber(float64(floors), f.Properties["Floor"]) ||
				fn != f.Properties["Function"] || landUse != "ODT" || !same {
				t.Errorf("%s: far %v density %v floors %v function %q land use %q same geometry %v; file %v",
					code, far, bcr, floors, fn, landUse, same, f.Properties)
			}
		}
		if !zoneTile()["Z-101"] {
			t.Error("the tile served after the import lacks zone Z-101")
		}
		var audited int
		if err := e.pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_log
			WHERE table_name = 'planning_zones' AND action = 'insert' AND actor = 'key:steward'`).Scan(&audited); err != nil || audited != 2 {
			t.Errorf("audit rows by key:steward: %d, %v", audited, err)
		}
	})

	t.Run("refused", func(t *testing.T) {
		zones, audit := e.sum(t, "planning_zones"), e.sum(t, "audit_log")
		res, body := e.postImport(t, editor, field("layer", "planning_zones"), field("set", "plan_id=1,land_use=ODT"),
			filePart("bad_zones.geojson", fixture(t, "bad_zones.geojson")))
		p := checkStatus(t, "bad file", res, body, http.StatusUnprocessableEntity)
		if p["type"] != "/problems/import-refused" || p["detail"] != "nothing was written: 7 features have problems" {
			t.Errorf("problem: %s", body)
		}
		raw, _ := json.Marshal(p["report"])
		rep := decodeReport(t, raw)
		if rep.Outcome != store.OutcomeRefused || rep.Read != 8 || rep.Written != 0 {
			t.Fatalf("report: %s", raw)
		}
		found := false
		for _, pr := range rep.Problems {
			found = found || pr.Feature == 2 && pr.Problem == "invalid_geometry" && pr.Action == "refused"
		}
		if !found {
			t.Errorf("the report does not name feature 2's invalid geometry: %s", raw)
		}
		if e.sum(t, "planning_zones") != zones || e.sum(t, "audit_log") != audit {
			t.Error("a refused import changed planning_zones or audit_log")
		}
	})

	t.Run("dry run", func(t *testing.T) {
		before := e.sum(t, "addresses")
		res, body := e.postImport(t, editor, field("layer", "addresses"), field("dry_run", "true"),
			field("map", "house_number=addr:housenumber,street=addr:street"), filePart("osm.geojson", fixture(t, "osm_addresses.geojson")))
		checkStatus(t, "dry run", res, body, http.StatusOK)
		if rep := decodeReport(t, body); rep.Outcome != store.OutcomeDryRun || rep.Written != rep.Read || rep.Read == 0 {
			t.Errorf("report: %s", body)
		}
		if e.sum(t, "addresses") != before {
			t.Error("a dry run changed addresses")
		}
	})

	t.Run("VN-2000 CSV", func(t *testing.T) {
		// the mission's anchor: (600000 E, 1192000 N) in EPSG:9210 is (106.66618296 E, 10.77752619 N)
		res, body := e.postImport(t, editor, field("layer", "addresses"), field("crs", "EPSG:9210"),
			filePart("survey.csv", "house_number,street,ward_code,x,y\n9001,Khánh Hội,26737,600000,1192000\n"))
		checkStatus(t, "CSV", res, body, http.StatusCreated)
		var lon, lat float64
		if err := e.pool.QueryRow(context.Background(), `SELECT ST_X(geom), ST_Y(geom) FROM addresses WHERE house_number = '9001'`).Scan(&lon, &lat); err != nil {
			t.Fatal(err)
		}
		if d := storetest.OffsetM(lon, lat, 106.66618296, 10.77752619); d > 0.01 {
			t.Errorf("got (%.9f, %.9f): %.3f m from the known answer", lon, lat, d)
		}
	})

	t.Run("skip, with provenance", func(t *testing.T) {
		zones := `{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"zone_code":"K-1","function_name":"Đất ở","density_pct":"60"},"geometry":{"type":"Polygon","coordinates":[[[106.6980,10.7775],[106.6985,10.7775],[106.6985,10.7780],[106.6980,10.7775]]]}},
{"type":"Feature","properties":{"zone_code":"K-2","function_name":"Đất ở","density_pct":"120"},"geometry":{"type":"Polygon","coordinates":[[[106.6990,10.7775],[106.6995,10.7775],[106.6995,10.7780],[106.6990,10.7775]]]}}]}`
		res, body := e.postImport(t, editor, field("layer", "planning_zones"), field("set", "plan_id=1,land_use=ODT"),
			field("on_invalid", "skip"), field("source", "Sở Quy hoạch – Kiến trúc"), field("licence", "CC-BY-4.0"),
			filePart("zones.geojson", zones))
		checkStatus(t, "skip", res, body, http.StatusCreated)
		var a struct {
			Inserted, Rejected int
			Rejects            struct {
				Features []struct {
					Properties map[string]string `json:"properties"`
				} `json:"features"`
			} `json:"rejects"`
		}
		if err := json.Unmarshal(body, &a); err != nil {
			t.Fatal(err)
		}
		if a.Inserted != 1 || a.Rejected != 1 || len(a.Rejects.Features) != 1 || a.Rejects.Features[0].Properties["zone_code"] != "K-2" ||
			!strings.Contains(a.Rejects.Features[0].Properties["import_problems"], "density_pct") {
			t.Fatalf("answer: %s", body)
		}
		var source, licence string
		if err := e.pool.QueryRow(context.Background(), `SELECT source, licence FROM layers WHERE name = 'planning_zones'`).Scan(&source, &licence); err != nil ||
			source != "Sở Quy hoạch – Kiến trúc" || licence != "CC-BY-4.0" {
			t.Errorf("catalog: %q %q (%v)", source, licence, err)
		}
	})

	t.Run("OpenStreetMap", func(t *testing.T) {
		lon, lat := e.centre[0], e.centre[1]
		at := func(dx float64) string { return fmt.Sprintf(`lon="%.7f" lat="%.7f"`, lon+dx, lat+0.00005) }
		extract := `<?xml version="1.0" encoding="UTF-8"?><osm version="0.6">
<node id="1" ` + at(-0.0003) + `/><node id="2" ` + at(0) + `/><node id="3" ` + at(0.0003) + `/>
<node id="4" ` + at(0.0001) + `><tag k="amenity" v="cafe"/><tag k="name" v="Cà Phê Bệt"/></node>
<way id="1"><nd ref="1"/><nd ref="2"/><tag k="highway" v="service"/><tag k="name" v="Hẻm Thử"/></way>
<way id="2"><nd ref="2"/><nd ref="3"/><tag k="highway" v="service"/><tag k="name" v="Ðường Hẻm Thử"/></way>
</osm>`
		res, body := e.postImport(t, editor, field("layer", "osm"), filePart("phuong.osm", extract))
		checkStatus(t, "OpenStreetMap", res, body, http.StatusCreated)
		var rep store.OSMReport
		if err := json.Unmarshal(body, &rep); err != nil {
			t.Fatal(err)
		}
		if rep.Streets.Inserted != 1 || rep.POIs.Inserted != 1 || rep.Lines.Inserted != 2 {
			t.Errorf("report: %s", body)
		}
		res, body = e.postImport(t, editor, field("layer", "addresses"), filePart("phuong.osm", extract))
		if p := checkStatus(t, "an extract into addresses", res, body, http.StatusBadRequest); !strings.Contains(fmt.Sprint(p["errors"]), "layer") {
			t.Errorf("an extract into addresses: %s", body)
		}
	})

	t.Run("too large", func(t *testing.T) {
		before := e.sum(t, "addresses")
		big := "house_number,street,lon,lat\n" + strings.Repeat("1,Khánh Hội,106.7,10.78\n", testImportMaxBytes/20)
		res, body := e.postImport(t, editor, field("layer", "addresses"), filePart("big.csv", big))
		checkStatus(t, "over the limit", res, body, http.StatusRequestEntityTooLarge)
		if e.sum(t, "addresses") != before {
			t.Error("a body over the limit changed addresses")
		}
	})

	t.Run("bad fields", func(t *testing.T) {
		csv := filePart("a.csv", "house_number,street,lon,lat\n9100,Khánh Hội,106.7,10.78\n")
		for _, c := range []struct {
			what   string
			parts  []importPart
			status int
			param  string
		}{
			{"missing file", []importPart{field("layer", "addresses")}, 400, "file"},
			{"missing layer", []importPart{csv}, 400, "layer"},
			{"bad crs", []importPart{field("layer", "addresses"), field("crs", "EPSG:9999"), csv}, 400, "crs"},
			{"bad mode", []importPart{field("layer", "addresses"), field("mode", "merge"), csv}, 400, "mode"},
			{"bad map", []importPart{field("layer", "addresses"), field("map", "house_number"), csv}, 400, "map"},
			{"unknown map target", []importPart{field("layer", "addresses"), field("map", "nope=house_number"), csv}, 400, "map"},
			{"bad dry_run", []importPart{field("layer", "addresses"), field("dry_run", "yes"), csv}, 400, "dry_run"},
			{"bad on_invalid", []importPart{field("layer", "addresses"), field("on_invalid", "ignore"), csv}, 400, "on_invalid"},
			{"bad bounds", []importPart{field("layer", "addresses"), field("bounds", "Atlantis"), csv}, 400, "bounds"},
			{"bad format", []importPart{field("layer", "addresses"), field("format", "kml"), csv}, 400, "format"},
			{"unknown extension", []importPart{field("layer", "addresses"), filePart("a.kml", "<kml/>")}, 400, "format"},
			{"unknown field", []importPart{field("layer", "addresses"), field("dry-run", "1"), csv}, 400, "dry-run"},
			{"broken GeoJSON", []importPart{field("layer", "addresses"), filePart("a.geojson", `{"type":"FeatureCollection","features":[{`)}, 400, "file"},
			{"unknown layer", []importPart{field("layer", "moon_craters"), csv}, 404, ""},
		} {
			before := e.sum(t, "addresses")
			res, body := e.postImport(t, editor, c.parts...)
			p := checkStatus(t, c.what, res, body, c.status)
			if c.param != "" {
				errs, _ := p["errors"].([]any)
				if len(errs) != 1 || errs[0].(map[string]any)["parameter"] != c.param {
					t.Errorf("%s: %s, want parameter %s named", c.what, body, c.param)
				}
			} else if !strings.Contains(p["detail"].(string), "moon_craters") {
				t.Errorf("%s: %s does not name the layer", c.what, body)
			}
			if e.sum(t, "addresses") != before {
				t.Errorf("%s changed addresses", c.what)
			}
		}
		res, body := sendBody(t, http.MethodPost, e.url+"/v1/admin/import", `{"layer":"addresses"}`, append([]string{"Content-Type", "application/json"}, editor...)...)
		p := checkStatus(t, "not multipart", res, body, http.StatusBadRequest)
		if errs, _ := p["errors"].([]any); len(errs) != 1 || errs[0].(map[string]any)["parameter"] != "file" {
			t.Errorf("not multipart: %s", body)
		}
	})

	t.Run("no GDAL", func(t *testing.T) {
		t.Setenv("PATH", t.TempDir()) // ogr2ogr is nowhere
		res, body := e.postImport(t, editor, field("layer", "wards"), filePart("phuong.gpkg", "SQLite format 3\x00"))
		p := checkStatus(t, "GeoPackage without GDAL", res, body, http.StatusNotImplemented)
		if !strings.Contains(p["detail"].(string), "gdal-bin") {
			t.Errorf("detail does not name gdal-bin: %s", body)
		}
	})

	t.Run("metrics", func(t *testing.T) {
		_, body := send(t, http.MethodGet, e.url+"/metrics")
		for _, line := range []string{
			`bandoso_imports_total{outcome="written"} 4`, // zoning.geojson, the skipping zones, the extract and the VN-2000 CSV
			`bandoso_imports_total{outcome="refused"} 1`,
			`bandoso_imports_total{outcome="dry_run"} 1`,
			`bandoso_import_features_total{outcome="refused"} 8`,
			`bandoso_imports_total{outcome="error"} `, // bad fields, too large, no GDAL
		} {
			if !strings.Contains(string(body), "\n"+line) {
				t.Errorf("/metrics lacks %q", line)
			}
		}
	})
}

// sameNumber compares a column with a file's value, a JSON number or a numeric string.
func sameNumber(got float64, file any) bool {
	switch v := file.(type) {
	case float64:
		return got == v
	case string:
		var f float64
		return json.Unmarshal([]byte(v), &f) == nil && got == f
	}
	return false
}
