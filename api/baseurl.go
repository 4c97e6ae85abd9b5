package api

import (
	"net/http"
	"strings"
)

// externalBase is the URL clients reach this service at, without a trailing slash, for links
// written into documents (TileJSON tile URLs, styles, OGC links). Behind a reverse proxy it
// follows RFC 7239 Forwarded, else X-Forwarded-Proto, X-Forwarded-Host and
// X-Forwarded-Prefix; otherwise the request's own Host. Responses that embed it must carry
// Vary on those headers (varyForwarded), so that a shared cache keeps one copy per view.
func externalBase(r *http.Request) string {
	scheme, host := "http", r.Host
	if r.TLS != nil {
		scheme = "https"
	}
	if fwd := r.Header.Get("Forwarded"); fwd != "" {
		// The first element is the proxy nearest the client (RFC 7239 §4).
		first, _, _ := strings.Cut(fwd, ",")
		for _, pair := range strings.Split(first, ";") {
			k, v, ok := strings.Cut(strings.TrimSpace(pair), "=")
			if !ok {
				continue
			}
			v = strings.Trim(v, `"`)
			switch strings.ToLower(k) {
			case "proto":
				scheme = v
			case "host":
				host = v
			}
		}
	} else {
		if p := firstValue(r.Header.Get("X-Forwarded-Proto")); p != "" {
			scheme = p
		}
		if h := firstValue(r.Header.Get("X-Forwarded-Host")); h != "" {
			host = h
		}
	}
	if scheme != "http" && scheme != "https" {
		scheme = "http"
	}
	if !validHost(host) {
		host = "localhost"
	}
	prefix := strings.TrimRight(firstValue(r.Header.Get("X-Forwarded-Prefix")), "/")
	if prefix != "" && (!strings.HasPrefix(prefix, "/") || strings.HasPrefix(prefix, "//") || strings.ContainsAny(prefix, "?#\\\"<> ")) {
		prefix = ""
	}
	return scheme + "://" + host + prefix
}

// varyForwarded names the headers externalBase reads.
const varyForwarded = "Forwarded, X-Forwarded-Proto, X-Forwarded-Host, X-Forwarded-Prefix"

// firstValue is the first of a comma-separated header's values: the one the outermost proxy set.
func firstValue(v string) string {
	first, _, _ := strings.Cut(v, ",")
	return strings.TrimSpace(first)
}

// validHost accepts a host[:port] made of the characters a DNS name, an IPv4 or a bracketed
// IPv6 address use, so a forged header cannot inject markup or a path into a link.
func validHost(h string) bool {
	if h == "" || len(h) > 255 {
		return false
	}
	for _, c := range h {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case strings.ContainsRune(".-:[]_", c):
		default:
			return false
		}
	}
	return true
}
