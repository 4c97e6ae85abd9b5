package api

// The layer catalog (layers.go) in the OpenAPI document.

// layerParam is the {layer} path parameter.
var layerParam = obj{"name": paramLayer, "in": "path", "required": true, "schema": obj{"type": "string"},
	"description": "the layer's name in the catalog"}

// openAPILayers adds /v1/layers and /v1/layers/{layer}; add registers a GET, addMethod any
// other method.
func openAPILayers(add func([]obj, string, obj), addMethod func(path, method string, o obj)) {
	add(nil, "/v1/layers", keyOptional(op("layers",
		"The layer catalog: each layer's title, description, source, licence, fields, zoom range, update time, feature count and extent. "+
			"Restricted layers are listed only for requests with an API key.", "Catalog",
		nil, ok200(mediaJSON, ref("Catalog")), errs(401))))
	add(nil, "/v1/layers/{layer}", keyOptional(op("layer", "One layer of the catalog; a restricted one needs an API key.", "Catalog",
		[]any{layerParam}, ok200(mediaJSON, ref("CatalogEntry")), errs(401, 404))))
	patch := op("patchLayer", "Change a layer's title, description, source, licence or whether it is public (admin role). "+
		"Every instance serves the change at once; the audit log keeps the entry before and after.", "Catalog",
		[]any{layerParam}, ok200(mediaJSON, ref("CatalogEntry")), errs(400, 401, 403, 404, 413))
	patch["requestBody"] = obj{"required": true, "content": obj{mediaJSON: obj{"schema": ref("LayerPatch")}}}
	addMethod("/v1/layers/{layer}", "patch", keyed(patch))
}

func layerSchemas() obj {
	str := obj{"type": "string"}
	return obj{
		"CatalogEntry": obj{"type": "object",
			"required": []string{"name", "title", "public", "geometry_type", "fields", "updated_at", "feature_count", "links"},
			"properties": obj{"name": str, "title": str, "description": str, "source": str, "licence": str,
				"synthetic":     obj{"type": "boolean", "description": "the layer holds generated demo data"},
				"public":        obj{"type": "boolean", "description": "false: reading it needs an API key"},
				"geometry_type": obj{"type": "string", "enum": []string{"Point", "LineString", "Polygon"}},
				"fields": obj{"type": "array", "items": obj{"type": "object", "required": []string{"name", "type"},
					"properties": obj{"name": str, "type": obj{"type": "string", "description": "PostgreSQL type"}}}},
				"min_zoom": obj{"type": "integer"}, "max_zoom": obj{"type": "integer"},
				"updated_at":    obj{"type": "string", "format": "date-time", "description": "when the entry or its data last changed"},
				"feature_count": obj{"type": "integer", "format": "int64"},
				"extent": obj{"type": "array", "nullable": true, "minItems": 4, "maxItems": 4, "items": obj{"type": "number"},
					"description": "west, south, east, north in degrees; null for an empty layer"},
				"links": obj{"type": "array", "items": ref("Link")}}},
		"Catalog": obj{"type": "object", "required": []string{"layers"},
			"properties": obj{"layers": obj{"type": "array", "items": ref("CatalogEntry")}}},
		"LayerPatch": obj{"type": "object", "additionalProperties": false, "minProperties": 1,
			"properties": obj{"title": obj{"type": "string", "minLength": 1}, "description": str, "source": str, "licence": str,
				"public": obj{"type": "boolean"}}},
	}
}
