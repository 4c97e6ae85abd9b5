package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"bandoso/api"
	"bandoso/catalog"
	"bandoso/geo"
	"bandoso/store"
	"bandoso/store/storetest"
	"bandoso/tiles"
)

// FuzzTilePath sends tile addresses built from arbitrary {layers}, {z}, {x} and {y} through
// the router on a migrated database, as /tiles/{layers}/{z}/{x}/{y}.mvt and as the OGC API
// tile /ogc/collections/{layers}/tiles/WebMercatorQuad/{z}/{y}/{x}. Whatever the input, the
// answer is 200, 204, 304, 400 or 404, never a 5xx or a panic, and an error is problem+json.
// Where each value fills one path segment: on /tiles a coordinate that is not a decimal
// integer in range is 400 naming it, z first, then x, then y; on the OGC route of a known
// collection a value that is not a decimal integer is 400 and a tile outside the tileset's
// limits 404, both naming the parameter. The seeds are in testdata/fuzz/FuzzTilePath.
func FuzzTilePath(f *testing.F) {
	db := storetest.New(f)
	cat := catalog.New(db)
	layers, err := cat.Layers(context.Background())
	if err != nil {
		f.Fatal(err)
	}
	zooms := map[string][2]int{}
	for _, l := range layers {
		zooms[l.Name] = [2]int{l.MinZoom, l.MaxZoom}
	}
	handler := testServer(api.Server{DB: db, Catalog: cat, Tiles: tiles.New(db, cat, nil)}).Handler()
	f.Fuzz(func(t *testing.T, layers, z, x, y string) {
		oneSegment := true
		for _, seg := range []string{layers, z, x, y} {
			oneSegment = oneSegment && seg != "" && !strings.Contains(seg, "/")
		}

		path := "/tiles/" + layers + "/" + z + "/" + x + "/" + y + ".mvt"
		p := serveFuzzed(t, handler, path)
		// {y}.mvt: a dot in y ends the parameter early, and the route may not match.
		if oneSegment && !strings.Contains(y, ".") {
			checkFuzzedParam(t, path, p, http.StatusBadRequest,
				firstOutside([3]string{"z", "x", "y"}, [3]string{z, x, y}, 0, geo.MaxZoom))
		}

		path = "/ogc/collections/" + layers + "/tiles/WebMercatorQuad/" + z + "/" + y + "/" + x
		p = serveFuzzed(t, handler, path)
		if zr, known := zooms[layers]; oneSegment && known {
			if param := badOGCSyntax(z, y, x); param != "" {
				checkFuzzedParam(t, path, p, http.StatusBadRequest, param)
			} else {
				checkFuzzedParam(t, path, p, http.StatusNotFound,
					firstOutside([3]string{"tileMatrix", "tileRow", "tileCol"}, [3]string{z, y, x}, zr[0], zr[1]))
			}
		}
	})
}

// serveFuzzed serves a GET of path, checks the properties every answer has, and returns the
// problem of an error answer.
func serveFuzzed(t *testing.T, handler http.Handler, path string) *api.Problem {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.URL.Path = path // as net/http decodes it; the fuzzer may put any byte here
	rec := httptest.NewRecorder()
	handler.ServeHTTP(rec, req)
	switch rec.Code {
	case http.StatusOK, http.StatusNoContent, http.StatusNotModified:
		return nil
	case http.StatusBadRequest, http.StatusNotFound:
	default:
		t.Fatalf("%q: status %d; body %s", path, rec.Code, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("%q: %d with Content-Type %q", path, rec.Code, ct)
	}
	var p api.Problem
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || p.Status != rec.Code {
		t.Fatalf("%q: problem %s: %v", path, rec.Body, err)
	}
	return &p
}

// checkFuzzedParam asserts a problem with status naming param, or, with param "", that the
// answer is not such a problem.
func checkFuzzedParam(t *testing.T, path string, p *api.Problem, status int, param string) {
	t.Helper()
	named := p != nil && p.Status == status && len(p.Errors) == 1 && p.Errors[0].Parameter == param
	if param == "" && p != nil && p.Status == status && len(p.Errors) > 0 {
		t.Fatalf("%q: %d naming %s for a valid tile", path, status, p.Errors[0].Parameter)
	}
	if param != "" && !named {
		t.Fatalf("%q: problem %+v; want %d naming %s", path, p, status, param)
	}
}

// badOGCSyntax names the first of tileMatrix, tileRow, tileCol that is not digits only.
func badOGCSyntax(matrix, row, col string) string {
	for _, c := range [][2]string{{"tileMatrix", matrix}, {"tileRow", row}, {"tileCol", col}} {
		if c[1] == "" || strings.Trim(c[1], "0123456789") != "" {
			return c[0]
		}
	}
	return ""
}

// firstOutside names the first of a zoom and two tile indexes (digits only, or any text) that
// is not a tile from zoom minZ to maxZ, or returns "".
func firstOutside(names, values [3]string, minZ, maxZ int) string {
	zoom, ok := coordinate(values[0], maxZ)
	if !ok || zoom < minZ {
		return names[0]
	}
	for i := 1; i < 3; i++ {
		if _, ok := coordinate(values[i], 1<<zoom-1); !ok {
			return names[i]
		}
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

// FuzzRequestBody posts an arbitrary body with an arbitrary Content-Type through the router
// on a migrated database, with an editor's key: a feature created (POST), replaced (PUT) and
// merge-patched (PATCH), and the parcel query (POST /v1/parcels/query). Whatever the bytes, the answer is never a 5xx, an error is
// problem+json with its status, and a 400 names the parameter at fault: the body, the
// geometry, a property or a member of the query. The seeds are in testdata/fuzz/FuzzRequestBody.
func FuzzRequestBody(f *testing.F) {
	db := storetest.New(f)
	_, secret, err := db.CreateKey(context.Background(), "fuzz", store.RoleEditor, "fuzz")
	if err != nil {
		f.Fatal(err)
	}
	cat := catalog.New(db)
	handler := testServer(api.Server{DB: db, Catalog: cat, Tiles: tiles.New(db, cat, nil)}, func(s *api.Server) {
		s.Config.Limits.EditMaxBytes, s.Config.Limits.QueryMaxBytes = 64<<10, 64<<10
	}).Handler()
	targets := []struct{ method, path string }{
		{http.MethodPost, "/v1/layers/parcels/features"},
		{http.MethodPut, "/v1/layers/parcels/features/1"},
		{http.MethodPatch, "/v1/layers/parcels/features/1"},
		{http.MethodPost, "/v1/parcels/query"},
	}
	f.Fuzz(func(t *testing.T, body []byte, contentType string, target uint8) {
		tg := targets[int(target)%len(targets)]
		req := httptest.NewRequest(tg.method, tg.path, bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+secret)
		req.Header.Set("If-Match", "*")
		req.Header.Set("Content-Type", contentType)
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, req)
		what := fmt.Sprintf("%s %s %q (%s)", tg.method, tg.path, body, contentType)
		switch rec.Code {
		case http.StatusOK, http.StatusCreated:
			return
		case http.StatusBadRequest, http.StatusNotFound, http.StatusConflict, http.StatusPreconditionFailed,
			http.StatusRequestEntityTooLarge, http.StatusUnprocessableEntity:
		default:
			t.Fatalf("%s: status %d; body %s", what, rec.Code, rec.Body)
		}
		var p api.Problem
		if ct := rec.Header().Get("Content-Type"); ct != "application/problem+json" {
			t.Fatalf("%s: %d with Content-Type %q", what, rec.Code, ct)
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || p.Status != rec.Code {
			t.Fatalf("%s: problem %s: %v", what, rec.Body, err)
		}
		if rec.Code == http.StatusBadRequest && (len(p.Errors) != 1 || p.Errors[0].Parameter == "") {
			t.Fatalf("%s: a 400 naming no parameter: %s", what, rec.Body)
		}
	})
}
