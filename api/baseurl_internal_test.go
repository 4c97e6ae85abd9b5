package api

import (
	"crypto/tls"
	"net/http/httptest"
	"testing"
)

func TestExternalBase(t *testing.T) {
	for _, c := range []struct {
		name    string
		headers map[string]string
		tls     bool
		want    string
	}{
		{"direct", nil, false, "http://example.org:8080"},
		{"direct TLS", nil, true, "https://example.org:8080"},
		{"x-forwarded", map[string]string{"X-Forwarded-Proto": "https", "X-Forwarded-Host": "maps.hcmc.gov.vn"}, false, "https://maps.hcmc.gov.vn"},
		{"x-forwarded chain takes the first", map[string]string{"X-Forwarded-Proto": "https, http", "X-Forwarded-Host": "a.vn, b.internal"}, false, "https://a.vn"},
		{"prefix", map[string]string{"X-Forwarded-Host": "a.vn", "X-Forwarded-Prefix": "/bandoso/"}, false, "http://a.vn/bandoso"},
		{"forwarded wins", map[string]string{"Forwarded": `for=1.2.3.4;proto=https;host="b.vn", for=5.6.7.8`, "X-Forwarded-Host": "ignored.vn"}, false, "https://b.vn"},
		{"forged host", map[string]string{"X-Forwarded-Host": `evil.vn/"><script>`}, false, "http://localhost"},
		{"forged scheme", map[string]string{"X-Forwarded-Proto": "javascript"}, false, "http://example.org:8080"},
		{"forged prefix", map[string]string{"X-Forwarded-Prefix": "//evil.vn"}, false, "http://example.org:8080"},
		{"prefix without slash", map[string]string{"X-Forwarded-Prefix": "evil.vn"}, false, "http://example.org:8080"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/tiles/x.json", nil)
			r.Host = "example.org:8080"
			if c.tls {
				r.TLS = &tls.ConnectionState{}
			}
			for k, v := range c.headers {
				r.Header.Set(k, v)
			}
			if got := externalBase(r); got != c.want {
				t.Errorf("externalBase = %q, want %q", got, c.want)
			}
		})
	}
}
