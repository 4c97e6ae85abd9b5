package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// hostileTokens replace one JSON value of a valid body: hostile text as strings, and
// numbers past every range as they are written.
func hostileTokens() []string {
	var out []string
	for _, v := range hostileValues {
		s, _ := json.Marshal(v) // invalid UTF-8 becomes U+FFFD, as a client would send it
		out = append(out, string(s))
	}
	out = append(out, `"\u0000"`, `"\ud800"`, "1e308", "-1e308", "1e309", "99999999999999999999", "-0", "-1", "0.5",
		"null", "true", "[]", "{}", strings.Repeat("[", 1000)+strings.Repeat("]", 1000))
	return out
}

// leafPaths lists where the values of a JSON document are, as paths of object keys and
// array indexes, the first element of each array only.
func leafPaths(v any, prefix []any) [][]any {
	switch v := v.(type) {
	case map[string]any:
		var out [][]any
		for k, c := range v {
			out = append(out, leafPaths(c, append(prefix[:len(prefix):len(prefix)], k))...)
		}
		return out
	case []any:
		if len(v) == 0 {
			return [][]any{prefix}
		}
		return leafPaths(v[0], append(prefix[:len(prefix):len(prefix)], 0))
	}
	return [][]any{prefix}
}

// withToken writes doc as JSON with the value at path replaced by the raw token.
func withToken(doc any, path []any, token string) string {
	const mark = "\x01hostile\x01"
	var set func(v any, path []any) any
	set = func(v any, path []any) any {
		if len(path) == 0 {
			return mark
		}
		switch v := v.(type) {
		case map[string]any:
			c := make(map[string]any, len(v))
			for k, x := range v {
				c[k] = x
			}
			c[path[0].(string)] = set(v[path[0].(string)], path[1:])
			return c
		case []any:
			c := append([]any(nil), v...)
			c[0] = set(v[0], path[1:])
			return c
		}
		return v
	}
	b, err := json.Marshal(set(doc, path))
	if err != nil {
		panic(err)
	}
	q, _ := json.Marshal(mark)
	return strings.Replace(string(b), string(q), token, 1)
}

// hostileBodies sends a route that takes a body: every value of its valid JSON body replaced
// by hostile ones, nesting 100,000 deep, invalid UTF-8, 10 MB and wrong Content-Types.
func (e *hostileEnv) hostileBodies(t *testing.T, rt hostileRoute, method, target string) {
	send := func(body, contentType string) hostileResult {
		return e.sendHostile(t, rt, method, target, body, contentType, true)
	}
	// Whatever the body, an edit may be refused by the data (409, 422) or find its feature gone.
	bad := []int{http.StatusBadRequest, http.StatusRequestEntityTooLarge}
	refused := append([]int{rt.ok, http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity}, bad...)
	valid, contentType := rt.body(), rt.contentType()

	huge := `{"a":"` + strings.Repeat("a", 10<<20) + `"}`
	deep := strings.Repeat("[", 100000)
	cases := []struct {
		name, body, contentType string
		want                    []int
	}{
		{"nested 100000 deep", deep, contentType, bad},
		{"nested in a member", `{"geometry":` + deep, contentType, bad},
		{"nested object", strings.Repeat(`{"a":`, 100000), contentType, bad},
		{"invalid UTF-8", "\xff\xfe", contentType, bad},
		{"NUL", "\x00", contentType, bad},
		{"10 MB", huge, contentType, []int{http.StatusRequestEntityTooLarge}},
		{"empty", "", contentType, bad},
		{"two values", valid + valid, contentType, bad},
		{"text/plain", valid, "text/plain", bad},
		{"XML", "<a/>", "application/xml", bad},
		{"bad multipart", valid, "multipart/form-data; boundary=x", bad},
		// JSON with a malformed media type parameter is still JSON.
		{"bad media type", valid, "application/json; charset", []int{rt.ok, http.StatusNotFound, http.StatusConflict}},
	}
	switch {
	case strings.HasPrefix(contentType, "multipart/"):
		// The import: a form's fields are checked, its file is read by ingest.
		cases[5].want = bad          // under ImportMaxBytes, not a form
		cases[7].want = []int{rt.ok} // what follows a form's closing boundary is ignored
		cases[11].want = bad
		cases = append(cases, e.hostileImportCases(t)...)
	case contentType == "text/csv":
		// Batch geocoding: any bytes are a CSV file whose address column is searched;
		// a file without one is 400, and text in it is an address not found.
		for i := range cases {
			cases[i].want = []int{http.StatusOK, http.StatusBadRequest, http.StatusRequestEntityTooLarge}
		}
		for _, v := range hostileValues {
			cases = append(cases, struct {
				name, body, contentType string
				want                    []int
			}{"address " + strconv.Quote(v), "address\n" + csvField(v) + "\n", contentType, []int{http.StatusOK}})
		}
	default:
		var doc any
		if err := json.Unmarshal([]byte(valid), &doc); err != nil {
			t.Fatalf("valid body %s: %v", valid, err)
		}
		for _, path := range leafPaths(doc, nil) {
			for _, token := range hostileTokens() {
				cases = append(cases, struct {
					name, body, contentType string
					want                    []int
				}{fmt.Sprintf("%v=%.40s", path, token), withToken(doc, path, token), contentType, refused})
			}
		}
	}
	for _, c := range cases {
		checkHostile(t, "body "+c.name, send(c.body, c.contentType), c.want...)
	}
}

// csvField quotes v as one CSV field.
func csvField(v string) string {
	return `"` + strings.ReplaceAll(v, `"`, `""`) + `"`
}

// hostileImportCases put hostile values in each field of the import form and hostile bytes
// in its file.
func (e *hostileEnv) hostileImportCases(t *testing.T) []struct {
	name, body, contentType string
	want                    []int
} {
	var out []struct {
		name, body, contentType string
		want                    []int
	}
	add := func(name string, want []int, parts ...importPart) {
		body, ct := multipartBody(t, parts...)
		out = append(out, struct {
			name, body, contentType string
			want                    []int
		}{name, body, ct, want})
	}
	zones := fixture(t, "zoning.geojson")
	bad := []int{http.StatusBadRequest, http.StatusNotFound, http.StatusUnprocessableEntity}
	// Without map, no feature has zone_code, part of the key: each is refused, none written.
	add("without the key column", []int{http.StatusUnprocessableEntity},
		field("layer", "planning_zones"), field("dry_run", "true"), filePart("z.geojson", zones))
	for _, v := range hostileValues {
		for _, f := range []string{"layer", "format", "crs", "map", "set", "mode", "fix", "dry_run"} {
			parts := []importPart{field("layer", "planning_zones"), field("dry_run", "true"), filePart("z.geojson", zones)}
			switch f {
			case "layer", "dry_run":
				parts[map[string]int{"layer": 0, "dry_run": 1}[f]] = field(f, v)
			default:
				parts = append(parts, field(f, v))
			}
			add(fmt.Sprintf("field %s=%q", f, v), bad, parts...)
		}
		for _, name := range []string{"z.geojson", "z.csv", v} {
			add(fmt.Sprintf("file %s holding %q", name, v), bad,
				field("layer", "planning_zones"), field("dry_run", "true"), filePart(name, v))
		}
	}
	return out
}
