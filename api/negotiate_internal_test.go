package api

import (
	"net/http/httptest"
	"testing"
)

func TestPrefers(t *testing.T) {
	for _, c := range []struct {
		accept string
		html   bool
	}{
		{"", false},
		{"*/*", false},
		{"application/json", false},
		{"application/geo+json", false},
		{"text/html", true},
		{"TEXT/HTML", true},
		{"text/*", true},
		{"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", true}, // Firefox, Chromium
		{"text/html, application/json", false},                                    // a tie goes to JSON
		{"application/json;q=0.9, text/html", true},
		{"text/html;q=0.5, */*", false},
		{"text/html;q=0, */*;q=0.1", false},
		{"application/*, text/html;q=0.9", false},
		{"image/png", false},
	} {
		r := httptest.NewRequest("GET", "/ogc", nil)
		if c.accept != "" {
			r.Header.Set("Accept", c.accept)
		}
		if got := !negotiateJSON(httptest.NewRecorder(), r, false, mediaGeoJSON, mediaJSON); got != c.html {
			t.Errorf("Accept %q: prefers HTML %v, want %v", c.accept, got, c.html)
		}
	}
}
