package api_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

// pages follows the next links from path and returns every page's items (member list),
// checking that each page holds at most limit and that next and the links agree.
func (e editEnv) pages(t *testing.T, path, list string, limit int, key []string) []map[string]any {
	t.Helper()
	var all []map[string]any
	for n := 0; path != ""; n++ {
		if n > 100 {
			t.Fatalf("%s: more than 100 pages", path)
		}
		page, _ := e.do(t, "page", http.MethodGet, path, "", 200, key...)
		items := page[list].([]any)
		if len(items) > limit {
			t.Fatalf("%s: %d items, limit %d", path, len(items), limit)
		}
		for _, it := range items {
			all = append(all, it.(map[string]any))
		}
		var linked string
		for _, l := range page["links"].([]any) {
			if m := l.(map[string]any); m["rel"] == "next" {
				linked = m["href"].(string)
			}
		}
		next, _ := page["next"].(string)
		if next != linked {
			t.Fatalf("%s: next %q, next link %q", path, next, linked)
		}
		path = ""
		if next != "" {
			u, err := url.Parse(next)
			if err != nil {
				t.Fatal(err)
			}
			path = u.RequestURI()
		}
	}
	return all
}

func TestHistoryAndAuditPaged(t *testing.T) {
	t.Parallel()
	e := newEditEnv(t)
	ctx := context.Background()
	id, _, _, _, _ := e.aParcel(t, 20, 0)
	item := fmt.Sprintf("/v1/layers/parcels/features/%d", id)
	_, etag := e.do(t, "get", http.MethodGet, item, "", 200)

	t.Run("a reason over 1 KB is 400 naming reason, in the body, the query or a deletion", func(t *testing.T) {
		long := strings.Repeat("x", 1025)
		v, _ := e.do(t, "long reason", http.MethodPatch, item, `{"properties":{"land_use":"TMD"},"reason":"`+long+`"}`, 400,
			append(e.editor, "If-Match", etag)...)
		if problemParam(v) != "reason" {
			t.Errorf("problem %v names no reason", v)
		}
		v, _ = e.do(t, "long query reason", http.MethodPatch, item+"?reason="+long, `{"properties":{"land_use":"TMD"}}`, 400,
			append(e.editor, "If-Match", etag)...)
		if problemParam(v) != "reason" {
			t.Errorf("problem %v names no reason", v)
		}
		v, _ = e.do(t, "long delete reason", http.MethodDelete, item+"?reason="+long, "", 400, append(e.editor, "If-Match", etag)...)
		if problemParam(v) != "reason" {
			t.Errorf("problem %v names no reason", v)
		}
		_, etag = e.do(t, "1 KB reason", http.MethodPatch, item, `{"properties":{"area_m2":100.5},"reason":"`+long[:1024]+`"}`, 200,
			append(e.editor, "If-Match", etag)...)
	})

	// A reason stored before the rule: 100,000 characters written straight to the database.
	err := pgx.BeginFunc(ctx, e.pool, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, "SELECT set_config('bandoso.actor', 'key:old', true), set_config('bandoso.reason', repeat('é', 100000), true)")
		if err == nil {
			_, err = tx.Exec(ctx, "UPDATE parcels SET area_m2 = 101.5 WHERE id = $1", id)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	_, etag = e.do(t, "get", http.MethodGet, item, "", 200)
	for i := range 4 {
		_, etag = e.do(t, "patch", http.MethodPatch, item, fmt.Sprintf(`{"properties":{"area_m2":%d.5},"reason":"edit %d"}`, 110+i, i), 200,
			append(e.editor, "If-Match", etag)...)
	}
	e.do(t, "delete", http.MethodDelete, item+"?reason=gone", "", 204, append(e.editor, "If-Match", etag)...)

	t.Run("history pages of one entry are the whole history, newest first, long reasons cut", func(t *testing.T) {
		whole, _ := e.do(t, "whole", http.MethodGet, item+"/history?limit=200", "", 200, e.reader...)
		all := whole["versions"].([]any)
		want := e.sqlRow(t, `SELECT (count(*) + 2)::text FROM parcels_history WHERE id = $1`, id) // + the deletion + nothing current
		if fmt.Sprint(len(all)+1) != want {
			t.Errorf("%d entries, the table has %s versions and a deletion", len(all), want)
		}
		paged := e.pages(t, item+"/history?limit=1", "versions", 1, e.reader)
		if len(paged) != len(all) {
			t.Fatalf("pages of one hold %d entries, the whole history %d", len(paged), len(all))
		}
		for i, v := range paged {
			w := all[i].(map[string]any)
			if fmt.Sprint(v["version"], v["valid_from"], v["action"], v["reason"]) != fmt.Sprint(w["version"], w["valid_from"], w["action"], w["reason"]) {
				t.Errorf("entry %d paged %v, whole %v", i, v, w)
			}
		}
		if paged[0]["action"] != "delete" || paged[0]["reason"] != "gone" || paged[len(paged)-1]["action"] != "insert" {
			t.Errorf("first %v, last %v", paged[0], paged[len(paged)-1])
		}
		cut := 0
		for _, v := range paged {
			if v["actor"] == "key:old" {
				cut++
				if r := v["reason"].(string); v["reason_truncated"] != true || len([]rune(r)) != 1024 || strings.Trim(r, "é") != "" {
					t.Errorf("stored long reason answered as %d characters, truncated %v", len([]rune(r)), v["reason_truncated"])
				}
			} else if v["reason_truncated"] != false {
				t.Errorf("reason_truncated %v on %v", v["reason_truncated"], v)
			}
		}
		if cut != 1 {
			t.Errorf("%d entries by key:old, want 1", cut)
		}
	})

	t.Run("history and audit limits and cursors", func(t *testing.T) {
		for _, q := range []string{"limit=0", "limit=201", "limit=x", "cursor=x", "cursor=-5"} {
			v, _ := e.do(t, q, http.MethodGet, item+"/history?"+q, "", 400, e.reader...)
			if want, _, _ := strings.Cut(q, "="); problemParam(v) != want {
				t.Errorf("%s: problem %v", q, v)
			}
		}
		v, _ := e.do(t, "audit limit", http.MethodGet, "/v1/admin/audit?limit=1001", "", 400, e.admin...)
		if problemParam(v) != "limit" {
			t.Errorf("problem %v", v)
		}
		e.do(t, "history of nothing", http.MethodGet, "/v1/layers/parcels/features/999999999/history?cursor=5", "", 404, e.reader...)
	})

	t.Run("audit pages cut long reasons", func(t *testing.T) {
		entries := e.pages(t, fmt.Sprintf("/v1/admin/audit?layer=parcels&row_id=%d&limit=2", id), "entries", 2, e.admin)
		n := e.sqlRow(t, "SELECT count(*)::text FROM audit_log WHERE table_name = 'parcels' AND row_id = $1", id)
		if fmt.Sprint(len(entries)) != n {
			t.Errorf("%d entries over the pages, the log has %s", len(entries), n)
		}
		for _, v := range entries {
			long := v["actor"] == "key:old"
			if r, _ := v["reason"].(string); long != (v["reason_truncated"] == true) || long && len([]rune(r)) != 1024 {
				t.Errorf("entry by %v: reason of %d characters, truncated %v", v["actor"], len([]rune(r)), v["reason_truncated"])
			}
		}
	})
}
