package api_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"bandoso/api"
	"bandoso/web"
)

func TestProblemTypes(t *testing.T) {
	t.Parallel()
	url := serve(t, api.Server{Web: web.Embedded()})

	var list struct {
		ProblemTypes []struct {
			Type, Title, Description string
			Status                   int
		}
	}
	res, body := send(t, http.MethodGet, url+"/problems", "Accept", "application/json")
	if res.StatusCode != http.StatusOK || json.Unmarshal(body, &list) != nil || len(list.ProblemTypes) < 15 {
		t.Fatalf("/problems as JSON: status %d, %.300s", res.StatusCode, body)
	}
	index, _ := send(t, http.MethodGet, url+"/problems")
	if index.Header.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Errorf("/problems: Content-Type %q, want the page", index.Header.Get("Content-Type"))
	}

	t.Run("each type answers a page and, when asked, JSON", func(t *testing.T) {
		for _, p := range list.ProblemTypes {
			if !strings.HasPrefix(p.Type, "/problems/") || p.Status < 400 || p.Title == "" || len(p.Description) < 40 {
				t.Errorf("%+v", p)
			}
			res, body := send(t, http.MethodGet, url+p.Type, "Accept", browserAccept)
			if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "text/html; charset=utf-8" ||
				!strings.Contains(string(body), "<h1>"+p.Title+"</h1>") || !strings.Contains(string(body), p.Type) {
				t.Errorf("%s: status %d, Content-Type %q: %.300s", p.Type, res.StatusCode, res.Header.Get("Content-Type"), body)
			}
			if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
				t.Errorf("%s: Content-Security-Policy %q", p.Type, csp)
			}
			var one struct {
				Type, Title string
				Status      int
			}
			for _, query := range []string{"?f=json", ""} {
				res, body = send(t, http.MethodGet, url+p.Type+query, "Accept", "application/json")
				if res.StatusCode != http.StatusOK || json.Unmarshal(body, &one) != nil || one.Type != p.Type || one.Title != p.Title || one.Status != p.Status {
					t.Errorf("%s%s as JSON: status %d, %s", p.Type, query, res.StatusCode, body)
				}
			}
		}
	})

	t.Run("an unknown type is 404, and so are problems' own types", func(t *testing.T) {
		for _, path := range []string{"/problems/nope", "/problems/", "/problems/not-found/more"} {
			r := do(t, http.MethodGet, url+path)
			if r.status != http.StatusNotFound || r.header.Get("Content-Type") != "application/problem+json" {
				t.Errorf("%s: status %d, Content-Type %q", path, r.status, r.header.Get("Content-Type"))
				continue
			}
			typ, _ := r.body["type"].(string)
			if res, _ := send(t, http.MethodGet, url+typ); res.StatusCode != http.StatusOK {
				t.Errorf("%s: its problem's type %q answers %d", path, typ, res.StatusCode)
			}
		}
	})
}
