package api_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"bandoso/api"
	"bandoso/web"
)

func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	files := web.Embedded()
	index, err := files.Index()
	if errors.Is(err, web.ErrNotBuilt) {
		t.Skip("the viewer is not built: run make web")
	}
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(testServer(api.Server{Web: files}).Handler())
	t.Cleanup(ts.Close)

	_, rest, _ := bytes.Cut(index.Body, []byte(`<script type="importmap">`))
	importMap, _, _ := bytes.Cut(rest, []byte("</script>"))
	sum := sha256.Sum256(importMap)
	importMapHash := "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"

	for _, c := range []struct {
		path, csp, frame string
	}{
		{"/", "script-src 'self' " + importMapHash + ";", "SAMEORIGIN"},
		{"/static/viewer.js", "worker-src 'self' blob:;", "SAMEORIGIN"},
		{"/healthz", "default-src 'none'; frame-ancestors 'none'", "DENY"},
		{"/styles/default.json", "default-src 'none'", "DENY"},
		{"/nowhere", "default-src 'none'", "DENY"},
	} {
		res, body := send(t, http.MethodGet, ts.URL+c.path)
		h := res.Header
		if got := h.Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("%s: X-Content-Type-Options %q", c.path, got)
		}
		if got := h.Get("Referrer-Policy"); got != "no-referrer" {
			t.Errorf("%s: Referrer-Policy %q", c.path, got)
		}
		if got := h.Get("Content-Security-Policy"); !strings.Contains(got, c.csp) {
			t.Errorf("%s (status %d, %.100s): Content-Security-Policy %q, want it to hold %q", c.path, res.StatusCode, body, got, c.csp)
		}
		if got := h.Get("X-Frame-Options"); got != c.frame {
			t.Errorf("%s: X-Frame-Options %q, want %s", c.path, got, c.frame)
		}
		if got := h.Get("Strict-Transport-Security"); got != "" {
			t.Errorf("%s over plain HTTP: Strict-Transport-Security %q", c.path, got)
		}
	}

	t.Run("HSTS only over HTTPS, as a trusted proxy reports it", func(t *testing.T) {
		proxied := serve(t, api.Server{}, trustLocalProxy)
		for _, header := range [][]string{{"X-Forwarded-Proto", "https"}, {"Forwarded", "for=1.2.3.4;proto=https"}} {
			res, _ := send(t, http.MethodGet, proxied+"/healthz", header...)
			if got := res.Header.Get("Strict-Transport-Security"); got != "max-age=31536000" {
				t.Errorf("%v: Strict-Transport-Security %q", header, got)
			}
			res, _ = send(t, http.MethodGet, ts.URL+"/healthz", header...)
			if got := res.Header.Get("Strict-Transport-Security"); got != "" {
				t.Errorf("%v from a peer not trusted: Strict-Transport-Security %q", header, got)
			}
		}
		tls := httptest.NewTLSServer(testServer(api.Server{}).Handler())
		t.Cleanup(tls.Close)
		res, err := tls.Client().Get(tls.URL + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if got := res.Header.Get("Strict-Transport-Security"); got == "" {
			t.Error("no Strict-Transport-Security over TLS")
		}
	})
}
