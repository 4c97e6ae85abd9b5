package api_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"bandoso/api"
	"bandoso/catalog"
	"bandoso/store/storetest"
	"bandoso/tiles"
)

// TestMetrics serves tiles (one twice), an unknown path and a bad method, then reads
// /metrics: requests are counted by route template, never by raw path, and the tile cache,
// tile queries and the pool are there.
func TestMetrics(t *testing.T) {
	t.Parallel()
	db := storetest.New(t)
	cat := catalog.New(db)
	ts := tiles.New(db, cat, tiles.NewCache(1<<20, time.Hour))
	srv := httptest.NewServer(testServer(api.Server{DB: db, Catalog: cat, Tiles: ts, Version: "test"}).Handler())
	t.Cleanup(srv.Close)

	a := maptile.At(orb.Point{106.70, 10.78}, 16)
	b := maptile.At(orb.Point{106.71, 10.79}, 16)
	for _, path := range []string{tilePath("parcels", a), tilePath("parcels", a), tilePath("parcels", b)} {
		if res, _ := send(t, http.MethodGet, srv.URL+path); res.StatusCode >= 300 {
			t.Fatalf("GET %s: %d", path, res.StatusCode)
		}
	}
	send(t, http.MethodGet, srv.URL+"/no/such/42")
	send(t, http.MethodDelete, srv.URL+"/healthz")

	res, body := send(t, http.MethodGet, srv.URL+"/metrics")
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("GET /metrics: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(strings.NewReader(string(body)))
	if err != nil {
		t.Fatalf("/metrics does not parse: %v\n%s", err, body)
	}

	requests := families["bandoso_http_requests_total"]
	if requests == nil {
		t.Fatalf("no bandoso_http_requests_total:\n%s", body)
	}
	for _, want := range []struct {
		route, method, status string
		n                     float64
	}{
		{"/tiles/{layers}/{z}/{x}/{y}.mvt", "GET", "", 3},
		{"unmatched", "GET", "404", 1},
		{"unmatched", "DELETE", "405", 1},
	} {
		got := 0.0
		for _, s := range requests.Metric {
			l := labels(s)
			if l["route"] == want.route && l["method"] == want.method && (want.status == "" || l["status"] == want.status) {
				got += s.GetCounter().GetValue()
			}
		}
		if got != want.n {
			t.Errorf("requests %s %s %s: %v, want %v", want.method, want.route, want.status, got, want.n)
		}
	}
	for _, s := range requests.Metric {
		if route := labels(s)["route"]; strings.ContainsAny(route, "0123456789") {
			t.Errorf("a route label holds a raw path: %q", route)
		}
	}
	if h := families["bandoso_http_request_duration_seconds"]; h == nil || len(h.Metric) == 0 {
		t.Error("no request duration histogram")
	}

	value := func(name string) float64 {
		t.Helper()
		f := families[name]
		if f == nil || len(f.Metric) != 1 {
			t.Fatalf("no single %s:\n%s", name, body)
		}
		s := f.Metric[0]
		return s.GetCounter().GetValue() + s.GetGauge().GetValue() + float64(s.GetHistogram().GetSampleCount())
	}
	for name, want := range map[string]float64{
		"bandoso_tile_cache_hits_total":       1,
		"bandoso_tile_cache_misses_total":     2,
		"bandoso_tile_cache_entries":          2,
		"bandoso_tile_queries_total":          2,
		"bandoso_tile_query_duration_seconds": 2,
	} {
		if got := value(name); got != want {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
	for _, name := range []string{"bandoso_tile_cache_bytes", "bandoso_tile_query_seconds_total",
		"bandoso_db_pool_max_conns", "bandoso_db_pool_total_conns", "bandoso_db_pool_acquires_total"} {
		if got := value(name); got <= 0 {
			t.Errorf("%s = %v, want > 0", name, got)
		}
	}
	for _, name := range []string{"bandoso_tile_cache_evictions_total", "bandoso_db_pool_acquired_conns",
		"bandoso_db_pool_idle_conns", "bandoso_db_pool_empty_acquires_total", "bandoso_db_pool_canceled_acquires_total",
		"bandoso_db_pool_acquire_seconds_total", "go_goroutines", "process_start_time_seconds"} {
		value(name)
	}
}

// TestMetricsBare: a server built without metrics still serves /metrics, of its own.
func TestMetricsBare(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(testServer(api.Server{}).Handler())
	t.Cleanup(srv.Close)
	send(t, http.MethodGet, srv.URL+"/healthz")
	res, body := send(t, http.MethodGet, srv.URL+"/metrics")
	want := `bandoso_http_requests_total{method="GET",route="/healthz",status="200"} 1`
	if res.StatusCode != 200 || !strings.Contains(string(body), want) {
		t.Fatalf("GET /metrics: %d, want a line %s in\n%s", res.StatusCode, want, body)
	}
	if strings.Contains(string(body), "bandoso_tile_") || strings.Contains(string(body), "bandoso_db_pool_") {
		t.Error("tile or pool metrics without a tile service or a database")
	}
}

func labels(m *dto.Metric) map[string]string {
	l := map[string]string{}
	for _, p := range m.Label {
		l[p.GetName()] = p.GetValue()
	}
	return l
}
