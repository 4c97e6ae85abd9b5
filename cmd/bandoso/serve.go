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
	"bandoso/live"
	"bandoso/shared"
	"bandoso/store"
	"bandoso/tiles"
	"bandoso/web"
)

func runServe(ctx context.Context, env Env, args []string) error {
	cfg := DefaultConfig()
	fs := flagSet(help{command: "serve", about: "Serve the city's map over HTTP until SIGINT or SIGTERM, then finish requests in flight and stop."}, env, &cfg)
	serveFlags(fs, &cfg)
	poolFlags(fs, &cfg)
	limitFlags(fs, &cfg)
	archivesDir := archivesFlag(fs)
	if err := parse(fs, args, env, &cfg); err != nil {
		return err
	}
	log := cfg.logger(env.Stderr)
	archives, err := openArchives(*archivesDir, log)
	if err != nil {
		return err
	}
	if archives != nil {
		defer archives.Close()
	}
	log.Info("starting", "version", programVersion(), "listen", cfg.HTTP.Listen, "database", cfg.Database.URL,
		"max_conns", cfg.Database.MaxConns, "request_timeout", cfg.HTTP.RequestTimeout, "statement_timeout", cfg.Database.StatementTimeout,
		"tile_max_age", cfg.Tiles.MaxAge, "tile_cache_mb", cfg.Tiles.CacheMB, "tile_cache_ttl", cfg.Tiles.CacheTTL,
		"replicas", urlList{&cfg.Database.ReplicaURLs}, "database_pooler", cfg.Database.Pooler, "redis", cfg.Redis.URL)

	db, err := store.Open(ctx, string(cfg.Database.URL), cfg.Database.poolOptions(store.Options{
		MaxConns: int32(cfg.Database.MaxConns), StatementTimeout: cfg.Database.StatementTimeout, Logger: log,
	}))
	if err != nil {
		return err
	}
	defer db.Close()
	// Start even when the database is down or behind: /readyz says so until it is fixed.
	if err := db.Ready(ctx); err != nil {
		log.Warn("not ready yet; serving anyway and retrying on each request", "err", err)
	}

	var cache *tiles.Cache
	if cfg.Tiles.CacheMB > 0 {
		cache = tiles.NewCache(int64(cfg.Tiles.CacheMB)<<20, cfg.Tiles.CacheTTL)
	}
	layerCatalog := catalog.New(db)
	// Read the layer catalog now when the database is up; otherwise the first request does.
	if err := layerCatalog.Load(ctx); err != nil {
		log.Warn("layer catalog not read yet; requests will retry", "err", err)
	}
	tileService := tiles.New(db, layerCatalog, cache)
	var redis *shared.Client
	if cfg.Redis.URL != "" {
		if redis, err = shared.Open(string(cfg.Redis.URL), shared.Options{Log: log}); err != nil {
			return fmt.Errorf("%s: %w", setting("redis-url"), err)
		}
		defer redis.Close()
		// Start even when Redis is down: the client notices when it comes back.
		if err := redis.Ping(ctx); err != nil {
			log.Warn("redis not answering; serving without it until it does", "err", err)
		}
		tileService.Shared = redis.Tiles(cfg.Tiles.CacheTTL)
	}
	changes := newChanges(db, log, layerCatalog, tileService)
	dbWork := admit.New(cfg.Database.work(), cfg.Database.Queue, cfg.Database.QueueWait).PerClient(cfg.Database.workPerClient()).
		TargetWait(cfg.Database.QueueTarget)
	tileService.Gate = dbWork
	// New builds the geocoder, and with it the national gazetteer, now rather than on the
	// first request.
	srv := api.New(api.Server{DB: db, Log: log, Version: programVersion(), Catalog: layerCatalog, Tiles: tileService,
		Units: gazetteer.Official(), Changes: changes, Web: web.Embedded(), DBWork: dbWork, Redis: redis, Config: cfg.api(), Archives: archives})
	hs := &http.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: cfg.HTTP.ReadHeaderTimeout,
		ReadTimeout:       cfg.HTTP.ReadTimeout,
		WriteTimeout:      cfg.HTTP.writeTimeout(),
		IdleTimeout:       cfg.HTTP.IdleTimeout,
		MaxHeaderBytes:    cfg.HTTP.MaxHeaderBytes,
	}
	// What is made ahead of requests stops before the database closes.
	bctx, stopBackground := context.WithCancel(context.WithoutCancel(ctx))
	background := startBackground(bctx, cfg, tileService, layerCatalog, log)
	defer func() {
		stopBackground()
		background.wait()
	}()
	if cfg.HTTP.AdminListen != "" {
		admin, err := serveAdmin(cfg.HTTP.AdminListen, srv.Metrics(), background.handleSeed, log)
		if err != nil {
			return err
		}
		defer admin.Close()
	}
	ln, err := net.Listen("tcp", cfg.HTTP.Listen)
	if err != nil {
		return fmt.Errorf("%s: %w", setting("listen"), err)
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
	log.Info("shutting down", "grace", cfg.HTTP.ShutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), cfg.HTTP.ShutdownTimeout)
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

// serveFlags binds the flags of where serve listens, its pool and its tiles.
func serveFlags(fs *flag.FlagSet, cfg *Config) {
	fs.StringVar(&cfg.HTTP.Listen, "listen", cfg.HTTP.Listen, "`address` to listen on, host:port")
	fs.StringVar(&cfg.HTTP.PublicURL, "public-url", cfg.HTTP.PublicURL, "URL clients reach the service at, e.g. https://maps.example.vn/bandoso, that links in answers start with;\nempty: the request's own, behind --trusted-proxies the one they forward")
	fs.StringVar(&cfg.HTTP.AdminListen, "admin-listen", cfg.HTTP.AdminListen, "`address`, host:port, of a second listener serving /debug/pprof/ and /metrics; empty for none")
	fs.IntVar(&cfg.Database.MaxConns, "max-conns", cfg.Database.MaxConns, "most database connections the pool opens")
	fs.DurationVar(&cfg.HTTP.RequestTimeout, "request-timeout", cfg.HTTP.RequestTimeout, "longest a request may take before it is answered 503")
	fs.DurationVar(&cfg.Database.StatementTimeout, "statement-timeout", cfg.Database.StatementTimeout, "longest one SQL statement may run on the server")
	fs.DurationVar(&cfg.HTTP.ShutdownTimeout, "shutdown-timeout", cfg.HTTP.ShutdownTimeout, "longest to wait for requests in flight at shutdown")
	fs.DurationVar(&cfg.Tiles.MaxAge, "tile-max-age", cfg.Tiles.MaxAge, "how long clients and proxies may reuse a tile (Cache-Control max-age)")
	fs.IntVar(&cfg.Tiles.CacheMB, "tile-cache-mb", cfg.Tiles.CacheMB, "megabytes of tiles kept in memory; 0 turns the cache off")
	fs.DurationVar(&cfg.Tiles.CacheTTL, "tile-cache-ttl", cfg.Tiles.CacheTTL, "longest the tile cache keeps a tile; changes drop the tiles they touch at once, this is a safety net")
	fs.BoolVar(&cfg.Tiles.Prerender, "tile-prerender", cfg.Tiles.Prerender, "make again in the background, while the database is idle, the cached tiles that changes drop")
	fs.Var(&cfg.Tiles.Seed, "seed-tiles", "`zooms`, e.g. 10-16, of the viewer's tiles over the data to make at start, while the database is idle, into the shared cache\n"+
		"with --redis-url, else this instance's (as much of them as --tile-cache-mb holds); empty for none")
	fs.Int64Var(&cfg.Limits.QueryMaxBytes, "query-max-bytes", cfg.Limits.QueryMaxBytes, "largest body of a parcel query (POST /v1/parcels/query); larger is 413")
	fs.Int64Var(&cfg.Limits.BatchMaxBytes, "batch-max-bytes", cfg.Limits.BatchMaxBytes, "largest file for batch geocoding and parsing (POST /v1/geocode/batch, /v1/parse/batch); the rows past it get an error row")
	fs.Int64Var(&cfg.Limits.ImportMaxBytes, "import-max-bytes", cfg.Limits.ImportMaxBytes, "largest upload to import (POST /v1/admin/import); larger is 413")
	fs.StringVar(&cfg.OpenData.Publisher, "publisher", cfg.OpenData.Publisher, "the organisation publishing the data, as the DCAT catalog (/v1/catalog.jsonld) names it; empty: each layer's source")
	fs.Var(&cfg.Redis.URL, "redis-url", "Redis `url`, e.g. redis://host:6379/0, that the instances behind one load balancer share: a second tile cache behind\n"+
		"each one's own, and the clients' rate limits; empty for none. Redis is optional: while it is down each instance serves alone")
	fs.Var(km2{&cfg.Limits.QueryMaxAreaM2}, "query-max-km2", "largest area, in `km²`, buffer included, that one parcel query may cover")
}

// limitFlags binds the flags of the limits a server puts on its clients and on itself.
func limitFlags(fs *flag.FlagSet, cfg *Config) {
	fs.Int64Var(&cfg.Limits.EditMaxBytes, "edit-max-bytes", cfg.Limits.EditMaxBytes, "largest body of a feature edit (POST, PUT, PATCH /v1/layers/{layer}/features); larger is 413")
	fs.IntVar(&cfg.Limits.ItemsMaxLimit, "items-max-limit", cfg.Limits.ItemsMaxLimit, "most features in one OGC API items page; a larger limit is served this many")
	fs.DurationVar(&cfg.Tiles.Timeout, "tile-timeout", cfg.Tiles.Timeout, "longest a tile may take, its SQL included; past it the tile is 503")
	fs.DurationVar(&cfg.Limits.BatchTimeout, "batch-timeout", cfg.Limits.BatchTimeout, "longest a batch geocoding or parsing request (POST /v1/geocode/batch, /v1/parse/batch) may take, upload included")
	fs.DurationVar(&cfg.Limits.ImportTimeout, "import-timeout", cfg.Limits.ImportTimeout, "longest an import over HTTP (POST /v1/admin/import) may take, upload included")
	fs.Float64Var(&cfg.Limits.RateLimit.Rate, "rate-limit", cfg.Limits.RateLimit.Rate, "requests per second each client may send on average (a client is its API key, else its address); 0 for no limit")
	fs.IntVar(&cfg.Limits.RateLimit.Burst, "rate-burst", cfg.Limits.RateLimit.Burst, "requests a client may send at once before --rate-limit applies; past both it is answered 429 with Retry-After")
	fs.Var(prefixList{&cfg.HTTP.TrustedProxies}, "trusted-proxies", "comma-separated `networks` of reverse proxies (e.g. 10.0.0.0/8) believed about the client: X-Forwarded-For names it for rate limits,\nForwarded and X-Forwarded-Proto, -Host and -Prefix the URL it asked for (without --public-url)")
	fs.IntVar(&cfg.Database.Work, "db-work", cfg.Database.Work, "requests doing database work at once, the rest queue; 0 for 4 per CPU, at most --max-conns minus 2")
	fs.IntVar(&cfg.Database.Queue, "db-queue", cfg.Database.Queue, "requests that may queue for database work; past it they are 503 at once")
	fs.DurationVar(&cfg.Database.QueueWait, "db-queue-wait", cfg.Database.QueueWait, "longest a request waits in that queue before it is 503")
	fs.DurationVar(&cfg.Database.QueueTarget, "db-queue-target", cfg.Database.QueueTarget, "once half as many requests as --db-work wait, a new one that would wait longer than this for its turn is 503 at once; 0 for no target")
	fs.IntVar(&cfg.Database.WorkPerClient, "db-work-per-client", cfg.Database.WorkPerClient, "of --db-work, most one client (its API key, else its address) holds at once; past it its requests queue, then 429; 0 for half of --max-conns minus 2")
	fs.IntVar(&cfg.Limits.UploadsPerClient, "uploads-per-client", cfg.Limits.UploadsPerClient, "batch and import uploads one client may send at once; past it 429 with Retry-After")
	fs.IntVar(&cfg.Limits.DownloadsPerClient, "downloads-per-client", cfg.Limits.DownloadsPerClient, "layer downloads (GET /v1/layers/{layer}/download) one client may receive at once, each holding a place of --db-work; past it 429 with Retry-After")
	fs.DurationVar(&cfg.Limits.DownloadTimeout, "download-timeout", cfg.Limits.DownloadTimeout, "longest a layer download may take, its SQL included")
	fs.DurationVar(&cfg.HTTP.BodyTimeout, "body-timeout", cfg.HTTP.BodyTimeout, "longest a request body may send nothing before the request ends (408, or an error row for a batch); other bodies must also come whole within it before their request queues for database work")
	fs.DurationVar(&cfg.Database.BusyAfter, "ready-busy-after", cfg.Database.BusyAfter, "how long every place for database work may stay taken before /readyz answers 503 busy")
	fs.DurationVar(&cfg.HTTP.ReadHeaderTimeout, "read-header-timeout", cfg.HTTP.ReadHeaderTimeout, "longest a client may take to send a request's headers")
	fs.DurationVar(&cfg.HTTP.ReadTimeout, "read-timeout", cfg.HTTP.ReadTimeout, "longest a client may take to send a whole request, body included (batch and import bodies allow --body-timeout between bytes instead)")
	fs.DurationVar(&cfg.HTTP.WriteTimeout, "write-timeout", cfg.HTTP.WriteTimeout, "longest from a request's headers to the end of its answer; 0 for --request-timeout plus 15 s")
	fs.DurationVar(&cfg.HTTP.IdleTimeout, "idle-timeout", cfg.HTTP.IdleTimeout, "longest a kept-alive connection may wait for its next request")
	fs.IntVar(&cfg.HTTP.MaxHeaderBytes, "max-header-bytes", cfg.HTTP.MaxHeaderBytes, "largest request header block; larger is 431")
}

// newChanges is the hub through which committed changes reach the layer catalog and then the
// tile cache; api.New subscribes the server's own caches.
func newChanges(db *store.DB, log *slog.Logger, c *catalog.Catalog, t *tiles.Service) *live.Hub {
	hub := live.New(db, log)
	hub.Subscribe(c.Apply)
	hub.Subscribe(t.Apply)
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
