package api_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"bandoso/api"
	"bandoso/store/storetest"
	"bandoso/tiles"
)

// FuzzTilePath sends tile paths built from arbitrary {layers}, {z}, {x} and {y} through the
// router on a migrated database. Whatever the input, the answer is 200, 204, 304, 400 or 404,
// never a 5xx or a panic; an error is problem+json; and a coordinate that is not a decimal
// integer within its range is 400 naming that parameter, checked z first, then x, then y.
// The seeds are in testdata/fuzz/FuzzTilePath.
func FuzzTilePath(f *testing.F) {
	db := storetest.New(f)
	handler := (&api.Server{DB: db, Tiles: tiles.New(db, nil)}).Handler()
	f.Fuzz(func(t *testing.T, layers, z, x, y string) {
		path := "/tiles/" + layers + "/" + z + "/" + x + "/" + y + ".mvt"
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.URL.Path = path // as net/http decodes it; the fuzzer may put any byte here
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, req)
		switch rec.Code {
		case http.StatusOK, http.StatusNoContent, http.StatusNotModified, http.StatusBadRequest, http.StatusNotFound:
		default:
			t.Fatalf("%q: status %d; body %s", path, rec.Code, rec.Body)
		}
		var p api.Problem
		if rec.Code >= 400 {
			if ct := rec.Header().Get("Content-Type"); ct != "application/problem+json" {
				t.Fatalf("%q: %d with Content-Type %q", path, rec.Code, ct)
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || p.Status != rec.Code {
				t.Fatalf("%q: problem %s: %v", path, rec.Body, err)
			}
		}
		// Where each value fills one segment, the route matches and the coordinates decide.
		for _, seg := range []string{layers, z, x, y} {
			if seg == "" || strings.Contains(seg, "/") {
				return
			}
		}
		if strings.Contains(y, ".") {
			return // {y}.mvt: a dot in y ends the parameter early
		}
		want := badCoordinate(z, x, y)
		if want == "" {
			if rec.Code == http.StatusBadRequest {
				t.Fatalf("%q: 400 for a valid tile: %s", path, rec.Body)
			}
			return
		}
		if rec.Code != http.StatusBadRequest || len(p.Errors) != 1 || p.Errors[0].Parameter != want {
			t.Fatalf("%q: status %d, errors %+v; want 400 naming %s", path, rec.Code, p.Errors, want)
		}
	})
}

// badCoordinate names the first of z, x, y that is not a tile coordinate, or returns "".
func badCoordinate(z, x, y string) string {
	zoom, ok := coordinate(z, tiles.MaxZoom)
	if !ok {
		return "z"
	}
	if _, ok := coordinate(x, 1<<zoom-1); !ok {
		return "x"
	}
	if _, ok := coordinate(y, 1<<zoom-1); !ok {
		return "y"
	}
	return ""
}

// coordinate parses s as ASCII digits only, with a value from 0 to max.
func coordinate(s string, max int) (int, bool) {
	if s == "" || strings.Trim(s, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return n, err == nil && n <= max
}
