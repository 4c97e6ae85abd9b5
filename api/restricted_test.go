package api_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"bandoso/address"
	"bandoso/catalog"
	"bandoso/geo"
	"bandoso/store"
)

// leakCase is one request and the layers whose data its answer carries.
type leakCase struct {
	route  string // the route template the request exercises
	method string
	path   string
	body   string
	header []string
	// carries names the catalog layers whose data the answer holds; nothing for a refusal.
	carries func(status int, body []byte) []string
}

func (c leakCase) String() string { return c.method + " " + c.path }

// exemptRoutes hold no layer data, or need a key of a role that may read every layer anyway.
var exemptRoutes = map[string]string{
	"GET /healthz":                              "liveness only",
	"GET /readyz":                               "database reachability only",
	"GET /metrics":                              "labels are route templates, outcomes and pool figures (TestRestrictedLayersLeakNowhere checks the names)",
	"GET /":                                     "the viewer page, static",
	"GET /static/{name}":                        "the viewer's files, static",
	"GET /favicon.ico":                          "the viewer's icon, static",
	"GET /v1/transform":                         "coordinates only: reads no layer",
	"GET /lib/maplibre-gl@{version}/{name}":     "MapLibre, static",
	"GET /fonts/{fontstack}/{range}.pbf":        "the labels' glyphs, static",
	"GET /lib/swagger-ui-dist@{version}/{name}": "Swagger UI, static",
	"GET /api.html":                             "the API reference page: it loads /ogc/api, which is asked",
	"GET /problems":                             "the problem types, static",
	"GET /problems/{name}":                      "a problem type, static",
	"GET /ogc":                                  "landing page: links only",
	"GET /ogc/":                                 "landing page: links only",
	"GET /ogc/conformance":                      "conformance classes only",
	"GET /ogc/functions":                        "CQL2 functions only",
	"GET /ogc/tileMatrixSets":                   "the tile grid only",
	"GET /ogc/tileMatrixSets/{tileMatrixSetId}": "the tile grid only",
	"GET /v1/admin/audit":                       "admin key",
	"POST /v1/admin/import":                     "editor key",
	"PATCH /v1/layers/{layer}":                  "admin key",
	"POST /v1/layers/{layer}/features":          "editor key",
	"PUT /v1/layers/{layer}/features/{id}":      "editor key",
	"PATCH /v1/layers/{layer}/features/{id}":    "editor key",
	"DELETE /v1/layers/{layer}/features/{id}":   "editor key",
}

// TestRestrictedLayersLeakNowhere restricts each catalog layer in turn and asks every route
// for data that layer feeds: without a key no answer may carry it, with a reader key every
// answer that carried it while public still does. A route that is neither asked here nor
// exempt above fails the test, so that a new route is checked before it can leak.
func TestRestrictedLayersLeakNowhere(t *testing.T) {
	t.Parallel()
	e := newTileEnv(t)
	ctx := context.Background()
	reader := newKey(t, e.db, "leak-reader", store.RoleReader)
	admin := newKey(t, e.db, "leak-admin", store.RoleAdmin)
	addBasemapSamples(t, e)
	layers, err := catalog.New(e.db).Layers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, l := range layers {
		names = append(names, l.Name)
	}
	cases := e.leakCases(t, names)

	t.Run("every route is asked or exempt", func(t *testing.T) {
		asked := map[string]bool{}
		for _, c := range cases {
			asked[c.method+" "+c.route] = true
		}
		err := chi.Walk(e.handler.(chi.Routes), func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
			if key := method + " " + route; !asked[key] && exemptRoutes[key] == "" {
				t.Errorf("%s is neither asked for restricted data nor exempt", key)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})

	// What each answer carries with every layer public, asked with a key.
	baseline := make([][]string, len(cases))
	for i, c := range cases {
		status, body := e.leakAsk(t, c, reader...)
		baseline[i] = c.carries(status, body)
		if len(baseline[i]) == 0 {
			t.Errorf("%v: status %d carries no layer's data with every layer public; body %.300s", c, status, body)
		}
	}

	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			setPublic(t, e, admin, name, false)
			defer setPublic(t, e, admin, name, true)
			for i, c := range cases {
				status, body := e.leakAsk(t, c)
				if status >= 500 {
					t.Errorf("%v without a key: status %d; body %.300s", c, status, body)
				}
				if slices.Contains(c.carries(status, body), name) {
					t.Errorf("%v without a key: carries restricted layer %s; status %d, body %.300s", c, name, status, body)
				}
				status, body = e.leakAsk(t, c, reader...)
				got := c.carries(status, body)
				for _, want := range baseline[i] {
					if !slices.Contains(got, want) {
						t.Errorf("%v with a reader key: lost layer %s; status %d, body %.300s", c, want, status, body)
					}
				}
			}
			// The metrics name routes, never layers.
			res, body := send(t, http.MethodGet, e.url+"/metrics")
			checkStatus(t, "metrics", res, body, http.StatusOK)
			if strings.Contains(string(body), `"`+name+`"`) {
				t.Errorf("/metrics names layer %s in a label", name)
			}
		})
	}
}

func setPublic(t *testing.T, e tileEnv, admin []string, name string, public bool) {
	t.Helper()
	res, body := sendBody(t, http.MethodPatch, e.url+"/v1/layers/"+name, fmt.Sprintf(`{"public": %t}`, public),
		append([]string{"Content-Type", "application/json"}, admin...)...)
	checkStatus(t, "PATCH "+name, res, body, http.StatusOK)
}

func (e tileEnv) leakAsk(t *testing.T, c leakCase, key ...string) (int, []byte) {
	t.Helper()
	res, body := sendBody(t, c.method, e.url+c.path, c.body, append(slices.Clone(c.header), key...)...)
	return res.StatusCode, body
}

// addBasemapSamples puts one feature of every OpenStreetMap layer (roads, water, buildings,
// places, …) in the demo city, which has none of its own, so that every layer has data to
// leak.
func addBasemapSamples(t *testing.T, e tileEnv) {
	t.Helper()
	if _, err := e.pool.Exec(context.Background(), `
WITH c AS (SELECT ST_PointOnSurface(geom) AS p FROM parcels ORDER BY id LIMIT 1)
INSERT INTO osm_lines (osm_id, kind, class, name, tags, geom)
SELECT 'w' || k.i, k.kind, 'primary', 'Sample', '{}', ST_Multi(ST_MakeLine(ST_Translate(c.p, -0.0002, k.i * 0.00001), ST_Translate(c.p, 0.0002, k.i * 0.00001)))
FROM c, (VALUES (1, 'road'), (2, 'railway'), (3, 'waterway')) AS k(i, kind);
WITH c AS (SELECT ST_PointOnSurface(geom) AS p FROM parcels ORDER BY id LIMIT 1)
INSERT INTO osm_areas (osm_id, kind, class, name, tags, geom)
SELECT 'w' || (10 + k.i), k.kind, 'yes', 'Sample', '{}', ST_Multi(ST_Buffer(c.p, 0.00005, 1))
FROM c, (VALUES (1, 'water'), (2, 'park'), (3, 'landuse'), (4, 'building')) AS k(i, kind);
INSERT INTO pois (osm_id, category, class, name, geom)
SELECT 'n1', 'amenity', 'cafe', 'Sample', ST_PointOnSurface(geom) FROM parcels ORDER BY id LIMIT 1`); err != nil {
		t.Fatal(err)
	}
}

// leakCases are the requests: per layer for the catalog's own routes, and over fixtures
// from the demo city for the routes that draw on several layers.
func (e tileEnv) leakCases(t *testing.T, names []string) []leakCase {
	t.Helper()
	ctx := context.Background()
	var cases []leakCase
	add := func(route, path string, carries func(int, []byte) []string) {
		cases = append(cases, leakCase{route: route, method: http.MethodGet, path: path, carries: carries})
	}
	tileOf := map[string]maptile.Tile{}
	for i, name := range names {
		var id int64
		var lon, lat float64
		var minZ, maxZ int
		var table, geom, idCol string
		var filter *string
		if err := e.pool.QueryRow(ctx, `SELECT table_name, geom_column, id_column, row_filter, min_zoom, max_zoom
			FROM layers WHERE name = $1`, name).Scan(&table, &geom, &idCol, &filter, &minZ, &maxZ); err != nil {
			t.Fatal(err)
		}
		where := "true"
		if filter != nil {
			where = *filter
		}
		sql := fmt.Sprintf(`SELECT %s, ST_X(p), ST_Y(p) FROM (SELECT %[1]s, ST_PointOnSurface(%s) p FROM %s WHERE %s ORDER BY %[1]s LIMIT 1) s`,
			pgx.Identifier{idCol}.Sanitize(), pgx.Identifier{geom}.Sanitize(), pgx.Identifier{table}.Sanitize(), where)
		if err := e.pool.QueryRow(ctx, sql).Scan(&id, &lon, &lat); err != nil {
			t.Fatalf("layer %s: %v", name, err)
		}
		z := min(max(14, minZ), maxZ)
		tile := maptile.At(orb.Point{lon, lat}, maptile.Zoom(z))
		tileOf[name] = tile
		other := names[(i+1)%len(names)]
		coll := "/ogc/collections/" + name
		only := ifOK(name)
		add("/tiles/{layers}/{z}/{x}/{y}.mvt", tilePath(name, tile), mvtLayers)
		add("/tiles/{layers}.json", "/tiles/"+name+".json", only)
		add("/tiles/{layers}.json", "/tiles/"+other+","+name+".json", mentioned(names))
		add("/v1/layers/{layer}", "/v1/layers/"+name, only)
		add("/v1/layers/{layer}/download", fmt.Sprintf("/v1/layers/%s/download?bbox=%f,%f,%f,%f", name, lon-1e-4, lat-1e-4, lon+1e-4, lat+1e-4), featuresOf(name))
		add("/v1/layers/{layer}/features/{id}", fmt.Sprintf("/v1/layers/%s/features/%d", name, id), only)
		add("/v1/layers/{layer}/features/{id}/history", fmt.Sprintf("/v1/layers/%s/features/%d/history", name, id), only)
		add("/ogc/collections/{collectionId}", coll, only)
		add("/ogc/collections/{collectionId}/items", coll+"/items?limit=1", only)
		add("/ogc/collections/{collectionId}/items/{featureId}", fmt.Sprintf("%s/items/%d", coll, id), only)
		add("/ogc/collections/{collectionId}/queryables", coll+"/queryables", only)
		add("/ogc/collections/{collectionId}/tiles", coll+"/tiles", only)
		add("/ogc/collections/{collectionId}/tiles/{tileMatrixSetId}", coll+"/tiles/WebMercatorQuad", only)
		add("/ogc/collections/{collectionId}/tiles/{tileMatrixSetId}/{tileMatrix}/{tileRow}/{tileCol}",
			fmt.Sprintf("%s/tiles/WebMercatorQuad/%d/%d/%d", coll, tile.Z, tile.Y, tile.X), mvtLayers)
		add("/ogc/tiles/{tileMatrixSetId}/{tileMatrix}/{tileRow}/{tileCol}",
			fmt.Sprintf("/ogc/tiles/WebMercatorQuad/%d/%d/%d", tile.Z, tile.Y, tile.X), mvtLayers)
	}
	for _, p := range []string{"/v1/layers", "/v1/catalog.jsonld", "/ogc/collections", "/ogc/tiles/{tileMatrixSetId}", "/ogc/api", "/styles/{name}.json"} {
		path := strings.NewReplacer("{tileMatrixSetId}", "WebMercatorQuad", "{name}", "default").Replace(p)
		add(p, path, mentioned(names))
	}
	// The list of dataset tilesets names no layer; what it shows comes from the visible ones.
	add("/ogc/tiles", "/ogc/tiles", func(status int, body []byte) []string {
		if status != http.StatusOK {
			return nil
		}
		return append(mentioned(names)(status, body), "dataset tilesets")
	})
	cases = append(cases, e.archiveLeakCases(t, names, tileOf)...)
	return append(cases, e.dataLeakCases(t)...)
}

// dataLeakCases ask the geocoding, reverse geocoding, code, parcel and conversion routes
// about one address and one parcel of the demo city that a planning zone and a road
// boundary meet.
func (e tileEnv) dataLeakCases(t *testing.T) []leakCase {
	t.Helper()
	var a struct {
		code, house, street, ward string
		lon, lat                  float64
	}
	if err := e.pool.QueryRow(context.Background(), `SELECT a.code, a.house_number, s.name, w.name, ST_X(a.geom), ST_Y(a.geom)
		FROM addresses a JOIN streets s ON s.id = a.street_id
		JOIN admin_units w ON w.level = 'ward' AND w.code = a.ward_code AND w.valid_to IS NULL
		WHERE EXISTS (SELECT FROM parcels p WHERE ST_Intersects(p.geom, a.geom))
		ORDER BY a.id LIMIT 1`).Scan(&a.code, &a.house, &a.street, &a.ward, &a.lon, &a.lat); err != nil {
		t.Fatal(err)
	}
	var p struct {
		id, ward string
		sheet, n int
		lon, lat float64
	}
	if err := e.pool.QueryRow(context.Background(), `SELECT p.id::text, p.ward_code, p.sheet_no, p.parcel_no, ST_X(c), ST_Y(c)
		FROM parcels p, ST_PointOnSurface(p.geom) c
		WHERE EXISTS (SELECT FROM planning_zones z WHERE ST_Intersects(z.geom, p.geom))
		AND EXISTS (SELECT FROM road_boundaries b WHERE ST_Intersects(b.reserve, p.geom))
		ORDER BY p.id LIMIT 1`).Scan(&p.id, &p.ward, &p.sheet, &p.n, &p.lon, &p.lat); err != nil {
		t.Fatal(err)
	}
	var split struct{ lon, lat string }
	if err := e.pool.QueryRow(context.Background(), `SELECT ST_X(p)::text, ST_Y(p)::text FROM admin_succession s
		JOIN admin_units o ON o.id = s.old_unit_id JOIN admin_units n ON n.id = s.new_unit_id,
		LATERAL ST_PointOnSurface(ST_Intersection(o.geom, n.geom)) p
		WHERE o.code = '26737' AND o.valid_to = '2025-07-01' AND ST_Area(ST_Intersection(o.geom, n.geom)) > 0
		ORDER BY n.code LIMIT 1`).Scan(&split.lon, &split.lat); err != nil {
		t.Fatal(err)
	}
	plus, err := geo.EncodeOLC(a.lat, a.lon, geo.DefaultOLCLength)
	if err != nil {
		t.Fatal(err)
	}
	ll := func(lon, lat float64) string { return fmt.Sprintf("lon=%f&lat=%f", lon, lat) }
	q := func(s string) string { return url.QueryEscape(s) }
	get := func(route, path string, carries func(int, []byte) []string) leakCase {
		return leakCase{route: route, method: http.MethodGet, path: path, carries: carries}
	}
	geometry := fmt.Sprintf(`{"type":"Point","coordinates":[%f,%f]}`, p.lon, p.lat)
	return []leakCase{
		get("/v1/geocode", "/v1/geocode?q="+q(a.house+" "+a.street+", "+a.ward), geocoded),
		get("/v1/geocode", "/v1/geocode?street="+q(a.street), geocoded),
		get("/v1/geocode", "/v1/geocode?ward="+q(a.ward), geocoded),
		get("/v1/autocomplete", "/v1/autocomplete?q="+q(a.house+" "+a.street), geocoded),
		// the named place of addBasemapSamples
		get("/v1/geocode", "/v1/geocode?q=Sample", geocoded),
		get("/v1/autocomplete", "/v1/autocomplete?q=Samp", geocoded),
		{route: "/v1/geocode/batch", method: http.MethodPost, path: "/v1/geocode/batch",
			body: "address\n\"" + a.house + " " + a.street + ", " + a.ward + "\"\n", header: []string{"Content-Type", "text/csv"},
			carries: batchGeocoded},
		{route: "/v1/geocode/batch", method: http.MethodPost, path: "/v1/geocode/batch",
			body: "address\nSample\n", header: []string{"Content-Type", "text/csv"}, carries: batchGeocoded},
		get("/v1/reverse", "/v1/reverse?"+ll(a.lon, a.lat), reversed),
		get("/v1/codes/{code}", "/v1/codes/"+a.code, codedAddress),
		get("/v1/codes/{code}", "/v1/codes/"+url.PathEscape(plus), reversed),
		get("/v1/parcels/lookup", fmt.Sprintf("/v1/parcels/lookup?ward=%s&sheet=%d&parcel=%d", p.ward, p.sheet, p.n), ifOK("parcels")),
		get("/v1/parcels/at", "/v1/parcels/at?"+ll(p.lon, p.lat), featuresOf("parcels")),
		{route: "/v1/parcels/query", method: http.MethodPost, path: "/v1/parcels/query",
			body: `{"geometry":` + geometry + `}`, header: []string{"Content-Type", "application/json"}, carries: featuresOf("parcels")},
		get("/v1/parcels/{id}/planning", "/v1/parcels/"+p.id+"/planning", planned),
		get("/v1/convert", "/v1/convert?address="+q("Phường Đa Kao, Quận 1")+"&lon="+split.lon+"&lat="+split.lat, converted),
		// the street written without diacritics comes back as the streets layer writes it
		get("/v1/parse", "/v1/parse?q="+q(a.house+" "+address.Fold(a.street)), parsedStreet(a.street)),
		{route: "/v1/parse/batch", method: http.MethodPost, path: "/v1/parse/batch",
			body: "address\n\"" + a.house + " " + address.Fold(a.street) + "\"\n", header: []string{"Content-Type", "text/csv"},
			carries: batchParsedStreet(a.street)},
	}
}
