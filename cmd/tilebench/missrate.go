package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"bandoso/catalog"
	"bandoso/geo"
	"bandoso/tiles"
	"bandoso/web"
)

// SeedOptions are the settings of the seed part: a pan-and-zoom trace through a server with
// a fresh cache, then through one whose cache was seeded.
type SeedOptions struct {
	Views                      int // viewports per zoom of the trace
	MinZoom, MaxZoom           int // zooms seeded
	TraceMinZoom, TraceMaxZoom int // zooms of the trace
	CacheMB                    int
	Clients                    int
}

// traceRequest is one tile the viewer asks for: a source's composite tile.
type traceRequest struct {
	Layers []string
	At     geo.Tile
}

func (t traceRequest) Path() string {
	return "/tiles/" + strings.Join(t.Layers, ",") + "/" + t.At.String() + ".mvt"
}

// viewerSources are the composite tiles of the viewer's style, as a client without a key
// gets them, with the zooms each is drawn at (its TileJSON's minzoom and maxzoom).
type viewerSource struct {
	layers     []string
	minZ, maxZ int
}

func viewerSources(ctx context.Context, cat *catalog.Catalog) ([]viewerSource, [][]string, error) {
	sources, err := web.Embedded().StyleSources("default")
	if err != nil {
		return nil, nil, err
	}
	public, err := cat.Readable(ctx, catalog.Anyone)
	if err != nil {
		return nil, nil, err
	}
	byName := map[string]*catalog.Layer{}
	for _, l := range public {
		byName[l.Name] = l
	}
	var out []viewerSource
	var names [][]string
	for _, src := range sources {
		vs := viewerSource{minZ: geo.MaxZoom}
		for _, n := range src {
			if l := byName[n]; l != nil {
				vs.layers = append(vs.layers, n)
				vs.minZ, vs.maxZ = min(vs.minZ, l.MinZoom), max(vs.maxZ, l.MaxZoom)
			}
		}
		if len(vs.layers) > 0 {
			out = append(out, vs)
			names = append(names, vs.layers)
		}
	}
	return out, names, nil
}

// panZoomTrace is what a viewer of the style asks for over a pan-and-zoom sample of b
// (viewTiles: views screens of 2×2 tiles per zoom): at each position, each source's tile,
// its parent at the source's maxzoom past it (MapLibre overzooms), none below its minzoom;
// each tile once, as a browser keeps what it has.
func panZoomTrace(b orb.Bound, sources []viewerSource, minZ, maxZ, views int, seed uint64) []traceRequest {
	var out []traceRequest
	seen := map[string]bool{}
	for _, at := range viewTiles(b, minZ, maxZ, minZ-1, views, seed) {
		for _, s := range sources {
			z := int(at.Z)
			if z < s.minZ {
				continue
			}
			t := at
			if z > s.maxZ {
				t = geo.Tile{Tile: at.Parent()}
				for int(t.Z) > s.maxZ {
					t = geo.Tile{Tile: t.Parent()}
				}
			}
			r := traceRequest{Layers: s.layers, At: t}
			if p := r.Path(); !seen[p] {
				seen[p] = true
				out = append(out, r)
			}
		}
	}
	return out
}

// TraceRun is one pass of the trace: what the server said of each tile.
type TraceRun struct {
	Run
	// Origins counts the answers by their X-Cache header; MissByZoom the misses by zoom.
	Origins    map[string]int
	MissByZoom map[int]int
}

func (t TraceRun) missRate() float64 {
	return float64(t.Origins["miss"]) / float64(max(t.Requests, 1))
}

// runTrace asks for every tile of trace from the server at url, clients at once.
func runTrace(ctx context.Context, url string, trace []traceRequest, clients int) TraceRun {
	c := newClient(url, clients, true)
	defer c.close()
	origins := make([]string, len(trace))
	run := measure(ctx, len(trace), clients, path{"trace", func(ctx context.Context, i int) ([]byte, error) {
		o, n, err := c.cacheOf(ctx, trace[i].Path())
		origins[i] = o
		return make([]byte, n), err
	}, nil})[0]
	tr := TraceRun{Run: run, Origins: map[string]int{}, MissByZoom: map[int]int{}}
	for i, o := range origins {
		tr.Origins[o]++
		if o == "miss" {
			tr.MissByZoom[int(trace[i].At.Z)]++
		}
	}
	return tr
}

// cacheOf asks for path and returns its X-Cache header and the size of its body.
func (c *client) cacheOf(ctx context.Context, path string) (string, int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+path, nil)
	if err != nil {
		return "", 0, err
	}
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := c.hc.Do(req)
	if err != nil {
		return "", 0, err
	}
	defer resp.Body.Close()
	n, err := io.Copy(io.Discard, resp.Body)
	if err != nil {
		return "", 0, err
	}
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusNoContent {
		return "", 0, fmt.Errorf("%s: %s", path, resp.Status)
	}
	return resp.Header.Get("X-Cache"), int(n), nil
}

// seedReport runs the trace through a server with a fresh cache, then through another whose
// cache was seeded first, and prints both.
func (r *report) seedReport(ctx context.Context) error {
	o := r.o.Seeding
	w := r.out
	cat := catalog.New(r.b.DB)
	sources, names, err := viewerSources(ctx, cat)
	if err != nil {
		return err
	}
	trace := panZoomTrace(r.bounds, sources, o.TraceMinZoom, o.TraceMaxZoom, o.Views, r.o.Seed)
	var desc []string
	for _, s := range sources {
		desc = append(desc, fmt.Sprintf("%d layers, z%d–%d", len(s.layers), s.minZ, s.maxZ))
	}
	fmt.Fprintf(w, "## Cache misses of a pan-and-zoom trace, before and after seeding z%d–%d (cache of %d MB, %d clients)\n\n", o.MinZoom, o.MaxZoom, o.CacheMB, o.Clients)
	fmt.Fprintf(w, "Trace: %d tile requests of the viewer's style (%d sources: %s), %d screens of 2×2 tiles per zoom from %d to %d over the parcels' extent (seed %d), each tile once.\n\n",
		len(trace), len(sources), strings.Join(desc, "; "), o.Views, o.TraceMinZoom, o.TraceMaxZoom, r.o.Seed)
	fresh, seeded, rep, err := r.seedRuns(ctx, cat, trace, names)
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "| cache | requests | misses | miss rate | misses z≤16 | misses z>16 | tiles/s | p50 ms | p99 ms |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|---:|---:|")
	for _, t := range []TraceRun{fresh, seeded} {
		low, high := 0, 0
		for z, n := range t.MissByZoom {
			if z <= 16 {
				low += n
			} else {
				high += n
			}
		}
		fmt.Fprintf(w, "| %s | %d | %d | %.1f%% | %d | %d | %.0f | %s | %s |\n", t.Name, t.Requests, t.Origins["miss"], 100*t.missRate(),
			low, high, t.PerSecond(), ms(t.Quantile(0.5)), ms(t.Quantile(0.99)))
		r.check(t.Run)
	}
	fmt.Fprintf(w, "\nSeeding: %d tiles (%d made, %d failed, %d left out for want of room) in %s, %.1f tiles/s, one at a time; %.0f MB in the cache.\n\n",
		rep.Planned, rep.Made, rep.Failed, rep.Skipped, rep.Elapsed.Round(time.Second),
		float64(rep.Made)/rep.Elapsed.Seconds(), float64(rep.Bytes)/(1<<20))
	if rep.Failed > 0 {
		r.failed = append(r.failed, fmt.Sprintf("seeding: %d tiles failed", rep.Failed))
	}
	return nil
}

// seedRuns runs trace through a server with a fresh cache, then seeds another's cache with
// the tiles of sources and runs the trace through it.
func (r *report) seedRuns(ctx context.Context, cat *catalog.Catalog, trace []traceRequest, sources [][]string) (fresh, seeded TraceRun, rep tiles.SeedReport, err error) {
	o := r.o.Seeding
	newService := func() *tiles.Service {
		return tiles.New(r.b.DB, cat, tiles.NewCache(int64(o.CacheMB)<<20, 24*time.Hour))
	}
	url, stop := r.b.serve(cat, newService())
	fresh = runTrace(ctx, url, trace, o.Clients)
	fresh.Name = "fresh"
	stop()

	svc := newService()
	url, stop = r.b.serve(cat, svc)
	defer stop()
	// The seed's progress, zoom by zoom, goes to stderr.
	rep, err = svc.Seed(ctx, tiles.SeedOptions{Sources: sources, MinZoom: o.MinZoom, MaxZoom: o.MaxZoom,
		Log: slog.New(slog.NewTextHandler(os.Stderr, nil))})
	if err != nil {
		return fresh, seeded, rep, err
	}
	seeded = runTrace(ctx, url, trace, o.Clients)
	seeded.Name = fmt.Sprintf("seeded z%d–%d", o.MinZoom, o.MaxZoom)
	return fresh, seeded, rep, nil
}
