package api

import (
	"context"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
)

// Links written into answers (TileJSON tile URLs, styles, OGC links, Location, OpenAPI
// servers) start with the URL clients reach this service at. Forwarded headers choose it only
// when the direct peer is a trusted proxy: believed from anyone, X-Forwarded-Host:
// evil.example would put that host into answers a shared cache then serves to everyone.

// varyForwarded names the forwarded headers the base URL is read from behind a trusted proxy.
const varyForwarded = "Forwarded, X-Forwarded-Proto, X-Forwarded-Host, X-Forwarded-Prefix"

type baseKey struct{}

// requestBase is the base URL chosen for one request, with the answer's headers, which get
// Vary on what chose it once a handler uses it.
type requestBase struct {
	url    string
	vary   string // "" when the URL does not depend on the request (PublicURL)
	header http.Header
	varied bool
}

// baseURL refuses a Host that is not host[:port] (400) and chooses the request's base URL.
func (s *Server) baseURL(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Host != "" && !validHostPort(r.Host) {
			s.problem(w, r, &ParamError{"Host", "not a host name or address with an optional port"})
			return
		}
		b := &requestBase{header: w.Header()}
		b.url, b.vary = s.base(r)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), baseKey{}, b)))
	})
}

// base is the request's base URL, without a trailing slash, and the request headers it was
// made from: PublicURL when set; behind a trusted proxy, what the proxy says the client asked
// for; otherwise the request's own scheme and Host.
func (s *Server) base(r *http.Request) (url, vary string) {
	switch {
	case s.Config.HTTP.PublicURL != "":
		return s.Config.HTTP.PublicURL, ""
	case trustedAddr(s.Config.HTTP.TrustedProxies, peerAddr(r.RemoteAddr)):
		return forwardedBase(r, s.Config.HTTP.TrustedProxies), "Host, " + varyForwarded
	default:
		return directBase(r), "Host"
	}
}

// externalBase is the base URL for links in the answer, which from then on varies on the
// headers that chose it (varyOnBase).
func externalBase(r *http.Request) string {
	b, ok := r.Context().Value(baseKey{}).(*requestBase)
	if !ok {
		return directBase(r) // outside the router
	}
	varyOnBase(r)
	return b.url
}

// varyOnBase adds Vary on the headers that chose the base URL, once; for a handler that
// sends its headers before it writes its links.
func varyOnBase(r *http.Request) {
	b, ok := r.Context().Value(baseKey{}).(*requestBase)
	if !ok || b.varied || b.vary == "" {
		return
	}
	b.varied = true
	b.header.Add("Vary", b.vary)
}

// directBase is the URL of the request as it reached this service.
func directBase(r *http.Request) string {
	host := r.Host
	if !validHostPort(host) {
		host = "localhost" // an HTTP/1.0 request may have no Host
	}
	return directScheme(r) + "://" + host
}

func directScheme(r *http.Request) string {
	if r.TLS != nil {
		return "https"
	}
	return "http"
}

// forwardedBase is the URL the client asked a trusted proxy for. RFC 7239 Forwarded wins:
// its last element is the peer's, and each element whose for= is itself a trusted proxy
// hands over to the one before, so the element used is the one the proxy facing the client
// wrote. Otherwise the last X-Forwarded-Proto and X-Forwarded-Host, the values the nearest
// proxy set. X-Forwarded-Prefix is the path the proxy serves this service under.
func forwardedBase(r *http.Request, proxies []netip.Prefix) string {
	scheme, host := directScheme(r), r.Host
	if elems := headerList(r, "Forwarded"); len(elems) > 0 {
		i := len(elems) - 1
		for i > 0 && trustedAddr(proxies, forwardedNode(forwardedParam(elems[i], "for"))) {
			i--
		}
		scheme = orElse(forwardedParam(elems[i], "proto"), scheme)
		host = orElse(forwardedParam(elems[i], "host"), host)
	} else {
		scheme = orElse(lastValue(r, "X-Forwarded-Proto"), scheme)
		host = orElse(lastValue(r, "X-Forwarded-Host"), host)
	}
	if scheme != "http" && scheme != "https" {
		scheme = directScheme(r)
	}
	if !validHostPort(host) {
		host = r.Host
		if !validHostPort(host) {
			host = "localhost"
		}
	}
	prefix := strings.TrimRight(lastValue(r, "X-Forwarded-Prefix"), "/")
	if prefix != "" && (!strings.HasPrefix(prefix, "/") || strings.HasPrefix(prefix, "//") || strings.ContainsAny(prefix, "?#\\\"<> ")) {
		prefix = ""
	}
	return scheme + "://" + host + prefix
}

// orElse is v, or fallback when v is empty.
func orElse(v, fallback string) string {
	if v == "" {
		return fallback
	}
	return v
}

// headerList is the comma-separated elements of every line of a header, trimmed.
func headerList(r *http.Request, name string) []string {
	var out []string
	for _, line := range r.Header.Values(name) {
		for _, e := range strings.Split(line, ",") {
			if e = strings.TrimSpace(e); e != "" {
				out = append(out, e)
			}
		}
	}
	return out
}

// lastValue is the last element of a comma-separated header: the one the nearest proxy set.
func lastValue(r *http.Request, name string) string {
	elems := headerList(r, name)
	if len(elems) == 0 {
		return ""
	}
	return elems[len(elems)-1]
}

// forwardedParam is one parameter of a Forwarded element (for=…;proto=…;host=…), unquoted.
func forwardedParam(elem, name string) string {
	for _, pair := range strings.Split(elem, ";") {
		k, v, ok := strings.Cut(strings.TrimSpace(pair), "=")
		if ok && strings.EqualFold(k, name) {
			return strings.Trim(v, `"`)
		}
	}
	return ""
}

// forwardedNode is the address of a Forwarded for= node ("192.0.2.1", "[2001:db8::1]:4711");
// an obfuscated or unknown node is the zero address, never trusted.
func forwardedNode(node string) netip.Addr {
	if a := peerAddr(node); a.IsValid() {
		return a
	}
	return peerAddr(strings.TrimSuffix(strings.TrimPrefix(node, "["), "]"))
}

// trustedAddr reports whether a is in one of the trusted proxies' networks.
func trustedAddr(proxies []netip.Prefix, a netip.Addr) bool {
	for _, p := range proxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// validHostPort accepts a Host: a DNS name or IPv4 address, or a bracketed IPv6 address,
// with an optional port, so that neither a request's Host nor a proxy's header can put
// markup or a path into a link.
func validHostPort(h string) bool {
	if h == "" || len(h) > 255 {
		return false
	}
	if rest, ok := strings.CutPrefix(h, "["); ok {
		addr, port, ok := strings.Cut(rest, "]")
		if a, err := netip.ParseAddr(addr); !ok || err != nil || !a.Is6() || a.Zone() != "" {
			return false
		}
		if port == "" {
			return true
		}
		port, ok = strings.CutPrefix(port, ":")
		return ok && validPort(port)
	}
	name, port, hasPort := strings.Cut(h, ":")
	if hasPort && !validPort(port) {
		return false
	}
	if name == "" {
		return false
	}
	for _, c := range name {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '.', c == '-', c == '_':
		default:
			return false
		}
	}
	return true
}

func validPort(p string) bool {
	if p == "" || len(p) > 5 || strings.Trim(p, "0123456789") != "" {
		return false
	}
	n, _ := strconv.Atoi(p)
	return n <= 65535
}
