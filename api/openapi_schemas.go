package api

import (
	"maps"
	"strconv"

	"bandoso/catalog"
	"bandoso/geo"
)

// The components of the OpenAPI document: schemas of the bodies this package writes, the
// shared parameters of items and tiles, and the problem+json responses of problem.go.

func (s *Server) openAPIComponents(layers []*catalog.Layer) obj {
	str := obj{"type": "string"}
	links := obj{"type": "array", "items": ref("Link")}
	problem := func(desc string) obj {
		return obj{"description": desc, "content": obj{mediaProblem: obj{"schema": ref("Problem")}}}
	}
	// A client counts as its API key when it sends a valid one, otherwise as its address.
	tooMany := problem("The client is past its rate limit, its share of the database's work or its uploads at once; retry after Retry-After.")
	tooMany["headers"] = obj{"Retry-After": obj{"description": "seconds to wait", "schema": obj{"type": "integer"}}}
	schemas := obj{
		"Problem": obj{"type": "object", "description": "RFC 9457 problem details.",
			"required": []string{"type", "title", "status"},
			"properties": obj{
				"type": obj{"type": "string", "format": "uri-reference"}, "title": str,
				"status": obj{"type": "integer", "minimum": 400, "maximum": 599}, "detail": str,
				"instance": str, "request_id": str,
				"errors": obj{"type": "array", "items": ref("ParamDetail")},
			}},
		"ParamDetail": obj{"type": "object", "description": "One bad parameter (RFC 9457 §3 errors member).",
			"required":   []string{"parameter", "detail"},
			"properties": obj{"parameter": str, "detail": str}},
		"Link": obj{"type": "object", "required": []string{"href", "rel"},
			"properties": obj{"href": str, "rel": str, "type": str, "title": str, "templated": obj{"type": "boolean"}}},
		"LandingPage": obj{"type": "object", "required": []string{"links"},
			"properties": obj{"title": str, "description": str, "links": links}},
		"ConfClasses": obj{"type": "object", "required": []string{"conformsTo"},
			"properties": obj{"conformsTo": obj{"type": "array", "items": str}}},
		"Collection": obj{"type": "object", "required": []string{"id", "links"},
			"properties": obj{"id": str, "title": str, "description": str, "attribution": str, "itemType": str,
				"crs": obj{"type": "array", "items": str}, "storageCrs": str, "links": links,
				"extent": obj{"type": "object", "properties": obj{"spatial": obj{"type": "object", "properties": obj{
					"bbox": obj{"type": "array", "items": obj{"type": "array", "minItems": 4, "maxItems": 4, "items": obj{"type": "number"}}},
					"crs":  str}}}}}},
		"Collections": obj{"type": "object", "required": []string{"links", "collections"},
			"properties": obj{"links": links, "collections": obj{"type": "array", "items": ref("Collection")}}},
		"Geometry": obj{"type": "object", "nullable": true, "description": "A GeoJSON geometry (RFC 7946 §3.1).",
			"required": []string{"type"},
			"properties": obj{
				"type": obj{"type": "string", "enum": []string{"Point", "MultiPoint", "LineString", "MultiLineString",
					"Polygon", "MultiPolygon", "GeometryCollection"}},
				"coordinates": obj{"type": "array", "items": obj{}},
				"geometries":  obj{"type": "array", "items": ref("Geometry")},
			}},
		"Feature":           featureSchema(obj{"type": "object", "nullable": true}),
		"FeatureCollection": featureCollectionSchema(ref("Feature")),
		"TileMatrixSets": obj{"type": "object", "required": []string{"tileMatrixSets"},
			"properties": obj{"links": links, "tileMatrixSets": obj{"type": "array", "items": obj{"type": "object",
				"required": []string{"id", "links"}, "properties": obj{"id": str, "title": str, "uri": str, "crs": str, "links": links}}}}},
		"TileMatrixSet": obj{"type": "object", "description": "OGC Two Dimensional Tile Matrix Set 2.0, JSON encoding.",
			"required": []string{"crs", "tileMatrices"},
			"properties": obj{"id": str, "title": str, "uri": str, "crs": str,
				"tileMatrices": obj{"type": "array", "items": obj{"type": "object",
					"required": []string{"id", "scaleDenominator", "cellSize", "pointOfOrigin", "tileWidth", "tileHeight", "matrixWidth", "matrixHeight"},
					"properties": obj{"id": str, "scaleDenominator": obj{"type": "number"}, "cellSize": obj{"type": "number"},
						"cornerOfOrigin": obj{"type": "string", "enum": []string{"topLeft", "bottomLeft"}},
						"pointOfOrigin":  obj{"type": "array", "minItems": 2, "maxItems": 2, "items": obj{"type": "number"}},
						"tileWidth":      obj{"type": "integer"}, "tileHeight": obj{"type": "integer"},
						"matrixWidth": obj{"type": "integer"}, "matrixHeight": obj{"type": "integer"}}}}}},
		"TileSet": obj{"type": "object", "description": "Tileset metadata (OGC 20-057 tileSet).",
			"required":   []string{"dataType", "crs", "links"},
			"properties": obj{"title": str, "dataType": obj{"type": "string", "enum": []string{"map", "vector", "coverage"}}, "crs": str, "tileMatrixSetURI": str, "links": links}},
		"TileSets": obj{"type": "object", "required": []string{"tilesets"},
			"properties": obj{"links": links, "tilesets": obj{"type": "array", "items": ref("TileSet")}}},
		"TileJSON": obj{"type": "object", "description": "TileJSON 3.0.0.",
			"required": []string{"tilejson", "tiles", "vector_layers"},
			"properties": obj{"tilejson": str, "name": str, "description": str, "version": str, "attribution": str,
				"scheme": obj{"type": "string", "enum": []string{"xyz"}}, "tiles": obj{"type": "array", "items": str},
				"minzoom": obj{"type": "integer"}, "maxzoom": obj{"type": "integer"},
				"bounds": obj{"type": "array", "minItems": 4, "maxItems": 4, "items": obj{"type": "number"}},
				"center": obj{"type": "array", "minItems": 3, "maxItems": 3, "items": obj{"type": "number"}},
				"vector_layers": obj{"type": "array", "items": obj{"type": "object", "required": []string{"id", "fields"},
					"properties": obj{"id": str, "description": str, "minzoom": obj{"type": "integer"}, "maxzoom": obj{"type": "integer"},
						"fields": obj{"type": "object", "description": "each attribute's type",
							"additionalProperties": obj{"type": "string", "enum": []string{"Number", "String", "Boolean"}}}}}}}},
		"Functions": obj{"type": "object", "required": []string{"functions"},
			"properties": obj{"functions": obj{"type": "array", "items": obj{"type": "object", "required": []string{"name", "arguments", "returns"},
				"properties": obj{"name": str, "description": str,
					"arguments": obj{"type": "array", "items": obj{"type": "object", "required": []string{"type"},
						"properties": obj{"title": str, "description": str, "type": obj{"type": "array", "items": str}}}},
					"returns": obj{"type": "array", "items": str}}}}}},
		"Health": obj{"type": "object", "required": []string{"status"},
			"properties": obj{"status": obj{"type": "string", "enum": []string{"ok"}}, "version": str}},
		"Ready": obj{"type": "object", "required": []string{"status"},
			"properties": obj{"status": obj{"type": "string", "enum": []string{"ready"}}, "schema_version": obj{"type": "integer"},
				"replicas": obj{"type": "array", "description": "the streaming replicas reads may go to (serve --replica-url); one down does not make the instance unready",
					"items": obj{"type": "object", "required": []string{"name", "up", "lag_seconds", "replayed_lsn"},
						"properties": obj{"name": obj{"type": "string"}, "up": obj{"type": "boolean"}, "lag_seconds": obj{"type": "number"},
							"replayed_lsn": obj{"type": "string"}, "error": obj{"type": "string"}}}},
				"redis": obj{"type": "object", "required": []string{"up", "errors"},
					"description": "With --redis-url only: whether Redis answers. Redis is optional: the instance is ready without it.",
					"properties": obj{"up": obj{"type": "boolean"}, "errors": obj{"type": "integer", "description": "calls to Redis that failed since the start"},
						"error": str, "serving": obj{"type": "string", "description": "what the instance does without Redis"}}}}},
	}
	maps.Copy(schemas, parcelSchemas())
	maps.Copy(schemas, geocodeSchemas())
	maps.Copy(schemas, convertSchemas())
	maps.Copy(schemas, parseSchemas())
	maps.Copy(schemas, addressSchemas())
	maps.Copy(schemas, layerSchemas())
	maps.Copy(schemas, archiveSchemas())
	maps.Copy(schemas, importSchemas())
	maps.Copy(schemas, editSchemas())
	for _, l := range layers {
		props := obj{}
		for _, p := range propertyFilters(l) {
			schema := p["schema"].(obj)
			schema["nullable"] = true
			props[p["name"].(string)] = schema
		}
		schemas["Feature."+l.Name] = featureSchema(obj{"type": "object", "properties": props})
		schemas["FeatureCollection."+l.Name] = featureCollectionSchema(ref("Feature." + l.Name))
	}
	crs := crsSchema()
	return obj{
		"securitySchemes": obj{apiKeyScheme: obj{"type": "http", "scheme": "bearer",
			"description": "An API key made with `bandoso keys create`, sent as Authorization: Bearer <key> (or X-API-Key). " +
				"Roles: reader (restricted layers), editor (also edits and imports), admin (also the catalog and the audit log)."}},
		"schemas": schemas,
		"parameters": obj{
			paramLimit: obj{"name": paramLimit, "in": "query", "style": "form", "explode": false,
				"description": "the most features in a page; a larger value is served " + strconv.Itoa(s.Config.Limits.ItemsMaxLimit),
				"schema":      obj{"type": "integer", "minimum": 1, "maximum": s.Config.Limits.ItemsMaxLimit, "default": defaultItemLimit}},
			paramBBox: obj{"name": paramBBox, "in": "query", "style": "form", "explode": false,
				"description": "only features meeting this box: min x, min y, max x, max y in bbox-crs (CRS84 by default)",
				"schema":      obj{"type": "array", "minItems": 4, "maxItems": 4, "items": obj{"type": "number"}}},
			paramBBoxCRS: obj{"name": paramBBoxCRS, "in": "query", "description": "the CRS of bbox; EPSG:n also names EPSG's", "schema": crs},
			paramCRS:     obj{"name": paramCRS, "in": "query", "description": "the CRS of the geometries returned; EPSG:n also names EPSG's", "schema": crs},
			"itemsFormat": obj{"name": paramFormat, "in": "query", "description": "the output format: GeoJSON, CSV with WKT geometry, or an HTML page with a map",
				"schema": obj{"type": "string", "enum": []string{"json", "geojson", "csv", "html"}}},
			paramAfter: obj{"name": paramAfter, "in": "query", "description": "the page after this cursor, as the next link carries it: a feature id, or with sortby an opaque value",
				"schema": str},
			paramBefore: obj{"name": paramBefore, "in": "query", "description": "the page before this cursor, as the prev link carries it",
				"schema": str},
			paramFilter: obj{"name": paramFilter, "in": "query", "description": "a CQL2 filter in filter-lang over the collection's queryables",
				"schema": str},
			// No schema defaults: the server refuses filter-lang and filter-crs without filter,
			// and clients that fill in defaults would send them.
			paramFilterLang: obj{"name": paramFilterLang, "in": "query", "description": "the language of filter, cql2-text unless given; only with filter",
				"schema": obj{"type": "string", "enum": []string{"cql2-text", "cql2-json"}}},
			paramFilterCRS: obj{"name": paramFilterCRS, "in": "query", "description": "the CRS of the filter's geometries, CRS84 unless given; only with filter",
				"schema": obj{"type": "string", "format": "uri", "enum": filterCRSURIs()}},
			paramDatetime: obj{"name": paramDatetime, "in": "query",
				"description": "features valid at this instant or during this interval (start/end, .. for an open end), RFC 3339 dates or date-times; only on collections with validity dates",
				"schema":      str},
			paramFeatureID:     obj{"name": paramFeatureID, "in": "path", "required": true, "schema": obj{"type": "integer", "format": "int64"}},
			paramTileMatrixSet: obj{"name": paramTileMatrixSet, "in": "path", "required": true, "schema": obj{"type": "string", "enum": []string{tmsWebMercatorQuad}}},
			paramTileMatrix:    obj{"name": paramTileMatrix, "in": "path", "required": true, "description": "the zoom", "schema": obj{"type": "integer", "minimum": 0, "maximum": geo.MaxZoom}},
			paramTileRow:       obj{"name": paramTileRow, "in": "path", "required": true, "description": "XYZ's y", "schema": obj{"type": "integer", "minimum": 0}},
			paramTileCol:       obj{"name": paramTileCol, "in": "path", "required": true, "description": "XYZ's x", "schema": obj{"type": "integer", "minimum": 0}},
		},
		"headers": obj{
			"Content-Crs": obj{"description": "the CRS of the geometries, in angle brackets", "schema": str},
		},
		"responses": obj{
			"InvalidParameter":     problem("A parameter is malformed or unknown; errors names it."),
			"TooLarge":             problem("The request body is over the size limit."),
			"Unauthorized":         problem("An API key is needed, or the one sent is not valid or revoked; WWW-Authenticate says how to send one."),
			"Forbidden":            problem("The API key's role does not allow this."),
			"Conflict":             problem("A record with this key exists."),
			"PreconditionFailed":   problem("If-Match names a version that is no longer current: read the feature again."),
			"PreconditionRequired": problem("An edit without If-Match: send the feature's ETag from GET, or * for any version."),
			"Unprocessable":        problem("The data breaks a rule of the layer (a check, a reference, a geometry)."),
			"NotFound":             problem("No such resource, or a tile outside the tileset's limits."),
			"ServerError":          problem("Internal error; the body names only the request id."),
			"Unavailable":          problem("The database is unavailable, not migrated, or the request timed out; retry after Retry-After."),
			"TooManyRequests":      tooMany,
		},
	}
}

// featureSchema is a GeoJSON feature whose properties have the schema props.
func featureSchema(props obj) obj {
	return obj{"type": "object", "required": []string{"type", "geometry", "properties"},
		"properties": obj{
			"type":       obj{"type": "string", "enum": []string{"Feature"}},
			"id":         obj{"type": "integer", "format": "int64"},
			"geometry":   ref("Geometry"),
			"properties": props,
			"links":      obj{"type": "array", "items": ref("Link")},
		}}
}

// featureCollectionSchema is a page of items of the schema item.
func featureCollectionSchema(item obj) obj {
	return obj{"type": "object", "required": []string{"type", "features"},
		"properties": obj{
			"type":           obj{"type": "string", "enum": []string{"FeatureCollection"}},
			"features":       obj{"type": "array", "items": item},
			"numberMatched":  obj{"type": "integer", "minimum": 0},
			"numberReturned": obj{"type": "integer", "minimum": 0},
			"timeStamp":      obj{"type": "string", "format": "date-time"},
			"links":          obj{"type": "array", "items": ref("Link")},
		}}
}

// filterCRSURIs are the CRSs filter-crs takes: those with easting (or longitude) first.
func filterCRSURIs() []string {
	var out []string
	for _, c := range geo.CRSs {
		if !c.LatFirst {
			out = append(out, c.URI)
		}
	}
	return out
}
