package api_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/go-chi/chi/v5"

	"bandoso/geo"
)

const mediaOpenAPI = "application/vnd.oai.openapi+json;version=3.0"

// loadOpenAPI fetches /ogc/api and loads it with kin-openapi, failing unless it validates.
func (e tileEnv) loadOpenAPI(t *testing.T) (*openapi3.T, tileResponse) {
	t.Helper()
	r := e.get(t, "/ogc/api")
	if r.status != http.StatusOK || r.header.Get("Content-Type") != mediaOpenAPI {
		t.Fatalf("status %d, Content-Type %q: %s", r.status, r.header.Get("Content-Type"), r.body)
	}
	doc, err := openapi3.NewLoader().LoadFromData(r.body)
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("validate: %v", err)
	}
	return doc, r
}

// fullPath is where a documented path lives on this service: its server's path before it.
func fullPath(doc *openapi3.T, path string, item *openapi3.PathItem) string {
	servers := doc.Servers
	if len(item.Servers) > 0 {
		servers = item.Servers
	}
	u, err := url.Parse(servers[0].URL)
	if err != nil {
		return path
	}
	return u.Path + path
}

func TestOpenAPI(t *testing.T) {
	e := newTileEnv(t)
	ctx := context.Background()
	doc, res := e.loadOpenAPI(t)

	t.Run("served as a document: servers from the request, ETag, Vary", func(t *testing.T) {
		if doc.OpenAPI != "3.0.3" || len(doc.Servers) == 0 || doc.Servers[0].URL != e.url {
			t.Errorf("openapi %q, servers %v", doc.OpenAPI, doc.Servers)
		}
		if !varies(res.header, "Host") {
			t.Errorf("Vary %q", res.header.Get("Vary"))
		}
		if r := e.get(t, "/ogc/api", "If-None-Match", res.header.Get("ETag")); r.status != http.StatusNotModified {
			t.Errorf("If-None-Match: status %d", r.status)
		}
		r := e.behindProxy().get(t, "/ogc/api", "X-Forwarded-Host", "maps.example.vn", "X-Forwarded-Proto", "https")
		if !bytes.Contains(r.body, []byte(`"url":"https://maps.example.vn/ogc"`)) {
			t.Errorf("behind a proxy the servers are not the proxy's: %.300s", r.body)
		}
		landing := e.get(t, "/ogc")
		if !bytes.Contains(landing.body, []byte(`"rel":"service-desc","type":"`+mediaOpenAPI+`"`)) {
			t.Errorf("the landing page has no service-desc link: %s", landing.body)
		}
		if conf := e.get(t, "/ogc/conformance"); !bytes.Contains(conf.body, []byte("ogcapi-features-1/1.0/conf/oas30")) {
			t.Errorf("conformance lacks oas30: %s", conf.body)
		}
	})

	t.Run("every route is documented, every documented path is routed", func(t *testing.T) {
		router, ok := e.handler.(chi.Routes)
		if !ok {
			t.Fatalf("the handler is a %T, not a chi router", e.handler)
		}
		documented := map[string]*openapi3.PathItem{}
		for path, item := range doc.Paths.Map() {
			full := fullPath(doc, path, item)
			documented[full] = item
			// A documented operation, on a template or one collection's path, must reach a route.
			for method := range item.Operations() {
				if !router.Match(chi.NewRouteContext(), method, full) {
					t.Errorf("%s %s is documented but has no route", method, full)
				}
			}
		}
		n := 0
		err := chi.Walk(router, func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
			n++
			// the landing page answers at /ogc/ too; the document names it once, as /ogc
			item := documented[route]
			if route == "/ogc/" {
				item = documented["/ogc"]
			}
			if item == nil {
				t.Errorf("route %s %s is not in the OpenAPI document", method, route)
			} else if item.GetOperation(method) == nil {
				t.Errorf("%s is documented without its %s operation", route, method)
			}
			return nil
		})
		if err != nil || n < 20 {
			t.Fatalf("walked %d routes: %v", n, err)
		}
	})

	t.Run("an operation that takes no key ignores a bad one", func(t *testing.T) {
		n := 0
		for path, item := range doc.Paths.Map() {
			if item.Get == nil || item.Get.Security == nil || len(*item.Get.Security) > 0 || strings.Contains(path, "{") {
				continue
			}
			n++
			full := fullPath(doc, path, item)
			// Any answer but a refusal of the key: /v1/transform without a point is a 400
			// about the point.
			if r := e.get(t, full, "Authorization", "Bearer not-a-key"); r.status == http.StatusUnauthorized || r.status == http.StatusForbidden {
				t.Errorf("%s with a bad key: status %d: %.300s", full, r.status, r.body)
			}
		}
		if n < 5 {
			t.Errorf("%d operations take no key", n)
		}
	})

	t.Run("parcels items list each field as a typed filter", func(t *testing.T) {
		item := doc.Paths.Find("/collections/parcels/items")
		if item == nil || item.Get == nil {
			t.Fatal("no /collections/parcels/items")
		}
		params := map[string]*openapi3.Parameter{}
		for _, p := range item.Get.Parameters {
			params[p.Value.Name] = p.Value
		}
		rows, err := e.pool.Query(ctx, `SELECT c.column_name, c.data_type FROM information_schema.columns c
			JOIN layers l ON l.table_name = c.table_name AND c.column_name = ANY(l.fields)
			WHERE l.name = 'parcels'`)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]string{}
		for rows.Next() {
			var name, typ string
			if err := rows.Scan(&name, &typ); err != nil {
				t.Fatal(err)
			}
			switch typ {
			case "smallint", "integer", "bigint":
				want[name] = "integer"
			case "numeric", "real", "double precision":
				want[name] = "number"
			case "boolean":
				want[name] = "boolean"
			default:
				want[name] = "string"
			}
		}
		if rows.Err() != nil || len(want) < 5 {
			t.Fatalf("parcels fields %v: %v", want, rows.Err())
		}
		for name, typ := range want {
			p := params[name]
			if p == nil || p.In != "query" || !p.Schema.Value.Type.Is(typ) {
				t.Errorf("parameter %s: %+v, want a query parameter of type %s", name, p, typ)
			}
		}
		for _, name := range []string{"limit", "bbox", "bbox-crs", "crs", "f", "after", "before", "properties", "sortby", "filter", "filter-lang", "filter-crs"} {
			if params[name] == nil {
				t.Errorf("parameter %s missing", name)
			}
		}
		limit := params["limit"].Schema.Value
		if *limit.Min != 1 || *limit.Max != 10000 || limit.Default != float64(100) {
			t.Errorf("limit %+v", limit)
		}
		if bbox := params["bbox"]; bbox.Style != "form" || bbox.Explode == nil || *bbox.Explode || !bbox.Schema.Value.Type.Is("array") {
			t.Errorf("bbox %+v", bbox)
		}
		if params["datetime"] != nil {
			t.Error("parcels have no validity dates, yet datetime is a parameter")
		}
		if wards := doc.Paths.Find("/collections/wards_2024/items"); wards == nil || wards.Get.Parameters.GetByInAndName("query", "datetime") == nil {
			t.Error("wards_2024 have validity dates, yet no datetime parameter")
		}
		if crs := params["crs"].Schema.Value; !slices.Contains(crs.Enum, any("http://www.opengis.net/def/crs/EPSG/0/9210")) {
			t.Errorf("crs enum %v", crs.Enum)
		}
	})

	t.Run("real requests and responses validate against it", func(t *testing.T) {
		router, err := gorillamux.NewRouter(doc)
		if err != nil {
			t.Fatal(err)
		}
		var ward, street, registry string
		var sheet, parcel int
		if err := e.pool.QueryRow(ctx, `SELECT ward_code, sheet_no, parcel_no, (SELECT name FROM streets WHERE kind = 'street' ORDER BY id LIMIT 1),
			(SELECT code FROM addresses ORDER BY id LIMIT 1)
			FROM parcels WHERE id = 3`).Scan(&ward, &sheet, &parcel, &street, &registry); err != nil {
			t.Fatal(err)
		}
		plusCode, err := geo.EncodeOLC(e.centre[1], e.centre[0], geo.DefaultOLCLength)
		if err != nil {
			t.Fatal(err)
		}
		// a named place, for the geocoder's answers of kind poi
		if _, err := e.pool.Exec(ctx, `INSERT INTO pois (category, class, name, geom)
			SELECT 'amenity', 'marketplace', 'Chợ Bến Thành', ST_PointOnSurface(geom) FROM parcels WHERE id = 3`); err != nil {
			t.Fatal(err)
		}
		for _, path := range []string{"/v1/geocode?q=", "/v1/autocomplete?q="} {
			if r := e.get(t, path+url.QueryEscape("Chợ Bến")); !bytes.Contains(r.body, []byte(`"kind":"poi"`)) {
				t.Errorf("%s: no named place in %.300s", path, r.body)
			}
		}
		for _, c := range []struct {
			path   string
			status int
			body   string // posted when given
		}{
			{"/ogc", 200, ""},
			{"/ogc/collections", 200, ""},
			{"/ogc/collections/parcels", 200, ""},
			{"/ogc/collections/parcels/items?limit=5&land_use=ODT&sheet_no=1", 200, ""},
			{"/ogc/collections/parcels/items?limit=2&f=csv", 200, ""},
			{"/ogc/collections/parcels/items?limit=2&properties=land_use,area_m2", 200, ""},
			{"/ogc/collections/parcels/items?limit=2&sortby=-area_m2,parcel_no", 200, ""},
			{"/ogc/collections/parcels/items?limit=2&filter=" + url.QueryEscape("area_m2 > 100 AND land_use IN ('ODT','TMD')"), 200, ""},
			{"/ogc/collections/parcels/items?filter=" + url.QueryEscape("area_m2 >"), 400, ""},
			{"/ogc/collections/parcels/queryables", 200, ""},
			{"/ogc/collections/wards_2024/items?limit=2&datetime=2025-06-30", 200, ""},
			{"/ogc/functions", 200, ""},
			{"/ogc/collections/addresses/items?limit=3&crs=http://www.opengis.net/def/crs/EPSG/0/9210", 200, ""},
			{"/ogc/collections/parcels/items/3", 200, ""},
			{"/ogc/collections/parcels/items?bbox=1,2,0,3", 400, ""},
			{"/ogc/collections/parcels/items/999999999", 404, ""},
			{"/ogc/tileMatrixSets/WebMercatorQuad", 200, ""},
			{"/ogc/collections/parcels/tiles/WebMercatorQuad", 200, ""},
			{"/tiles/parcels,streets.json", 200, ""},
			{"/healthz", 200, ""},
			{"/readyz", 200, ""},
			{fmt.Sprintf("/v1/parcels/lookup?ward=%s&sheet=%d&parcel=%d", ward, sheet, parcel), 200, ""},
			{fmt.Sprintf("/v1/parcels/lookup?code=%s%03d%04d", ward, sheet, parcel), 200, ""},
			{fmt.Sprintf("/v1/parcels/at?lon=%f&lat=%f", e.centre[0], e.centre[1]), 200, ""},
			{"/v1/parcels/3/planning", 200, ""},
			{"/v1/geocode?q=" + url.QueryEscape("Phường Bến Thành"), 200, ""},
			{"/v1/geocode?street=" + url.QueryEscape(street) + "&house=1&limit=3&lon=106.7&lat=10.78", 200, ""},
			{"/v1/autocomplete?q=" + url.QueryEscape(string([]rune(street)[:4])), 200, ""},
			{"/v1/geocode?q=" + url.QueryEscape("Chợ Bến"), 200, ""},
			{"/v1/autocomplete?q=" + url.QueryEscape("Chợ Bến"), 200, ""},
			{"/v1/geocode?limit=3", 400, ""},
			// an address and a place, each one of the oneOf
			{fmt.Sprintf("/v1/reverse?lon=%f&lat=%f&limit=2", e.centre[0], e.centre[1]), 200, ""},
			{"/v1/codes/" + registry, 200, ""},
			{"/v1/codes/" + url.PathEscape(plusCode), 200, ""},
			// the old ward, then null for a name several old wards have
			{"/v1/convert?ward=F12&district=Q10", 200, ""},
			{"/v1/convert?ward=" + url.QueryEscape("Phường Tân Định"), 200, ""},
			{"/v1/layers/parcels", 200, ""},
			{"/v1/parcels/lookup?ward=" + ward + "&sheet=1", 400, ""},
			{"/v1/parcels/query", 200, fmt.Sprintf(`{"geometry":{"type":"Point","coordinates":[%f,%f]},"buffer_m":50,"limit":3}`, e.centre[0], e.centre[1])},
			{"/v1/parcels/query", 400, `{"geometry":{"type":"Polygon","coordinates":[[[106.7,10.7],[106.8,10.7],[106.7,10.7]]]}}`},
		} {
			method, reqBody := http.MethodGet, io.Reader(nil)
			if c.body != "" {
				method, reqBody = http.MethodPost, strings.NewReader(c.body)
			}
			req, err := http.NewRequestWithContext(ctx, method, e.url+c.path, reqBody)
			if err != nil {
				t.Fatal(err)
			}
			if c.body != "" {
				req.Header.Set("Content-Type", "application/json")
				req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(c.body)), nil }
			}
			route, params, err := router.FindRoute(req)
			if err != nil {
				t.Errorf("%s: %v", c.path, err)
				continue
			}
			in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
				Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
			if err := openapi3filter.ValidateRequest(ctx, in); err != nil {
				t.Errorf("request %s: %v", c.path, err)
			}
			res, err := tileClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, err := io.ReadAll(res.Body)
			res.Body.Close()
			if err != nil || res.StatusCode != c.status {
				t.Errorf("%s: status %d, want %d: %v %.300s", c.path, res.StatusCode, c.status, err, body)
				continue
			}
			out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: res.StatusCode,
				Header: res.Header, Body: io.NopCloser(bytes.NewReader(body)),
				Options: &openapi3filter.Options{IncludeResponseStatus: true}}
			if err := openapi3filter.ValidateResponse(ctx, out); err != nil {
				t.Errorf("response to %s: %v", c.path, err)
			}
		}
	})

	t.Run("GDAL reads the API definition and filters on the server", func(t *testing.T) {
		ogrinfo, err := exec.LookPath("ogrinfo")
		if err != nil {
			t.Fatal("ogrinfo (Debian's gdal-bin) is missing: `make test` installs it")
		}
		c := e.centre
		cmd := exec.Command(ogrinfo, "-ro", "-so", "OAPIF:"+e.url+"/ogc", "parcels", "-where", "land_use = 'ODT'", "-spat",
			fmt.Sprint(c[0]-0.001), fmt.Sprint(c[1]-0.001), fmt.Sprint(c[0]+0.001), fmt.Sprint(c[1]+0.001))
		cmd.Env = append(os.Environ(), "CPL_DEBUG=ON")
		out, err := cmd.CombinedOutput()
		// GDAL logs a failed fetch as "HTTP error code : 404".
		if err != nil || !strings.Contains(string(out), "Fetch("+e.url+"/ogc/api)") || strings.Contains(string(out), "HTTP error code") {
			t.Fatalf("ogrinfo: %v\n%s", err, out)
		}
		if !strings.Contains(string(out), "land_use=ODT") {
			t.Errorf("GDAL filtered land_use itself, not through the items parameter:\n%s", out)
		}
	})
}
