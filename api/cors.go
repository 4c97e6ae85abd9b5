package api

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"
)

// CORS (Fetch standard, "CORS protocol"). Everything bandoso serves without credentials is
// public, so any origin may read it and no origin list is kept. The middleware is ours rather
// than github.com/rs/cors or github.com/go-chi/cors because what it needs beyond a wildcard
// origin, answering OPTIONS with the methods actually routed for the path, only the router
// knows; neither library asks it.
const (
	corsExposeHeaders = "ETag, Content-Length, Location, X-Request-Id"
	corsAllowHeaders  = "If-None-Match, If-Match, Accept-Encoding, Content-Type, Authorization, X-API-Key"
	// corsMaxAge is how long, in seconds, a browser may reuse a preflight answer.
	corsMaxAge = 86400
)

// cors adds the CORS response headers to every response and answers OPTIONS itself: 204 with
// Allow listing the path's methods, and for a preflight (Origin and
// Access-Control-Request-Method present) the Access-Control-Allow-* headers. OPTIONS on a
// path without routes is 404 like any other method there.
func (s *Server) cors(routes chi.Routes) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h := w.Header()
			h.Set("Access-Control-Allow-Origin", "*")
			if r.Method != http.MethodOptions {
				h.Set("Access-Control-Expose-Headers", corsExposeHeaders)
				next.ServeHTTP(w, r)
				return
			}
			allowed := allowedMethods(routes, r.URL.Path)
			if len(allowed) == 0 {
				s.problem(w, r, errNoRoute)
				return
			}
			h.Set("Allow", strings.Join(allowed, ", "))
			if asked := r.Header.Get("Access-Control-Request-Method"); asked != "" && r.Header.Get("Origin") != "" {
				methods := []string{http.MethodGet, http.MethodHead}
				if slices.Contains(allowed, asked) && !slices.Contains(methods, asked) {
					methods = append(methods, asked)
				}
				h.Set("Access-Control-Allow-Methods", strings.Join(methods, ", "))
				h.Set("Access-Control-Allow-Headers", corsAllowHeaders)
				h.Set("Access-Control-Max-Age", strconv.Itoa(corsMaxAge))
			}
			w.WriteHeader(http.StatusNoContent)
		})
	}
}
