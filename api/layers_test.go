package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/paulmach/orb/maptile"

	"bandoso/store"
)

// sendBody sends a request with a body and header pairs, and returns the answer.
func sendBody(t testing.TB, method, url, body string, header ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := tileClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, raw
}

// newKey makes an API key with role and returns its Authorization header pair.
func newKey(t *testing.T, db *store.DB, name string, role store.Role) []string {
	t.Helper()
	_, secret, err := db.CreateKey(context.Background(), name, role, "test")
	if err != nil {
		t.Fatal(err)
	}
	return []string{"Authorization", "Bearer " + secret}
}

// checkStatus asserts the status and, for errors, a problem+json body; it returns the body
// decoded.
func checkStatus(t *testing.T, what string, res *http.Response, body []byte, status int) map[string]any {
	t.Helper()
	if res.StatusCode != status {
		t.Fatalf("%s: status %d, want %d; body %s", what, res.StatusCode, status, body)
	}
	if status >= 400 && res.Header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("%s: Content-Type %q, want application/problem+json", what, res.Header.Get("Content-Type"))
	}
	var v map[string]any
	if len(body) > 0 && strings.Contains(res.Header.Get("Content-Type"), "json") {
		if err := json.Unmarshal(body, &v); err != nil {
			t.Fatalf("%s: %v in %s", what, err, body)
		}
	}
	return v
}

type catalogAnswer struct {
	Layers []struct {
		Name         string      `json:"name"`
		Title        string      `json:"title"`
		Public       bool        `json:"public"`
		FeatureCount int64       `json:"feature_count"`
		Extent       *[4]float64 `json:"extent"`
		UpdatedAt    string      `json:"updated_at"`
		Fields       []struct{ Name, Type string }
	} `json:"layers"`
}

func (e tileEnv) catalogNames(t *testing.T, header ...string) map[string]int {
	t.Helper()
	res, body := send(t, http.MethodGet, e.url+"/v1/layers", header...)
	checkStatus(t, "GET /v1/layers", res, body, http.StatusOK)
	var c catalogAnswer
	if err := json.Unmarshal(body, &c); err != nil {
		t.Fatal(err)
	}
	index := map[string]int{}
	for i, l := range c.Layers {
		index[l.Name] = i
	}
	return index
}

func TestLayerCatalogAndRestrictedLayers(t *testing.T) {
	t.Parallel()
	e := newTileEnv(t)
	ctx := context.Background()
	reader := newKey(t, e.db, "reader-1", store.RoleReader)
	editor := newKey(t, e.db, "editor-1", store.RoleEditor)
	admin := newKey(t, e.db, "admin-1", store.RoleAdmin)

	t.Run("the catalog counts features and gives the extent, as SQL does", func(t *testing.T) {
		res, body := send(t, http.MethodGet, e.url+"/v1/layers")
		checkStatus(t, "catalog", res, body, http.StatusOK)
		var c catalogAnswer
		if err := json.Unmarshal(body, &c); err != nil {
			t.Fatal(err)
		}
		var n int64
		var ext [4]float64
		if err := e.pool.QueryRow(ctx, `SELECT n, ST_XMin(x), ST_YMin(x), ST_XMax(x), ST_YMax(x)
			FROM (SELECT count(*) AS n, ST_Extent(geom) AS x FROM parcels) s`).
			Scan(&n, &ext[0], &ext[1], &ext[2], &ext[3]); err != nil {
			t.Fatal(err)
		}
		found := false
		for _, l := range c.Layers {
			if l.Name != "parcels" {
				continue
			}
			found = true
			if l.FeatureCount != n || n == 0 {
				t.Errorf("parcels feature_count %d, want %d", l.FeatureCount, n)
			}
			if l.Extent == nil || !near4(*l.Extent, ext, 1e-9) {
				t.Errorf("parcels extent %v, want %v", l.Extent, ext)
			}
			if !l.Public || l.UpdatedAt == "" || len(l.Fields) == 0 || l.Fields[0].Type == "" {
				t.Errorf("parcels entry %+v", l)
			}
		}
		if !found || len(c.Layers) < 8 {
			t.Fatalf("catalog lacks parcels or has %d layers: %s", len(c.Layers), body)
		}
	})

	t.Run("editing the catalog needs the admin role", func(t *testing.T) {
		patch := `{"public": false, "title": "Thửa đất (hạn chế)"}`
		path := e.url + "/v1/layers/parcels"
		res, body := sendBody(t, http.MethodPatch, path, patch)
		checkStatus(t, "no key", res, body, http.StatusUnauthorized)
		if !strings.HasPrefix(res.Header.Get("WWW-Authenticate"), "Bearer") {
			t.Errorf("401 without WWW-Authenticate: %v", res.Header)
		}
		for _, k := range [][]string{reader, editor} {
			res, body = sendBody(t, http.MethodPatch, path, patch, k...)
			checkStatus(t, "low role", res, body, http.StatusForbidden)
		}
		res, body = sendBody(t, http.MethodPatch, path, patch, "Authorization", "Bearer bds_aaaaaaaa_"+strings.Repeat("a", 52))
		checkStatus(t, "unknown key", res, body, http.StatusUnauthorized)
		res, body = sendBody(t, http.MethodPatch, path, `{"colour": "red"}`, admin...)
		if p := checkStatus(t, "unknown member", res, body, http.StatusBadRequest); !strings.Contains(string(body), "colour") {
			t.Errorf("400 does not name the member: %v", p)
		}
		res, body = sendBody(t, http.MethodPatch, path, patch, admin...)
		v := checkStatus(t, "admin", res, body, http.StatusOK)
		if v["public"] != false || v["title"] != "Thửa đất (hạn chế)" {
			t.Errorf("after PATCH: %v", v)
		}
		var actor string
		if err := e.pool.QueryRow(ctx, `SELECT actor FROM audit_log WHERE table_name = 'layers'
			AND after->>'name' = 'parcels' AND (after->>'public')::boolean = false`).Scan(&actor); err != nil || actor != "key:admin-1" {
			t.Errorf("audit of the catalog change: actor %q, %v", actor, err)
		}
	})

	t.Run("a restricted layer needs a key in tiles, TileJSON, features and the catalog", func(t *testing.T) {
		tile := maptile.At(e.centre, 16)
		for _, path := range []string{tilePath("parcels", tile), tilePath("streets,parcels", tile), "/tiles/parcels.json",
			"/ogc/collections/parcels", "/ogc/collections/parcels/items?limit=1", "/v1/layers/parcels",
			fmt.Sprintf("/ogc/collections/parcels/tiles/WebMercatorQuad/16/%d/%d", tile.Y, tile.X)} {
			res, body := send(t, http.MethodGet, e.url+path)
			checkStatus(t, path, res, body, http.StatusUnauthorized)
			res, body = send(t, http.MethodGet, e.url+path, reader...)
			if res.StatusCode != http.StatusOK {
				t.Errorf("%s with a reader key: %d %s", path, res.StatusCode, body)
			}
			if cc := res.Header.Get("Cache-Control"); strings.Contains(cc, "public") {
				t.Errorf("%s with a key: Cache-Control %q lets shared caches keep it", path, cc)
			}
		}
		if _, ok := e.catalogNames(t)["parcels"]; ok {
			t.Error("the anonymous catalog lists the restricted layer")
		}
		if _, ok := e.catalogNames(t, reader...)["parcels"]; !ok {
			t.Error("a reader's catalog lacks the restricted layer")
		}
		res, body := send(t, http.MethodGet, e.url+"/ogc/collections")
		if res.StatusCode != http.StatusOK || strings.Contains(string(body), `"id":"parcels"`) {
			t.Errorf("anonymous collections: %d, lists parcels: %v", res.StatusCode, strings.Contains(string(body), `"id":"parcels"`))
		}
		// The viewer's style draws what the client may read, so a restricted layer does not
		// break the map.
		res, body = send(t, http.MethodGet, e.url+"/styles/default.json")
		if res.StatusCode != http.StatusOK || strings.Contains(string(body), "parcels") {
			t.Errorf("anonymous style: %d, names parcels: %v", res.StatusCode, strings.Contains(string(body), "parcels"))
		}
		res, body = send(t, http.MethodGet, e.url+"/styles/default.json", reader...)
		if res.StatusCode != http.StatusOK || !strings.Contains(string(body), `"source-layer":"parcels"`) {
			t.Errorf("a reader's style lacks parcels: %d", res.StatusCode)
		}
		// Public layers stay open to all.
		res, body = send(t, http.MethodGet, e.url+tilePath("streets", maptile.At(e.centre, 14)))
		if res.StatusCode != http.StatusOK {
			t.Errorf("public streets tile: %d %s", res.StatusCode, body)
		}
	})

	t.Run("a revoked key stops working", func(t *testing.T) {
		late := newKey(t, e.db, "late", store.RoleReader)
		if _, err := e.db.RevokeKey(ctx, "late"); err != nil {
			t.Fatal(err)
		}
		res, body := send(t, http.MethodGet, e.url+"/v1/layers/parcels", late...)
		checkStatus(t, "revoked", res, body, http.StatusUnauthorized)
	})
}

func near4(a, b [4]float64, tol float64) bool {
	for i := range a {
		if a[i]-b[i] > tol || b[i]-a[i] > tol {
			return false
		}
	}
	return true
}

// The catalog's feature count follows a committed change at once, not after its cache expires.
func TestCatalogCountFollowsChanges(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newCityEnv(t, 500, withLiveTiles)
	count := func() float64 {
		res, body := send(t, http.MethodGet, e.url+"/v1/layers/parcels")
		v := checkStatus(t, "parcels entry", res, body, http.StatusOK)
		n, _ := v["feature_count"].(float64)
		return n
	}
	before := count()
	if _, err := e.pool.Exec(ctx, `DELETE FROM parcels WHERE id = (SELECT min(id) FROM parcels)`); err != nil {
		t.Fatal(err)
	}
	if err := e.changes.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	if after := count(); before < 1 || after != before-1 {
		t.Errorf("feature_count %v after deleting one of %v", after, before)
	}
}
