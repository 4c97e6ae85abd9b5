package api

// Layer downloads and the DCAT catalog (download.go, dcat.go) in the OpenAPI document.

// openAPIDownload adds /v1/layers/{layer}/download and /v1/catalog.jsonld.
func openAPIDownload(add func([]obj, string, obj)) {
	params := []any{layerParam,
		obj{"name": paramFormat, "in": "query", "description": "the file's format: GeoJSON (RFC 7946), CSV (id, properties, WKT; UTF-8) or GeoPackage (needs GDAL on the server)",
			"schema": obj{"type": "string", "enum": []string{formatGeoJSON, formatCSV, formatGPKG}, "default": formatGeoJSON}},
		obj{"name": paramBOM, "in": "query", "description": "f=csv only: begin with a UTF-8 byte order mark, which Excel needs to read Vietnamese letters",
			"schema": obj{"type": "boolean", "default": true}},
	}
	for _, p := range []string{paramBBox, paramBBoxCRS, paramFilter, paramFilterLang, paramFilterCRS} {
		params = append(params, ref("#/components/parameters/"+p))
	}
	params = append(params, propertiesParam(nil), sortByParam(nil), ref("#/components/parameters/datetime"), asOfParam)
	file := obj{"type": "string", "format": "binary"}
	headers := obj{
		"Content-Disposition": obj{"description": "attachment; filename=<layer>-<date>.<format>", "schema": obj{"type": "string"}},
		"Link":                obj{"description": "the layer's catalog entry (rel=describedby) and its licence's page (rel=license) when known", "schema": obj{"type": "string"}},
		"X-Data-Source":       obj{"description": "where the data comes from (RFC 2047 encoded words when not ASCII)", "schema": obj{"type": "string"}},
		"X-Data-Licence":      obj{"description": "the layer's licence as the catalog writes it", "schema": obj{"type": "string"}},
	}
	add(nil, "/v1/layers/{layer}/download", keyOptional(op("download",
		"Every feature of a layer as one file, for open-data catalogs: the features the same filters select from the OGC API items "+
			"(bbox, filter, properties, sortby, datetime, as_of; no paging, WGS 84 only), read from one snapshot and streamed as they come. "+
			"A restricted layer needs an API key. One client receives --downloads-per-client downloads at once (429 beyond).",
		"Catalog", params,
		obj{"200": obj{"description": "The file.", "headers": headers, "content": obj{
			mediaGeoJSON:    obj{"schema": ref("FeatureCollection")},
			"text/csv":      obj{"schema": obj{"type": "string"}},
			mediaGeoPackage: obj{"schema": file}}},
			"501": obj{"description": "f=gpkg, and this server lacks GDAL's ogr2ogr (gdal-bin).",
				"content": obj{mediaProblem: obj{"schema": ref("Problem")}}}},
		errs(400, 401, 404))))
	add(nil, catalogPath, keyOptional(op("dcatCatalog",
		"The layer catalog as DCAT in JSON-LD (a DCAT-AP style dcat:Catalog) for open-data portals to harvest: a dcat:Dataset per layer "+
			"with its title, description, licence, publisher, extent and update time, a dcat:Distribution per download format and for the "+
			"OGC API and tiles, which are dcat:DataService. Restricted layers only with an API key.",
		"Catalog", nil, ok200(mediaJSONLD, obj{"type": "object",
			"required": []string{"@context", "@id", "@type", "dcat:dataset"},
			"properties": obj{"@context": obj{"type": "object"}, "@id": obj{"type": "string", "format": "uri"},
				"@type":        obj{"type": "string", "enum": []string{"dcat:Catalog"}},
				"dcat:dataset": obj{"type": "array", "items": obj{"type": "object", "description": "a dcat:Dataset: one layer"}},
				"dcat:service": obj{"type": "array", "items": obj{"type": "object", "description": "a dcat:DataService: the OGC API, the tiles"}}}}), notModified(), errs(401))))
}
