package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"bandoso/address"
)

// geoFeature is what the tests read of a GeoJSON Feature.
type geoFeature struct {
	Type       string          `json:"type"`
	ID         int64           `json:"id"`
	Geometry   json.RawMessage `json:"geometry"`
	Properties map[string]any  `json:"properties"`
}

// getGeoJSON asserts a 200 application/geo+json response and decodes it into v.
func (e tileEnv) getGeoJSON(t *testing.T, path string, v any) {
	t.Helper()
	r := e.get(t, path)
	decodeOK(t, path, r.status, r.header.Get("Content-Type"), "application/geo+json", r.body, v)
}

// decodeOK asserts status 200 and Content-Type want, and decodes body into v.
func decodeOK(t *testing.T, what string, status int, contentType, want string, body []byte, v any) {
	t.Helper()
	if status != http.StatusOK || contentType != want {
		t.Fatalf("%s: status %d, Content-Type %q; body %.500s", what, status, contentType, body)
	}
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("%s: %v in %.500s", what, err, body)
	}
}

// checkQueryProblem asserts a problem with status naming param, for a path with a query.
func (e tileEnv) checkQueryProblem(t *testing.T, path string, status int, param string) {
	t.Helper()
	checkParamProblem(t, e.url, path, status, param)
}

// checkParamProblem asserts that the server at base answers path, which has a query, with a
// problem of status naming param.
func checkParamProblem(t *testing.T, base, path string, status int, param string) {
	t.Helper()
	r := do(t, http.MethodGet, base+path)
	checkProblem(t, r, status, strings.Split(path, "?")[0])
	errs, _ := r.body["errors"].([]any)
	if len(errs) != 1 || errs[0].(map[string]any)["parameter"] != param {
		t.Errorf("%s: errors %v, want one naming %q", path, r.body["errors"], param)
	}
}

// sampleParcel is a parcel of the demo city with its old ward's names and a point inside it.
type sampleParcel struct {
	id                     int64
	ward, name, norm       string
	sheet, number          int
	landUse                string
	lon, lat, x9210, y9210 float64
}

// sampleParcels reads n parcels spread over the city, each holding its own centroid.
func (e tileEnv) sampleParcels(t *testing.T, n int) []sampleParcel {
	t.Helper()
	rows, err := e.pool.Query(context.Background(), `
		SELECT p.id, p.ward_code, u.name, u.name_norm, p.sheet_no, p.parcel_no, p.land_use,
			ST_X(c), ST_Y(c), ST_X(ST_Transform(c, 9210)), ST_Y(ST_Transform(c, 9210))
		FROM (SELECT *, ST_Centroid(geom) c FROM parcels) p
		JOIN admin_units u ON u.level = 'ward' AND u.code = p.ward_code AND u.valid_to = '2025-07-01'
		WHERE ST_Contains(p.geom, c) AND p.id % 97 = 1
			-- a name the official table gives one old ward only (Tân Định is in Bình Dương too)
			AND NOT EXISTS (SELECT 1 FROM admin_units v WHERE v.level = 'ward' AND v.valid_to = '2025-07-01'
				AND v.name_norm = u.name_norm AND v.code <> u.code)
		ORDER BY p.id LIMIT $1`, n)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var ps []sampleParcel
	for rows.Next() {
		var p sampleParcel
		if err := rows.Scan(&p.id, &p.ward, &p.name, &p.norm, &p.sheet, &p.number, &p.landUse,
			&p.lon, &p.lat, &p.x9210, &p.y9210); err != nil {
			t.Fatal(err)
		}
		ps = append(ps, p)
	}
	if err := rows.Err(); err != nil || len(ps) < n {
		t.Fatalf("sample parcels: %d of %d, %v", len(ps), n, err)
	}
	return ps
}

func TestParcelLookup(t *testing.T) {
	t.Parallel()
	e := newTileEnv(t)
	samples := e.sampleParcels(t, 5)

	t.Run("by ward code, ward name folded or not, and 12-digit code, the same parcel", func(t *testing.T) {
		for _, p := range samples {
			code := fmt.Sprintf("%s%03d%04d", p.ward, p.sheet, p.number)
			// the ward named with its district, abbreviated, without diacritics: read by the
			// national gazetteer, the hierarchy deciding
			var district string
			if err := e.pool.QueryRow(context.Background(), `SELECT d.name FROM admin_units w
				JOIN admin_units d ON d.level = 'district' AND d.code = w.parent_code AND d.valid_to = w.valid_to
				WHERE w.level = 'ward' AND w.code = $1 AND w.valid_to = '2025-07-01'`, p.ward).Scan(&district); err != nil {
				t.Fatal(err)
			}
			withDistrict := address.Fold(p.name + ", " + district)
			for _, ward := range []string{p.ward, p.name, p.norm, strings.ToUpper(p.norm), withDistrict} {
				path := fmt.Sprintf("/v1/parcels/lookup?ward=%s&sheet=%d&parcel=%d", url.QueryEscape(ward), p.sheet, p.number)
				var f geoFeature
				e.getGeoJSON(t, path, &f)
				if f.Type != "Feature" || f.ID != p.id || f.Properties["code"] != code ||
					f.Properties["land_use"] != p.landUse || f.Properties["ward_code"] != p.ward {
					t.Errorf("%s: got %d %v, want parcel %d %s", path, f.ID, f.Properties, p.id, code)
				}
				if !strings.Contains(string(f.Geometry), `"MultiPolygon"`) {
					t.Errorf("%s: geometry %s", path, f.Geometry)
				}
			}
			var f geoFeature
			e.getGeoJSON(t, "/v1/parcels/lookup?code="+code, &f)
			if f.ID != p.id {
				t.Errorf("code %s: parcel %d, want %d", code, f.ID, p.id)
			}
		}
	})

	t.Run("an ambiguous ward name is 400 listing the candidates", func(t *testing.T) {
		if _, err := e.pool.Exec(context.Background(), `
			INSERT INTO admin_units (code, name, level, kind, parent_code, valid_from, valid_to)
			VALUES ('99001', 'Phường Thử Nghiệm', 'ward', 'Phường', '760', '2021-01-01', '2025-07-01'),
				('99002', 'Phường Thử Nghiệm', 'ward', 'Phường', '761', '2021-01-01', '2025-07-01')`); err != nil {
			t.Fatal(err)
		}
		path := "/v1/parcels/lookup?ward=phuong+thu+nghiem&sheet=1&parcel=1"
		r := do(t, http.MethodGet, e.url+path)
		checkProblem(t, r, http.StatusBadRequest, "/v1/parcels/lookup")
		detail := fmt.Sprint(r.body["errors"])
		if !strings.Contains(detail, "99001 Phường Thử Nghiệm") || !strings.Contains(detail, "99002") || !strings.Contains(detail, "parameter:ward") {
			t.Errorf("errors %s do not list both candidates for ward", detail)
		}
	})

	t.Run("no such parcel or ward is 404", func(t *testing.T) {
		for _, path := range []string{
			"/v1/parcels/lookup?code=999990010001",
			fmt.Sprintf("/v1/parcels/lookup?ward=%s&sheet=999&parcel=9999", samples[0].ward),
			"/v1/parcels/lookup?ward=Ph%C6%B0%E1%BB%9Dng+Kh%C3%B4ng+C%C3%B3&sheet=1&parcel=1",
		} {
			checkProblem(t, do(t, http.MethodGet, e.url+path), http.StatusNotFound, strings.Split(path, "?")[0])
		}
	})

	t.Run("bad input is 400 naming the parameter", func(t *testing.T) {
		for path, param := range map[string]string{
			"/v1/parcels/lookup?code=26734001":               "code",
			"/v1/parcels/lookup?code=26734abc0001":           "code",
			"/v1/parcels/lookup?code=267340000001":           "code",
			"/v1/parcels/lookup?code=267340010001&ward=1":    "code",
			"/v1/parcels/lookup?sheet=1&parcel=1":            "ward",
			"/v1/parcels/lookup?ward=26734&parcel=1":         "sheet",
			"/v1/parcels/lookup?ward=26734&sheet=0&parcel=1": "sheet",
			"/v1/parcels/lookup?ward=26734&sheet=1&parcel=x": "parcel",
		} {
			e.checkQueryProblem(t, path, http.StatusBadRequest, param)
		}
	})
}

func TestParcelsAt(t *testing.T) {
	t.Parallel()
	e := newTileEnv(t)
	samples := e.sampleParcels(t, 5)

	t.Run("the parcel holding a parcel's centroid, given in WGS84 or in VN-2000 / TM-3 EPSG:9210", func(t *testing.T) {
		for _, p := range samples {
			for _, path := range []string{
				fmt.Sprintf("/v1/parcels/at?lon=%.9f&lat=%.9f", p.lon, p.lat),
				fmt.Sprintf("/v1/parcels/at?x=%.4f&y=%.4f&crs=EPSG:9210", p.x9210, p.y9210),
				fmt.Sprintf("/v1/parcels/at?x=%.4f&y=%.4f&crs=http://www.opengis.net/def/crs/EPSG/0/9210", p.x9210, p.y9210),
			} {
				var fc struct {
					Type     string
					Features []geoFeature
				}
				e.getGeoJSON(t, path, &fc)
				if fc.Type != "FeatureCollection" || len(fc.Features) != 1 || fc.Features[0].ID != p.id {
					t.Errorf("%s: %d features, want parcel %d alone", path, len(fc.Features), p.id)
				}
			}
		}
	})

	t.Run("a point outside every parcel is an empty collection", func(t *testing.T) {
		var fc struct{ Features []geoFeature }
		e.getGeoJSON(t, "/v1/parcels/at?lon=100&lat=20", &fc)
		if fc.Features == nil || len(fc.Features) != 0 {
			t.Errorf("features %v, want []", fc.Features)
		}
	})

	t.Run("bad input is 400 naming the parameter", func(t *testing.T) {
		for path, param := range map[string]string{
			"/v1/parcels/at?lon=106.7":                      "lat",
			"/v1/parcels/at?lon=200&lat=10":                 "lon",
			"/v1/parcels/at?lon=NaN&lat=10":                 "lon",
			"/v1/parcels/at?lon=106&lat=10&x=1":             "lon",
			"/v1/parcels/at?x=600000&y=1192000":             "crs",
			"/v1/parcels/at?x=600000&y=1192000&crs=EPSG:4":  "crs",
			"/v1/parcels/at?x=600000&y=1192000&crs=VN2000":  "crs",
			"/v1/parcels/at?x=1e99&y=1192000&crs=EPSG:9210": "x",
			// outside the projection's domain, where PostGIS fails
			"/v1/parcels/at?x=-99999999&y=1192000&crs=EPSG:3405": "x",
		} {
			e.checkQueryProblem(t, path, http.StatusBadRequest, param)
		}
	})
}
