package api_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"bandoso/admit"
	"bandoso/api"
	"bandoso/catalog"
	"bandoso/store"
	"bandoso/store/storetest"
	"bandoso/tiles"
)

// serveLimited serves a migrated database with the limits configure sets.
func serveLimited(t *testing.T, db *store.DB, configure func(*api.Server)) string {
	t.Helper()
	cat := catalog.New(db)
	ts := httptest.NewServer(testServer(api.Server{DB: db, Catalog: cat, Tiles: tiles.New(db, cat, nil), Version: "test"}, configure).Handler())
	t.Cleanup(ts.Close)
	return ts.URL
}

// TestRateLimit spends a client's burst and checks the 429, who counts as one client (its
// valid key, else its address, behind trusted proxies the forwarded one, IPv6 by /64), and
// that health checks and the metrics are never limited.
func TestRateLimit(t *testing.T) {
	t.Parallel()
	db := storetest.New(t)
	// A rate this slow refills nothing during the test: each client has its burst, 2.
	slow := api.RateLimit{Rate: 0.001, Burst: 2}
	url := serveLimited(t, db, func(s *api.Server) { s.Config.Limits.RateLimit = slow })
	get := func(what, path string, status int, header ...string) *http.Response {
		t.Helper()
		res, body := send(t, http.MethodGet, url+path, header...)
		checkStatus(t, what, res, body, status)
		return res
	}
	get("first", "/ogc/conformance", 200)
	get("second", "/ogc/conformance", 200)
	res := get("third", "/ogc/conformance", http.StatusTooManyRequests)
	if wait, err := strconv.Atoi(res.Header.Get("Retry-After")); err != nil || wait < 500 {
		t.Errorf("Retry-After %q, want the ~1000 s until the bucket has a token", res.Header.Get("Retry-After"))
	}
	if res.Header.Get("Access-Control-Allow-Origin") != "*" {
		t.Error("a 429 lacks CORS headers: a browser could not read it")
	}
	for range 3 {
		get("health check", "/healthz", 200)
		get("metrics", "/metrics", 200)
	}
	// A forwarded address from a peer not trusted as a proxy changes nothing.
	get("untrusted X-Forwarded-For", "/ogc/conformance", http.StatusTooManyRequests, "X-Forwarded-For", "203.0.113.7")
	// A valid key is a client of its own; a made-up one is still the address.
	reader := newKey(t, db, "map-app", store.RoleReader)
	get("keyed, first", "/ogc/conformance", 200, reader...)
	get("keyed, second", "/ogc/conformance", 200, reader...)
	get("keyed, third", "/ogc/conformance", http.StatusTooManyRequests, reader...)
	get("made-up key", "/ogc/conformance", http.StatusTooManyRequests,
		"Authorization", "Bearer bds_abcdefgh_"+strings.Repeat("a", 52))
	if n := metricValue(t, url, "bandoso_http_rate_limited_total"); n != 4 {
		t.Errorf("bandoso_http_rate_limited_total %v, want 4", n)
	}

	proxied := serveLimited(t, db, func(s *api.Server) {
		s.Config.Limits.RateLimit = slow
		s.Config.HTTP.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
	})
	for _, c := range []struct {
		forwarded string
		status    int
	}{
		{"203.0.113.1", 200},
		{"203.0.113.1", 200},
		{"203.0.113.1", 429},
		{"203.0.113.2", 200},
		// The client is the last address not a trusted proxy; what it claims before is not read.
		{"198.51.100.9, 203.0.113.1, 127.0.0.5", 429},
		{"2001:db8:1:2::1", 200},
		{"2001:db8:1:2::2", 200},
		{"2001:db8:1:2:ffff::3", 429}, // one /64, one client
		{"2001:db8:1:3::1", 200},
	} {
		res, body := send(t, http.MethodGet, proxied+"/ogc/conformance", "X-Forwarded-For", c.forwarded)
		checkStatus(t, "X-Forwarded-For: "+c.forwarded, res, body, c.status)
	}
}

// TestDBWorkGate fills the gate in front of database work: database routes and tile misses
// are answered 503 busy at once, routes without database work and health checks are not,
// and once the gate has room again everything is served.
func TestDBWorkGate(t *testing.T) {
	t.Parallel()
	db := storetest.New(t)
	gate := admit.New(1, 0, time.Second)
	url := serveLimited(t, db, func(s *api.Server) {
		s.DBWork = gate
		s.Tiles.Gate = gate
	})
	leave, err := gate.Enter(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	tile := tilePath("parcels", maptile.At(orb.Point{106.70, 10.78}, 16))
	for _, path := range []string{"/v1/geocode?q=12+L%C3%AA+L%E1%BB%A3i", "/ogc/collections/parcels/items?limit=1", tile} {
		res, body := send(t, http.MethodGet, url+path)
		p := checkStatus(t, path+" while the gate is full", res, body, http.StatusServiceUnavailable)
		if p["type"] != "/problems/busy" || res.Header.Get("Retry-After") != "1" {
			t.Errorf("%s: type %v, Retry-After %q; want /problems/busy and 1", path, p["type"], res.Header.Get("Retry-After"))
		}
	}
	for _, path := range []string{"/healthz", "/readyz", "/ogc/conformance", "/metrics"} {
		res, body := send(t, http.MethodGet, url+path)
		checkStatus(t, path+" while the gate is full", res, body, 200)
	}
	if n := metricValue(t, url, "bandoso_db_work_shed_total"); n != 3 {
		t.Errorf("bandoso_db_work_shed_total %v, want 3", n)
	}
	leave()
	for _, path := range []string{"/v1/geocode?q=12+L%C3%AA+L%E1%BB%A3i", tile} {
		res, body := send(t, http.MethodGet, url+path)
		if res.StatusCode >= 300 {
			t.Errorf("%s once the gate has room: %d %s", path, res.StatusCode, body)
		}
	}
}

// TestTileTimeout: a tile past its own, shorter, deadline is 503 while other routes keep the
// request timeout.
func TestTileTimeout(t *testing.T) {
	t.Parallel()
	db := storetest.New(t)
	url := serveLimited(t, db, func(s *api.Server) { s.Config.Tiles.Timeout = time.Nanosecond })
	tile := maptile.At(orb.Point{106.70, 10.78}, 16)
	for _, path := range []string{tilePath("parcels", tile),
		"/ogc/collections/parcels/tiles/WebMercatorQuad/16/" + strconv.Itoa(int(tile.Y)) + "/" + strconv.Itoa(int(tile.X))} {
		res, body := send(t, http.MethodGet, url+path)
		if p := checkStatus(t, path, res, body, http.StatusServiceUnavailable); p["type"] != "/problems/timeout" {
			t.Errorf("%s: type %v, want /problems/timeout", path, p["type"])
		}
	}
	res, body := send(t, http.MethodGet, url+"/ogc/collections/parcels/items?limit=1")
	checkStatus(t, "items", res, body, 200)
}

// TestItemsMaxLimit: a page holds at most ItemsMaxLimit features, and the API definition says so.
func TestItemsMaxLimit(t *testing.T) {
	t.Parallel()
	e := newCityEnv(t, 50)
	url := serveLimited(t, e.db, func(s *api.Server) { s.Config.Limits.ItemsMaxLimit = 3 })
	res, body := send(t, http.MethodGet, url+"/ogc/collections/parcels/items?limit=40")
	fc := checkStatus(t, "items", res, body, 200)
	if n := len(fc["features"].([]any)); n != 3 {
		t.Errorf("limit=40 with a cap of 3: %d features", n)
	}
	res, body = send(t, http.MethodGet, url+"/ogc/api")
	doc := checkStatus(t, "API definition", res, body, 200)
	limit := doc["components"].(map[string]any)["parameters"].(map[string]any)["limit"].(map[string]any)
	if max := limit["schema"].(map[string]any)["maximum"]; max != 3.0 {
		t.Errorf("the API definition's limit maximum is %v, want 3", max)
	}
}

// metricValue reads one unlabelled sample from url's /metrics; -1 when it is absent.
func metricValue(t *testing.T, url, name string) float64 {
	t.Helper()
	_, body := send(t, http.MethodGet, url+"/metrics")
	sc := bufio.NewScanner(bytes.NewReader(body))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), name+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatal(err)
			}
			return f
		}
	}
	return -1
}

// TestMadeUpKeysSpareTheDatabase sends a stream of well-formed keys that do not exist, each
// new: past a small budget per address the server refuses them without asking the database.
func TestMadeUpKeysSpareTheDatabase(t *testing.T) {
	t.Parallel()
	db := storetest.New(t)
	url := serveLimited(t, db, func(s *api.Server) { s.Config.Limits.RateLimit = api.RateLimit{Rate: 1000, Burst: 1000} })
	const sent = 200
	before := db.Stats().AcquireCount()
	refused := 0
	for i := range sent {
		secret := fmt.Sprintf("bds_%08d_%s", i, strings.Repeat("a", 52))
		res, body := send(t, http.MethodGet, url+"/ogc/conformance", "Authorization", "Bearer "+secret)
		switch res.StatusCode {
		case http.StatusTooManyRequests:
			refused++
		case http.StatusUnauthorized, http.StatusOK:
		default:
			t.Fatalf("key %d: status %d: %s", i, res.StatusCode, body)
		}
	}
	// the lookups: a burst of 10 and 2 a second for as long as the requests took
	if acquired := db.Stats().AcquireCount() - before; acquired > sent/4 || refused < sent/2 {
		t.Errorf("%d made-up keys: %d database acquires, %d refused; want the keys refused before the database", sent, acquired, refused)
	}
}
