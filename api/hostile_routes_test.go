package api_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"bandoso/web"
)

const (
	ok200 = http.StatusOK
	ok201 = http.StatusCreated
	ok204 = http.StatusNoContent
)

// fixed is a path parameter's or body's valid value.
func fixed(v string) func() string { return func() string { return v } }

// hostileRoutes gives each route of the router its valid request and what hostile values
// may be answered with where they are valid input, by "METHOD pattern".
func hostileRoutes(e *hostileEnv, t *testing.T) map[string]hostileRoute {
	ctx := context.Background()
	var ward string
	var sheet, number int
	var moved string
	if err := e.pool.QueryRow(ctx, `SELECT ward_code, sheet_no, parcel_no, ST_AsGeoJSON(ST_Translate(geom, 0.01, 0.01), 9)
		FROM parcels WHERE id = $1`, e.parcel).Scan(&ward, &sheet, &number, &moved); err != nil {
		t.Fatal(err)
	}
	swaggerUI, err := web.Embedded().LibPath(web.SwaggerUI)
	if err != nil {
		t.Fatal(err)
	}
	lon, lat := fmt.Sprint(e.centre[0]), fmt.Sprint(e.centre[1])
	at := url.Values{"lon": {lon}, "lat": {lat}}
	tile := map[string]func() string{"z": fixed(fmt.Sprint(e.tile.Z)), "x": fixed(fmt.Sprint(e.tile.X)),
		"y": fixed(fmt.Sprint(e.tile.Y)), "tileMatrix": fixed(fmt.Sprint(e.tile.Z)), "tileRow": fixed(fmt.Sprint(e.tile.Y)),
		"tileCol": fixed(fmt.Sprint(e.tile.X)), "tileMatrixSetId": fixed("WebMercatorQuad"),
		"layers": fixed("parcels"), "collectionId": fixed("parcels")}
	// An archive of the parcels of that tile.
	e.writeArchive(t, "hostile", "parcels", e.tile.Bound(), int(e.tile.Z), int(e.tile.Z))
	archived := map[string]func() string{"name": fixed("hostile")}
	for k, v := range tile {
		archived[k] = v
	}
	feature := map[string]func() string{"layer": fixed("parcels"), "id": fixed(fmt.Sprint(e.parcel)),
		"collectionId": fixed("parcels"), "featureId": fixed(fmt.Sprint(e.parcel))}
	var sheets atomic.Int64
	sheets.Store(900)
	create := func() string {
		return fmt.Sprintf(`{"type":"Feature","geometry":%s,"properties":{"ward_code":%q,"sheet_no":%d,"parcel_no":9001,"land_use":"ODT","area_m2":120.5}}`,
			moved, ward, sheets.Add(1))
	}
	replace := func() string {
		return fmt.Sprintf(`{"type":"Feature","geometry":%s,"properties":{"ward_code":%q,"sheet_no":%d,"parcel_no":%d,"land_use":"ODT","area_m2":120.5}}`,
			moved, ward, sheet, number)
	}
	geoJSON, json, csv := fixed("application/geo+json"), fixed("application/json"), fixed("text/csv")
	text := []int{ok200}          // free text: any value is a query
	optional := []int{ok200, 404} // a filter that matches nothing
	var plan int64
	if err := e.pool.QueryRow(ctx, `SELECT min(id) FROM plans`).Scan(&plan); err != nil {
		t.Fatal(err)
	}
	form, formType := multipartBody(t, append(zoningFields, field("dry_run", "true"), field("set", fmt.Sprintf("plan_id=%d", plan)),
		filePart("zoning.geojson", fixture(t, "zoning.geojson")))...)
	// A filter on any field of parcels may match nothing; an id cursor may be any integer.
	var fields []string
	if err := e.pool.QueryRow(ctx, `SELECT fields FROM layers WHERE name = 'parcels'`).Scan(&fields); err != nil {
		t.Fatal(err)
	}
	items := map[string][]int{"after": {ok200}, "before": {ok200}}
	for _, f := range fields {
		items[f] = optional
	}
	// Any longitude and latitude is a point; -0 and 0 are the same radius.
	point := map[string][]int{"lon": {ok200}, "lat": {ok200}, "radius": {ok200}}

	// Free-text parameters take any value; a write's reason is free text too, once the
	// query is plain text.
	return map[string]hostileRoute{
		"GET /healthz":       {ok: ok200},
		"GET /readyz":        {ok: ok200},
		"GET /metrics":       {ok: ok200},
		"GET /":              {ok: ok200},
		"GET /static/{name}": {params: map[string]func() string{"name": fixed("viewer.js")}, ok: ok200},
		"GET /favicon.ico":   {ok: ok200},
		"GET /lib/maplibre-gl@{version}/{name}": {params: map[string]func() string{"version": fixed("6.17.0"),
			"name": fixed("maplibre-gl.mjs")}, ok: ok200},
		"GET /styles/{name}.json": {params: map[string]func() string{"name": fixed("default")}, ok: ok200},
		"GET /fonts/{fontstack}/{range}.pbf": {params: map[string]func() string{"fontstack": fixed("Noto Sans Regular"),
			"range": fixed("7680-7935")}, ok: ok200},
		"GET /lib/swagger-ui-dist@{version}/{name}": {params: map[string]func() string{"version": fixed(strings.TrimPrefix(swaggerUI, "lib/"+web.SwaggerUI+"@")),
			"name": fixed("swagger-ui.css")}, ok: ok200},
		"GET /api.html":        {ok: ok200},
		"GET /problems":        {ok: ok200},
		"GET /problems/{name}": {params: map[string]func() string{"name": fixed("not-found")}, ok: ok200},

		"GET /tiles/{layers}/{z}/{x}/{y}.mvt": {params: tile, ok: ok200},
		"GET /tiles/{layers}.json":            {params: tile, ok: ok200},

		"GET /tiles/archive":                        {ok: ok200},
		"GET /tiles/archive/{name}.json":            {params: archived, ok: ok200},
		"GET /tiles/archive/{name}/{z}/{x}/{y}.mvt": {params: archived, ok: ok200},

		"GET /ogc":                            {ok: ok200},
		"GET /ogc/":                           {ok: ok200},
		"GET /ogc/conformance":                {ok: ok200},
		"GET /ogc/api":                        {ok: ok200},
		"GET /ogc/collections":                {ok: ok200},
		"GET /ogc/collections/{collectionId}": {params: tile, ok: ok200},
		"GET /ogc/functions":                  {ok: ok200},
		"GET /ogc/collections/{collectionId}/queryables":        {params: tile, ok: ok200},
		"GET /ogc/collections/{collectionId}/items":             {params: tile, ok: ok200, accept: items},
		"GET /ogc/collections/{collectionId}/items/{featureId}": {params: feature, ok: ok200},
		"GET /ogc/tileMatrixSets":                               {ok: ok200},
		"GET /ogc/tileMatrixSets/{tileMatrixSetId}":             {params: tile, ok: ok200},
		"GET /ogc/tiles":                   {ok: ok200},
		"GET /ogc/tiles/{tileMatrixSetId}": {params: tile, ok: ok200},
		"GET /ogc/tiles/{tileMatrixSetId}/{tileMatrix}/{tileRow}/{tileCol}":                            {params: tile, ok: ok200},
		"GET /ogc/collections/{collectionId}/tiles":                                                    {params: tile, ok: ok200},
		"GET /ogc/collections/{collectionId}/tiles/{tileMatrixSetId}":                                  {params: tile, ok: ok200},
		"GET /ogc/collections/{collectionId}/tiles/{tileMatrixSetId}/{tileMatrix}/{tileRow}/{tileCol}": {params: tile, ok: ok200},

		"GET /v1/parcels/lookup": {ok: ok200,
			values: url.Values{"ward": {ward}, "sheet": {fmt.Sprint(sheet)}, "parcel": {fmt.Sprint(number)}}},
		"GET /v1/parcels/at": {ok: ok200, values: at, accept: point},
		// -0 and -1 m are a point of the TM-3 zone's domain
		"GET /v1/transform": {ok: ok200, values: url.Values{"x": {"600000"}, "y": {"1192000"}, "crs": {"EPSG:9210"}},
			accept: map[string][]int{"x": {ok200}, "y": {ok200}}},
		"GET /v1/parcels/{id}/planning": {params: feature, ok: ok200},
		"POST /v1/parcels/query": {ok: ok200, contentType: json,
			body: fixed(fmt.Sprintf(`{"geometry":{"type":"Point","coordinates":[%s,%s]},"buffer_m":50}`, lon, lat))},
		"GET /v1/geocode": {ok: ok200, values: url.Values{"q": {"12 Lê Lợi, Quận 1"}},
			// -0 is a confidence of 0
			accept: map[string][]int{"q": text, "house": text, "street": text, "district": text, "province": text, "ward": text,
				"min_confidence": {http.StatusOK}}},
		"GET /v1/autocomplete": {ok: ok200, values: url.Values{"q": {"12 Lê"}},
			accept: map[string][]int{"q": text, "house": text, "street": text, "district": text, "province": text, "ward": text}},
		"POST /v1/geocode/batch": {ok: ok200, contentType: csv, body: fixed("address\n12 Lê Lợi, Quận 1\n")},
		"GET /v1/convert": {ok: ok200, values: url.Values{"ward": {"26740"}},
			accept: map[string][]int{"address": text, "ward": text, "district": text, "province": text}},
		"GET /v1/parse":        {ok: ok200, values: url.Values{"q": {"12 Lê Lợi, P. Bến Nghé, Q1"}}, accept: map[string][]int{"q": text}},
		"POST /v1/parse/batch": {ok: ok200, contentType: csv, body: fixed("address\n12 Lê Lợi, P. Bến Nghé, Q1\n")},
		"GET /v1/reverse":      {ok: ok200, values: at, accept: point},
		"GET /v1/codes/{code}": {params: map[string]func() string{"code": fixed(e.code)}, ok: ok200},
		"POST /v1/admin/import": {ok: ok200, role: "editor", contentType: fixed(formType), body: fixed(form),
			values: url.Values{}},

		"GET /v1/layers":                  {ok: ok200},
		"GET /v1/layers/{layer}":          {params: feature, ok: ok200},
		"GET /v1/layers/{layer}/download": {params: feature, ok: ok200, accept: items},
		"GET /v1/catalog.jsonld":          {ok: ok200},
		"PATCH /v1/layers/{layer}": {params: feature, ok: ok200, role: "admin", contentType: json,
			body: fixed(`{"description":"Land parcels"}`)},
		"POST /v1/layers/{layer}/features": {params: feature, ok: ok201, role: "editor", contentType: geoJSON, body: create,
			accept: map[string][]int{"reason": {ok201}}},
		"GET /v1/layers/{layer}/features/{id}": {params: feature, ok: ok200},
		"PUT /v1/layers/{layer}/features/{id}": {params: feature, ok: ok200, role: "editor", contentType: geoJSON,
			body: replace, header: []string{"If-Match", "*"}, accept: map[string][]int{"reason": {ok200}}},
		"PATCH /v1/layers/{layer}/features/{id}": {params: feature, ok: ok200, role: "editor", contentType: geoJSON,
			body: fixed(`{"properties":{"land_use":"ODT"}}`), header: []string{"If-Match", "*"},
			accept: map[string][]int{"reason": {ok200}}},
		"DELETE /v1/layers/{layer}/features/{id}": {params: map[string]func() string{"layer": fixed("parcels"),
			"id": func() string { return e.victim(t) }}, ok: ok204, role: "editor", header: []string{"If-Match", "*"},
			accept: map[string][]int{"reason": {ok204}}},
		"GET /v1/layers/{layer}/features/{id}/history": {params: feature, ok: ok200, role: "reader"},
		"GET /v1/admin/audit": {ok: ok200, role: "admin", accept: map[string][]int{"table": optional, "actor": optional,
			"action": optional, "layer": optional}},
	}
}
