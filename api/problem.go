package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5/middleware"

	"bandoso/admit"
	"bandoso/catalog"
	"bandoso/ingest"
	"bandoso/store"
	"bandoso/web"
)

// Problem is an RFC 9457 problem details body, sent as application/problem+json.
type Problem struct {
	Type      string        `json:"type"`
	Title     string        `json:"title"`
	Status    int           `json:"status"`
	Detail    string        `json:"detail,omitempty"`
	Instance  string        `json:"instance,omitempty"`
	RequestID string        `json:"request_id,omitempty"`
	Errors    []ParamDetail `json:"errors,omitempty"`
}

// ParamDetail names one bad parameter (RFC 9457 §3 "errors" extension member).
type ParamDetail struct {
	Parameter string `json:"parameter"`
	Detail    string `json:"detail"`
}

// ParamError is bad input in a named query, path or body parameter: 400.
type ParamError struct {
	Param  string
	Reason string
}

func (e *ParamError) Error() string { return fmt.Sprintf("parameter %s: %s", e.Param, e.Reason) }

// NotFoundError is a named thing that does not exist, such as an unknown layer: 404.
type NotFoundError struct {
	What string // "layer", "collection", …
	Name string
}

func (e *NotFoundError) Error() string { return fmt.Sprintf("%s %q not found", e.What, e.Name) }

// RangeError is a well-formed parameter naming something the resource does not have, such as
// a tile outside a tileset's limits: 404, naming the parameter.
type RangeError struct {
	Param  string
	Reason string
}

func (e *RangeError) Error() string { return fmt.Sprintf("parameter %s: %s", e.Param, e.Reason) }

// errMethodNotAllowed and errNoRoute come from the router itself.
var (
	errNoRoute          = errors.New("no such resource")
	errMethodNotAllowed = errors.New("method not allowed")
	// errRateLimited is a client past its budget; rateLimit sets Retry-After.
	errRateLimited = errors.New("rate limit exceeded")
)

// problemOf is the one place that chooses a status for an error.
func problemOf(err error) Problem {
	// A layer the catalog lacks, however deep it was found, is a 404 naming it.
	if le := (*catalog.LayerError)(nil); errors.As(err, &le) && errors.Is(err, catalog.ErrUnknownLayer) {
		err = &NotFoundError{What: "layer", Name: le.Name}
	}
	var pe *ParamError
	var nf *NotFoundError
	var re *RangeError
	var tooBig *http.MaxBytesError
	var auth *AuthError
	var prop *store.PropertyError
	var cons *store.ConstraintError
	var stale *store.StaleError
	var pre *PreconditionError
	switch {
	case errors.As(err, &auth) && auth.Status == http.StatusUnauthorized:
		return Problem{Type: "/problems/unauthorized", Title: "API key needed", Status: auth.Status, Detail: auth.Detail}
	case errors.As(err, &auth):
		return Problem{Type: "/problems/forbidden", Title: "Not allowed", Status: http.StatusForbidden, Detail: auth.Detail}
	case errors.As(err, &prop):
		param := "properties." + prop.Name
		if prop.Name == "geometry" {
			param = "geometry"
		}
		return Problem{Type: "/problems/invalid-parameter", Title: "Invalid parameter", Status: http.StatusBadRequest,
			Detail: param + ": " + prop.Reason, Errors: []ParamDetail{{Parameter: param, Detail: prop.Reason}}}
	case errors.As(err, &cons) && errors.Is(err, store.ErrConflict):
		return Problem{Type: "/problems/conflict", Title: "Conflict", Status: http.StatusConflict, Detail: cons.Error()}
	case errors.As(err, &cons):
		return Problem{Type: "/problems/invalid-data", Title: "Invalid data", Status: http.StatusUnprocessableEntity, Detail: cons.Error(),
			Errors: []ParamDetail{{Parameter: constraintParam(cons), Detail: cons.Reason}}}
	case errors.As(err, &stale):
		return Problem{Type: "/problems/stale", Title: "Precondition failed", Status: http.StatusPreconditionFailed,
			Detail: "the feature has changed since the version in If-Match; its current ETag is " + versionETag(stale.Current) +
				": read it again (GET), apply your change to it and send that ETag"}
	case errors.As(err, &pre):
		return Problem{Type: "/problems/precondition-required", Title: "Precondition required", Status: http.StatusPreconditionRequired,
			Detail: pre.Error()}
	case errors.As(err, &pe):
		return Problem{Type: "/problems/invalid-parameter", Title: "Invalid parameter", Status: http.StatusBadRequest,
			Detail: pe.Error(), Errors: []ParamDetail{{Parameter: pe.Param, Detail: pe.Reason}}}
	case errors.As(err, &re):
		return Problem{Type: "/problems/not-found", Title: "Not found", Status: http.StatusNotFound,
			Detail: re.Error(), Errors: []ParamDetail{{Parameter: re.Param, Detail: re.Reason}}}
	case errors.As(err, &nf):
		return Problem{Type: "/problems/not-found", Title: "Not found", Status: http.StatusNotFound, Detail: nf.Error()}
	case errors.Is(err, errNoRoute):
		return Problem{Type: "/problems/not-found", Title: "Not found", Status: http.StatusNotFound, Detail: "no such resource"}
	case errors.Is(err, store.ErrNotFound):
		return Problem{Type: "/problems/not-found", Title: "Not found", Status: http.StatusNotFound}
	case errors.Is(err, errMethodNotAllowed):
		return Problem{Type: "/problems/method-not-allowed", Title: "Method not allowed", Status: http.StatusMethodNotAllowed,
			Detail: "this resource does not support the method; the Allow header lists those it does"}
	case errors.As(err, &tooBig):
		return Problem{Type: "/problems/too-large", Title: "Request body too large", Status: http.StatusRequestEntityTooLarge,
			Detail: fmt.Sprintf("the body may hold at most %d bytes", tooBig.Limit)}
	case errors.Is(err, store.ErrConflict):
		return Problem{Type: "/problems/conflict", Title: "Conflict", Status: http.StatusConflict, Detail: "a record with this key exists"}
	case errors.Is(err, store.ErrInvalid):
		return Problem{Type: "/problems/invalid-data", Title: "Invalid data", Status: http.StatusUnprocessableEntity}
	case errors.Is(err, ingest.ErrNoGDAL):
		return Problem{Type: "/problems/gdal-missing", Title: "GDAL not installed", Status: http.StatusNotImplemented,
			Detail: "Shapefile and GeoPackage need GDAL's ogr2ogr, which this server lacks (Debian/Ubuntu package gdal-bin); GeoJSON and CSV need nothing"}
	case errors.Is(err, store.ErrNotMigrated):
		return Problem{Type: "/problems/not-ready", Title: "Database schema not current", Status: http.StatusServiceUnavailable,
			Detail: "the database lacks migrations this version needs; run `bandoso migrate`"}
	case errors.Is(err, web.ErrGlyphsNotBuilt):
		return Problem{Type: "/problems/glyphs-not-built", Title: "Glyphs not built", Status: http.StatusServiceUnavailable,
			Detail: "this binary was built without the map labels' glyphs, and its styles draw no labels; build it with `make build`"}
	case errors.Is(err, web.ErrNotBuilt):
		return Problem{Type: "/problems/viewer-not-built", Title: "Viewer not built", Status: http.StatusServiceUnavailable,
			Detail: "this binary was built without the files copied from npm (MapLibre for the viewer, Swagger UI for the API reference); build it with `make build`"}
	case errors.Is(err, errRateLimited):
		return Problem{Type: "/problems/rate-limited", Title: "Too many requests", Status: http.StatusTooManyRequests,
			Detail: "this client has sent more requests than the server allows; retry after the seconds in Retry-After"}
	case errors.Is(err, errTooManyUploads):
		return Problem{Type: "/problems/rate-limited", Title: "Too many requests", Status: http.StatusTooManyRequests,
			Detail: "this client is sending as many uploads at once as the server allows one client; retry once one has ended"}
	case errors.Is(err, errTooManyDownloads):
		return Problem{Type: "/problems/rate-limited", Title: "Too many requests", Status: http.StatusTooManyRequests,
			Detail: "this client is receiving as many layer downloads at once as the server allows one client; retry once one has ended"}
	case errors.Is(err, admit.ErrClientBusy):
		return Problem{Type: "/problems/rate-limited", Title: "Too many requests", Status: http.StatusTooManyRequests,
			Detail: "this client has as many requests doing database work as the server allows one client; retry shortly"}
	case errors.Is(err, errSlowBody):
		return Problem{Type: "/problems/body-timeout", Title: "Request body too slow", Status: http.StatusRequestTimeout,
			Detail: "the request body stopped arriving, or took longer than the server waits for one"}
	case errors.Is(err, admit.ErrBusy):
		return Problem{Type: "/problems/busy", Title: "Server busy", Status: http.StatusServiceUnavailable,
			Detail: "the server has more work queued than it takes on; retry shortly"}
	case errors.Is(err, store.ErrUnavailable):
		return Problem{Type: "/problems/unavailable", Title: "Database unavailable", Status: http.StatusServiceUnavailable,
			Detail: "the database cannot be reached; retry shortly"}
	case errors.Is(err, store.ErrTimeout), errors.Is(err, context.DeadlineExceeded):
		return Problem{Type: "/problems/timeout", Title: "Timed out", Status: http.StatusServiceUnavailable,
			Detail: "the request took longer than the server allows"}
	}
	return Problem{Type: "/problems/internal", Title: "Internal error", Status: http.StatusInternalServerError, Detail: "internal error"}
}

// constraintParam names what a ConstraintError refused as the body's member: the geometry, a
// property, or, when the database names no column, the body.
func constraintParam(c *store.ConstraintError) string {
	switch c.Column {
	case "":
		return paramBody
	case "geometry":
		return "geometry"
	}
	return "properties." + c.Column
}

// problem writes err as problem+json and logs it: 5xx at error with the cause, 4xx at debug.
// A client that went away gets nothing and counts as no error.
func (s *Server) problem(w http.ResponseWriter, r *http.Request, err error) {
	log := loggerFrom(r.Context(), s.Log)
	if errors.Is(err, context.Canceled) && r.Context().Err() != nil {
		log.Debug("client went away", "err", err)
		// Nobody reads this; it makes the request log say 499 (client closed) instead of 200.
		w.WriteHeader(statusClientClosed)
		return
	}
	if abort := (*ClientAbortError)(nil); errors.As(err, &abort) {
		log.Info("client closed the request mid-body", "err", err)
		w.WriteHeader(statusClientClosed)
		return
	}
	p := problemOf(err)
	p.Instance = r.URL.Path
	p.RequestID = middleware.GetReqID(r.Context())
	switch {
	case p.Status >= 500 && p.Status != http.StatusServiceUnavailable:
		log.Error("request failed", "status", p.Status, "err", err)
	case p.Status >= 500:
		log.Warn("request failed", "status", p.Status, "err", err)
	default:
		log.Debug("bad request", "status", p.Status, "err", err)
	}
	switch p.Status {
	case http.StatusServiceUnavailable, http.StatusTooManyRequests:
		if w.Header().Get("Retry-After") == "" {
			w.Header().Set("Retry-After", strconv.Itoa(s.retryAfter(err)))
		}
	case http.StatusUnauthorized:
		w.Header().Set("WWW-Authenticate", `Bearer realm="bandoso"`)
	}
	writeProblem(w, p)
}

func writeProblem(w http.ResponseWriter, p Problem) {
	h := w.Header()
	h.Del("Content-Encoding")
	h.Del("ETag")
	h.Set("Content-Type", mediaProblem)
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}

// loggerFrom returns the request's logger (with its id and route) or the fallback.
func loggerFrom(ctx context.Context, fallback *slog.Logger) *slog.Logger {
	if l, ok := ctx.Value(loggerKey{}).(*slog.Logger); ok {
		return l
	}
	return fallback
}

type loggerKey struct{}
