package api

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"reflect"
	"strings"
)

// decodeBody reads a JSON body of at most max bytes (413 beyond) into v: one JSON value, with
// only the members v knows, each once and named in their exact case (checkMembers). A body declared as something other than JSON is 415-worthy, but
// answered 400 naming the body, as every other bad body is.
func decodeBody(w http.ResponseWriter, r *http.Request, max int64, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !isJSONType(ct) {
		return &ParamError{paramBody, "want a JSON body (Content-Type application/json), not " + ct}
	}
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, max))
	if err != nil {
		return err // *http.MaxBytesError: 413
	}
	if err := checkMembers(raw, reflect.TypeOf(v)); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return &ParamError{paramBody, "not the JSON object expected: " + err.Error()}
	}
	if dec.More() {
		return &ParamError{paramBody, "more than one JSON value"}
	}
	return nil
}

// isJSONType accepts application/json and the +json types (geo+json, merge-patch+json).
func isJSONType(contentType string) bool {
	mt, _, _ := strings.Cut(contentType, ";")
	mt = strings.ToLower(strings.TrimSpace(mt))
	return mt == "application/json" || strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json")
}
