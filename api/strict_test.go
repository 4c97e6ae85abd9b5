package api_test

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"bandoso/api"
	"bandoso/internal/testlog"
	"bandoso/store"
)

// TestStrictInput: input that was read as something other than what it says is refused
// naming what is wrong, and output a spreadsheet would run is neutralised.
func TestStrictInput(t *testing.T) {
	t.Parallel()
	logs := &testlog.Buffer{}
	e := editEnv{tileEnv: newCityEnv(t, 3000, withLiveTiles, func(s *api.Server) {
		s.Log = slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})}
	e.reader = newKey(t, e.db, "reader", store.RoleReader)
	e.editor = newKey(t, e.db, "editor", store.RoleEditor)
	e.admin = newKey(t, e.db, "admin", store.RoleAdmin)
	ctx := context.Background()
	var aid int64
	if err := e.pool.QueryRow(ctx, `SELECT id FROM addresses ORDER BY id LIMIT 1`).Scan(&aid); err != nil {
		t.Fatal(err)
	}
	address := fmt.Sprintf("/v1/layers/addresses/features/%d", aid)

	t.Run("a raw ; in the query is 400 naming its parameter; an escaped one is text", func(t *testing.T) {
		for path, param := range map[string]string{
			"/ogc/collections/streets/items?filter=name%20=%20'x;y'": "filter",
			"/v1/admin/audit?table=addresses;":                       "table",
			"/v1/admin/audit?limit=5&action=insert;table=x":          "action",
		} {
			v, _ := e.do(t, path, http.MethodGet, path, "", 400, e.admin...)
			if problemParam(v) != param {
				t.Errorf("%s: problem %v, want it to name %s", path, v, param)
			}
		}
		v, _ := e.do(t, "escaped", http.MethodGet, "/v1/admin/audit?table=addresses%3B", "", 200, e.admin...)
		if n := len(v["entries"].([]any)); n != 0 {
			t.Errorf("table addresses; has %d entries", n)
		}
	})

	t.Run("JSON members are exact-case and given once; NUL is refused naming the member", func(t *testing.T) {
		layer := "/v1/layers/streets"
		for body, param := range map[string]string{
			`{"Public":true}`:                   "Public",
			`{"title":"A","title":"B"}`:         "title",
			`{"public":false,"public":true}`:    "public",
			`{"title":"Phố\u0000Huế"}`:          "title",
			`{"description":"x","TITLE":"Phố"}`: "TITLE",
		} {
			v, _ := e.do(t, body, http.MethodPatch, layer, body, 400, append(e.admin, "Content-Type", "application/json")...)
			if problemParam(v) != param {
				t.Errorf("%s: problem %v, want it to name %s", body, v, param)
			}
		}
		if got := e.sqlRow(t, "SELECT public::text FROM layers WHERE name = 'streets'"); got != "true" {
			t.Errorf("streets public = %s after refused patches", got)
		}
		_, etag := e.do(t, "get", http.MethodGet, address, "", 200)
		for body, param := range map[string]string{
			`{"properties":{"house_number":"1","house_number":"2"}}`:                   "properties.house_number",
			`{"Reason":"x","properties":{}}`:                                           "Reason",
			`{"geometry":{"type":"Point","type":"Point","coordinates":[106.7,10.77]}}`: "geometry.type",
		} {
			v, _ := e.do(t, body, http.MethodPatch, address, body, 400, append(e.editor, "If-Match", etag)...)
			if problemParam(v) != param {
				t.Errorf("%s: problem %v, want it to name %s", body, v, param)
			}
		}
	})

	t.Run("a 422 names the member: a point with a height", func(t *testing.T) {
		_, etag := e.do(t, "get", http.MethodGet, address, "", 200)
		geom := e.sqlRow(t, "SELECT json_build_array(ST_X(geom), ST_Y(geom), 12.5)::text FROM addresses WHERE id = $1", aid)
		v, _ := e.do(t, "3D", http.MethodPatch, address, `{"geometry":{"type":"Point","coordinates":`+geom+`}}`, 422,
			append(e.editor, "If-Match", etag)...)
		if problemParam(v) != "geometry" || !strings.Contains(v["detail"].(string), "height") {
			t.Errorf("3D point: %v", v)
		}
	})

	t.Run("If-Match passes when any listed tag is current, or *", func(t *testing.T) {
		_, etag := e.do(t, "get", http.MethodGet, address, "", 200)
		e.do(t, "weak current", http.MethodPatch, address, `{"properties":{}}`, 412, append(e.editor, "If-Match", "W/"+etag)...)
		e.do(t, "none current", http.MethodPatch, address, `{"properties":{}}`, 412, append(e.editor, "If-Match", `"v1", "v2"`)...)
		_, etag2 := e.do(t, "listed second", http.MethodPatch, address, `{"properties":{"house_number":"9001"}}`, 200,
			append(e.editor, "If-Match", `"x", `+etag)...)
		if etag2 == etag {
			t.Fatal("the patch made no version")
		}
		_, etag3 := e.do(t, "listed among others", http.MethodPatch, address, `{"properties":{"house_number":"9002"}}`, 200,
			append(e.editor, "If-Match", etag+`, `+etag2+`, "v5"`)...)
		e.do(t, "old ones only", http.MethodPatch, address, `{"properties":{"house_number":"9003"}}`, 412,
			append(e.editor, "If-Match", etag+", "+etag2)...)
		e.do(t, "star in a list", http.MethodPatch, address, `{"properties":{"house_number":"9003"}}`, 200,
			append(e.editor, "If-Match", `"v1", *`)...)
		if got := e.sqlRow(t, "SELECT house_number FROM addresses WHERE id = $1", aid); got != "9003" || etag3 == "" {
			t.Errorf("house number %s", got)
		}
	})

	t.Run("CSV cells that a spreadsheet would run start with '", func(t *testing.T) {
		formula := `=HYPERLINK("http://evil.example","x")`
		var sid int64
		if err := e.pool.QueryRow(ctx, `SELECT id FROM streets ORDER BY id LIMIT 1`).Scan(&sid); err != nil {
			t.Fatal(err)
		}
		street := fmt.Sprintf("/v1/layers/streets/features/%d", sid)
		_, etag := e.do(t, "get street", http.MethodGet, street, "", 200)
		e.do(t, "name a formula", http.MethodPatch, street, fmt.Sprintf(`{"properties":{"name":%q}}`, formula), 200,
			append(e.editor, "If-Match", etag)...)
		res, raw := sendBody(t, http.MethodGet, e.url+"/ogc/collections/streets/items?f=csv&filter="+url.QueryEscape("name = '"+formula+"'"), "")
		rows := readCSV(t, res, raw)
		if len(rows) != 2 || !strings.Contains(strings.Join(rows[1], ","), "'"+formula) || strings.Contains(strings.Join(rows[1], ","), ","+formula) {
			t.Errorf("items CSV %q", rows)
		}

		body := "address,note\n\"12 Lê Lợi\",-1.5\n\"+1+cmd|' /C calc'!A0\",@SUM(A1)\n\"\tx\",=1\n"
		res, raw = sendBody(t, http.MethodPost, e.url+"/v1/parse/batch", body, "Content-Type", "text/csv")
		rows = readCSV(t, res, raw)
		want := [][2]string{{"12 Lê Lợi", "-1.5"}, {"'+1+cmd|' /C calc'!A0", "'@SUM(A1)"}, {"'\tx", "'=1"}}
		if len(rows) != 4 {
			t.Fatalf("parse batch %q", rows)
		}
		for i, w := range want {
			if got := [2]string{rows[i+1][0], rows[i+1][1]}; got != w {
				t.Errorf("row %d echoed %q, want %q", i+1, got, w)
			}
		}
	})

	t.Run("a client closing mid-body is 499 at INFO, no error", func(t *testing.T) {
		_, etag := e.do(t, "get", http.MethodGet, address, "", 200)
		conn, err := net.Dial("tcp", strings.TrimPrefix(e.url, "http://"))
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(conn, "PATCH %s HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nIf-Match: %s\r\n%s: %s\r\nContent-Length: 1000\r\n\r\n{\"properties\":",
			address, etag, e.editor[0], e.editor[1])
		_ = conn.(*net.TCPConn).CloseWrite()
		_, _ = bufio.NewReader(conn).ReadString('\n') // the server answers or closes
		conn.Close()
		var line map[string]any
		for deadline := time.Now().Add(time.Minute); line == nil && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			for _, l := range logs.Lines(t, "request") {
				if l["method"] == "PATCH" && l["path"] == address {
					line = l
				}
			}
		}
		if line == nil || line["status"] != float64(499) {
			t.Fatalf("request log %v, want status 499", line)
		}
		if n := len(logs.Lines(t, "request failed")); n != 0 {
			t.Errorf("%d request failed lines: %s", n, logs.String())
		}
		if n := len(logs.Lines(t, "client closed the request mid-body")); n != 1 {
			t.Errorf("%d client closed lines", n)
		}
	})
}

func readCSV(t *testing.T, res *http.Response, raw []byte) [][]string {
	t.Helper()
	if res.StatusCode != 200 {
		t.Fatalf("status %d: %s", res.StatusCode, raw)
	}
	rows, err := csv.NewReader(strings.NewReader(string(raw))).ReadAll()
	if err != nil {
		t.Fatalf("%v in %s", err, raw)
	}
	return rows
}
