package api

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strings"

	"bandoso/web"
)

// Security headers sent with every answer (see docs/security.md).
const (
	// apiCSP is for everything but the viewer: no answer of the API is a page, so should a
	// browser ever render one as a document, it may load, run and be framed by nothing.
	apiCSP = "default-src 'none'; frame-ancestors 'none'"
	// viewerCSPFormat is for the viewer's page and files; the verb is the hash source of the
	// page's inline import map. MapLibre runs its worker from a blob: URL that imports the
	// worker module, and draws images through blob: and data: URLs; tiles, styles and the
	// API are fetched from this origin. The page may be framed only by this origin.
	viewerCSPFormat = "default-src 'self'; script-src 'self' %s; worker-src 'self' blob:; " +
		"img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; " +
		"form-action 'self'; frame-ancestors 'self'"
	// hstsValue asks browsers to use HTTPS only for a year; it is sent only on answers that
	// reached the client over TLS (a browser ignores it over plain HTTP anyway). Subdomains
	// are left out: the service does not know what else runs under the city's domain.
	hstsValue = "max-age=31536000"
)

// securityHeaders adds the headers above. The viewer's page, its files and MapLibre get the
// viewer's policy, since a worker started from /lib/ runs under that file's own policy.
func (s *Server) securityHeaders(viewerCSP string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h := w.Header()
			h.Set("X-Content-Type-Options", "nosniff")
			h.Set("Referrer-Policy", "no-referrer")
			p := r.URL.Path
			if viewerCSP != "" && (p == "/" || strings.HasPrefix(p, "/static/") || strings.HasPrefix(p, "/lib/")) {
				h.Set("Content-Security-Policy", viewerCSP)
				h.Set("X-Frame-Options", "SAMEORIGIN")
			} else {
				h.Set("Content-Security-Policy", apiCSP)
				h.Set("X-Frame-Options", "DENY")
			}
			if s.overTLS(r) {
				h.Set("Strict-Transport-Security", hstsValue)
			}
			next.ServeHTTP(w, r)
		})
	}
}

// overTLS reports whether the client reached the service over HTTPS: directly, through a
// trusted proxy that says so, or at an https PublicURL.
func (s *Server) overTLS(r *http.Request) bool {
	base, _ := s.base(r)
	return strings.HasPrefix(base, "https://")
}

// viewerCSP is the viewer's policy, allowing the inline import map of its page by hash; ""
// without the viewer, or when its page cannot be read (the viewer then answers its error).
func viewerCSP(files *web.Files) string {
	if files == nil {
		return ""
	}
	f, err := files.Index()
	if err != nil {
		return ""
	}
	return strings.Replace(viewerCSPFormat, "%s", inlineScriptHashes(f.Body), 1)
}

// inlineScriptHashes lists CSP hash sources ('sha256-…') of the inline <script> elements of
// an HTML page, those without src.
func inlineScriptHashes(page []byte) string {
	var hashes []string
	for rest := page; ; {
		_, after, ok := bytes.Cut(rest, []byte("<script"))
		if !ok {
			break
		}
		tag, after, ok := bytes.Cut(after, []byte(">"))
		if !ok {
			break
		}
		body, after, ok := bytes.Cut(after, []byte("</script>"))
		if !ok {
			break
		}
		rest = after
		if bytes.Contains(tag, []byte(" src=")) {
			continue
		}
		sum := sha256.Sum256(body)
		hashes = append(hashes, "'sha256-"+base64.StdEncoding.EncodeToString(sum[:])+"'")
	}
	return strings.Join(hashes, " ")
}
