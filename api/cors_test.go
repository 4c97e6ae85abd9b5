package api_test

import (
	"net/http"
	"testing"

	"bandoso/store/storetest"
)

// send makes one request with header pairs and returns the response with its body read.
// Its client never asks for gzip by itself, so each test chooses Accept-Encoding.
func send(t testing.TB, method, url string, header ...string) (*http.Response, []byte) {
	t.Helper()
	return sendBody(t, method, url, "", header...)
}

func TestCORS(t *testing.T) {
	t.Parallel()
	url, _ := newServer(t, storetest.New(t))

	t.Run("GET, HEAD and problems let any origin read them and their ETag", func(t *testing.T) {
		for _, c := range []struct {
			method, path string
			status       int
		}{{"GET", "/healthz", 200}, {"HEAD", "/healthz", 200}, {"GET", "/nowhere", 404}, {"POST", "/readyz", 405}} {
			res, _ := send(t, c.method, url+c.path, "Origin", "https://map.example.vn")
			if res.StatusCode != c.status {
				t.Errorf("%s %s: status %d, want %d", c.method, c.path, res.StatusCode, c.status)
			}
			if got := res.Header.Get("Access-Control-Allow-Origin"); got != "*" {
				t.Errorf("%s %s: Access-Control-Allow-Origin %q, want *", c.method, c.path, got)
			}
			if got := res.Header.Get("Access-Control-Expose-Headers"); got != "ETag, Content-Length, Location, X-Request-Id" {
				t.Errorf("%s %s: Access-Control-Expose-Headers %q", c.method, c.path, got)
			}
		}
	})

	t.Run("plain OPTIONS is 204 with Allow", func(t *testing.T) {
		res, body := send(t, "OPTIONS", url+"/readyz")
		if res.StatusCode != http.StatusNoContent || len(body) != 0 {
			t.Errorf("status %d with %d bytes, want 204 and none", res.StatusCode, len(body))
		}
		if got := res.Header.Get("Allow"); got != "GET, HEAD, OPTIONS" {
			t.Errorf("Allow %q, want GET, HEAD, OPTIONS", got)
		}
		if got := res.Header.Get("Access-Control-Allow-Methods"); got != "" {
			t.Errorf("Access-Control-Allow-Methods %q on a request that is no preflight", got)
		}
	})

	t.Run("preflight", func(t *testing.T) {
		for _, asked := range []string{"GET", "HEAD", "DELETE"} {
			res, _ := send(t, "OPTIONS", url+"/healthz", "Origin", "https://map.example.vn",
				"Access-Control-Request-Method", asked, "Access-Control-Request-Headers", "if-none-match")
			want := map[string]string{
				"Access-Control-Allow-Origin":  "*",
				"Access-Control-Allow-Methods": "GET, HEAD", // DELETE has no route: not allowed
				"Access-Control-Allow-Headers": "If-None-Match, If-Match, Accept-Encoding, Content-Type, Authorization, X-API-Key",
				"Access-Control-Max-Age":       "86400",
				"Allow":                        "GET, HEAD, OPTIONS",
			}
			if res.StatusCode != http.StatusNoContent {
				t.Errorf("asking %s: status %d, want 204", asked, res.StatusCode)
			}
			for k, v := range want {
				if got := res.Header.Get(k); got != v {
					t.Errorf("asking %s: %s %q, want %q", asked, k, got, v)
				}
			}
		}
	})

	t.Run("OPTIONS on a path without routes is 404", func(t *testing.T) {
		r := do(t, "OPTIONS", url+"/nowhere")
		checkProblem(t, r, http.StatusNotFound, "/nowhere")
	})
}
