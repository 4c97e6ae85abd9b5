package api

import (
	"net/http"
	"slices"
)

// Every problem this service answers (RFC 9457) names its type by a URI under /problems/,
// and that URI answers a page saying what the problem means and what to do about it: HTML,
// or JSON when the client prefers it. A test checks that every type the code names is here.

// problemsPath is the folder of the problem types; /problems lists them.
const problemsPath = "/problems"

// problemType is what a problem type URI documents.
type problemType struct {
	Name   string `json:"-"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	// Description says when the service answers the problem and what the client can do.
	Description string `json:"description"`
}

// problemTypes are every problem type, by name.
var problemTypes = []problemType{
	{"body-timeout", "Request body too slow", http.StatusRequestTimeout,
		"The request's body stopped arriving, or took longer than the server waits for one. Send it again, all at once."},
	{"busy", "Server busy", http.StatusServiceUnavailable,
		"The server has more database work queued than it takes on, or is not ready to serve. Retry after the seconds in Retry-After; another instance behind the same address may answer at once."},
	{"conflict", "Conflict", http.StatusConflict,
		"A record with the same key exists: a parcel with the same ward, map sheet and parcel number, a layer or a key of the same name. Change the key, or change the record that holds it."},
	{"forbidden", "Not allowed", http.StatusForbidden,
		"The API key is valid, but its role may not do this: reading a restricted layer needs a reader key, editing an editor key, imports and the audit log an admin key."},
	{"gdal-missing", "GDAL not installed", http.StatusNotImplemented,
		"Shapefile and GeoPackage files are read through GDAL's ogr2ogr, which this server lacks (the Debian and Ubuntu package gdal-bin). GeoJSON and CSV need nothing: convert the file, or install GDAL on the server."},
	{"glyphs-not-built", "Glyphs not built", http.StatusServiceUnavailable,
		"This server's binary was built without the map labels' glyphs (made from Debian's fonts-noto-core by `make web`): maps draw without labels. Build the binary with `make build`."},
	{"import-refused", "Import refused", http.StatusUnprocessableEntity,
		"Some features of the file have problems, so nothing was written: an import is all or nothing. The problem's report lists each feature refused and why (invalid geometry, out of the city's bounds, duplicate key, missing field)."},
	{"internal", "Internal error", http.StatusInternalServerError,
		"Something failed inside the server. The answer carries a request id; the server's log holds the cause under it."},
	{"invalid-data", "Invalid data", http.StatusUnprocessableEntity,
		"The body is well formed but the database refuses it: a value outside what the layer allows, an invalid geometry, a reference to a record that does not exist. The errors member names the property at fault."},
	{"invalid-parameter", "Invalid parameter", http.StatusBadRequest,
		"A query, path or body parameter is malformed, unknown, or out of range. The errors member names each parameter and says what is wrong with it; the API reference lists every parameter of each request."},
	{"method-not-allowed", "Method not allowed", http.StatusMethodNotAllowed,
		"The resource exists but does not support the method. The Allow header lists the methods it does."},
	{"not-found", "Not found", http.StatusNotFound,
		"Nothing is at this path, or the collection, layer, feature, tile, style or code it names does not exist, or is restricted and the request carries no key that may read it."},
	{"not-ready", "Database schema not current", http.StatusServiceUnavailable,
		"The database lacks migrations this version of the server needs. An operator runs `bandoso migrate`."},
	{"precondition-required", "Precondition required", http.StatusPreconditionRequired,
		"Changing a feature needs the version it changes: send the ETag of your last read of it in If-Match, so that a change made in between is not overwritten."},
	{"rate-limited", "Too many requests", http.StatusTooManyRequests,
		"This client has sent more requests, or more at once, than the server allows one client. Retry after the seconds in Retry-After."},
	{"stale", "Precondition failed", http.StatusPreconditionFailed,
		"The feature changed since the version named in If-Match. Read it again, apply the change to what it is now, and send its current ETag."},
	{"timeout", "Timed out", http.StatusServiceUnavailable,
		"The request took longer than the server allows. Ask for less: a smaller bbox, a lower limit, a narrower filter."},
	{"too-large", "Request body too large", http.StatusRequestEntityTooLarge,
		"The body is larger than the server takes for this request; the detail says how large it may be. Split the upload."},
	{"unauthorized", "API key needed", http.StatusUnauthorized,
		"This request needs an API key, sent as Authorization: Bearer <key>, and none was sent or the one sent is unknown, expired or revoked."},
	{"unavailable", "Database unavailable", http.StatusServiceUnavailable,
		"The database cannot be reached. The server reconnects by itself; retry after the seconds in Retry-After."},
	{"viewer-not-built", "Viewer not built", http.StatusServiceUnavailable,
		"This binary was built without the files it copies from npm (MapLibre for the map viewer, Swagger UI for the API reference). An operator builds it with `make build`."},
}

// problemTypeView is a problem type as its JSON and its page show it.
type problemTypeView struct {
	Type string `json:"type"`
	problemType
}

func (p problemType) view() problemTypeView {
	return problemTypeView{Type: problemsPath + "/" + p.Name, problemType: p}
}

// handleProblems serves GET /problems: every problem type.
func (s *Server) handleProblems(w http.ResponseWriter, r *http.Request) error {
	list := make([]problemTypeView, len(problemTypes))
	for i, p := range problemTypes {
		list[i] = p.view()
	}
	if err := s.checkFormat(r); err != nil {
		return err
	}
	if negotiateJSON(w, r, true) {
		return s.writeDocument(w, r, mediaJSON, map[string]any{"problemTypes": list})
	}
	return s.writePage(w, r, "problems", pageCSP, page{Title: "Problem types",
		Description: "Each error this service answers is a problem (RFC 9457, application/problem+json) whose type is one of these.",
		Formats:     []link{alternate(r, formatJSON, mediaJSON, "JSON")}, Body: list})
}

// handleProblem serves GET /problems/{name}: what the problem type means.
func (s *Server) handleProblem(w http.ResponseWriter, r *http.Request) error {
	name := pathParam(r, paramName)
	i := slices.IndexFunc(problemTypes, func(p problemType) bool { return p.Name == name })
	if i < 0 {
		return &NotFoundError{What: "problem type", Name: name}
	}
	v := problemTypes[i].view()
	if err := s.checkFormat(r); err != nil {
		return err
	}
	if negotiateJSON(w, r, true) {
		return s.writeDocument(w, r, mediaJSON, v)
	}
	return s.writePage(w, r, "problem", pageCSP, page{Title: v.Title,
		Crumbs:  []link{{Href: externalBase(r) + problemsPath, Title: "Problem types"}},
		Formats: []link{alternate(r, formatJSON, mediaJSON, "JSON")}, Body: v})
}
