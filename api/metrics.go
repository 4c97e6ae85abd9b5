package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"bandoso/admit"
	"bandoso/shared"
	"bandoso/store"
	"bandoso/tiles"
)

// GET /metrics: Prometheus metrics of this process, in the text exposition format.

const metricsPath = "/metrics"

// Metrics is the service's Prometheus registry, its own rather than the global default so
// that each Server (and each test) counts alone.
type Metrics struct {
	reg            *prometheus.Registry
	requests       *prometheus.CounterVec
	durations      *prometheus.HistogramVec
	tileQueries    prometheus.Histogram
	imports        *prometheus.CounterVec
	importFeatures *prometheus.CounterVec
	rateLimited    prometheus.Counter
}

// newMetrics returns a registry with the HTTP, import, Go runtime and process metrics, and
// those read at scrape time from db's pool and t's counters; db and t may be nil. Tile query
// durations are counted when the tile service reports them to ObserveTileQuery.
func newMetrics(db *store.DB, t *tiles.Service) *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "bandoso_http_requests_total",
			Help: "HTTP requests answered, by route template, method and status."}, []string{"route", "method", "status"}),
		durations: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "bandoso_http_request_duration_seconds",
			Help: "Time to answer an HTTP request, by route template and method.", Buckets: durationBuckets},
			[]string{"route", "method"}),
		tileQueries: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "bandoso_tile_query_duration_seconds",
			Help: "Time the database took to make one tile (cache misses only).", Buckets: durationBuckets}),
		imports: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "bandoso_imports_total",
			Help: "Imports over HTTP, by outcome: written, refused, dry_run or error."}, []string{"outcome"}),
		importFeatures: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "bandoso_import_features_total",
			Help: "Features read by imports over HTTP, by the import's outcome."}, []string{"outcome"}),
		rateLimited: prometheus.NewCounter(prometheus.CounterOpts{Name: "bandoso_http_rate_limited_total",
			Help: "Requests answered 429: the client was past its rate limit."}),
	}
	m.reg.MustRegister(m.requests, m.durations, m.imports, m.importFeatures, m.rateLimited,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if t != nil {
		m.reg.MustRegister(tileCollector{t}, m.tileQueries)
	}
	if db != nil {
		m.reg.MustRegister(poolCollector{db}, replicaCollector{db})
	}
	return m
}

// watchGate adds the state of the gate in front of database work; call it once.
func (m *Metrics) watchGate(g *admit.Gate) { m.reg.MustRegister(gateCollector{g}) }

// watchRedis adds whether Redis answers and what the shared tile cache of t (nil: none)
// answered; call it once.
func (m *Metrics) watchRedis(c *shared.Client, t *tiles.Service) {
	m.reg.MustRegister(redisCollector{c, t})
}

// durationBuckets span a cached tile (1 ms) to a slow query near the request timeout (10 s).
var durationBuckets = []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}

// Handler serves the registry in the Prometheus exposition formats.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// ObserveTileQuery counts one tile made by the database; tiles.Service.ObserveQuery calls it.
func (m *Metrics) ObserveTileQuery(d time.Duration) { m.tileQueries.Observe(d.Seconds()) }

// observeRequest counts one answered request. route is the chi pattern, never the raw
// path, so that the series stay few whatever clients ask for.
func (m *Metrics) observeRequest(route, method string, status int, d time.Duration) {
	if route == "" {
		route = "unmatched"
	}
	method = knownMethod(method)
	m.requests.WithLabelValues(route, method, strconv.Itoa(status)).Inc()
	m.durations.WithLabelValues(route, method).Observe(d.Seconds())
}

// knownMethod bounds the method label: any method a client invents is "other".
func knownMethod(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions:
		return m
	}
	return "other"
}

// observeImport counts one import over HTTP; outcome is the report's, or "error" when
// the import failed before it made one.
func (m *Metrics) observeImport(outcome string, features int) {
	m.imports.WithLabelValues(outcome).Inc()
	m.importFeatures.WithLabelValues(outcome).Add(float64(features))
}
