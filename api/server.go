// Package api is bandoso's HTTP surface: routes, parameter parsing, handlers and the one
// mapping from errors to RFC 9457 problem details. It holds no SQL; data comes from store.
package api

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"slices"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/hashicorp/golang-lru/v2/expirable"

	"bandoso/address"
	"bandoso/admit"
	"bandoso/archive"
	"bandoso/catalog"
	"bandoso/gazetteer"
	"bandoso/geocode"
	"bandoso/live"
	"bandoso/shared"
	"bandoso/store"
	"bandoso/tiles"
	"bandoso/web"
)

// Server holds what the handlers need: the services cmd builds and one Config. New makes
// a Server ready to route; Handler only routes.
type Server struct {
	DB *store.DB
	// Log receives every request's line; nil means none.
	Log *slog.Logger
	// Version is reported by /healthz.
	Version string
	// Catalog is the layer catalog that OGC API Features, /v1/layers and access to restricted
	// layers ask; without it those routes are absent and no layer is restricted.
	Catalog *catalog.Catalog
	// Tiles serves /tiles/… and the OGC API tiles of the layers of Catalog; without either the
	// routes are absent.
	Tiles *tiles.Service
	// Archives is the folder of tile archives served under /tiles/archive; nil: none.
	Archives *archive.Dir
	// Geocoder answers /v1/geocode and /v1/autocomplete; nil means one over DB.
	Geocoder *geocode.Geocoder
	// Units recognises administrative units by name in /v1/convert and the parcel look-up;
	// nil means the national gazetteer.
	Units address.UnitMatcher
	// Changes brings committed changes to the tile cache and the geocoder; a handler that
	// writes calls Changes.CatchUp after its commit so that the next read shows the change
	// even before the database's notification arrives. It may be nil (CatchUp does nothing).
	Changes *live.Hub
	// Web serves the viewer at / and the styles at /styles/…; without it the routes are absent.
	Web *web.Files
	// DBWork caps the requests doing database work at once: routes that query the database
	// wait their turn behind it, or are answered 503 busy. Tiles pass it only on a cache
	// miss, which is why the tile service takes it too (tiles.Service.Gate). Nil: no cap.
	DBWork *admit.Gate
	// Redis, when set, is where the instances behind one load balancer share the clients'
	// rate limits (the tile service gets its share of it from cmd: tiles.Service.Shared).
	// /readyz and /metrics say whether it answers; without it, or while it is down, each
	// instance limits alone.
	Redis *shared.Client
	// Config is every setting, taken as given: start from DefaultConfig.
	Config Config

	metrics    *Metrics
	keys       *keyCache
	uploads    *admit.Quota // uploads in progress per client
	downloads  *admit.Quota // layer downloads in progress per client
	layerStats *layerStatsCache
}

// New returns s ready to route: what s was not given is made (a logger to nowhere, a
// geocoder over DB, the national gazetteer), its metrics registry counts the tile service's
// queries and the gate, and its caches of keys and layer statistics follow s.Changes, as
// does the geocoder's list of street names.
func New(s Server) *Server {
	if s.Log == nil {
		s.Log = slog.New(slog.DiscardHandler)
	}
	if s.Geocoder == nil && s.DB != nil {
		s.Geocoder = geocode.New(s.DB)
	}
	if s.Units == nil {
		s.Units = gazetteer.Official()
	}
	s.Config.HTTP.PublicURL = strings.TrimRight(s.Config.HTTP.PublicURL, "/")
	s.metrics = newMetrics(s.DB, s.Tiles)
	if s.Tiles != nil {
		s.Tiles.ObserveQuery = s.metrics.ObserveTileQuery
	}
	if s.DBWork != nil {
		s.metrics.watchGate(s.DBWork)
	}
	if s.Redis != nil {
		s.metrics.watchRedis(s.Redis, s.Tiles)
	}
	s.keys = newKeyCache()
	s.uploads = admit.NewQuota(s.Config.Limits.UploadsPerClient)
	s.downloads = admit.NewQuota(s.Config.Limits.DownloadsPerClient)
	s.layerStats = expirable.NewLRU[string, store.LayerStats](256, nil, layerStatsTTL)
	if s.Changes != nil {
		// Feature counts and update times follow every committed change, here or elsewhere.
		s.Changes.Subscribe(func([]store.Change) { s.layerStats.Purge() })
		// A key revoked here or by `bandoso keys revoke` stops working at once.
		s.Changes.Subscribe(func(changes []store.Change) {
			if touches(changes, store.KeysTable) {
				s.keys.Purge()
			}
		})
		if s.Geocoder != nil {
			s.Changes.Subscribe(func(changes []store.Change) {
				if touches(changes, "streets") {
					s.Geocoder.ForgetStreets()
				}
			})
		}
	}
	return &s
}

// touches says whether changes change table.
func touches(changes []store.Change, table string) bool {
	return slices.ContainsFunc(changes, func(c store.Change) bool { return c.Table == table })
}

// Metrics is the server's registry, served at /metrics and, by cmd, on the admin listener.
func (s *Server) Metrics() *Metrics { return s.metrics }

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

// Handler returns the router with every route and middleware. s must come from New.
func (s *Server) Handler() http.Handler {
	if s.metrics == nil {
		panic("api: Handler of a Server not made by New")
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
	r.Method(http.MethodGet, metricsPath, s.metrics.Handler())
	if s.Catalog != nil {
		s.ogcRoutes(r)
	}
	if s.Catalog != nil && s.Tiles != nil {
		r.With(s.within(s.Config.Tiles.Timeout)).Get("/tiles/{layers}/{z}/{x}/{y}.mvt", s.h(s.handleTile))
		r.Get("/tiles/{layers}.json", s.h(s.handleTileJSON))
		s.ogcTileRoutes(r)
	}
	if s.Archives != nil {
		s.archiveRoutes(r)
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
	// Downloads, as many at once per client as DownloadsPerClient, each hold a place at the
	// gate for their whole length.
	if s.DB != nil && s.Catalog != nil {
		r.With(s.downloading, s.admitted).Get("/v1/layers/{layer}"+downloadSuffix, s.h(s.handleDownload))
	}
	// Routes that query the database take their turn at the gate, once their body has come;
	// tiles take it inside the tile service, on a cache miss only.
	r.Group(func(r chi.Router) {
		r.Use(s.admitted)
		if s.Catalog != nil {
			s.ogcFeatureRoutes(r)
		}
		if s.DB != nil {
			r.Get("/v1/parcels/lookup", s.h(s.handleParcelLookup))
			r.Get("/v1/parcels/at", s.h(s.handleParcelsAt))
			r.Get("/v1/transform", s.h(s.handleTransform))
			r.Get("/v1/parcels/{id}/planning", s.h(s.handleParcelPlanning))
			r.Post("/v1/parcels/query", s.h(s.handleParcelQuery))
			r.Get("/v1/geocode", s.h(s.handleGeocode))
			r.Get("/v1/autocomplete", s.h(s.handleAutocomplete))
			r.Get(parsePath, s.h(s.handleParse))
			r.Get("/v1/convert", s.h(s.handleConvert))
			r.Get("/v1/reverse", s.h(s.handleReverse))
			r.Get("/v1/codes/{code}", s.h(s.handleCode))
		}
		if s.DB != nil && s.Catalog != nil {
			r.Get("/v1/layers", s.h(s.handleLayers))
			r.Get("/v1/layers/{layer}", s.h(s.handleLayer))
			r.Get(catalogPath, s.h(s.handleDCATCatalog))
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
		r.Get("/favicon.ico", s.h(s.handleFavicon))
		for _, pkg := range []string{web.MapLibre, web.SwaggerUI} {
			r.Get("/lib/"+pkg+"@{version}/{name}", s.h(s.handleLib(pkg)))
		}
		r.Get(apiPagePath, s.h(s.handleAPIPage))
		r.Get(problemsPath, s.h(s.handleProblems))
		r.Get(problemsPath+"/{"+paramName+"}", s.h(s.handleProblem))
		r.Get("/styles/{name}.json", s.h(s.handleStyle))
		r.Get("/fonts/{fontstack}/{range}.pbf", s.h(s.handleGlyphs))
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
