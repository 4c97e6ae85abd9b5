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
	o := op("importFile",
		"Imports a GeoJSON, CSV, Shapefile (.zip) or GeoPackage file into a layer, all or nothing, as `bandoso import` does "+
			"(editor role; admins may too). Every feature is checked first; one problem refuses the whole file (422, nothing "+
			"written, the report lists them all). 201: written; 200: a clean dry run, nothing written. "+
			"Shapefile and GeoPackage need GDAL's ogr2ogr (gdal-bin) on the server: 501 without. The audit log names the key.", "Import",
		nil, obj{
			"200": obj{"description": "A clean dry run: every feature would be written; nothing was.",
				"content": obj{mediaJSON: obj{"schema": ref("ImportReport")}}},
			"201": obj{"description": "Written: every feature of the file is in the layer.",
				"content": obj{mediaJSON: obj{"schema": ref("ImportReport")}}},
			"422": obj{"description": "Refused: some feature has a problem and nothing was written; report lists the problems.",
				"content": obj{mediaProblem: obj{"schema": ref("ImportRefused")}}},
			"501": obj{"description": "A Shapefile or GeoPackage, and this server lacks GDAL's ogr2ogr (gdal-bin).",
				"content": obj{mediaProblem: obj{"schema": ref("Problem")}}},
		}, errs(http.StatusBadRequest, http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound, http.StatusRequestEntityTooLarge))
	o["requestBody"] = obj{"required": true, "content": obj{"multipart/form-data": obj{"schema": obj{
		"type": "object", "required": []string{importFieldFile, importFieldLayer},
		"properties": obj{
			importFieldFile:   obj{"type": "string", "format": "binary", "description": "the file; its name's extension chooses the format unless format says"},
			importFieldLayer:  obj{"type": "string", "description": "the layer to import into, e.g. addresses, planning_zones, wards (404 when unknown)"},
			importFieldFormat: obj{"type": "string", "enum": []string{ingest.FormatGeoJSON, ingest.FormatCSV, ingest.FormatShapefile, ingest.FormatGeoPackage}},
			importFieldCRS:    obj{"type": "string", "description": "the CRS of the file's coordinates when it does not say, e.g. EPSG:9210"},
			importFieldMap: obj{"type": "array", "items": str,
				"description": "target=source,…: take the layer's field target from the file's field source (repeatable)"},
			importFieldSet: obj{"type": "array", "items": str,
				"description": "target=value,…: a constant for every feature (repeatable)"},
			importFieldMode:   obj{"type": "string", "enum": []string{"append", "upsert", "replace"}, "description": "the layer's default unless given"},
			importFieldFix:    withDesc(boolean, "repair invalid geometries with ST_MakeValid; the report names each"),
			importFieldDryRun: withDesc(boolean, "check and report, write nothing"),
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
	report := obj{"type": "object",
		"required": []string{"layer", "file", "format", "srid", "crs", "mode", "outcome", "features_read", "written", "problem_counts", "problems"},
		"properties": obj{
			"layer": str, "file": str, "format": str, "srid": integer, "crs": str,
			"crs_from":   obj{"type": "string", "enum": []string{"flag", "file", "default"}},
			"xy_swapped": obj{"type": "boolean"},
			"mode":       str, "dry_run": obj{"type": "boolean"}, "fix": obj{"type": "boolean"},
			"outcome":       obj{"type": "string", "enum": []string{"written", "refused", "dry_run"}},
			"features_read": integer, "written": integer, "inserted": integer, "updated": integer,
			"problem_counts": obj{"type": "object", "additionalProperties": integer, "description": "every problem, by code"},
			"refusals":       integer,
			"problems": obj{"type": "array", "description": "the first problems in feature order; problem_counts counts them all",
				"items": obj{"type": "object", "required": []string{"feature", "problem", "detail", "action"},
					"properties": obj{"feature": obj{"type": "integer", "description": "from 1 in file order; 0 is the file as a whole"},
						"id": str, "field": str, "problem": str, "detail": str,
						"action": obj{"type": "string", "enum": []string{ingest.Refused, ingest.Repaired, ingest.Warning}}}}},
			"seconds": obj{"type": "number"},
		}}
	return obj{
		"ImportReport": report,
		"ImportRefused": obj{"description": "A problem (type /problems/import-refused) carrying the import's report.",
			"allOf": []any{ref("Problem"), obj{"type": "object", "required": []string{"report"},
				"properties": obj{"report": ref("ImportReport")}}}},
	}
}
