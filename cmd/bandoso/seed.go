package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"bandoso/catalog"
	"bandoso/geo"
	"bandoso/shared"
	"bandoso/store"
	"bandoso/tiles"
	"bandoso/web"
)

// zoomRange is a flag of zooms "10-16", or one zoom "14"; empty is none.
type zoomRange struct {
	Min, Max int
	On       bool
}

func (z *zoomRange) String() string {
	if z == nil || !z.On {
		return ""
	}
	if z.Min == z.Max {
		return strconv.Itoa(z.Min)
	}
	return fmt.Sprintf("%d-%d", z.Min, z.Max)
}

func (z *zoomRange) Set(v string) error {
	v = strings.TrimSpace(v)
	if v == "" {
		*z = zoomRange{}
		return nil
	}
	lo, hi, isRange := strings.Cut(v, "-")
	minZ, err1 := strconv.Atoi(strings.TrimSpace(lo))
	maxZ, err2 := minZ, error(nil)
	if isRange {
		maxZ, err2 = strconv.Atoi(strings.TrimSpace(hi))
	}
	if err1 != nil || err2 != nil || minZ < 0 || maxZ > geo.MaxZoom || minZ > maxZ {
		return fmt.Errorf("want zooms from-to within 0-%d, e.g. 10-16, or one zoom", geo.MaxZoom)
	}
	*z = zoomRange{Min: minZ, Max: maxZ, On: true}
	return nil
}

// viewerStyle is the style whose sources seeding makes the tiles of: the viewer's.
const viewerStyle = "default"

// seedOptions are the tiles a pan-and-zoom viewer of the default style asks for at zooms:
// each composite source of the style, of its layers those anyone may read (as the style
// served without a key has them).
func seedOptions(ctx context.Context, cat *catalog.Catalog, zooms zoomRange, log *slog.Logger) (tiles.SeedOptions, error) {
	sources, err := web.Embedded().StyleSources(viewerStyle)
	if err != nil {
		return tiles.SeedOptions{}, err
	}
	public, err := cat.Readable(ctx, catalog.Anyone)
	if err != nil {
		return tiles.SeedOptions{}, err
	}
	readable := map[string]bool{}
	for _, l := range public {
		readable[l.Name] = true
	}
	o := tiles.SeedOptions{MinZoom: zooms.Min, MaxZoom: zooms.Max, Log: log}
	for _, names := range sources {
		var kept []string
		for _, n := range names {
			if readable[n] {
				kept = append(kept, n)
			}
		}
		if len(kept) > 0 {
			o.Sources = append(o.Sources, kept)
		}
	}
	return o, nil
}

// background is what serve makes ahead of requests until stop: the tiles that changes drop
// from its cache, and seeds, at start with --seed-tiles and on demand on the admin listener.
type background struct {
	ctx     context.Context
	svc     *tiles.Service
	cat     *catalog.Catalog
	log     *slog.Logger
	wg      sync.WaitGroup
	seeding atomic.Bool
}

// startBackground starts pre-rendering (with --tile-prerender and a cache) and the seed of
// --seed-tiles, until ctx ends; wait returns once all have stopped.
func startBackground(ctx context.Context, cfg Config, svc *tiles.Service, cat *catalog.Catalog, log *slog.Logger) *background {
	b := &background{ctx: ctx, svc: svc, cat: cat, log: log}
	if cfg.Tiles.Prerender && cfg.Tiles.CacheMB > 0 {
		b.wg.Go(func() { svc.Prerender(ctx, tiles.PrerenderOptions{Log: log}) })
	}
	if cfg.Tiles.Seed.On {
		b.seed(cfg.Tiles.Seed)
	}
	return b
}

// wait returns once the background work has stopped, its context having ended.
func (b *background) wait() { b.wg.Wait() }

// seed starts a seed of zooms unless one runs; it says whether it started one.
func (b *background) seed(zooms zoomRange) bool {
	if !b.seeding.CompareAndSwap(false, true) {
		return false
	}
	b.wg.Go(func() {
		defer b.seeding.Store(false)
		o, err := seedOptions(b.ctx, b.cat, zooms, b.log)
		if err == nil {
			_, err = b.svc.Seed(b.ctx, o)
		}
		if err != nil && b.ctx.Err() == nil {
			b.log.Warn("tiles: seed failed", "err", err)
		}
	})
	return true
}

// seedPath is where the admin listener starts a seed: POST /tiles/seed?zooms=10-16.
const seedPath = "/tiles/seed"

// handleSeed starts a seed of the zooms asked for (default 10-16) and answers 202 at once;
// 409 while one runs. Progress is in the log and the metrics.
func (b *background) handleSeed(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "POST "+seedPath+"?zooms=10-16 starts a seed", http.StatusMethodNotAllowed)
		return
	}
	zooms := zoomRange{Min: 10, Max: 16, On: true}
	if v := r.URL.Query().Get("zooms"); v != "" {
		if err := zooms.Set(v); err != nil {
			http.Error(w, "zooms: "+err.Error(), http.StatusBadRequest)
			return
		}
	}
	if !b.seed(zooms) {
		http.Error(w, "a seed is running: bandoso_tile_seed_remaining says how far it is", http.StatusConflict)
		return
	}
	w.WriteHeader(http.StatusAccepted)
	fmt.Fprintf(w, "seeding zooms %s; the log says when it is done\n", zooms.String())
}

func runSeed(ctx context.Context, env Env, args []string) error {
	cfg := DefaultConfig()
	zooms := zoomRange{Min: 10, Max: 16, On: true}
	fs := flagSet(help{command: "seed", about: "Make the tiles the viewer's style asks for over the extent of the data, at the zooms given, and\n" +
		"put them in the shared tile cache in Redis that the instances of `bandoso serve --redis-url` read,\n" +
		"one tile at a time. An instance's own cache lives in its process: seed it with serve --seed-tiles."}, env, &cfg)
	fs.Var(&zooms, "zooms", "`zooms` to seed, from-to (10-16) or one (14)")
	fs.Var(&cfg.Redis.URL, "redis-url", "Redis `url` of the shared tile cache to seed, as serve's --redis-url")
	fs.DurationVar(&cfg.Tiles.CacheTTL, "tile-cache-ttl", cfg.Tiles.CacheTTL, "how long the shared cache keeps a tile, as serve's --tile-cache-ttl")
	if err := parse(fs, args, env, &cfg); err != nil {
		return err
	}
	if cfg.Redis.URL == "" {
		return usagef("%s is not set: seed fills the shared cache in Redis; an instance without one seeds its own cache with serve --seed-tiles", setting("redis-url"))
	}
	log := cfg.logger(env.Stderr)
	db, err := store.Open(ctx, string(cfg.Database.URL), store.Options{MaxConns: 2, StatementTimeout: cfg.Database.StatementTimeout, Logger: log})
	if err != nil {
		return err
	}
	defer db.Close()
	redis, err := shared.Open(string(cfg.Redis.URL), shared.Options{Log: log})
	if err != nil {
		return fmt.Errorf("%s: %w", setting("redis-url"), err)
	}
	defer redis.Close()
	if err := redis.Ping(ctx); err != nil {
		return fmt.Errorf("%s: %w", setting("redis-url"), err)
	}
	cat := catalog.New(db)
	svc := tiles.New(db, cat, nil)
	svc.Shared = redis.Tiles(cfg.Tiles.CacheTTL)
	o, err := seedOptions(ctx, cat, zooms, log)
	if err != nil {
		return err
	}
	rep, err := svc.Seed(ctx, o)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "seeded %d tiles of zooms %s in %s: %d made, %d in the shared cache already, %d failed\n",
		rep.Planned, zooms.String(), rep.Elapsed.Round(1e6), rep.Made, rep.Shared, rep.Failed)
	if rep.Failed > 0 {
		return fmt.Errorf("%d tiles failed (--log-level debug names them)", rep.Failed)
	}
	return nil
}
