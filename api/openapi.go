package api

import (
	"maps"
	"net/http"
	"regexp"
	"strings"

	"bandoso/catalog"
	"bandoso/geo"
	"bandoso/store"
)

// The OpenAPI 3.0 document at /ogc/api (OGC API – Features Part 1, conformance class oas30),
// made at request time from the catalog so that each collection's items path lists its own
// property filters with their types. It describes every route of Handler; a test walks the
// router and fails on a route the document lacks.
//
// The OGC paths are written relative to the server {base}/ogc, as the OGC API examples and
// clients expect: GDAL's OAPIF driver looks up /collections/{name}/items in this document to
// learn which property filters it may send to the server instead of filtering itself. The
// service's other routes, and the landing page itself, carry the server {base}.

// mediaOpenAPI is the OpenAPI 3.0 JSON media type the OGC asks for (OGC 17-069r4 §7.3).
const mediaOpenAPI = "application/vnd.oai.openapi+json;version=3.0"

// Link relations of the landing page for the API definition.
const relServiceDesc = "service-desc"

// obj is a JSON object of the document.
type obj = map[string]any

// handleOpenAPI serves GET /ogc/api; a client preferring HTML gets the API reference page.
func (s *Server) handleOpenAPI(w http.ResponseWriter, r *http.Request) error {
	if err := s.checkFormat(r); err != nil {
		return err
	}
	if s.html(w, r, mediaOpenAPI, mediaJSON) {
		return s.handleAPIPage(w, r)
	}
	layers, err := s.visibleLayers(r)
	if err != nil {
		return err
	}
	return s.writeDocument(w, r, mediaOpenAPI, s.openAPI(externalBase(r), layers))
}

// openAPI is the document for clients that reach the service at base.
func (s *Server) openAPI(base string, layers []*catalog.Layer) obj {
	version := s.Version
	if version == "" {
		version = "dev"
	}
	root := []obj{{"url": base, "description": "this service"}}
	ogc := []obj{{"url": base + ogcPrefix, "description": "OGC API – Features and Tiles"}}
	names := make([]string, len(layers))
	for i, l := range layers {
		names[i] = l.Name
	}
	paths := obj{}
	addMethod := func(servers []obj, path, method string, o obj) {
		item, ok := paths[path].(obj)
		if !ok {
			item = obj{}
			paths[path] = item
		}
		item[method] = o
		if len(servers) > 0 {
			item["servers"] = servers
		}
	}
	add := func(servers []obj, path string, get obj) { addMethod(servers, path, "get", get) }

	add(nil, "/healthz", anyone(op("health", "The process is up; never touches the database.", "Service",
		nil, ok200(mediaJSON, ref("Health")), errs())))
	add(nil, "/readyz", anyone(op("ready", "The database answers and its schema is current; 503 otherwise.", "Service",
		nil, ok200(mediaJSON, ref("Ready")), errs())))
	add(nil, metricsPath, anyone(op("metrics", "Prometheus metrics of this process: requests by route template, tile cache (and the shared one in Redis), tile queries, database pool, Redis, imports, Go runtime.", "Service",
		nil, ok200("text/plain; version=0.0.4", obj{"type": "string"}), errs())))
	if s.Catalog != nil && s.Tiles != nil {
		layersParam := obj{"name": paramLayers, "in": "path", "required": true,
			"description": "one or several layer names, comma-separated",
			"schema":      obj{"type": "string", "pattern": listPattern(names)}}
		add(nil, "/tiles/{layers}/{z}/{x}/{y}.mvt", keyOptional(op("tile", "A Mapbox Vector Tile (XYZ scheme) holding each named layer whose zoom range includes z; 204 when empty.", "Vector tiles",
			[]any{layersParam, pathInt(paramZ, 0, geo.MaxZoom), pathInt(paramX, 0, -1), pathInt(paramY, 0, -1), acceptEncoding(), asOfParam},
			tileResponses(), errs(400, 404))))
		add(nil, "/tiles/{layers}.json", keyOptional(op("tileJSON", "TileJSON 3.0.0 of the named layers' tiles.", "Vector tiles",
			[]any{layersParam}, ok200(mediaJSON, ref("TileJSON")), notModified(), errs(404))))
	}
	if s.Archives != nil {
		openAPIArchives(add)
	}
	if s.Catalog != nil {
		// The same page answers at /ogc/ too, undocumented: the document names each resource
		// once, without a trailing slash (redocly's no-path-trailing-slash).
		add(nil, ogcPrefix, anyone(op("landing", "The OGC API landing page (also at "+ogcPrefix+"/): links to the API definition, conformance, collections and tiles.", "OGC API",
			nil, ok200(mediaJSON, ref("LandingPage")), notModified(), errs())))
		add(ogc, "/conformance", anyone(op("conformance", "The conformance classes implemented.", "OGC API",
			nil, ok200(mediaJSON, ref("ConfClasses")), notModified(), errs())))
		add(ogc, "/api", keyOptional(op("api", "This document.", "OGC API",
			nil, ok200(mediaOpenAPI, obj{"type": "object"}), notModified(), errs())))
		add(ogc, "/collections", keyOptional(op("collections", "Every public collection.", "OGC API",
			nil, ok200(mediaJSON, ref("Collections")), notModified(), errs())))

		collectionID := obj{"name": paramCollectionID, "in": "path", "required": true,
			"schema": obj{"type": "string", "enum": names}}
		add(ogc, "/collections/{collectionId}", keyOptional(op("collection", "A collection's description.", "OGC API",
			[]any{collectionID}, ok200(mediaJSON, ref("Collection")), notModified(), errs(404))))
		add(ogc, "/collections/{collectionId}/items", keyOptional(op("items", "A page of a collection's features; each collection's own path lists its property filters.", "Features",
			append([]any{collectionID}, append(itemsParams(), propertiesParam(nil), sortByParam(nil), ref("#/components/parameters/datetime"), asOfParam)...), itemsResponses(ref("FeatureCollection")), errs(400, 404))))
		add(ogc, "/collections/{collectionId}/items/{featureId}", keyOptional(op("item", "One feature.", "Features",
			[]any{collectionID, ref("#/components/parameters/featureId"), ref("#/components/parameters/crs"), itemFormat(), asOfParam},
			itemResponses(ref("Feature")), errs(400, 404))))
		add(ogc, "/collections/{collectionId}/queryables", keyOptional(op("queryables", "A JSON Schema of what filters on the collection may name.", "Features",
			[]any{collectionID}, ok200(mediaJSONSchema, obj{"type": "object"}), notModified(), errs(404))))
		add(ogc, "/functions", anyone(op("functions", "The functions filters may call beyond CQL2's own, such as S_DWITHIN.", "Features",
			nil, ok200(mediaJSON, ref("Functions")), notModified(), errs())))
		for _, l := range layers {
			p := "/collections/" + l.Name
			add(ogc, p, keyOptional(op("collection."+l.Name, l.Title+": the collection's description.", "OGC API",
				nil, ok200(mediaJSON, ref("Collection")), notModified(), errs())))
			params := append(itemsParams(), propertiesParam(l.Fields), sortByParam(l.Fields), asOfParam)
			if l.TimeStart != nil {
				params = append(params, ref("#/components/parameters/datetime"))
			}
			for _, f := range propertyFilters(l) {
				params = append(params, f)
			}
			add(ogc, p+"/items", keyOptional(op("items."+l.Name, l.Title+": a page of features. "+l.Description, "Features",
				params, itemsResponses(ref("FeatureCollection."+l.Name)), errs(400, 404))))
			add(ogc, p+"/items/{featureId}", keyOptional(op("item."+l.Name, l.Title+": one feature.", "Features",
				[]any{ref("#/components/parameters/featureId"), ref("#/components/parameters/crs"), itemFormat(), asOfParam},
				itemResponses(ref("Feature."+l.Name)), errs(400, 404))))
		}
		if s.Tiles != nil {
			s.openAPITiles(add, ogc, collectionID)
		}
	}
	if s.DB != nil {
		post := func(path string, o obj) { addMethod(nil, path, "post", o) }
		openAPIParcels(add, post)
		openAPIGeocode(add, post)
		openAPIConvert(add)
		openAPIParse(add, post)
		openAPIAddresses(add)
		openAPIImport(post)
	}
	if s.DB != nil && s.Catalog != nil {
		openAPILayers(add, func(path, method string, o obj) { addMethod(nil, path, method, o) })
		openAPIDownload(add)
		openAPIEdits(add, func(path, method string, o obj) { addMethod(nil, path, method, o) })
	}
	if s.Web != nil {
		name := obj{"name": paramName, "in": "path", "required": true, "schema": obj{"type": "string"}}
		add(nil, "/", anyone(op("viewer", "The map viewer's page.", "Viewer",
			nil, ok200("text/html", obj{"type": "string"}), notModified(), errs())))
		add(nil, "/static/{name}", anyone(op("static", "The viewer's own script and stylesheet.", "Viewer",
			[]any{name}, ok200("*/*", obj{"type": "string", "format": "binary"}), notModified(), errs(404))))
		add(nil, "/favicon.ico", anyone(op("favicon", "The viewer's icon.", "Viewer",
			nil, ok200(mediaIcon, obj{"type": "string", "format": "binary"}), notModified(), errs(404))))
		add(nil, "/lib/maplibre-gl@{version}/{name}", anyone(op("lib", "MapLibre GL JS files, immutable under their versioned path.", "Viewer",
			[]any{obj{"name": paramVersion, "in": "path", "required": true, "schema": obj{"type": "string"}}, name},
			ok200("*/*", obj{"type": "string", "format": "binary"}), notModified(), errs(404))))
		add(nil, "/styles/{name}.json", keyOptional(op("style", "A MapLibre style whose source is this service's TileJSON.", "Viewer",
			[]any{name}, ok200(mediaJSON, obj{"type": "object"}), notModified(), errs(404))))
		add(nil, "/fonts/{fontstack}/{range}.pbf", anyone(op("glyphs",
			"The glyphs of 256 code points that map labels are drawn with: signed distance fields at 24 px in Mapbox's glyphs protocol buffer, "+
				"from the first font of the comma-separated fontstack that has them (Noto Sans Regular, Noto Sans Bold; the ranges of Vietnamese text).", "Viewer",
			[]any{obj{"name": paramFontstack, "in": "path", "required": true, "schema": obj{"type": "string"}, "example": "Noto Sans Regular"},
				obj{"name": paramRange, "in": "path", "required": true, "schema": obj{"type": "string", "pattern": `^\d+-\d+$`}, "example": "7680-7935"}},
			ok200(mediaProtobuf, obj{"type": "string", "format": "binary"}), notModified(), errs(404))))
	}
	if s.Web != nil {
		openAPIPages(paths, add)
	}
	middlewareResponses(paths)
	return obj{
		"openapi": "3.0.3",
		"info": obj{"title": "bandoso", "version": version,
			"description": "The city's open geospatial data: land parcels, planning, streets, addresses and administrative units, " +
				"as vector tiles and through OGC API – Features and Tiles. Every GET also answers HEAD, and OPTIONS for CORS. " +
				"The service is free software under the Apache License 2.0; the data's licence is each layer's own (its collection's attribution, its catalog entry's licence).",
			"license": obj{"name": "Apache-2.0", "url": "https://www.apache.org/licenses/LICENSE-2.0"}},
		"servers":    root,
		"paths":      paths,
		"components": s.openAPIComponents(layers),
	}
}

// openAPITiles adds the OGC API – Tiles paths.
func (s *Server) openAPITiles(add func([]obj, string, obj), ogc []obj, collectionID obj) {
	tms := ref("#/components/parameters/tileMatrixSetId")
	coords := []any{tms, ref("#/components/parameters/tileMatrix"), ref("#/components/parameters/tileRow"),
		ref("#/components/parameters/tileCol"), acceptEncoding()}
	add(ogc, "/tileMatrixSets", anyone(op("tileMatrixSets", "The tile matrix sets served.", "Tiles",
		nil, ok200(mediaJSON, ref("TileMatrixSets")), notModified(), errs())))
	add(ogc, "/tileMatrixSets/{tileMatrixSetId}", anyone(op("tileMatrixSet", "A tile matrix set's definition.", "Tiles",
		[]any{tms}, ok200(mediaJSON, ref("TileMatrixSet")), notModified(), errs(404))))
	add(ogc, "/tiles", keyOptional(op("datasetTilesets", "The tilesets holding every collection.", "Tiles",
		nil, ok200(mediaJSON, ref("TileSets")), notModified(), errs())))
	add(ogc, "/tiles/{tileMatrixSetId}", keyOptional(op("datasetTileset", "The tileset of every collection.", "Tiles",
		[]any{tms}, ok200(mediaJSON, ref("TileSet")), notModified(), errs(404))))
	add(ogc, "/tiles/{tileMatrixSetId}/{tileMatrix}/{tileRow}/{tileCol}", keyOptional(op("datasetTile", "A vector tile of every collection.", "Tiles",
		coords, tileResponses(), errs(400, 404))))
	add(ogc, "/collections/{collectionId}/tiles", keyOptional(op("collectionTilesets", "A collection's tilesets.", "Tiles",
		[]any{collectionID}, ok200(mediaJSON, ref("TileSets")), notModified(), errs(404))))
	add(ogc, "/collections/{collectionId}/tiles/{tileMatrixSetId}", keyOptional(op("collectionTileset", "A collection's tileset.", "Tiles",
		[]any{collectionID, tms}, ok200(mediaJSON, ref("TileSet")), notModified(), errs(404))))
	add(ogc, "/collections/{collectionId}/tiles/{tileMatrixSetId}/{tileMatrix}/{tileRow}/{tileCol}", keyOptional(op("collectionTile", "A vector tile of one collection.", "Tiles",
		append([]any{collectionID}, coords...), tileResponses(), errs(400, 404))))
}

// op is an operation; responses are merged in order.
func op(id, summary, tag string, params []any, responses ...obj) obj {
	all := obj{}
	for _, r := range responses {
		for k, v := range r {
			all[k] = v
		}
	}
	o := obj{"operationId": id, "summary": summary, "tags": []string{tag}, "responses": all}
	if len(params) > 0 {
		o["parameters"] = params
	}
	return o
}

// ref is a reference to a component: a schema by its bare name, anything else by its pointer.
func ref(name string) obj {
	if !strings.HasPrefix(name, "#") {
		name = "#/components/schemas/" + name
	}
	return obj{"$ref": name}
}

func ok200(media string, schema obj) obj {
	return obj{"200": obj{"description": "OK", "content": obj{media: obj{"schema": schema}}}}
}

func notModified() obj {
	return obj{"304": obj{"description": "Not modified: the ETag in If-None-Match is current."}}
}

// errs are the problem+json responses: those given, and 500 and 503 on every route.
func errs(statuses ...int) obj {
	out := obj{"500": ref("#/components/responses/ServerError"), "503": ref("#/components/responses/Unavailable")}
	for _, st := range statuses {
		switch st {
		case http.StatusBadRequest:
			out["400"] = ref("#/components/responses/InvalidParameter")
		case http.StatusNotFound:
			out["404"] = ref("#/components/responses/NotFound")
		case http.StatusRequestEntityTooLarge:
			out["413"] = ref("#/components/responses/TooLarge")
		case http.StatusUnauthorized:
			out["401"] = ref("#/components/responses/Unauthorized")
		case http.StatusForbidden:
			out["403"] = ref("#/components/responses/Forbidden")
		case http.StatusConflict:
			out["409"] = ref("#/components/responses/Conflict")
		case http.StatusPreconditionFailed:
			out["412"] = ref("#/components/responses/PreconditionFailed")
		case http.StatusPreconditionRequired:
			out["428"] = ref("#/components/responses/PreconditionRequired")
		case http.StatusUnprocessableEntity:
			out["422"] = ref("#/components/responses/Unprocessable")
		}
	}
	return out
}

func tileResponses() obj {
	return obj{
		"200": obj{"description": "A Mapbox Vector Tile, gzipped when the client accepts it.",
			"headers": obj{"ETag": obj{"schema": obj{"type": "string"}}},
			"content": obj{mediaMVT: obj{"schema": obj{"type": "string", "format": "binary"}}}},
		"204": obj{"description": "The tile holds no features."},
		"304": obj{"description": "Not modified: the ETag in If-None-Match is current."},
	}
}

func itemsResponses(collection obj) obj {
	crs := obj{"Content-Crs": ref("#/components/headers/Content-Crs")}
	return obj{
		"200": obj{"description": "A page of features; next and prev links page through the collection.", "headers": crs,
			"content": obj{
				mediaGeoJSON: obj{"schema": collection},
				"text/csv":   obj{"schema": obj{"type": "string"}},
			}},
		"304": obj{"description": "Not modified: the ETag in If-None-Match is current."},
	}
}

func itemResponses(feature obj) obj {
	return obj{
		"200": obj{"description": "The feature.", "headers": obj{"Content-Crs": ref("#/components/headers/Content-Crs")},
			"content": obj{mediaGeoJSON: obj{"schema": feature}}},
		"304": obj{"description": "Not modified: the ETag in If-None-Match is current."},
	}
}

// itemsParams are the parameters of every items request.
func itemsParams() []any {
	out := []any{}
	for _, p := range []string{paramLimit, paramBBox, paramBBoxCRS, paramCRS, "itemsFormat", paramAfter, paramBefore,
		paramFilter, paramFilterLang, paramFilterCRS} {
		out = append(out, ref("#/components/parameters/"+p))
	}
	return out
}

// propertiesParam chooses the properties items carry, among fields when given.
func propertiesParam(fields []string) obj {
	item := obj{"type": "string"}
	if fields != nil {
		item["enum"] = fields
	}
	return obj{"name": paramProps, "in": "query", "style": "form", "explode": false,
		"description": "the properties each feature carries, comma-separated; all by default",
		"schema":      obj{"type": "array", "items": item}}
}

// sortByParam orders items by properties, among fields when given, each ascending or with
// a leading - descending.
func sortByParam(fields []string) obj {
	item := obj{"type": "string", "pattern": "^[+-]?[A-Za-z_][A-Za-z0-9_]*$"}
	if fields != nil {
		keys := make([]string, 0, 3*len(fields))
		for _, f := range fields {
			keys = append(keys, f, "+"+f, "-"+f)
		}
		item = obj{"type": "string", "enum": keys}
	}
	return obj{"name": paramSortBy, "in": "query", "style": "form", "explode": false,
		"description": "sort keys, comma-separated, each a property with + (ascending, the default) or - (descending); NULLs last, ties in id order",
		"schema":      obj{"type": "array", "items": item}}
}

func itemFormat() obj {
	return obj{"name": paramFormat, "in": "query", "description": "the output format: GeoJSON, or an HTML page",
		"schema": obj{"type": "string", "enum": []string{"json", "geojson", "html"}}}
}

func acceptEncoding() obj {
	return obj{"name": "Accept-Encoding", "in": "header", "description": "gzip gets the tile gzipped",
		"schema": obj{"type": "string"}}
}

// pathInt is an integer path parameter from lo to hi; hi < 0 leaves it open.
func pathInt(name string, lo, hi int) obj {
	schema := obj{"type": "integer", "minimum": lo}
	if hi >= 0 {
		schema["maximum"] = hi
	}
	return obj{"name": name, "in": "path", "required": true, "schema": schema}
}

// propertyFilters are layer l's equality filters, one query parameter per field, typed from
// the column.
func propertyFilters(l *catalog.Layer) []obj {
	out := make([]obj, 0, len(l.Fields))
	for i, f := range l.Fields {
		out = append(out, obj{"name": f, "in": "query", "required": false,
			"description": "features whose " + f + " equals this value",
			"schema":      columnSchema(l.FieldTypes[i])})
	}
	return out
}

// columnSchema is the JSON schema of a PostgreSQL column type (format_type) as features
// carry it: numbers as numbers, dates as ISO 8601 strings.
func columnSchema(pgType string) obj {
	switch store.ValueTypeOf(pgType) {
	case store.ValueInt32:
		return obj{"type": "integer", "format": "int32"}
	case store.ValueInt64:
		return obj{"type": "integer", "format": "int64"}
	case store.ValueNumber:
		return obj{"type": "number"}
	case store.ValueBoolean:
		return obj{"type": "boolean"}
	case store.ValueDate:
		return obj{"type": "string", "format": "date"}
	case store.ValueTimestamp:
		return obj{"type": "string", "format": "date-time"}
	}
	return obj{"type": "string"}
}

// listPattern matches a comma-separated list of names.
func listPattern(names []string) string {
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = regexp.QuoteMeta(n)
	}
	one := "(" + strings.Join(quoted, "|") + ")"
	return "^" + one + "(," + one + ")*$"
}

// orNull is a copy of schema that also takes null. OpenAPI 3.0 reads nullable only beside a
// type, so schema must have one: nullable next to allOf or $ref means nothing (the lint's
// nullable-type-sibling rule).
func orNull(schema obj) obj {
	out := maps.Clone(schema)
	out["nullable"] = true
	return out
}

// crsSchema is a CRS parameter's schema: the supported CRSs' URIs.
func crsSchema() obj {
	return obj{"type": "string", "format": "uri", "enum": crsURIs(), "default": geo.CRS84}
}
