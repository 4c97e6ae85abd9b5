package api

import (
	"crypto/tls"
	"net/http/httptest"
	"net/netip"
	"testing"
)

func TestBaseURL(t *testing.T) {
	proxy := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
	for _, c := range []struct {
		name    string
		peer    string
		headers map[string]string
		tls     bool
		public  string
		want    string
	}{
		{"direct", "203.0.113.9:5000", nil, false, "", "http://example.org:8080"},
		{"direct TLS", "203.0.113.9:5000", nil, true, "", "https://example.org:8080"},
		{"untrusted x-forwarded", "203.0.113.9:5000", map[string]string{"X-Forwarded-Proto": "https", "X-Forwarded-Host": "evil.example", "X-Forwarded-Prefix": "/x"}, false, "", "http://example.org:8080"},
		{"untrusted forwarded", "203.0.113.9:5000", map[string]string{"Forwarded": "proto=https;host=evil.example"}, false, "", "http://example.org:8080"},
		{"x-forwarded", "10.1.2.3:5000", map[string]string{"X-Forwarded-Proto": "https", "X-Forwarded-Host": "maps.hcmc.gov.vn"}, false, "", "https://maps.hcmc.gov.vn"},
		{"x-forwarded chain takes what the proxy set", "10.1.2.3:5000", map[string]string{"X-Forwarded-Proto": "http, https", "X-Forwarded-Host": "evil.example, a.vn"}, false, "", "https://a.vn"},
		{"prefix", "10.1.2.3:5000", map[string]string{"X-Forwarded-Host": "a.vn", "X-Forwarded-Prefix": "/bandoso/"}, false, "", "http://a.vn/bandoso"},
		{"forwarded wins", "10.1.2.3:5000", map[string]string{"Forwarded": `for=1.2.3.4;proto=https;host="b.vn"`, "X-Forwarded-Host": "ignored.vn"}, false, "", "https://b.vn"},
		{"forwarded: the element of the proxy facing the client", "10.1.2.3:5000",
			map[string]string{"Forwarded": `host=evil.example;proto=http, for=198.51.100.7;proto=https;host=b.vn, for=10.9.9.9;host=inner.local`}, false, "", "https://b.vn"},
		{"forwarded: an IPv6 client is not a proxy", "10.1.2.3:5000", map[string]string{"Forwarded": `host=evil.example, for="[2001:db8::1]:4711";host=b.vn`}, false, "", "http://b.vn"},
		{"forged host", "10.1.2.3:5000", map[string]string{"X-Forwarded-Host": `evil.vn/"><script>`}, false, "", "http://example.org:8080"},
		{"forged scheme", "10.1.2.3:5000", map[string]string{"X-Forwarded-Proto": "javascript"}, false, "", "http://example.org:8080"},
		{"forged prefix", "10.1.2.3:5000", map[string]string{"X-Forwarded-Prefix": "//evil.vn"}, false, "", "http://example.org:8080"},
		{"prefix without slash", "10.1.2.3:5000", map[string]string{"X-Forwarded-Prefix": "evil.vn"}, false, "", "http://example.org:8080"},
		{"public URL whatever the proxy says", "10.1.2.3:5000", map[string]string{"X-Forwarded-Host": "a.vn"}, false, "https://maps.vn/gis", "https://maps.vn/gis"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/tiles/x.json", nil)
			r.Host, r.RemoteAddr = "example.org:8080", c.peer
			if c.tls {
				r.TLS = &tls.ConnectionState{}
			}
			for k, v := range c.headers {
				r.Header.Set(k, v)
			}
			s := &Server{Config: Config{HTTP: HTTPConfig{TrustedProxies: proxy, PublicURL: c.public}}}
			if got, _ := s.base(r); got != c.want {
				t.Errorf("base = %q, want %q", got, c.want)
			}
		})
	}
}

func TestBaseURLValidHost(t *testing.T) {
	for h, want := range map[string]bool{
		"example.org": true, "example.org:8080": true, "127.0.0.1:80": true, "[::1]:8080": true, "[2001:db8::1]": true,
		"xn--bn-rga.vn": true, "": false, "a:b:c": false, "example.org:": false, "example.org:99999": false,
		"example.org:+80": false, "evil.vn/x": false, `a"b`: false, "::1": false, "[::1": false, "[1.2.3.4]": false,
		"[::1]x": false, "a b": false, "a<b": false,
	} {
		if got := validHostPort(h); got != want {
			t.Errorf("validHostPort(%q) = %v, want %v", h, got, want)
		}
	}
}
