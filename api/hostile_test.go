package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/go-chi/chi/v5"
	"github.com/paulmach/orb/maptile"

	"bandoso/store"
)

// hostileValues go into every query parameter and path segment: SQL fragments, control and
// invalid UTF-8 bytes, numbers past every range, and the special floats.
var hostileValues = []string{
	`' OR 1=1--`, `1;DROP TABLE parcels`, `$$`, "\x00", "a\x00b", "\xff\xfe", `"`, `\`, `%`, `{}`, `[[[[`,
	"1e308", "-1e308", "1e309", "99999999999999999999", "-99999999999999999999", "NaN", "Inf", "-Inf", "-0", "-1",
	"0x10", "1_0", strings.Repeat("9", 4096),
}

// leaks are what an answer must never show: database errors, Go file positions, stacks.
var leaks = regexp.MustCompile(`SQLSTATE|pq:|pgx|pgconn|syntax error at|goroutine |\.go:\d|panic|runtime error`)

// hostileRoute is how one route is sent hostile input.
type hostileRoute struct {
	// params gives each path parameter a valid value; the request without hostile input
	// answers ok.
	params map[string]func() string
	ok     int
	// role is the key hostile requests carry ("" none); with one, a request without a key is
	// 401.
	role string
	// values is the valid request's query.
	values url.Values
	// extra adds parameters to those the OpenAPI document lists for the route.
	extra []string
	// accept is what a hostile value may be answered with, by parameter name, for the
	// parameters (free text, an optional filter) where it is valid input; any other is 400
	// or 404.
	accept map[string][]int
	// body is a valid body with its Content-Type, for POST, PUT and PATCH.
	body, contentType func() string
	// header is sent with every request of the route.
	header []string
}

// hostileEnv is the demo city with the keys and data the hostile requests need.
type hostileEnv struct {
	tileEnv
	keys   map[string][]string
	tile   maptile.Tile
	parcel int64
	code   string
	// victims are parcels, one for each DELETE, so that every one finds its feature.
	victims []int64
	next    atomic.Int64
}

func newHostileEnv(t *testing.T) *hostileEnv {
	t.Helper()
	e := &hostileEnv{tileEnv: newCityEnv(t, 600)}
	e.keys = map[string][]string{"": nil}
	for _, role := range []string{"reader", "editor", "admin"} {
		e.keys[role] = newKey(t, e.db, role, store.Role(role))
	}
	e.tile = maptile.At(e.centre, 15)
	ctx := context.Background()
	if err := e.pool.QueryRow(ctx, `SELECT min(id) FROM parcels`).Scan(&e.parcel); err != nil {
		t.Fatal(err)
	}
	if err := e.pool.QueryRow(ctx, `SELECT code FROM addresses ORDER BY id LIMIT 1`).Scan(&e.code); err != nil {
		t.Fatal(err)
	}
	rows, err := e.pool.Query(ctx, `SELECT id FROM parcels ORDER BY id DESC LIMIT 200`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		e.victims = append(e.victims, id)
	}
	return e
}

// victim is a parcel no other request has deleted.
func (e *hostileEnv) victim(t *testing.T) string {
	n := e.next.Add(1)
	if int(n) >= len(e.victims) {
		t.Fatal("out of parcels to delete")
	}
	return fmt.Sprint(e.victims[n])
}

// path fills the route's pattern with the valid values, and with value for the parameter
// hostile.
func (rt hostileRoute) path(pattern, hostile, value string) string {
	return regexp.MustCompile(`\{[^}]+\}`).ReplaceAllStringFunc(pattern, func(m string) string {
		name := m[1 : len(m)-1]
		if name == hostile {
			return url.PathEscape(value)
		}
		return rt.params[name]()
	})
}

// hostileResult is an answer, read whole.
type hostileResult struct {
	status int
	header http.Header
	body   []byte
}

// sendHostile sends one request of the route with the route's header and key.
func (e *hostileEnv) sendHostile(t *testing.T, rt hostileRoute, method, target, body, contentType string, withKey bool) hostileResult {
	t.Helper()
	header := slices.Clone(rt.header)
	if contentType != "" {
		header = append(header, "Content-Type", contentType)
	}
	if withKey {
		header = append(header, e.keys[rt.role]...)
	}
	res, raw := sendBody(t, method, e.url+target, body, header...)
	return hostileResult{res.StatusCode, res.Header, raw}
}

// checkHostile asserts the status is one of want, never 5xx, an error is problem+json with
// the same status, and no answer leaks an internal error.
func checkHostile(t *testing.T, what string, r hostileResult, want ...int) {
	t.Helper()
	if r.status >= 500 || !slices.Contains(want, r.status) {
		t.Errorf("%s: status %d, want one of %v; body %.300s", what, r.status, want, r.body)
	}
	if r.status < 400 {
		if strings.Contains(r.header.Get("Content-Type"), "json") && leaks.Match(r.body) {
			t.Errorf("%s: %d leaks %q", what, r.status, leaks.Find(r.body))
		}
		return
	}
	if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("%s: %d with Content-Type %q", what, r.status, ct)
	}
	var p struct{ Status int }
	if err := json.Unmarshal(r.body, &p); err != nil || p.Status != r.status {
		t.Errorf("%s: problem %.300s: %v", what, r.body, err)
	}
	if leaks.Match(r.body) {
		t.Errorf("%s: leaks %q in %.300s", what, leaks.Find(r.body), r.body)
	}
}

// TestHostileInput sends hostile input to every route of the full router: in each path
// segment, each query parameter the OpenAPI document lists for it (and a made-up one), and,
// for POST, PUT and PATCH, hostile bodies and Content-Types. No answer is a 5xx or leaks an
// internal error; every error is problem+json. A route without a case here fails the test.
func TestHostileInput(t *testing.T) {
	t.Parallel()
	e := newHostileEnv(t)
	doc, _ := e.loadOpenAPI(t)
	routes := hostileRoutes(e, t)
	router, ok := e.handler.(chi.Routes)
	if !ok {
		t.Fatalf("the handler is a %T, not a chi router", e.handler)
	}
	walked := 0
	err := chi.Walk(router, func(method, pattern string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		walked++
		rt, ok := routes[method+" "+pattern]
		if !ok {
			t.Errorf("%s %s has no hostile case: add it to hostileRoutes", method, pattern)
			return nil
		}
		t.Run(method+" "+pattern, func(t *testing.T) {
			e.hostileRoute(t, doc, method, pattern, rt)
		})
		return nil
	})
	if err != nil || walked < 40 {
		t.Fatalf("walked %d routes: %v", walked, err)
	}
}

// hostileRoute sends every hostile case of one route.
func (e *hostileEnv) hostileRoute(t *testing.T, doc *openapi3.T, method, pattern string, rt hostileRoute) {
	valid := func() (string, string) {
		if rt.body == nil {
			return "", ""
		}
		return rt.body(), rt.contentType()
	}
	body, contentType := valid()
	send := func(target, body, contentType string) hostileResult {
		return e.sendHostile(t, rt, method, target, body, contentType, true)
	}
	path := rt.path(pattern, "", "")
	base := path
	if len(rt.values) > 0 {
		base += "?" + rt.values.Encode()
	}
	checkHostile(t, "valid "+base, send(base, body, contentType), rt.ok)
	if rt.role != "" {
		body, contentType = valid()
		checkHostile(t, "without a key", e.sendHostile(t, rt, method, base, body, contentType, false), http.StatusUnauthorized)
	}

	// Each path segment.
	for _, name := range regexp.MustCompile(`\{([^}]+)\}`).FindAllStringSubmatch(pattern, -1) {
		for _, v := range hostileValues {
			body, contentType = valid()
			target := rt.path(pattern, name[1], v)
			if len(rt.values) > 0 {
				target += "?" + rt.values.Encode()
			}
			want := append([]int{http.StatusBadRequest, http.StatusNotFound}, rt.accept[name[1]]...)
			checkHostile(t, fmt.Sprintf("path %s=%q", name[1], v), send(target, body, contentType), want...)
		}
	}

	// Each query parameter, and one the route does not know.
	params := append(documentedQuery(doc, method, pattern, path), rt.extra...)
	for _, name := range append(params, "x' OR 1=1--") {
		for _, v := range hostileValues {
			body, contentType = valid()
			q := url.Values{}
			for k, vs := range rt.values {
				q[k] = vs
			}
			q.Set(name, v)
			target := path + "?" + q.Encode()
			want := append([]int{http.StatusBadRequest, http.StatusNotFound}, rt.accept[name]...)
			if !slices.Contains(params, name) && !slices.Contains(want, rt.ok) {
				want = append(want, rt.ok) // ignored where unknown parameters are
			}
			checkHostile(t, fmt.Sprintf("query %s=%q", name, v), send(target, body, contentType), want...)
		}
	}

	if rt.body != nil {
		e.hostileBodies(t, rt, method, base)
	}
}

// documentedQuery lists the query parameters the OpenAPI document gives the route, listed
// under its template or its valid request's path.
func documentedQuery(doc *openapi3.T, method, pattern, path string) []string {
	var out []string
	for p, item := range doc.Paths.Map() {
		if full := fullPath(doc, p, item); full != pattern && full != path {
			continue
		}
		params := item.Parameters
		if op := item.GetOperation(method); op != nil {
			params = append(slices.Clone(params), op.Parameters...)
		}
		for _, p := range params {
			if p.Value != nil && p.Value.In == openapi3.ParameterInQuery && !slices.Contains(out, p.Value.Name) {
				out = append(out, p.Value.Name)
			}
		}
	}
	slices.Sort(out)
	return out
}
