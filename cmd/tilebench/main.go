// Command tilebench measures vector tiles on the one-million-parcel demo city: cold tiles
// through the HTTP server against the same SQL run bare through pgx at the same concurrency,
// latency with a hundred concurrent clients, cached tiles against a bare Go handler serving
// the same bytes, and the largest tile per zoom. It prints Markdown tables to stdout and
// writes nothing else (a CPU profile only when asked). scripts/bench-tiles.sh loads the city
// when it is missing and runs it; `make bench` calls that script.
//
// The figures are ratios measured in one run on one machine; nothing here asserts timing. It
// exits non-zero when a request fails, when server and bare bytes differ, or when a tile is
// over the size limit.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/signal"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb"

	"bandoso/catalog"
	"bandoso/store"
	"bandoso/tiles"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "tilebench:", err)
		os.Exit(1)
	}
}

// Options are the settings of a run.
type Options struct {
	DatabaseURL  string
	Size         int   // parcels the loaded demo city must have been made with; 0: any
	Clients      []int // concurrencies of the cold and warm comparisons
	Crowd        int   // clients of the crowd run
	Views        int   // viewports per zoom in the tile list
	Seed         uint64
	Rounds       int
	WarmRequests int
	Sample       int // tiles per zoom at most for sizes
	MaxTileKB    int
	Parts        map[string]bool // cold, crowd, warm, sizes
	CPUProfile   string
	Peers        PeerOptions
	Seeding      SeedOptions
}

// defaultDatabaseURL is DATABASE_URL's server with the database bandoso_bench.
func defaultDatabaseURL(getenv func(string) string) string {
	if v := getenv("BENCH_DATABASE_URL"); v != "" {
		return v
	}
	u, err := url.Parse(getenv("DATABASE_URL"))
	if err != nil || u.Host == "" {
		return ""
	}
	u.Path = "/bandoso_bench"
	return u.String()
}

func parseFlags(args []string, getenv func(string) string) (Options, error) {
	o := Options{Parts: map[string]bool{}}
	fs := flag.NewFlagSet("tilebench", flag.ContinueOnError)
	fs.StringVar(&o.DatabaseURL, "database-url", defaultDatabaseURL(getenv), "database holding the demo city (env BENCH_DATABASE_URL; default: DATABASE_URL's server, database bandoso_bench)")
	fs.IntVar(&o.Size, "size", 1000000, "parcels the loaded demo city must have been generated with; 0 accepts any")
	clients := fs.String("clients", "1,"+strconv.Itoa(2*runtime.NumCPU()), "comma-separated client counts for the cold and warm comparisons")
	fs.IntVar(&o.Crowd, "crowd", 100, "concurrent clients of the crowd run")
	fs.IntVar(&o.Views, "views", 8, "viewports per zoom from 14 to 18 in the tile list")
	fs.Uint64Var(&o.Seed, "seed", 1, "seed of the tile list")
	fs.IntVar(&o.Rounds, "rounds", 2, "rounds of each comparison, paths alternating")
	fs.IntVar(&o.WarmRequests, "warm-requests", 20000, "requests per path and round of the warm comparison")
	fs.IntVar(&o.Sample, "sample", 1000, "tiles per zoom at most in the size survey; zooms with more are sampled")
	fs.IntVar(&o.MaxTileKB, "max-tile-kb", 500, "largest uncompressed tile allowed")
	parts := fs.String("run", "cold,dbcpu,crowd,warm,sizes", "which measurements to make: cold, dbcpu (the database's CPU per tile), crowd, warm, sizes, and also seed (cache misses of a pan-and-zoom trace before and after seeding), peers")
	fs.StringVar(&o.CPUProfile, "cpuprofile", "", "write a CPU profile of the run to this file")
	fs.StringVar(&o.Peers.Bandoso, "bandoso-url", "", "with -run peers: a running bandoso serve of the same city")
	fs.StringVar(&o.Peers.Baseline, "bandoso-baseline-url", "", "with -run peers: a second bandoso of the same city (another build or other settings), asked as \"bandoso (baseline)\" in rotation; empty leaves it out")
	fs.StringVar(&o.Peers.PgTileserv, "pg-tileserv-url", "", "with -run peers: a running pg_tileserv; empty leaves it out")
	fs.StringVar(&o.Peers.Tegola, "tegola-url", "", "with -run peers: a running tegola without a cache; empty leaves it out")
	fs.StringVar(&o.Peers.TegolaCached, "tegola-cached-url", "", "with -run peers: a running tegola with a file cache, for warm tiles; empty leaves it out")
	fs.StringVar(&o.Peers.PgFeatureserv, "pg-featureserv-url", "", "with -run peers: a running pg_featureserv; empty leaves it out")
	peerClients := fs.String("peer-clients", "8,64", "with -run peers: comma-separated client counts")
	fs.IntVar(&o.Peers.Rounds, "peer-rounds", 3, "with -run peers: rounds, servers in rotation")
	fs.IntVar(&o.Peers.Requests, "peer-requests", 300, "with -run peers: requests per server and slice for items and single items (ten times as many warm tiles)")
	fs.IntVar(&o.Peers.Views, "peer-views", 20, "with -run peers: viewports per zoom from 12 to 18 in the pan-and-zoom list, whose z15 and z16 tiles the cold z15 and z16 lists leave out")
	scenarios := fs.String("peer-scenarios", "", "with -run peers: comma-separated beginnings of the scenarios' names to run (z16, z15, pan-and-zoom, warm, items, single); empty runs them all")
	fs.IntVar(&o.Peers.ColdPasses, "peer-cold-passes", 1, "with -run peers: ask each cold tile list this many times over, for long slices; only when no server keeps tiles (bandoso --tile-cache-mb 0): an answer from a cache there is an error")
	fs.IntVar(&o.Peers.Check, "peer-check", 40, "with -run peers: requests of each list whose answers are compared")
	fs.IntVar(&o.Seeding.Views, "trace-views", 40, "with -run seed: screens of 2×2 tiles per zoom in the pan-and-zoom trace")
	fs.IntVar(&o.Seeding.TraceMinZoom, "trace-min-zoom", 10, "with -run seed: the trace's lowest zoom")
	fs.IntVar(&o.Seeding.TraceMaxZoom, "trace-max-zoom", 18, "with -run seed: the trace's highest zoom")
	fs.IntVar(&o.Seeding.MinZoom, "seed-min-zoom", 10, "with -run seed: the lowest zoom seeded")
	fs.IntVar(&o.Seeding.MaxZoom, "seed-max-zoom", 16, "with -run seed: the highest zoom seeded")
	fs.IntVar(&o.Seeding.CacheMB, "seed-cache-mb", 1024, "with -run seed: the server's tile cache, in MB")
	fs.IntVar(&o.Seeding.Clients, "trace-clients", 4, "with -run seed: clients running the trace at once")
	err := fs.Parse(args)
	if err != nil {
		return o, err
	}
	if o.DatabaseURL == "" {
		return o, errors.New("set --database-url, BENCH_DATABASE_URL or DATABASE_URL")
	}
	if o.Clients, err = counts("--clients", *clients); err != nil {
		return o, err
	}
	if o.Peers.Clients, err = counts("--peer-clients", *peerClients); err != nil {
		return o, err
	}
	for _, p := range strings.Split(*scenarios, ",") {
		if p = strings.TrimSpace(p); p != "" {
			o.Peers.Scenarios = append(o.Peers.Scenarios, p)
		}
	}
	for _, p := range strings.Split(*parts, ",") {
		o.Parts[strings.TrimSpace(p)] = true
	}
	o.Rounds = max(o.Rounds, 1)
	o.Peers.Rounds = max(o.Peers.Rounds, 1)
	return o, nil
}

// counts parses a comma-separated list of positive integers given to flag.
func counts(flag, list string) ([]int, error) {
	var out []int
	for _, c := range strings.Split(list, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(c))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("%s: %q is not a positive integer", flag, c)
		}
		out = append(out, n)
	}
	return out, nil
}

func run(ctx context.Context, args []string, getenv func(string) string, out io.Writer) error {
	o, err := parseFlags(args, getenv)
	if err != nil {
		return err
	}
	if o.CPUProfile != "" {
		f, err := os.Create(o.CPUProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	// The server's pool is serve's default (--max-conns 16); the bare pool is as large.
	maxConns := store.DefaultOptions().MaxConns
	db, err := store.Open(ctx, o.DatabaseURL, store.Options{MaxConns: maxConns})
	if err != nil {
		return err
	}
	defer db.Close()
	info, err := db.DemoLoaded(ctx)
	if err != nil {
		return fmt.Errorf("the demo city is not loaded (%w): run scripts/bench-tiles.sh", err)
	}
	if o.Size > 0 && info.Size != o.Size {
		return fmt.Errorf("the demo city loaded has size %d, not %d: run scripts/bench-tiles.sh", info.Size, o.Size)
	}
	pcfg, err := pgxpool.ParseConfig(o.DatabaseURL)
	if err != nil {
		return err
	}
	pcfg.MaxConns = maxConns
	pool, err := pgxpool.NewWithConfig(ctx, pcfg)
	if err != nil {
		return err
	}
	defer pool.Close()
	fmt.Fprintf(out, "# Tile benchmark: demo city seed %d, %d parcels, %d addresses; %d cores, pools of %d connections\n\n",
		info.Seed, info.Parcels, info.Addresses, runtime.NumCPU(), maxConns)
	r, err := newReport(ctx, db, pool, o, out)
	if err != nil {
		return err
	}
	return r.all(ctx)
}

// report runs the measurements chosen and prints them as it goes.
type report struct {
	o      Options
	b      *Bench
	svc    *tiles.Service
	bounds orb.Bound
	out    io.Writer
	failed []string
}

func newReport(ctx context.Context, db *store.DB, pool *pgxpool.Pool, o Options, out io.Writer) (*report, error) {
	layers := catalog.New(db)
	svc := tiles.New(db, layers, nil)
	parcels, err := layers.Layer(ctx, "parcels")
	if err != nil {
		return nil, err
	}
	bb, ok, err := layers.Bounds(ctx, parcels)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errors.New("no parcels")
	}
	bounds := bb
	list, err := benchList(ctx, svc, bounds, o.Views, o.Seed)
	if err != nil {
		return nil, err
	}
	return &report{o: o, svc: svc, bounds: bounds, out: out,
		b: &Bench{DB: db, Pool: pool, List: list, Rounds: o.Rounds}}, nil
}

func (r *report) all(ctx context.Context) error {
	w := r.out
	if r.o.Parts["cold"] || r.o.Parts["crowd"] || r.o.Parts["warm"] {
		fmt.Fprintf(w, "Tile list: %d requests (%d positions, z10–13 every tile, z14–18 %d viewports of 2×2 tiles, seed %d; each as the style's %d-layer tile and as a parcels tile), over the parcels' extent %.4f,%.4f,%.4f,%.4f.\n\n",
			len(r.b.List), len(r.b.List)/2, r.o.Views, r.o.Seed, len(styleLayers), r.bounds.Min[0], r.bounds.Min[1], r.bounds.Max[0], r.bounds.Max[1])
	}
	if r.o.Parts["cold"] {
		// One untimed pass, so that every path meets the same warm PostgreSQL buffers.
		r.check(measure(ctx, len(r.b.List), 2*runtime.NumCPU(), path{"warm-up", func(ctx context.Context, i int) ([]byte, error) {
			return bareTile(ctx, r.b.DB, r.b.List[i], false)
		}, nil})...)
		fmt.Fprintf(w, "## Cold tiles (no tile cache), %d round(s), gzip asked for; paths interleaved request by request\n\n", r.o.Rounds)
		runHeader(w)
		var colds []Cold
		for _, n := range r.o.Clients {
			c, err := r.b.cold(ctx, n)
			if err != nil {
				return err
			}
			reportCold(w, c)
			colds = append(colds, c)
			r.check(c.Server, c.Bare, c.BareGzip)
			r.failed = append(r.failed, c.Mismatches...)
		}
		fmt.Fprintln(w)
		for _, c := range colds {
			coldRatios(w, c)
		}
		fmt.Fprintln(w)
	}
	if r.o.Parts["dbcpu"] {
		if err := r.dbCPU(ctx); err != nil {
			return err
		}
	}
	if r.o.Parts["crowd"] {
		fmt.Fprintf(w, "## %d concurrent clients, cold, through the server (pool of %d)\n\n", r.o.Crowd, store.DefaultOptions().MaxConns)
		runHeader(w)
		c := r.b.crowd(ctx, r.o.Crowd, 2)
		runRow(w, c)
		r.check(c)
		fmt.Fprintln(w)
	}
	if r.o.Parts["warm"] {
		fmt.Fprintf(w, "## Warm tiles (cached), %d round(s) of %d requests, gzip\n\n", r.o.Rounds, r.o.WarmRequests)
		runHeader(w)
		var warms []Warm
		for _, n := range r.o.Clients {
			c, err := r.b.warm(ctx, n, r.o.WarmRequests)
			if err != nil {
				return err
			}
			runRow(w, c.Server)
			runRow(w, c.Bare)
			r.check(c.Server, c.Bare)
			r.failed = append(r.failed, c.Mismatches...)
			warms = append(warms, c)
		}
		fmt.Fprintln(w)
		for _, c := range warms {
			fmt.Fprintf(w, "- %d client(s), server/bare handler: time per tile %s, median per-tile ratio %.2f; p50 %s, p99 %s\n", c.Server.Clients,
				ratio(c.Bare.PerSecond(), c.Server.PerSecond()), medianRatio(c.Server, c.Bare),
				ratio(float64(c.Server.Quantile(0.5)), float64(c.Bare.Quantile(0.5))),
				ratio(float64(c.Server.Quantile(0.99)), float64(c.Bare.Quantile(0.99))))
		}
		fmt.Fprintln(w)
	}
	if r.o.Parts["sizes"] {
		start := time.Now()
		stats, err := sizes(ctx, r.b, r.svc, r.bounds, 10, 18, r.o.Sample, 2*runtime.NumCPU(), r.o.Seed)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "## Tile sizes over the city (every tile, or %d sampled where a zoom has more; %s)\n\n", r.o.Sample, time.Since(start).Round(time.Second))
		reportSizes(w, stats)
		fmt.Fprintln(w)
		for _, s := range stats {
			if s.Max > r.o.MaxTileKB<<10 {
				r.failed = append(r.failed, fmt.Sprintf("z%d %s: %s is %s KB, over %d KB", s.Z, s.Layer, s.Largest, kb(s.Max), r.o.MaxTileKB))
			}
		}
	}
	if r.o.Parts["seed"] {
		if err := r.seedReport(ctx); err != nil {
			return err
		}
	}
	if r.o.Parts["peers"] {
		if err := r.peers(ctx); err != nil {
			return err
		}
	}
	if len(r.failed) > 0 {
		fmt.Fprintln(w, "## FAILED")
		for _, f := range r.failed {
			fmt.Fprintln(w, "-", f)
		}
		return fmt.Errorf("%d failure(s), listed above", len(r.failed))
	}
	return nil
}

// check records the runs' errors as failures.
func (r *report) check(runs ...Run) {
	for _, run := range runs {
		if run.Errors > 0 {
			r.failed = append(r.failed, fmt.Sprintf("%s, %d clients: %d errors, first: %v", run.Name, run.Clients, run.Errors, run.FirstErr))
		}
	}
}
