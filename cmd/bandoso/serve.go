package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"bandoso/api"
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
	fs.IntVar(&cfg.MaxConns, "max-conns", cfg.MaxConns, "most database connections the pool opens")
	fs.DurationVar(&cfg.RequestTimeout, "request-timeout", cfg.RequestTimeout, "longest a request may take before it is answered 503")
	fs.DurationVar(&cfg.StatementTimeout, "statement-timeout", cfg.StatementTimeout, "longest one SQL statement may run on the server")
	fs.DurationVar(&cfg.ShutdownTimeout, "shutdown-timeout", cfg.ShutdownTimeout, "longest to wait for requests in flight at shutdown")
	fs.DurationVar(&cfg.TileMaxAge, "tile-max-age", cfg.TileMaxAge, "how long clients, proxies and the tile cache may reuse a tile (Cache-Control max-age)")
	fs.IntVar(&cfg.TileCacheMB, "tile-cache-mb", cfg.TileCacheMB, "megabytes of tiles kept in memory; 0 turns the cache off")
	fs.Int64Var(&cfg.QueryMaxBytes, "query-max-bytes", cfg.QueryMaxBytes, "largest body of a parcel query (POST /v1/parcels/query); larger is 413")
	fs.Int64Var(&cfg.BatchMaxBytes, "batch-max-bytes", cfg.BatchMaxBytes, "largest file for batch geocoding (POST /v1/geocode/batch); the rows past it get an error row")
	fs.Float64Var(&cfg.QueryMaxKM2, "query-max-km2", cfg.QueryMaxKM2, "largest area in km², buffer included, that one parcel query may cover")
	if err := parse(fs, args, env, &cfg); err != nil {
		return err
	}
	log := cfg.logger(env.Stderr)
	log.Info("starting", "version", version, "listen", cfg.ListenAddr, "database", cfg.DatabaseURL,
		"max_conns", cfg.MaxConns, "request_timeout", cfg.RequestTimeout, "statement_timeout", cfg.StatementTimeout,
		"tile_max_age", cfg.TileMaxAge, "tile_cache_mb", cfg.TileCacheMB)

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
		// Nothing tells the cache of edits yet, so it keeps a tile no longer than clients may.
		cache = tiles.NewCache(int64(cfg.TileCacheMB)<<20, cfg.TileMaxAge)
	}
	tileService := tiles.New(db, cache)
	// Read the layer catalog now when the database is up; otherwise the first tile does.
	if err := tileService.Load(ctx); err != nil {
		log.Warn("layer catalog not read yet; tiles will retry", "err", err)
	}
	srv := &api.Server{DB: db, Log: log, RequestTimeout: cfg.RequestTimeout, Version: version,
		Tiles: tileService, TileMaxAge: cfg.TileMaxAge, Web: web.Embedded(),
		QueryMaxBytes: cfg.QueryMaxBytes, QueryMaxAreaM2: cfg.QueryMaxKM2 * 1e6, BatchMaxBytes: cfg.BatchMaxBytes}
	hs := &http.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      cfg.RequestTimeout + 10*time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          nil,
	}
	ln, err := net.Listen("tcp", cfg.ListenAddr)
	if err != nil {
		return fmt.Errorf("LISTEN_ADDR: %w", err)
	}
	log.Info("listening", "addr", ln.Addr().String())
	if env.Listening != nil {
		env.Listening(ln.Addr())
	}

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
