package api_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"bandoso/geo"
)

func TestCodes(t *testing.T) {
	e := newTileEnv(t)
	ctx := context.Background()
	var id int64
	var code, national string
	var lon, lat float64
	if err := e.pool.QueryRow(ctx, `SELECT id, code, national_code, ST_X(geom), ST_Y(geom) FROM addresses
		WHERE national_code IS NOT NULL ORDER BY id DESC LIMIT 1`).Scan(&id, &code, &national, &lon, &lat); err != nil {
		t.Fatal(err)
	}
	grouped := geo.FormatRegistryCode(code)
	resolves := func(t *testing.T, path, kind string) geoFeature {
		t.Helper()
		var f geoFeature
		e.getGeoJSON(t, path, &f)
		codes, _ := f.Properties["codes"].(map[string]any)
		if f.ID != id || f.Properties["code_kind"] != kind || codes["registry"] != grouped || codes["national"] != national {
			t.Errorf("%s: %d %v, want address %d with registry %s and national %s", path, f.ID, f.Properties, id, grouped, national)
		}
		return f
	}
	t.Run("registry", func(t *testing.T) {
		resolves(t, "/v1/codes/"+code, "registry")
		resolves(t, "/v1/codes/"+strings.ReplaceAll(grouped, " ", "-"), "registry")
		resolves(t, "/v1/codes/"+url.PathEscape(grouped), "registry")
	})
	t.Run("national", func(t *testing.T) {
		resolves(t, "/v1/codes/"+national, "national")
		resolves(t, "/v1/codes/"+national[:5]+"-"+national[5:], "national")
	})
	t.Run("bad check digit", func(t *testing.T) {
		wrong := code[:11] + string('0'+(code[11]-'0'+1)%10)
		i := 0
		for code[i] == code[i+1] {
			i++
		}
		swapped := code[:i] + string(code[i+1]) + string(code[i]) + code[i+2:]
		for _, c := range []string{wrong, swapped} {
			r := do(t, http.MethodGet, e.url+"/v1/codes/"+c)
			checkProblem(t, r, 400, "/v1/codes/"+c)
			if d, _ := r.body["detail"].(string); !strings.Contains(d, "check digit does not match") {
				t.Errorf("%s: detail %q does not say the check digit is wrong", c, d)
			}
		}
	})
	t.Run("malformed", func(t *testing.T) {
		for _, c := range []string{"12345678901", "1234567890123", "12345678901A", "7000-012345", "XYZ+", "ABCDEFGH"} {
			e.checkQueryProblem(t, "/v1/codes/"+c, 400, "code")
		}
	})
	t.Run("unknown and retired", func(t *testing.T) {
		var unused string
		for n := uint64(90_000_000_000); unused == ""; n++ {
			c, _ := geo.RegistryCode(n)
			var taken bool
			if err := e.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM address_codes WHERE code = $1)`, c).Scan(&taken); err != nil {
				t.Fatal(err)
			}
			if !taken {
				unused = c
			}
		}
		checkProblem(t, do(t, http.MethodGet, e.url+"/v1/codes/"+unused), 404, "/v1/codes/"+unused)
		checkProblem(t, do(t, http.MethodGet, e.url+"/v1/codes/7699999999"), 404, "/v1/codes/7699999999")
		var gone string
		if err := e.pool.QueryRow(ctx, `DELETE FROM addresses WHERE id = (SELECT min(id) FROM addresses) RETURNING code`).Scan(&gone); err != nil {
			t.Fatal(err)
		}
		r := do(t, http.MethodGet, e.url+"/v1/codes/"+gone)
		checkProblem(t, r, 404, "/v1/codes/"+gone)
		if d, _ := r.body["detail"].(string); !strings.Contains(d, "retired") {
			t.Errorf("deleted address's code: detail %q does not say it was retired", d)
		}
	})
	t.Run("plus codes", func(t *testing.T) {
		full, _ := geo.EncodeOLC(lat, lon, 11)
		short, err := geo.ShortenOLC(full, 10.7769, 106.7009)
		if err != nil || len(short) >= len(full) {
			t.Fatalf("shorten %s near the city centre: %q, %v", full, short, err)
		}
		area, _ := geo.DecodeOLC(full)
		clat, clon := area.Center()
		var nearest int64
		if err := e.pool.QueryRow(ctx, `SELECT id FROM addresses
			ORDER BY ST_Distance(geom::geography, ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography), id LIMIT 1`, clon, clat).Scan(&nearest); err != nil {
			t.Fatal(err)
		}
		for _, c := range []string{full, strings.ToLower(full), short, short + " Hồ Chí Minh"} {
			// '+' as is, and as encodeURIComponent escapes it
			for _, path := range []string{"/v1/codes/" + url.PathEscape(c), "/v1/codes/" + encodeURIComponent(c)} {
				var f struct {
					BBox       [4]float64     `json:"bbox"`
					Properties map[string]any `json:"properties"`
				}
				e.getGeoJSON(t, path, &f)
				a, _ := f.Properties["address"].(map[string]any)
				if f.Properties["plus_code"] != full || a["id"] != float64(nearest) ||
					f.BBox[0] > lon || f.BBox[2] <= lon || f.BBox[1] > lat || f.BBox[3] <= lat || f.Properties["ward"] == nil {
					t.Errorf("%s: bbox %v, %v; want %s holding (%f, %f), nearest address %d", path, f.BBox, f.Properties, full, lon, lat, nearest)
				}
			}
		}
	})
}
