package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"bandoso/admit"
	"bandoso/api"
	"bandoso/catalog"
	"bandoso/gazetteer"
	"bandoso/geocode"
	"bandoso/live"
	"bandoso/store"
	"bandoso/tiles"
	"bandoso/web"
)

func runServe(ctx context.Context, env Env, args []string) error {
	cfg := DefaultConfig()
	fs := flagSet("serve", "Serve the city's map over HTTP until SIGINT or SIGTERM, then finish requests in flight and stop.", env, &cfg)
	if v := env.Getenv("LISTEN_ADDR"); v != "" {
		cfg.ListenAddr = v
	}
	fs.StringVar(&cfg.ListenAddr, "listen", cfg.ListenAddr, "address to listen on, host:port (env LISTEN_ADDR)")
	if v := env.Getenv("PUBLIC_URL"); v != "" {
		cfg.PublicURL = v
	}
	fs.StringVar(&cfg.PublicURL, "public-url", cfg.PublicURL, "URL clients reach the service at, e.g. https://maps.example.vn/bandoso, that links in answers start with (env PUBLIC_URL);\nempty: the request's own, behind --trusted-proxies the one they forward")
	fs.StringVar(&cfg.AdminListenAddr, "admin-listen", cfg.AdminListenAddr, "address, host:port, of a second listener serving /debug/pprof/ and /metrics; empty for none")
	fs.IntVar(&cfg.MaxConns, "max-conns", cfg.MaxConns, "most database connections the pool opens")
	fs.DurationVar(&cfg.RequestTimeout, "request-timeout", cfg.RequestTimeout, "longest a request may take before it is answered 503")
	fs.DurationVar(&cfg.StatementTimeout, "statement-timeout", cfg.StatementTimeout, "longest one SQL statement may run on the server")
	fs.DurationVar(&cfg.ShutdownTimeout, "shutdown-timeout", cfg.ShutdownTimeout, "longest to wait for requests in flight at shutdown")
	fs.DurationVar(&cfg.TileMaxAge, "tile-max-age", cfg.TileMaxAge, "how long clients and proxies may reuse a tile (Cache-Control max-age)")
	fs.IntVar(&cfg.TileCacheMB, "tile-cache-mb", cfg.TileCacheMB, "megabytes of tiles kept in memory; 0 turns the cache off")
	fs.DurationVar(&cfg.TileCacheTTL, "tile-cache-ttl", cfg.TileCacheTTL, "longest the tile cache keeps a tile; changes drop the tiles they touch at once, this is a safety net")
	fs.Int64Var(&cfg.QueryMaxBytes, "query-max-bytes", cfg.QueryMaxBytes, "largest body of a parcel query (POST /v1/parcels/query); larger is 413")
	fs.Int64Var(&cfg.BatchMaxBytes, "batch-max-bytes", cfg.BatchMaxBytes, "largest file for batch geocoding and parsing (POST /v1/geocode/batch, /v1/parse/batch); the rows past it get an error row")
	fs.Int64Var(&cfg.ImportMaxBytes, "import-max-bytes", cfg.ImportMaxBytes, "largest upload to import (POST /v1/admin/import); larger is 413")
	fs.Float64Var(&cfg.QueryMaxKM2, "query-max-km2", cfg.QueryMaxKM2, "largest area in km², buffer included, that one parcel query may cover")
	limitFlags(fs, &cfg)
	if err := parse(fs, args, env, &cfg); err != nil {
		return err
	}
	log := cfg.logger(env.Stderr)
	log.Info("starting", "version", version, "listen", cfg.ListenAddr, "database", cfg.DatabaseURL,
		"max_conns", cfg.MaxConns, "request_timeout", cfg.RequestTimeout, "statement_timeout", cfg.StatementTimeout,
		"tile_max_age", cfg.TileMaxAge, "tile_cache_mb", cfg.TileCacheMB, "tile_cache_ttl", cfg.TileCacheTTL)

	db, err := store.Open(ctx, string(cfg.DatabaseURL), store.Options{
		MaxConns: int32(cfg.MaxConns), StatementTimeout: cfg.StatementTimeout, Logger: log,
	})
	if err != nil {
		return err
	}
	defer db.Close()
	// Start even when the database is down or behind: /readyz says so until it is fixed.
	if err := db.Ready(ctx); err != nil {
		log.Warn("not ready yet; serving anyway and retrying on each request", "err", err)
	}

	var cache *tiles.Cache
	if cfg.TileCacheMB > 0 {
		cache = tiles.NewCache(int64(cfg.TileCacheMB)<<20, cfg.TileCacheTTL)
	}
	layerCatalog := catalog.New(db)
	// Read the layer catalog now when the database is up; otherwise the first request does.
	if err := layerCatalog.Load(ctx); err != nil {
		log.Warn("layer catalog not read yet; requests will retry", "err", err)
	}
	tileService := tiles.New(db, layerCatalog, cache)
	geocoder := geocode.New(db) // builds the national gazetteer now, not on the first request
	changes := newChanges(db, log, layerCatalog, tileService, geocoder)
	metrics := api.NewMetrics(db, tileService)
	tileService.ObserveQuery = metrics.ObserveTileQuery
	proxies, _ := cfg.trustedProxies() // checked by Validate
	dbWork := admit.New(cfg.dbWork(), cfg.DBQueue, cfg.DBQueueWait).PerClient(cfg.dbWorkPerClient())
	tileService.Gate = dbWork
	metrics.WatchGate(dbWork)
	srv := &api.Server{Metrics: metrics, DB: db, Log: log, RequestTimeout: cfg.RequestTimeout, Version: version,
		Catalog: layerCatalog, Tiles: tileService, Geocoder: geocoder, Units: gazetteer.Official(), Changes: changes, TileMaxAge: cfg.TileMaxAge, Web: web.Embedded(),
		QueryMaxBytes: cfg.QueryMaxBytes, QueryMaxAreaM2: cfg.QueryMaxKM2 * 1e6, BatchMaxBytes: cfg.BatchMaxBytes,
		ImportMaxBytes: cfg.ImportMaxBytes, EditMaxBytes: cfg.EditMaxBytes, ItemsMaxLimit: cfg.ItemsMaxLimit,
		TileTimeout: cfg.TileTimeout, BatchTimeout: cfg.BatchTimeout, ImportTimeout: cfg.ImportTimeout,
		RateLimit: api.RateLimit{Rate: cfg.RateLimit, Burst: cfg.RateBurst}, TrustedProxies: proxies, PublicURL: cfg.PublicURL, DBWork: dbWork,
		UploadsPerClient: cfg.UploadsPerClient, BodyTimeout: cfg.BodyTimeout, BusyAfter: cfg.ReadyBusyAfter}
	hs := &http.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: cfg.ReadHeaderTimeout,
		ReadTimeout:       cfg.ReadTimeout,
		WriteTimeout:      cfg.writeTimeout(),
		IdleTimeout:       cfg.IdleTimeout,
		MaxHeaderBytes:    cfg.MaxHeaderBytes,
	}
	if cfg.AdminListenAddr != "" {
		admin, err := serveAdmin(cfg.AdminListenAddr, metrics, log)
		if err != nil {
			return err
		}
		defer admin.Close()
	}
	ln, err := net.Listen("tcp", cfg.ListenAddr)
	if err != nil {
		return fmt.Errorf("LISTEN_ADDR: %w", err)
	}
	log.Info("listening", "addr", ln.Addr().String())
	if env.Listening != nil {
		env.Listening(ln.Addr())
	}

	// Changes reach the cache and the geocoder until the server has stopped.
	lctx, stopListening := context.WithCancel(context.WithoutCancel(ctx))
	defer stopListening()
	go changes.Listen(lctx)
	go pruneChanges(lctx, db, log)

	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down", "grace", cfg.ShutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	log.Info("stopped")
	return nil
}

// limitFlags binds the flags of the limits a server puts on its clients and on itself.
func limitFlags(fs *flag.FlagSet, cfg *Config) {
	fs.Int64Var(&cfg.EditMaxBytes, "edit-max-bytes", cfg.EditMaxBytes, "largest body of a feature edit (POST, PUT, PATCH /v1/layers/{layer}/features); larger is 413")
	fs.IntVar(&cfg.ItemsMaxLimit, "items-max-limit", cfg.ItemsMaxLimit, "most features in one OGC API items page; a larger limit is served this many")
	fs.DurationVar(&cfg.TileTimeout, "tile-timeout", cfg.TileTimeout, "longest a tile may take, its SQL included; past it the tile is 503")
	fs.DurationVar(&cfg.BatchTimeout, "batch-timeout", cfg.BatchTimeout, "longest a batch geocoding or parsing request (POST /v1/geocode/batch, /v1/parse/batch) may take, upload included")
	fs.DurationVar(&cfg.ImportTimeout, "import-timeout", cfg.ImportTimeout, "longest an import over HTTP (POST /v1/admin/import) may take, upload included")
	fs.Float64Var(&cfg.RateLimit, "rate-limit", cfg.RateLimit, "requests per second each client may send on average (a client is its API key, else its address); 0 for no limit")
	fs.IntVar(&cfg.RateBurst, "rate-burst", cfg.RateBurst, "requests a client may send at once before --rate-limit applies; past both it is answered 429 with Retry-After")
	fs.StringVar(&cfg.TrustedProxies, "trusted-proxies", cfg.TrustedProxies, "comma-separated networks of reverse proxies (e.g. 10.0.0.0/8) believed about the client: X-Forwarded-For names it for rate limits,\nForwarded and X-Forwarded-Proto, -Host and -Prefix the URL it asked for (without --public-url)")
	fs.IntVar(&cfg.DBWork, "db-work", cfg.DBWork, "requests doing database work at once, the rest queue; 0 for --max-conns minus 2")
	fs.IntVar(&cfg.DBQueue, "db-queue", cfg.DBQueue, "requests that may queue for database work; past it they are 503 at once")
	fs.DurationVar(&cfg.DBQueueWait, "db-queue-wait", cfg.DBQueueWait, "longest a request waits in that queue before it is 503")
	fs.IntVar(&cfg.DBWorkPerClient, "db-work-per-client", cfg.DBWorkPerClient, "of --db-work, most one client (its API key, else its address) holds at once; past it its requests queue, then 429; 0 for half")
	fs.IntVar(&cfg.UploadsPerClient, "uploads-per-client", cfg.UploadsPerClient, "batch and import uploads one client may send at once; past it 429 with Retry-After")
	fs.DurationVar(&cfg.BodyTimeout, "body-timeout", cfg.BodyTimeout, "longest a request body may send nothing before the request ends (408, or an error row for a batch); other bodies must also come whole within it before their request queues for database work")
	fs.DurationVar(&cfg.ReadyBusyAfter, "ready-busy-after", cfg.ReadyBusyAfter, "how long every place for database work may stay taken before /readyz answers 503 busy")
	fs.DurationVar(&cfg.ReadHeaderTimeout, "read-header-timeout", cfg.ReadHeaderTimeout, "longest a client may take to send a request's headers")
	fs.DurationVar(&cfg.ReadTimeout, "read-timeout", cfg.ReadTimeout, "longest a client may take to send a whole request, body included (batch and import bodies allow --body-timeout between bytes instead)")
	fs.DurationVar(&cfg.WriteTimeout, "write-timeout", cfg.WriteTimeout, "longest from a request's headers to the end of its answer; 0 for --request-timeout plus 15 s")
	fs.DurationVar(&cfg.IdleTimeout, "idle-timeout", cfg.IdleTimeout, "longest a kept-alive connection may wait for its next request")
	fs.IntVar(&cfg.MaxHeaderBytes, "max-header-bytes", cfg.MaxHeaderBytes, "largest request header block; larger is 431")
}

// newChanges is the hub through which committed changes reach the layer catalog, the tile
// cache and the geocoder's list of street names.
func newChanges(db *store.DB, log *slog.Logger, c *catalog.Catalog, t *tiles.Service, g *geocode.Geocoder) *live.Hub {
	hub := live.New(db, log)
	hub.Subscribe(c.Apply)
	hub.Subscribe(t.Apply)
	hub.Subscribe(func(changes []store.Change) {
		for _, c := range changes {
			if c.Table == "streets" {
				g.ForgetStreets()
				return
			}
		}
	})
	return hub
}

// changesKept is how long the changes table keeps a change; a service away longer reads
// everything afresh when it starts again anyway.
const changesKept = 7 * 24 * time.Hour

// pruneChanges deletes old changes every hour until ctx ends.
func pruneChanges(ctx context.Context, db *store.DB, log *slog.Logger) {
	tick := time.NewTicker(time.Hour)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			if _, err := db.PruneChanges(ctx, changesKept); err != nil && ctx.Err() == nil {
				log.Warn("changes: prune failed", "err", err)
			}
		}
	}
}
