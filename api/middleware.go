package api

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
)

// requestID gives every request the id its log lines and problem bodies carry. A client's
// X-Request-Id is kept when short and plain, so that its logs and ours join up; any other is
// replaced by one of chi's, so that a client can neither forge log text nor bloat each line.
func requestID(next http.Handler) http.Handler {
	// The answer says its id too, so that a client can quote it for any status.
	echo := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set(middleware.RequestIDHeader, middleware.GetReqID(r.Context()))
		next.ServeHTTP(w, r)
	})
	withID := middleware.RequestID(echo)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if id := r.Header.Get(middleware.RequestIDHeader); id != "" && !plainRequestID(id) {
			r = r.Clone(r.Context())
			r.Header.Del(middleware.RequestIDHeader)
		}
		withID.ServeHTTP(w, r)
	})
}

// maxRequestIDLen is room for a UUID or a trace id with a prefix.
const maxRequestIDLen = 64

// plainRequestID reports whether a client's request id is short and made of letters,
// digits and - _ . : / + = only.
func plainRequestID(id string) bool {
	if len(id) > maxRequestIDLen {
		return false
	}
	for _, c := range []byte(id) {
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', strings.IndexByte("-_.:/+=", c) >= 0:
		default:
			return false
		}
	}
	return true
}

// logRequests writes one line per request with its status, size and duration, and puts a
// logger carrying the request id into the context for handlers.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		log := s.Log.With("request_id", middleware.GetReqID(r.Context()), "method", r.Method, "path", r.URL.Path)
		ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
		next.ServeHTTP(ww, r.WithContext(context.WithValue(r.Context(), loggerKey{}, log)))
		status := ww.Status()
		if status == 0 {
			status = http.StatusOK
		}
		route := ""
		if rc := chi.RouteContext(r.Context()); rc != nil {
			route = rc.RoutePattern()
		}
		took := time.Since(start)
		s.metrics.observeRequest(route, r.Method, status, took)
		log.Info("request", "route", route, "status", status, "bytes", ww.BytesWritten(),
			"duration_ms", float64(took.Microseconds())/1000)
	})
}

// recoverPanics turns a panic into a logged 500 problem instead of a dropped connection.
// http.ErrAbortHandler is re-panicked: it is net/http's way to abort a response.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				loggerFrom(r.Context(), s.Log).Error("panic", "value", fmt.Sprint(v), "stack", string(debug.Stack()))
				s.problem(w, r, fmt.Errorf("panic: %v", v))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// timeout bounds the request's context. Handlers and the database calls they make stop when
// it expires and answer 503 through the problem mapping; unlike http.TimeoutHandler this
// never writes a text/plain body of its own.
func (s *Server) timeout(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d := s.Config.HTTP.RequestTimeout
		switch r.URL.Path {
		case batchPath, parseBatchPath:
			d = s.Config.Limits.BatchTimeout // a long upload answered row by row
		case importPath:
			d = s.Config.Limits.ImportTimeout // a large upload, then every feature checked and written
		default:
			if isDownloadPath(r.URL.Path) {
				d = s.Config.Limits.DownloadTimeout // a whole layer to a client that may be slow
			}
		}
		ctx, cancel := context.WithTimeout(r.Context(), d)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// plainQuery refuses a query string whose parameter names or values are not UTF-8 text or
// hold a NUL, which no parameter takes and PostgreSQL cannot store: 400 naming the parameter,
// rather than a database error. A raw ';' is refused too: Go's parser drops the whole
// parameter that holds one, so filter=name = 'x;y' would answer every row.
func (s *Server) plainQuery(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if name, found := semicolonParam(r.URL.RawQuery); found {
			s.problem(w, r, &ParamError{name, "holds a raw ';', which the query string cannot carry: escape it as %3B"})
			return
		}
		for name, vs := range r.URL.Query() {
			if !plainText(name) {
				s.problem(w, r, &ParamError{name, "the parameter's name is not UTF-8 text without NUL characters"})
				return
			}
			for _, v := range vs {
				if !plainText(v) {
					s.problem(w, r, &ParamError{name, "not UTF-8 text without NUL characters"})
					return
				}
			}
		}
		next.ServeHTTP(w, r)
	})
}

// semicolonParam is the name of the first parameter of a raw query string with a ';' in it.
func semicolonParam(raw string) (string, bool) {
	for part := range strings.SplitSeq(raw, "&") {
		if !strings.Contains(part, ";") {
			continue
		}
		key, _, _ := strings.Cut(part, "=")
		if name, err := url.QueryUnescape(key); err == nil {
			key = name
		}
		return key, true
	}
	return "", false
}

// plainText reports whether s is UTF-8 without NUL characters.
func plainText(s string) bool {
	return utf8.ValidString(s) && !strings.Contains(s, "\x00")
}
