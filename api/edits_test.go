package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb/maptile"

	"bandoso/store"
)

// editEnv is a demo city with keys of each role, for the edit tests.
type editEnv struct {
	tileEnv
	reader, editor, admin []string
}

// newEditEnv serves a demo city with a tile cache that follows committed changes, as
// `bandoso serve` does.
func newEditEnv(t *testing.T) editEnv {
	t.Helper()
	e := editEnv{tileEnv: newCityEnv(t, 3000, withLiveTiles)}
	e.reader = newKey(t, e.db, "reader", store.RoleReader)
	e.editor = newKey(t, e.db, "editor", store.RoleEditor)
	e.admin = newKey(t, e.db, "admin", store.RoleAdmin)
	return e
}

// do sends body to path with header pairs and checks the status; it returns the answer
// decoded and its ETag.
func (e editEnv) do(t *testing.T, what, method, path, body string, status int, header ...string) (map[string]any, string) {
	t.Helper()
	res, raw := sendBody(t, method, e.url+path, body, append([]string{"Content-Type", "application/geo+json"}, header...)...)
	v := checkStatus(t, what, res, raw, status)
	return v, res.Header.Get("ETag")
}

// dbNow is the database's clock, the one versions are taken from.
func (e editEnv) dbNow(t *testing.T) string {
	t.Helper()
	var at time.Time
	if err := e.pool.QueryRow(context.Background(), "SELECT clock_timestamp()").Scan(&at); err != nil {
		t.Fatal(err)
	}
	return at.UTC().Format(time.RFC3339Nano)
}

// sqlRow reads one row of SQL as JSON text, the ground truth tests compare answers with.
func (e editEnv) sqlRow(t *testing.T, sql string, args ...any) string {
	t.Helper()
	var s string
	if err := e.pool.QueryRow(context.Background(), sql, args...).Scan(&s); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return s
}

// aParcel is a parcel of the demo city: its id, key and geometry moved by dx degrees east.
func (e editEnv) aParcel(t *testing.T, n int, dx float64) (id int64, ward string, sheet, number int, moved string) {
	t.Helper()
	err := e.pool.QueryRow(context.Background(), `SELECT id, ward_code, sheet_no, parcel_no,
		ST_AsGeoJSON(ST_Translate(geom, $2, 0), 9) FROM parcels ORDER BY id OFFSET $1 LIMIT 1`, n, dx).
		Scan(&id, &ward, &sheet, &number, &moved)
	if err != nil {
		t.Fatal(err)
	}
	return
}

func problemParam(v map[string]any) string {
	errs, _ := v["errors"].([]any)
	if len(errs) == 0 {
		return ""
	}
	return errs[0].(map[string]any)["parameter"].(string)
}

func TestEdits(t *testing.T) {
	t.Parallel()
	e := newEditEnv(t)
	id, ward, _, _, moved := e.aParcel(t, 10, 0.0002)
	item := fmt.Sprintf("/v1/layers/parcels/features/%d", id)
	newParcel := func(sheet int, geom string) string {
		return fmt.Sprintf(`{"type":"Feature","geometry":%s,"properties":{"ward_code":%q,"sheet_no":%d,"parcel_no":9001,"land_use":"ODT","area_m2":120.5}}`,
			geom, ward, sheet)
	}

	t.Run("a reader key cannot edit; no key is 401 with WWW-Authenticate", func(t *testing.T) {
		_, etag := e.do(t, "get", http.MethodGet, item, "", 200)
		for _, m := range []string{http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
			path := item
			if m == http.MethodPost {
				path = "/v1/layers/parcels/features"
			}
			e.do(t, m+" reader", m, path, `{"properties":{"land_use":"TMD"}}`, 403, append(e.reader, "If-Match", etag)...)
			res, raw := sendBody(t, m, e.url+path, `{"properties":{}}`, "If-Match", etag)
			checkStatus(t, m+" no key", res, raw, 401)
			if res.Header.Get("WWW-Authenticate") == "" {
				t.Errorf("%s without a key: no WWW-Authenticate", m)
			}
		}
		if got := e.sqlRow(t, "SELECT land_use FROM parcels WHERE id = $1", id); got == "TMD" {
			t.Error("a reader's edit changed the parcel")
		}
	})

	t.Run("create, patch, replace and delete round trips match the table", func(t *testing.T) {
		geom := e.sqlRow(t, "SELECT ST_AsGeoJSON(ST_Translate(geom, 0.01, 0.01), 9) FROM parcels WHERE id = $1", id)
		res, raw := sendBody(t, http.MethodPost, e.url+"/v1/layers/parcels/features?reason=survey", newParcel(777, geom),
			append([]string{"Content-Type", "application/geo+json"}, e.editor...)...)
		created := checkStatus(t, "create", res, raw, 201)
		newID := int64(created["id"].(float64))
		if loc := res.Header.Get("Location"); !strings.HasSuffix(loc, fmt.Sprintf("/v1/layers/parcels/features/%d", newID)) {
			t.Errorf("Location %q", loc)
		}
		etag := res.Header.Get("ETag")
		path := fmt.Sprintf("/v1/layers/parcels/features/%d", newID)
		row := e.sqlRow(t, `SELECT json_build_array(ward_code, sheet_no, land_use, area_m2, ST_Equals(geom, ST_Multi(ST_GeomFromGeoJSON($2))),
			'"v' || (extract(epoch FROM sys_from) * 1000000)::bigint || '"')::text FROM parcels WHERE id = $1`, newID, geom)
		if want := fmt.Sprintf(`[%q, 777, "ODT", 120.5, true, %q]`, ward, etag); row != want {
			t.Errorf("created row %s, want %s", row, want)
		}
		_, getTag := e.do(t, "get", http.MethodGet, path, "", 200)
		if getTag != etag {
			t.Errorf("GET ETag %s, POST's %s", getTag, etag)
		}
		res, _ = sendBody(t, http.MethodGet, e.url+path, "", "If-None-Match", etag)
		if res.StatusCode != 304 {
			t.Errorf("If-None-Match with the current ETag: %d", res.StatusCode)
		}

		_, etag2 := e.do(t, "patch", http.MethodPatch, path, `{"properties":{"land_use":"TMD"},"reason":"use changed"}`, 200,
			append(e.editor, "If-Match", etag, "Content-Type", "application/merge-patch+json")...)
		if got := e.sqlRow(t, "SELECT land_use || ' ' || area_m2 FROM parcels WHERE id = $1", newID); got != "TMD 120.5" {
			t.Errorf("after PATCH: %s", got)
		}
		if etag2 == etag {
			t.Error("PATCH kept the version")
		}
		moved2 := e.sqlRow(t, "SELECT ST_AsGeoJSON(ST_Translate(geom, 0.0001, 0), 9) FROM parcels WHERE id = $1", newID)
		_, etag3 := e.do(t, "put", http.MethodPut, path, newParcel(778, moved2), 200, append(e.editor, "If-Match", etag2)...)
		if got := e.sqlRow(t, "SELECT sheet_no || ' ' || land_use || ' ' || ST_Equals(geom, ST_Multi(ST_GeomFromGeoJSON($2))) FROM parcels WHERE id = $1", newID, moved2); got != "778 ODT true" {
			t.Errorf("after PUT: %s", got)
		}
		e.do(t, "delete", http.MethodDelete, path+"?reason=duplicate", "", 204, append(e.editor, "If-Match", etag3)...)
		if n := e.sqlRow(t, "SELECT count(*)::text FROM parcels WHERE id = $1", newID); n != "0" {
			t.Error("DELETE left the row")
		}
		e.do(t, "get deleted", http.MethodGet, path, "", 404)

		hist, _ := e.do(t, "history", http.MethodGet, path+"/history", "", 200, e.reader...)
		versions := hist["versions"].([]any)
		var got []string
		for _, v := range versions {
			m := v.(map[string]any)
			got = append(got, fmt.Sprint(m["action"], " ", m["actor"], " ", m["reason"]))
		}
		want := []string{"delete key:editor duplicate", "update key:editor <nil>", "update key:editor use changed", "insert key:editor survey"}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("history %q, want %q", got, want)
		}
		if v := versions[3].(map[string]any); v["version"] != etag || v["feature"].(map[string]any)["properties"].(map[string]any)["land_use"] != "ODT" {
			t.Errorf("first version %v", v)
		}
		e.do(t, "history without a key", http.MethodGet, path+"/history", "", 401)
		e.do(t, "history of nothing", http.MethodGet, "/v1/layers/parcels/features/999999999/history", "", 404, e.reader...)

		e.do(t, "audit as editor", http.MethodGet, "/v1/admin/audit", "", 403, e.editor...)
		audit, _ := e.do(t, "audit", http.MethodGet, fmt.Sprintf("/v1/admin/audit?layer=parcels&row_id=%d&limit=2", newID), "", 200, e.admin...)
		entries := audit["entries"].([]any)
		if len(entries) != 2 || entries[0].(map[string]any)["action"] != "delete" || audit["next"] == nil {
			t.Fatalf("audit page %v", audit)
		}
		next, _ := url.Parse(audit["next"].(string))
		older, _ := e.do(t, "audit next", http.MethodGet, next.RequestURI(), "", 200, e.admin...)
		if n := len(older["entries"].([]any)); n != 2 || older["next"] != nil {
			t.Errorf("second page: %d entries, next %v", n, older["next"])
		}
		filtered, _ := e.do(t, "audit filtered", http.MethodGet, fmt.Sprintf("/v1/admin/audit?table=parcels&row_id=%d&action=insert&actor=key:editor", newID), "", 200, e.admin...)
		if es := filtered["entries"].([]any); len(es) != 1 || es[0].(map[string]any)["reason"] != "survey" {
			t.Errorf("insert entries %v", es)
		}
		e.do(t, "audit bad since", http.MethodGet, "/v1/admin/audit?since=yesterday", "", 400, e.admin...)
	})

	t.Run("If-Match: missing is 428, stale is 412 and changes nothing", func(t *testing.T) {
		_, etag := e.do(t, "get", http.MethodGet, item, "", 200)
		e.do(t, "no If-Match", http.MethodPatch, item, `{"properties":{"land_use":"TMD"}}`, 428, e.editor...)
		_, fresh := e.do(t, "patch", http.MethodPatch, item, `{"properties":{"area_m2":99.5}}`, 200, append(e.editor, "If-Match", etag)...)
		before := e.sqlRow(t, "SELECT to_jsonb(p)::text FROM parcels p WHERE id = $1", id)
		v, _ := e.do(t, "stale", http.MethodPatch, item, `{"properties":{"land_use":"TMD"}}`, 412, append(e.editor, "If-Match", etag)...)
		if !strings.Contains(v["detail"].(string), fresh) {
			t.Errorf("412 detail %q does not give the current ETag %s", v["detail"], fresh)
		}
		e.do(t, "stale delete", http.MethodDelete, item, "", 412, append(e.editor, "If-Match", etag)...)
		if after := e.sqlRow(t, "SELECT to_jsonb(p)::text FROM parcels p WHERE id = $1", id); after != before {
			t.Errorf("a stale edit changed the row:\n%s\n%s", before, after)
		}
	})

	t.Run("two PATCHes with one If-Match: one wins, one is 412", func(t *testing.T) {
		_, etag := e.do(t, "get", http.MethodGet, item, "", 200)
		var wg sync.WaitGroup
		statuses := make([]int, 2)
		for i, use := range []string{"TMD", "SKC"} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				req, _ := http.NewRequest(http.MethodPatch, e.url+item, strings.NewReader(`{"properties":{"land_use":"`+use+`"}}`))
				req.Header.Set("If-Match", etag)
				req.Header.Set(e.editor[0], e.editor[1])
				res, err := tileClient.Do(req)
				if err != nil {
					t.Error(err)
					return
				}
				res.Body.Close()
				statuses[i] = res.StatusCode
			}()
		}
		wg.Wait()
		if statuses[0]+statuses[1] != 200+412 {
			t.Errorf("statuses %v, want one 200 and one 412", statuses)
		}
	})

	t.Run("bad properties are 400, bad geometries 422, a taken key 409", func(t *testing.T) {
		_, etag := e.do(t, "get", http.MethodGet, item, "", 200)
		for _, c := range []struct{ body, param string }{
			{`{"properties":{"owner":"Nguyễn Văn A"}}`, "properties.owner"},
			{`{"properties":{"sheet_no":"twelve"}}`, "properties.sheet_no"},
			{`{"properties":{"sheet_no":99999999999}}`, "properties.sheet_no"},
			{`{"properties":{"ward_code":79001}}`, "properties.ward_code"},
			{`{"properties":{"land_use":"OD\u0000T"}}`, "properties.land_use"},
			{`{"properties":{},"reason":"survey\u0000"}`, "reason"},
			{`{"geometry":{"type":"Polygon"}}`, "geometry"},
		} {
			v, _ := e.do(t, c.body, http.MethodPatch, item, c.body, 400, append(e.editor, "If-Match", etag)...)
			if problemParam(v) != c.param {
				t.Errorf("%s: names %q, want %s", c.body, problemParam(v), c.param)
			}
		}
		for _, geom := range []string{
			`{"type":"Point","coordinates":[106.7,10.78]}`,
			`{"type":"Polygon","coordinates":[[[106.70,10.78],[106.71,10.79],[106.71,10.78],[106.70,10.79],[106.70,10.78]]]}`,
			`{"type":"Polygon","coordinates":[[[10.78,106.70],[10.78,106.71],[10.79,106.71],[10.78,106.70]]]}`,
		} {
			e.do(t, geom, http.MethodPatch, item, `{"geometry":`+geom+`}`, 422, append(e.editor, "If-Match", etag)...)
		}
		v, _ := e.do(t, "not null", http.MethodPatch, item, `{"properties":{"land_use":null}}`, 422, append(e.editor, "If-Match", etag)...)
		if !strings.Contains(v["detail"].(string), "land_use") {
			t.Errorf("NOT NULL detail %q", v["detail"])
		}
		e.do(t, "foreign key", http.MethodPatch, item, `{"properties":{"land_use":"XXX"}}`, 422, append(e.editor, "If-Match", etag)...)
		_, ward2, sheet2, number2, moved2 := e.aParcel(t, 11, 0.0001)
		body := fmt.Sprintf(`{"type":"Feature","geometry":%s,"properties":{"ward_code":%q,"sheet_no":%d,"parcel_no":%d,"land_use":"ODT","area_m2":50}}`,
			moved2, ward2, sheet2, number2)
		v, _ = e.do(t, "taken key", http.MethodPost, "/v1/layers/parcels/features", body, 409, e.editor...)
		if !strings.Contains(v["detail"].(string), "parcels_key") {
			t.Errorf("409 detail %q does not name the constraint", v["detail"])
		}
		_, after := e.do(t, "get", http.MethodGet, item, "", 200)
		if after != etag {
			t.Error("a refused edit changed the version")
		}
	})

	t.Run("as_of returns the old geometry in items, lookups and tiles; an edit shows in the next tile", func(t *testing.T) {
		key := e.sqlRow(t, "SELECT ward_code || lpad(sheet_no::text, 3, '0') || lpad(parcel_no::text, 4, '0') FROM parcels WHERE id = $1", id)
		var lon, lat float64
		if err := e.pool.QueryRow(context.Background(), "SELECT ST_X(c), ST_Y(c) FROM (SELECT ST_PointOnSurface(geom) c FROM parcels WHERE id = $1) s", id).Scan(&lon, &lat); err != nil {
			t.Fatal(err)
		}
		tile := tilePath("parcels", maptile.At([2]float64{lon, lat}, 16))
		ogcItem := fmt.Sprintf("/ogc/collections/parcels/items/%d", id)
		lookup := "/v1/parcels/lookup?code=" + key
		read := func(path, asOf string) []byte {
			t.Helper()
			if asOf != "" {
				sep := "?"
				if strings.Contains(path, "?") {
					sep = "&"
				}
				path += sep + "as_of=" + url.QueryEscape(asOf)
			}
			r := e.get(t, path)
			if r.status != 200 {
				t.Fatalf("%s: %d %s", path, r.status, r.body)
			}
			return r.body
		}
		oldItem, oldLookup, oldTile := read(ogcItem, ""), read(lookup, ""), read(tile, "")
		hits := e.tiles.Stats().Cache.Hits
		if !bytes.Equal(read(tile, ""), oldTile) || e.tiles.Stats().Cache.Hits != hits+1 {
			t.Fatal("the tile was not cached before the edit")
		}
		before := e.dbNow(t)
		_, etag := e.do(t, "get", http.MethodGet, item, "", 200)
		e.do(t, "move", http.MethodPatch, item, `{"geometry":`+moved+`}`, 200, append(e.editor, "If-Match", etag)...)
		after := e.dbNow(t)
		newItem, newLookup, newTile := read(ogcItem, ""), read(lookup, ""), read(tile, "")
		if bytes.Equal(newTile, oldTile) || bytes.Equal(newItem, oldItem) || bytes.Equal(newLookup, oldLookup) {
			t.Fatal("the edit does not show in the next tile, item or lookup")
		}
		for _, c := range []struct {
			path      string
			old, edit []byte
		}{{ogcItem, oldItem, newItem}, {lookup, oldLookup, newLookup}, {tile, oldTile, newTile}} {
			if got := read(c.path, before); !bytes.Equal(got, c.old) {
				t.Errorf("%s as of %s is not as it was:\n%.300s\n%.300s", c.path, before, got, c.old)
			}
			if got := read(c.path, after); !bytes.Equal(got, c.edit) {
				t.Errorf("%s as of %s is not as it is:\n%.300s\n%.300s", c.path, after, got, c.edit)
			}
		}
		e.do(t, "bad as_of", http.MethodGet, ogcItem+"?as_of=2025-02-30", "", 400)
		e.do(t, "as_of before 1900", http.MethodGet, lookup+"&as_of=1800-01-01", "", 400)
		e.do(t, "as_of a date long ago", http.MethodGet, lookup+"&as_of=2000-01-01", "", 404)
	})

	t.Run("a house number is kept as written, geocoded in any form, and refused naming it when it is none", func(t *testing.T) {
		var aid int64
		var number, street string
		if err := e.pool.QueryRow(context.Background(), `SELECT a.id, a.house_number, s.name FROM addresses a
			JOIN streets s ON s.id = a.street_id WHERE s.kind = 'street' ORDER BY a.id LIMIT 1`).Scan(&aid, &number, &street); err != nil {
			t.Fatal(err)
		}
		path := fmt.Sprintf("/v1/layers/addresses/features/%d", aid)
		_, etag := e.do(t, "get", http.MethodGet, path, "", 200)
		v, _ := e.do(t, "not a number", http.MethodPatch, path, `{"properties":{"house_number":"đối diện chợ"}}`, 400, append(e.editor, "If-Match", etag)...)
		if problemParam(v) != "properties.house_number" || !strings.Contains(v["detail"].(string), "not a house number") {
			t.Errorf("a sentence as house number: %v", v)
		}
		before := e.dbNow(t)
		e.do(t, "120 bis", http.MethodPatch, path, `{"properties":{"house_number":"120 bis"}}`, 200, append(e.editor, "If-Match", etag)...)
		if row := e.sqlRow(t, "SELECT house_number || '|' || number_norm FROM addresses WHERE id = $1", aid); row != "120 bis|120BIS" {
			t.Errorf("stored %s", row)
		}
		for _, q := range []string{"120 bis " + street, "120BIS " + street, "120 Bis " + street} {
			res, raw := send(t, http.MethodGet, e.url+"/v1/geocode?q="+url.QueryEscape(q))
			var h struct{ Features []struct{ ID int64 } }
			if err := json.Unmarshal(raw, &h); err != nil || res.StatusCode != 200 || len(h.Features) == 0 || h.Features[0].ID != aid {
				t.Errorf("geocoding %q: %d %.300s", q, res.StatusCode, raw)
			}
		}
		old := e.get(t, fmt.Sprintf("/ogc/collections/addresses/items/%d?as_of=%s", aid, url.QueryEscape(before)))
		var item struct{ Properties map[string]any }
		if err := json.Unmarshal(old.body, &item); err != nil || old.status != 200 || item.Properties["house_number"] != number {
			t.Errorf("as of before the edit: %d %.300s", old.status, old.body)
		}
		hist, _ := e.do(t, "history", http.MethodGet, path+"/history", "", 200, e.reader...)
		var got []any
		for _, v := range hist["versions"].([]any) {
			got = append(got, v.(map[string]any)["feature"].(map[string]any)["properties"].(map[string]any)["house_number"])
		}
		if fmt.Sprint(got) != fmt.Sprintf("[120 bis %s]", number) {
			t.Errorf("history of house numbers %v", got)
		}
	})
}
