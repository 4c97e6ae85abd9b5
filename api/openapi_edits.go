package api

// Feature edits, history and the audit log (edits.go, history.go, audit.go) in the OpenAPI
// document.

// asOfParam reads a layer as it was at a past time.
var asOfParam = obj{"name": paramAsOf, "in": "query", "schema": obj{"type": "string"},
	"description": "the data as it was then: a date (YYYY-MM-DD) is the end of that day in Vietnam (UTC+7); an RFC 3339 time is that instant (its offset's '+' escaped %2B, or left as is and read back from the space it becomes); " +
		"a time to come is now. Past tiles are not cached."}

var (
	featureIDParam = obj{"name": paramEditID, "in": "path", "required": true, "schema": obj{"type": "integer", "format": "int64", "minimum": 1}}
	reasonParam    = obj{"name": paramReason, "in": "query", "schema": obj{"type": "string", "maxLength": reasonMaxBytes},
		"description": "why the change is made, kept in the feature's history and the audit log; a reason member of the body wins"}
	ifMatchParam = obj{"name": "If-Match", "in": "header", "required": true, "schema": obj{"type": "string"},
		"description": "the feature's ETag as read (GET), or * for whatever version is current; a stale one is 412"}
)

// openAPIEdits adds the edit, history and audit routes; add registers a GET, addMethod any other.
func openAPIEdits(add func([]obj, string, obj), addMethod func(path, method string, o obj)) {
	const tag = "Edits"
	feature := obj{"description": "the feature as it now is; ETag is its version",
		"headers": obj{"ETag": obj{"schema": obj{"type": "string"}}},
		"content": obj{mediaGeoJSON: obj{"schema": ref("EditableFeature")}}}
	body := func(media ...string) obj {
		content := obj{}
		for _, m := range media {
			content[m] = obj{"schema": ref("FeatureEdit")}
		}
		return obj{"required": true, "content": content}
	}
	path := "/v1/layers/{layer}/features"
	create := op("createFeature", "Add a feature to a layer (editor role). Properties left out take their default.", tag,
		[]any{layerParam, reasonParam}, obj{"201": feature}, errs(400, 401, 403, 404, 409, 413, 422))
	create["requestBody"] = body(mediaGeoJSON, mediaJSON)
	addMethod(path, "post", keyed(create))

	item := path + "/{id}"
	add(nil, item, keyOptional(op("feature", "A feature with every property an edit may set, and its version as ETag; a restricted layer needs a key.", tag,
		[]any{layerParam, featureIDParam}, obj{"200": feature}, notModified(), errs(400, 401, 404))))
	put := op("replaceFeature", "Replace a feature's geometry and properties (editor role); properties left out become null or their default.", tag,
		[]any{layerParam, featureIDParam, ifMatchParam, reasonParam}, obj{"200": feature}, errs(400, 401, 403, 404, 409, 412, 413, 422, 428))
	put["requestBody"] = body(mediaGeoJSON, mediaJSON)
	addMethod(item, "put", keyed(put))
	patch := op("patchFeature", "Change some of a feature's properties or its geometry by a JSON merge patch (RFC 7396; editor role): null clears a property.", tag,
		[]any{layerParam, featureIDParam, ifMatchParam, reasonParam}, obj{"200": feature}, errs(400, 401, 403, 404, 409, 412, 413, 422, 428))
	patch["requestBody"] = body("application/merge-patch+json", mediaGeoJSON, mediaJSON)
	addMethod(item, "patch", keyed(patch))
	addMethod(item, "delete", keyed(op("deleteFeature", "Delete a feature (editor role); its history stays.", tag,
		[]any{layerParam, featureIDParam, ifMatchParam, reasonParam},
		obj{"204": obj{"description": "deleted"}}, errs(400, 401, 403, 404, 412, 428))))

	add(nil, item+"/history", keyed(op("featureHistory", "A feature's versions, newest first, with who made each change and why; deleted features keep theirs (any role).", tag,
		[]any{layerParam, featureIDParam,
			query(paramLimit, "entries per page", obj{"type": "integer", "minimum": 1, "maximum": historyMaxLimit, "default": historyDefaultLimit}),
			query(paramCursor, "entries older than this position, as the next link carries it", obj{"type": "string"}),
		}, ok200(mediaJSON, ref("FeatureHistory")), errs(400, 401, 403, 404))))
	str := obj{"type": "string"}
	add(nil, "/v1/admin/audit", keyed(op("audit", "The audit log, newest first (admin role); follow next for older entries.", tag,
		[]any{
			query(paramLayer, "only the rows of this layer's table", str),
			query(paramAuditTable, "only rows of this table", str),
			query(paramAuditActor, "only changes by this actor, e.g. key:<name>", str),
			query(paramAuditAction, "only this kind of change", obj{"type": "string", "enum": []string{"insert", "update", "delete"}}),
			query(paramAuditRowID, "only changes of this row id", obj{"type": "integer", "format": "int64", "minimum": 1}),
			query(paramSince, "changes at or after this RFC 3339 time or date (Vietnam time)", str),
			query(paramUntil, "changes before this RFC 3339 time or date (Vietnam time)", str),
			query(paramAuditLimit, "entries per page", obj{"type": "integer", "minimum": 1, "maximum": auditMaxLimit, "default": auditDefaultLimit}),
			query(paramCursor, "older entries than this id, as the next link carries it", obj{"type": "integer", "format": "int64"}),
		}, ok200(mediaJSON, ref("AuditPage")), errs(400, 401, 403, 404))))
}

func editSchemas() obj {
	str := obj{"type": "string"}
	nextLink := obj{"type": "string", "format": "uri", "description": "the next page, when more follow; the same as the link of rel next"}
	pageLinks := obj{"type": "array", "items": ref("Link"), "description": "this page (rel self) and the next (rel next), when more follow"}
	reasonTruncated := obj{"type": "boolean", "description": "the stored reason was longer than 1024 characters and is cut to them"}
	anyJSON := obj{}
	return obj{
		"EditableFeature": obj{"type": "object", "required": []string{"type", "id", "geometry", "properties"},
			"properties": obj{"type": obj{"type": "string", "enum": []string{"Feature"}}, "id": obj{"type": "integer", "format": "int64"},
				"geometry": ref("Geometry"), "properties": obj{"type": "object"}}},
		"FeatureEdit": obj{"type": "object", "additionalProperties": false,
			"description": "a GeoJSON Feature (for PATCH, a merge patch of one); reason says why",
			"properties": obj{"type": obj{"type": "string", "enum": []string{"Feature"}}, "id": anyJSON,
				"geometry": anyJSON, "properties": obj{"type": "object"}, "reason": obj{"type": "string", "maxLength": reasonMaxBytes, "description": "at most 1024 bytes"}}},
		"FeatureHistory": obj{"type": "object", "required": []string{"layer", "id", "versions", "links"},
			"properties": obj{"layer": str, "id": obj{"type": "integer", "format": "int64"}, "links": pageLinks, "next": nextLink,
				"versions": obj{"type": "array", "items": obj{"type": "object",
					"required": []string{"version", "valid_from", "valid_to", "action", "actor", "reason", "reason_truncated", "feature"},
					"properties": obj{"version": obj{"type": "string", "nullable": true, "description": "the version's ETag; null for a deletion"},
						"valid_from":       obj{"type": "string", "format": "date-time"},
						"valid_to":         obj{"type": "string", "format": "date-time", "nullable": true},
						"action":           obj{"type": "string", "enum": []string{"insert", "update", "delete"}},
						"actor":            obj{"type": "string", "nullable": true, "description": "null for data loaded in bulk without audit"},
						"reason":           obj{"type": "string", "nullable": true},
						"reason_truncated": reasonTruncated,
						"feature":          obj{"type": "object", "nullable": true}}}}}},
		"AuditPage": obj{"type": "object", "required": []string{"entries", "links"},
			"properties": obj{"next": nextLink, "links": pageLinks,
				"entries": obj{"type": "array", "items": obj{"type": "object",
					"required": []string{"id", "at", "actor", "action", "table", "row_id", "reason", "reason_truncated", "before", "after"},
					"properties": obj{"id": obj{"type": "integer", "format": "int64"}, "at": obj{"type": "string", "format": "date-time"},
						"actor": str, "action": str, "table": str, "row_id": obj{"type": "integer", "format": "int64"},
						"reason": obj{"type": "string", "nullable": true}, "reason_truncated": reasonTruncated,
						"before": obj{"type": "object", "nullable": true}, "after": obj{"type": "object", "nullable": true}}}}}},
	}
}
