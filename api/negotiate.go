package api

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/munnerz/goautoneg"
)

// Content negotiation between a resource's JSON and its HTML page, as pg_featureserv and
// pygeoapi do it: f=html or f=json chooses; otherwise the Accept header does (RFC 9110
// §12.5.1), and JSON stays the answer of every client that does not prefer HTML. Browsers
// send "text/html,…,*/*;q=0.8", which prefers it; curl's "*/*" and GDAL's "application/json"
// do not.

const (
	mediaHTML = "text/html; charset=utf-8"
	// formatHTML and formatJSON are the values of f that choose the page or the JSON.
	formatHTML = "html"
	formatJSON = "json"
)

// html reports whether r gets the HTML page rather than one of the media types jsonTypes
// (application/json when none is given): never without web's templates. The caller has
// checked f; Vary gets Accept, since the answer depends on it.
func (s *Server) html(w http.ResponseWriter, r *http.Request, jsonTypes ...string) bool {
	return s.Web != nil && !negotiateJSON(w, r, false, jsonTypes...)
}

// checkFormat refuses an f other than json and, with web's templates, html: the formats of a
// resource that has a JSON document and a page.
func (s *Server) checkFormat(r *http.Request) error {
	q := r.URL.Query()
	if f := q.Get(paramFormat); q.Has(paramFormat) && f != formatJSON && (f != formatHTML || s.Web == nil) {
		return &ParamError{Param: paramFormat, Reason: fmt.Sprintf("%q is not a format here; use json or html", f)}
	}
	return nil
}

// negotiateJSON reports whether r gets JSON (one of jsonTypes, application/json when none
// is given) rather than HTML: f chooses when given; otherwise Accept does, a tie going to
// HTML when htmlFirst and to JSON when not.
func negotiateJSON(w http.ResponseWriter, r *http.Request, htmlFirst bool, jsonTypes ...string) bool {
	if f := r.URL.Query().Get(paramFormat); f != "" {
		return f != formatHTML
	}
	w.Header().Add("Vary", "Accept")
	if len(jsonTypes) == 0 {
		jsonTypes = []string{mediaJSON}
	}
	if htmlFirst {
		return prefers(r, jsonTypes[0], append(jsonTypes[1:], "text/html")...)
	}
	return !prefers(r, "text/html", jsonTypes...)
}

// prefers reports whether r's Accept header gives media type want a higher quality than
// every one of others: ties go to the others.
func prefers(r *http.Request, want string, others ...string) bool {
	accepts := goautoneg.ParseAccept(strings.ToLower(strings.Join(r.Header.Values("Accept"), ",")))
	q := acceptQuality(accepts, want)
	for _, o := range others {
		if acceptQuality(accepts, o) >= q {
			return false
		}
	}
	return q > 0
}

// acceptQuality is the quality accepts give the media type: that of the most specific range
// matching it, 0 when none does.
func acceptQuality(accepts []goautoneg.Accept, media string) float64 {
	typ, sub, _ := strings.Cut(strings.TrimSpace(strings.Split(media, ";")[0]), "/")
	q, specificity := 0.0, -1
	for _, a := range accepts {
		s := -1
		switch {
		case a.Type == typ && a.SubType == sub:
			s = 2
		case a.Type == typ && a.SubType == "*":
			s = 1
		case a.Type == "*" && a.SubType == "*":
			s = 0
		}
		if s > specificity {
			q, specificity = a.Q, s
		}
	}
	return q
}
