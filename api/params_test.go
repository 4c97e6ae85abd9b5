package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb/maptile"

	"bandoso/geo"
	"bandoso/store"
)

// encodeURIComponent escapes s as JavaScript's encodeURIComponent does the characters a code
// or a time holds: '+' as %2B, a space as %20.
func encodeURIComponent(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}

// escapeAt escapes the byte of path at i, needlessly ('s' as %73): the path then differs from
// Go's own escaping of it, and chi routes on it as written.
func escapeAt(path string, i int) string {
	return fmt.Sprintf("%s%%%02X%s", path[:i], path[i], path[i+1:])
}

// sameAnswer says two answers agree: status, media type and body, a JSON body without the
// members that name the request or the moment (links, next, timeStamp).
func sameAnswer(a, b tileResponse) bool {
	if a.status != b.status || a.header.Get("Content-Type") != b.header.Get("Content-Type") {
		return false
	}
	var ja, jb map[string]any
	if json.Unmarshal(a.body, &ja) != nil || json.Unmarshal(b.body, &jb) != nil {
		return bytes.Equal(a.body, b.body)
	}
	for _, j := range []map[string]any{ja, jb} {
		delete(j, "links")
		delete(j, "timeStamp")
		delete(j, "next")
	}
	return reflect.DeepEqual(ja, jb)
}

// TestEscapedPathParameters: a path parameter means the same however the client escapes it.
// A path whose escapes are not Go's own (a plus code's '+' as %2B, as encodeURIComponent writes
// it; a letter escaped needlessly) is routed as written, and chi hands its parameters over
// still escaped; every route with a parameter answers it as it answers the path unescaped.
func TestEscapedPathParameters(t *testing.T) {
	e := newTileEnv(t)
	ctx := context.Background()
	var parcel, address int64
	var code string
	if err := e.pool.QueryRow(ctx, `SELECT (SELECT min(id) FROM parcels), a.id, a.code FROM addresses a ORDER BY a.id LIMIT 1`).
		Scan(&parcel, &address, &code); err != nil {
		t.Fatal(err)
	}
	tile := maptile.At([2]float64{e.centre[0], e.centre[1]}, 16)
	hyphens := strings.ReplaceAll(geo.FormatRegistryCode(code), " ", "-")
	for _, c := range []struct {
		path string
		at   string // the part of path whose first byte is escaped
	}{
		{"/v1/codes/" + hyphens, "-"},
		{"/v1/codes/" + code, code[3:]},
		{"/v1/layers/parcels", "s"},
		{fmt.Sprintf("/v1/layers/parcels/features/%d", parcel), fmt.Sprint(parcel)},
		{fmt.Sprintf("/v1/parcels/%d/planning", parcel), fmt.Sprint(parcel)},
		{"/ogc/collections/parcels", "s"},
		{fmt.Sprintf("/ogc/collections/addresses/items/%d", address), fmt.Sprint(address)},
		{"/ogc/tileMatrixSets/WebMercatorQuad", "Quad"},
		{fmt.Sprintf("/ogc/collections/parcels/tiles/WebMercatorQuad/%d/%d/%d", tile.Z, tile.Y, tile.X), "Mercator"},
		{"/tiles/parcels.json", "s.json"},
		{tilePath("parcels,streets", tile), ",streets"},
		{"/styles/default.json", "t.json"},
		{"/static/viewer.js", ".js"},
	} {
		escaped := escapeAt(c.path, strings.LastIndex(c.path, c.at))
		plain, got := e.get(t, c.path), e.get(t, escaped)
		if plain.status != http.StatusOK {
			t.Errorf("%s: status %d, want 200; %s", c.path, plain.status, plain.body)
			continue
		}
		if !sameAnswer(got, plain) {
			t.Errorf("%s: %d %s %.200s; %s answered %d %s", escaped, got.status, got.header.Get("Content-Type"), got.body,
				c.path, plain.status, plain.header.Get("Content-Type"))
		}
	}
	t.Run("an escaped slash stays in its parameter", func(t *testing.T) {
		checkProblem(t, do(t, http.MethodGet, e.url+"/v1/layers/parcels%2Fx"), 404, "/v1/layers/parcels/x")
		r := do(t, http.MethodDelete, e.url+"/v1/codes/QPG2%2FXX")
		checkProblem(t, r, 405, "/v1/codes/QPG2/XX")
		if got := r.header.Get("Allow"); got != "GET, HEAD, OPTIONS" {
			t.Errorf("Allow %q, want GET, HEAD, OPTIONS", got)
		}
	})
}

// TestPlusInQueryTimes: a query string's '+' is a space (HTML form rules), so the '+' of a
// time's offset arrives as a space unless escaped %2B; as_of, datetime and since read the
// time the same either way, and as its UTC equivalent.
func TestPlusInQueryTimes(t *testing.T) {
	e := newTileEnv(t)
	admin := newKey(t, e.db, "times-admin", store.RoleAdmin)
	ict := time.FixedZone("", 7*3600)
	now := time.Now().Truncate(time.Second)
	for _, c := range []struct {
		path string // the time goes in place of %s
		at   time.Time
	}{
		{"/ogc/collections/addresses/items?limit=3&as_of=%s", now},
		{"/ogc/collections/wards_2024/items?limit=3&datetime=%s", time.Date(2025, 6, 30, 12, 0, 0, 0, ict)},
		{"/ogc/collections/wards_2024/items?limit=3&datetime=%s/..", time.Date(2025, 6, 30, 12, 0, 0, 0, ict)},
		{"/v1/admin/audit?limit=3&since=%s", time.Date(2020, 1, 1, 8, 0, 0, 0, ict)},
	} {
		utc := e.get(t, fmt.Sprintf(c.path, c.at.UTC().Format(time.RFC3339)), admin...)
		if utc.status != http.StatusOK {
			t.Errorf("%s: status %d, want 200; %s", fmt.Sprintf(c.path, c.at.UTC().Format(time.RFC3339)), utc.status, utc.body)
			continue
		}
		local := c.at.In(ict).Format(time.RFC3339)
		for _, written := range []string{encodeURIComponent(local), local} {
			path := fmt.Sprintf(c.path, written)
			got := e.get(t, path, admin...)
			if !sameAnswer(got, utc) {
				t.Errorf("%s: %d %.300s; want what UTC answered, %d %.300s", path, got.status, got.body, utc.status, utc.body)
			}
		}
	}
	e.checkQueryProblem(t, "/ogc/collections/addresses/items?as_of=2025-07-01T08:00:00++07:00", 400, "as_of")
}
