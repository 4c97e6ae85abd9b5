// Package api is bandoso's HTTP surface: routes, parameter parsing, handlers and the one
// mapping from errors to RFC 9457 problem details. It holds no SQL; data comes from store.
package api

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/hashicorp/golang-lru/v2/expirable"
	"github.com/paulmach/orb"

	"bandoso/address"
	"bandoso/admit"
	"bandoso/gazetteer"
	"bandoso/geocode"
	"bandoso/live"
	"bandoso/store"
	"bandoso/tiles"
	"bandoso/web"
)

// Server holds what the handlers need. Fields are set by cmd before Handler is called.
type Server struct {
	DB  *store.DB
	Log *slog.Logger
	// RequestTimeout bounds every request's context; database calls stop with it.
	RequestTimeout time.Duration
	// Version is reported by /healthz.
	Version string
	// Tiles serves /tiles/…; without it the routes are absent.
	Tiles *tiles.Service
	// TileMaxAge is the max-age of Cache-Control on tiles; zero means 60 seconds.
	TileMaxAge time.Duration
	// QueryMaxBytes bounds the body of POST /v1/parcels/query (413 beyond); zero means 1 MiB.
	QueryMaxBytes int64
	// QueryMaxAreaM2 bounds the area, buffer included, that one parcel query may cover;
	// zero means 100 km².
	QueryMaxAreaM2 float64
	// BatchMaxBytes bounds a file posted to /v1/geocode/batch or /v1/parse/batch; zero means
	// 64 MiB.
	BatchMaxBytes int64
	// BatchTimeout replaces RequestTimeout for /v1/geocode/batch and /v1/parse/batch; zero
	// means 15 minutes.
	BatchTimeout time.Duration
	// ImportMaxBytes bounds the body of POST /v1/admin/import (413 beyond); zero means 512 MiB.
	ImportMaxBytes int64
	// ImportTimeout replaces RequestTimeout for POST /v1/admin/import; zero means 15 minutes.
	ImportTimeout time.Duration
	// Geocoder answers /v1/geocode and /v1/autocomplete; nil means one over DB.
	Geocoder *geocode.Geocoder
	// Units recognises administrative units by name in /v1/convert and the parcel look-up;
	// nil means the national gazetteer.
	Units address.UnitMatcher
	// CityCentre (lon, lat) is where short plus codes are recovered; zero means Ho Chi Minh
	// City's centre.
	CityCentre orb.Point
	// Changes brings committed changes to the tile cache and the geocoder; a handler that
	// writes calls Changes.CatchUp after its commit so that the next read shows the change
	// even before the database's notification arrives. It may be nil (CatchUp does nothing).
	Changes *live.Hub
	// EditMaxBytes bounds the body of a feature edit (413 beyond); zero means 4 MiB.
	EditMaxBytes int64
	// Web serves the viewer at / and the styles at /styles/…; without it the routes are absent.
	Web *web.Files
	// Metrics counts requests and imports and is served at /metrics; nil means a registry
	// of the server's own over DB and Tiles.
	Metrics *Metrics
	// RateLimit is each client's request budget; the zero value is no limit.
	RateLimit RateLimit
	// TrustedProxies are the networks of reverse proxies believed about the client: its
	// address (X-Forwarded-For, for rate limits) and the URL it asked for (Forwarded,
	// X-Forwarded-Proto, -Host and -Prefix, for links). Other peers' forwarded headers are
	// ignored.
	TrustedProxies []netip.Prefix
	// PublicURL is the URL clients reach the service at, such as
	// https://maps.hcmc.gov.vn/bandoso: links in answers start with it whatever the request
	// says. Empty: each request's own, behind a trusted proxy the one it forwarded.
	PublicURL string
	// DBWork caps the requests doing database work at once: routes that query the database
	// wait their turn behind it, or are answered 503 busy. Tiles pass it only on a cache
	// miss, which is why the tile service takes it too (tiles.Service.Gate). Nil: no cap.
	DBWork *admit.Gate
	// TileTimeout replaces RequestTimeout for tiles, shorter: a map asks again as it moves,
	// and a tile later than this is of no use to it. Zero means 10 seconds.
	TileTimeout time.Duration
	// ItemsMaxLimit is the most features one OGC API items page holds; a larger limit is
	// served this many. Zero means 10,000.
	ItemsMaxLimit int
	// BodyTimeout bounds how long a request body may stall, sending nothing; a body behind
	// the gate must also come whole within it, before the request takes its place. Zero
	// means 30 seconds.
	BodyTimeout time.Duration
	// UploadsPerClient caps the batch and import uploads one client sends at once (429
	// beyond); zero means 2.
	UploadsPerClient int
	// BusyAfter is how long DBWork may stay full before /readyz answers 503 busy, so that a
	// load balancer sends new work elsewhere; zero means 10 seconds.
	BusyAfter time.Duration

	keys       *keyCache
	uploads    *admit.Quota // uploads in progress per client
	layerStats *layerStatsCache
}

// handlerFunc is a handler that returns its error instead of writing it.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// h adapts a handlerFunc; the error, if any, goes through the one problem mapping.
func (s *Server) h(fn handlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		withAbortableBody(r)
		if err := fn(w, r); err != nil {
			s.problem(w, r, err)
		}
	}
}

// Handler returns the router with every route and middleware.
func (s *Server) Handler() http.Handler {
	if s.Log == nil {
		s.Log = slog.New(slog.DiscardHandler)
	}
	if s.RequestTimeout <= 0 {
		s.RequestTimeout = 30 * time.Second
	}
	if s.TileMaxAge <= 0 {
		s.TileMaxAge = 60 * time.Second
	}
	if s.QueryMaxBytes <= 0 {
		s.QueryMaxBytes = defaultQueryMaxBytes
	}
	if s.QueryMaxAreaM2 <= 0 {
		s.QueryMaxAreaM2 = defaultQueryMaxAreaM2
	}
	if s.BatchMaxBytes <= 0 {
		s.BatchMaxBytes = defaultBatchMaxBytes
	}
	if s.BatchTimeout <= 0 {
		s.BatchTimeout = defaultBatchTimeout
	}
	if s.ImportMaxBytes <= 0 {
		s.ImportMaxBytes = defaultImportMaxBytes
	}
	if s.ImportTimeout <= 0 {
		s.ImportTimeout = defaultImportTimeout
	}
	if s.TileTimeout <= 0 {
		s.TileTimeout = defaultTileTimeout
	}
	if s.ItemsMaxLimit <= 0 {
		s.ItemsMaxLimit = defaultItemsMaxLimit
	}
	s.PublicURL = strings.TrimRight(s.PublicURL, "/")
	if s.BodyTimeout <= 0 {
		s.BodyTimeout = defaultBodyTimeout
	}
	if s.UploadsPerClient <= 0 {
		s.UploadsPerClient = defaultUploadsPerClient
	}
	if s.BusyAfter <= 0 {
		s.BusyAfter = defaultBusyAfter
	}
	if s.EditMaxBytes <= 0 {
		s.EditMaxBytes = defaultEditMaxBytes
	}
	if s.Geocoder == nil && s.DB != nil {
		s.Geocoder = geocode.New(s.DB)
	}
	if s.Metrics == nil {
		s.Metrics = NewMetrics(s.DB, s.Tiles)
		if s.DBWork != nil {
			s.Metrics.WatchGate(s.DBWork)
		}
	}
	s.keys = newKeyCache()
	s.uploads = admit.NewQuota(s.UploadsPerClient)
	s.layerStats = expirable.NewLRU[string, store.LayerStats](256, nil, layerStatsTTL)
	if s.Changes != nil {
		// Feature counts and update times follow every committed change, here or elsewhere.
		s.Changes.Subscribe(func([]store.Change) { s.layerStats.Purge() })
		// A key revoked here or by `bandoso keys revoke` stops working at once.
		s.Changes.Subscribe(func(changes []store.Change) {
			if slices.ContainsFunc(changes, func(c store.Change) bool { return c.Table == store.KeysTable }) {
				s.keys.Purge()
			}
		})
	}
	r := chi.NewRouter()
	// GetHead answers HEAD with the GET handler; net/http drops the body.
	r.Use(requestID, s.securityHeaders(viewerCSP(s.Web)), s.logRequests, s.recoverPanics, privateWhenKeyed, s.cors(r), s.baseURL, s.rateLimit, s.identify, s.timeout, s.plainQuery, middleware.GetHead)
	r.NotFound(s.h(func(http.ResponseWriter, *http.Request) error { return errNoRoute }))
	// A custom 405 handler replaces chi's, which set Allow (RFC 9110 §15.5.6); set it here.
	r.MethodNotAllowed(s.h(func(w http.ResponseWriter, req *http.Request) error {
		w.Header().Set("Allow", strings.Join(allowedMethods(r, routePath(req)), ", "))
		return errMethodNotAllowed
	}))

	r.Get("/healthz", s.h(s.handleHealthz))
	r.Get("/readyz", s.h(s.handleReadyz))
	r.Method(http.MethodGet, metricsPath, s.Metrics.Handler())
	if s.Tiles != nil {
		r.With(s.within(s.TileTimeout)).Get("/tiles/{layers}/{z}/{x}/{y}.mvt", s.h(s.handleTile))
		r.Get("/tiles/{layers}.json", s.h(s.handleTileJSON))
		s.ogcRoutes(r)
	}
	// Uploads, as many at once per client as UploadsPerClient, take their turns at the gate
	// once their data has come: batches a turn per chunk of rows, imports once the file has.
	if s.DB != nil {
		r.Group(func(r chi.Router) {
			r.Use(s.uploading)
			r.Post(batchPath, s.h(s.handleGeocodeBatch))
			r.Post(parseBatchPath, s.h(s.handleParseBatch))
			r.Post(importPath, s.h(s.handleImport))
		})
	}
	// Routes that query the database take their turn at the gate, once their body has come;
	// tiles take it inside the tile service, on a cache miss only.
	r.Group(func(r chi.Router) {
		r.Use(s.admitted)
		if s.Tiles != nil {
			s.ogcFeatureRoutes(r)
		}
		if s.DB != nil {
			r.Get("/v1/parcels/lookup", s.h(s.handleParcelLookup))
			r.Get("/v1/parcels/at", s.h(s.handleParcelsAt))
			r.Get("/v1/parcels/{id}/planning", s.h(s.handleParcelPlanning))
			r.Post("/v1/parcels/query", s.h(s.handleParcelQuery))
			r.Get("/v1/geocode", s.h(s.handleGeocode))
			r.Get("/v1/autocomplete", s.h(s.handleAutocomplete))
			r.Get(parsePath, s.h(s.handleParse))
			r.Get("/v1/convert", s.h(s.handleConvert))
			r.Get("/v1/reverse", s.h(s.handleReverse))
			r.Get("/v1/codes/{code}", s.h(s.handleCode))
		}
		if s.DB != nil && s.Tiles != nil {
			r.Get("/v1/layers", s.h(s.handleLayers))
			r.Get("/v1/layers/{layer}", s.h(s.handleLayer))
			r.Patch("/v1/layers/{layer}", s.h(s.handlePatchLayer))
			r.Post("/v1/layers/{layer}/features", s.h(s.handleFeatureCreate))
			r.Get("/v1/layers/{layer}/features/{id}", s.h(s.handleFeatureGet))
			r.Put("/v1/layers/{layer}/features/{id}", s.h(s.handleFeatureReplace))
			r.Patch("/v1/layers/{layer}/features/{id}", s.h(s.handleFeaturePatch))
			r.Delete("/v1/layers/{layer}/features/{id}", s.h(s.handleFeatureDelete))
			r.Get("/v1/layers/{layer}/features/{id}/history", s.h(s.handleFeatureHistory))
			r.Get("/v1/admin/audit", s.h(s.handleAudit))
		}
	})
	if s.Web != nil {
		r.Get("/", s.h(s.handleIndex))
		r.Get("/static/{name}", s.h(s.handleStatic))
		r.Get("/lib/maplibre-gl@{version}/{name}", s.h(s.handleLib))
		r.Get("/styles/{name}.json", s.h(s.handleStyle))
	}
	return r
}

// allowedMethods lists the methods that have a route for path, none when it has no route.
// OPTIONS is among them whenever another is: the cors middleware answers it on every route.
func allowedMethods(r chi.Routes, path string) []string {
	var allowed []string
	for _, m := range []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut,
		http.MethodPatch, http.MethodDelete} {
		// GetHead answers HEAD wherever GET is routed
		if r.Match(chi.NewRouteContext(), m, path) || m == http.MethodHead && r.Match(chi.NewRouteContext(), http.MethodGet, path) {
			allowed = append(allowed, m)
		}
	}
	if len(allowed) > 0 {
		allowed = append(allowed, http.MethodOptions)
	}
	return allowed
}

// writeJSON sends v as JSON with status 200.
func writeJSON(w http.ResponseWriter, contentType string, v any) error {
	w.Header().Set("Content-Type", contentType)
	return json.NewEncoder(w).Encode(v)
}

// units is the matcher of administrative units the handlers parse with.
func (s *Server) units() address.UnitMatcher {
	if s.Units != nil {
		return s.Units
	}
	return gazetteer.Official()
}
