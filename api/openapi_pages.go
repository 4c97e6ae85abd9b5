package api

import (
	"strings"

	"bandoso/web"
)

// pageOperations are the operations whose resource has an HTML page (html_ogc.go,
// html_items.go, apidoc.go): their ids, or the prefixes of one collection's ids.
var pageOperations = []string{"landing", "landingSlash", "conformance", "api", "collections", "collection", "queryables",
	"items", "item", "collection.", "items.", "item."}

// openAPIPages adds the HTML pages to the document's paths: text/html as a second answer of
// the operations of pageOperations, chosen by f=html or by Accept, and the pages' own paths.
func openAPIPages(paths obj, add func([]obj, string, obj)) {
	formatParam := obj{"name": paramFormat, "in": "query", "description": "json, the default, or html for the page",
		"schema": obj{"type": "string", "enum": []string{formatJSON, formatHTML}}}
	for _, item := range paths {
		get, _ := item.(obj)["get"].(obj)
		id, _ := get["operationId"].(string)
		if get == nil || !hasPage(id) {
			continue
		}
		ok, _ := get["responses"].(obj)["200"].(obj)
		if content, _ := ok["content"].(obj); content != nil {
			content["text/html"] = obj{"schema": obj{"type": "string"}}
		}
		// items and item name f among their formats already
		if !strings.HasPrefix(id, "item") {
			params, _ := get["parameters"].([]any)
			get["parameters"] = append(params, formatParam)
		}
	}
	text := obj{"type": "string"}
	pageOrJSON := func(schema obj) obj {
		return obj{"200": obj{"description": "OK", "content": obj{"text/html": obj{"schema": text}, mediaJSON: obj{"schema": schema}}}}
	}
	problemType := obj{"type": "object", "required": []string{"type", "title", "status", "description"}, "properties": obj{
		"type": text, "title": text, "status": obj{"type": "integer"}, "description": text}}
	name := obj{"name": paramName, "in": "path", "required": true, "schema": text}
	add(nil, apiPagePath, anyone(op("apiReference", "The API reference: this document, rendered by Swagger UI.", "Viewer",
		nil, ok200("text/html", text), notModified(), errs())))
	add(nil, problemsPath, anyone(op("problemTypes", "Every problem type: an HTML page, or JSON when the client prefers it.", "Service",
		[]any{formatParam}, pageOrJSON(obj{"type": "object", "required": []string{"problemTypes"},
			"properties": obj{"problemTypes": obj{"type": "array", "items": problemType}}}), notModified(), errs())))
	add(nil, problemsPath+"/{name}", anyone(op("problemType", "What a problem type (a problem's type URI) means and what to do about it: an HTML page, or JSON when the client prefers it.", "Service",
		[]any{name, formatParam}, pageOrJSON(problemType), notModified(), errs(404))))
	add(nil, "/lib/"+web.SwaggerUI+"@{version}/{name}", anyone(op("swaggerUI", "Swagger UI's files, immutable under their versioned path.", "Viewer",
		[]any{obj{"name": paramVersion, "in": "path", "required": true, "schema": obj{"type": "string"}}, name},
		ok200("*/*", obj{"type": "string", "format": "binary"}), notModified(), errs(404))))
}

func hasPage(id string) bool {
	for _, p := range pageOperations {
		if id == p || strings.HasSuffix(p, ".") && strings.HasPrefix(id, p) {
			return true
		}
	}
	return false
}
