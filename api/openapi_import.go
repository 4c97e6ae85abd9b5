package api

import (
	"net/http"

	"bandoso/ingest"
)

// POST /v1/admin/import (admin_import.go) in the OpenAPI document.

// openAPIImport adds /v1/admin/import with post.
func openAPIImport(post func(string, obj)) {
	str := obj{"type": "string"}
	boolean := obj{"type": "string", "enum": []string{"true", "false", "1", "0"}}
	reports := obj{"anyOf": []any{ref("ImportReport"), ref("OSMImportReport")}}
	o := op("importFile",
		"Imports a GeoJSON, CSV, Shapefile (.zip) or GeoPackage file into a layer, as `bandoso import` does "+
			"(editor role; admins may too). Every feature is checked first, against every rule of the layer's table; by default one "+
			"refused feature refuses the whole file (422, nothing written, the report lists every problem); with on_invalid=skip "+
			"the others are written and the refused ones come back in rejects. 201: written; 200: a dry run, everything done "+
			"and rolled back. "+
			"Shapefile and GeoPackage need GDAL's ogr2ogr (gdal-bin) on the server: 501 without. The audit log names the key.", "Import",
		nil, obj{
			"200": obj{"description": "A dry run: the report says what would be written; nothing was.",
				"content": obj{mediaJSON: obj{"schema": reports}}},
			"201": obj{"description": "Written: the features of the file are in the layer (with on_invalid=skip, those not refused); " +
				"for layer osm, the extract's streets, addresses, places and basemap.",
				"content": obj{mediaJSON: obj{"schema": reports}}},
			"422": obj{"description": "Refused: some feature has a problem and nothing was written; report lists the problems.",
				"content": obj{mediaProblem: obj{"schema": ref("ImportRefused")}}},
			"501": obj{"description": "A Shapefile or GeoPackage, and this server lacks GDAL's ogr2ogr (gdal-bin).",
				"content": obj{mediaProblem: obj{"schema": ref("Problem")}}},
		}, errs(http.StatusBadRequest, http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound, http.StatusRequestEntityTooLarge))
	o["requestBody"] = obj{"required": true, "content": obj{"multipart/form-data": obj{"schema": obj{
		"type": "object", "required": []string{importFieldFile, importFieldLayer},
		"properties": obj{
			importFieldFile: obj{"type": "string", "format": "binary", "description": "the file; its name's extension chooses the format unless format says"},
			importFieldLayer: obj{"type": "string", "description": "the layer to import into, e.g. addresses, planning_zones, wards (404 when unknown); " +
				"osm for an OpenStreetMap extract (.osm.pbf, .osm), which feeds streets, addresses, pois and the basemap layers"},
			importFieldFormat: obj{"type": "string", "enum": []string{ingest.FormatGeoJSON, ingest.FormatCSV, ingest.FormatShapefile, ingest.FormatGeoPackage, ingest.FormatOSM}},
			importFieldCRS: obj{"type": "string", "description": "the CRS of the file's coordinates, over what the file says: any EPSG code " +
				"the database knows, e.g. EPSG:9210, EPSG:32648"},
			importFieldMap: obj{"type": "array", "items": str,
				"description": "target=source,…: take the layer's field target from the file's field source (repeatable)"},
			importFieldSet: obj{"type": "array", "items": str,
				"description": "target=value,…: a constant for every feature (repeatable)"},
			importFieldMode:   obj{"type": "string", "enum": []string{"append", "upsert", "replace"}, "description": "the layer's default unless given"},
			importFieldFix:    withDesc(boolean, "repair geometries: close rings, remove repeated points, ST_MakeValid; the report names each repair"),
			importFieldDryRun: withDesc(boolean, "do everything, then roll back: the report says what would be written"),
			importFieldOnInvalid: obj{"type": "string", "enum": []string{"refuse", "skip"},
				"description": "refuse (default): one refused feature refuses the file; skip: write the others, the refused ones come back in rejects"},
			importFieldBounds: obj{"type": "string", "description": "the box features must fall in: vn, a province of 2025 (79, Hồ Chí Minh) or " +
				"minlon,minlat,maxlon,maxlat; default the catalog's region, else vn"},
			importFieldSource:      obj{"type": "string", "description": "where the data comes from, for the layer's catalog entry"},
			importFieldSourceLayer: obj{"type": "string", "description": "the file's layer to read, for a GeoPackage (or a .zip of Shapefiles) holding several"},
			importFieldLicence:     obj{"type": "string", "description": "the data's licence, for the layer's catalog entry"},
		}}}}}
	post(importPath, keyed(o))
}

func withDesc(schema obj, desc string) obj {
	out := obj{"description": desc}
	for k, v := range schema {
		out[k] = v
	}
	return out
}

// importSchemas are the bodies of the import route.
func importSchemas() obj {
	str := obj{"type": "string"}
	integer := obj{"type": "integer"}
	action := obj{"type": "string", "enum": []string{ingest.Refused, ingest.Repaired, ingest.Warning}}
	problem := obj{"type": "object", "required": []string{"feature", "problem", "detail", "action"},
		"properties": obj{"feature": obj{"type": "integer", "description": "from 1 in file order; 0 is the file as a whole"},
			"id": str, "field": str, "problem": str, "detail": str, "action": action}}
	report := obj{"type": "object",
		"required": []string{"layer", "file", "format", "srid", "crs", "mode", "outcome", "features_read", "written", "problem_counts", "problems"},
		"properties": obj{
			"layer": str, "file": str, "format": str, "srid": integer, "crs": str,
			"crs_from":   obj{"type": "string", "enum": []string{"flag", "file", "default"}},
			"file_srid":  obj{"type": "integer", "description": "the CRS the file names, when crs overrode it"},
			"xy_swapped": obj{"type": "boolean"},
			"bounds":     obj{"type": "string", "description": "the box features were checked against"},
			"mode":       str, "dry_run": obj{"type": "boolean"}, "fix": obj{"type": "boolean"},
			"on_invalid":    obj{"type": "string", "enum": []string{"refuse", "skip"}},
			"outcome":       obj{"type": "string", "enum": []string{"written", "refused", "dry_run"}},
			"features_read": integer, "written": integer, "inserted": integer, "updated": integer,
			"rejected":       obj{"type": "integer", "description": "features refused: not written"},
			"problem_counts": obj{"type": "object", "additionalProperties": integer, "description": "every problem, by code"},
			"refusals":       integer,
			"summary": obj{"type": "array", "description": "the problems grouped by code and action, refused first, with a few examples",
				"items": obj{"type": "object", "required": []string{"problem", "action", "count", "examples"},
					"properties": obj{"problem": str, "action": action, "count": integer, "examples": obj{"type": "array", "items": problem}}}},
			"problems": obj{"type": "array", "description": "every problem, in feature order", "items": problem},
			"rejects": obj{"description": "the refused features as the file had them, in its CRS, each with its reasons in " + ingest.ProblemsField +
				"; null when none", "type": "object", "nullable": true},
			"seconds": obj{"type": "number"},
		}}
	counts := obj{"type": "object", "required": []string{"inserted", "updated", "unchanged", "deleted"},
		"properties": obj{"inserted": integer, "updated": integer, "unchanged": integer, "deleted": integer}}
	osm := obj{"type": "object", "required": []string{"file", "bounds", "records", "streets", "addresses", "summary"},
		"description": "what an OpenStreetMap extract held and what its import did to each table",
		"properties": obj{
			"file": str, "dry_run": obj{"type": "boolean"},
			"bounds":  obj{"type": "array", "items": obj{"type": "number"}, "description": "min lon, min lat, max lon, max lat: where vanished objects were removed"},
			"records": obj{"type": "object", "additionalProperties": integer, "description": "records read, by kind"},
			"lines":   counts, "areas": counts, "pois": counts, "streets": counts, "addresses": counts,
			"skipped":        obj{"type": "integer", "description": "records not imported; summary says why"},
			"problem_counts": obj{"type": "object", "additionalProperties": integer},
			"summary": obj{"type": "array", "items": obj{"type": "object", "required": []string{"problem", "action", "count", "examples"},
				"properties": obj{"problem": str, "action": action, "count": integer, "examples": obj{"type": "array", "items": problem}}}},
			"seconds": obj{"type": "number"},
		}}
	return obj{
		"OSMImportReport": osm,
		"ImportReport":    report,
		"ImportRefused": obj{"description": "A problem (type /problems/import-refused) carrying the import's report.",
			"allOf": []any{ref("Problem"), obj{"type": "object", "required": []string{"report"},
				"properties": obj{"report": ref("ImportReport")}}}},
	}
}
