package api

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
)

// pathParam is the path parameter name, decoded. chi routes on the escaped path when the
// request's differs from the default escaping of its decoded form (r.URL.RawPath is set: a
// plus code's '+' written "%2B", as JavaScript's encodeURIComponent writes it), so that an
// escaped slash stays inside its segment; its parameters are then still escaped
// (go-chi/chi#832). Every handler reads its path parameters here.
func pathParam(r *http.Request, name string) string {
	v := chi.URLParam(r, name)
	if r.URL.RawPath == "" {
		return v
	}
	if decoded, err := url.PathUnescape(v); err == nil {
		return decoded
	}
	return v
}

// routePath is the path chi routes the request on.
func routePath(r *http.Request) string {
	if r.URL.RawPath != "" {
		return r.URL.RawPath
	}
	return r.URL.Path
}

// parseRFC3339 reads an RFC 3339 time from a query parameter. A query string's '+' is a space
// by the rules of HTML forms (url.ParseQuery), so "2025-07-01T08:00:00+07:00" written without
// escaping its '+' arrives as "2025-07-01T08:00:00 07:00"; RFC 3339 has no space, and none
// before the offset's hours and minutes, so that space is read as the '+' it was.
func parseRFC3339(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		if i := len(s) - len("07:00") - 1; i > 0 && s[i] == ' ' && !strings.Contains(s[:i], " ") {
			if t, perr := time.Parse(time.RFC3339Nano, s[:i]+"+"+s[i+1:]); perr == nil {
				return t, nil
			}
		}
	}
	return t, err
}
