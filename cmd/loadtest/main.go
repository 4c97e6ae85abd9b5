// Command bandoso-loadtest replays a realistic mix of requests against a running bandoso
// server at a fixed rate for a fixed time and reports throughput, latency percentiles and
// status counts per kind of request, and the server's resident memory over the run.
//
// The load is open-loop: requests are sent when the clock says, not when the previous one
// returns, and latency counts from the time a request was due, so a server that falls
// behind shows it as latency (no coordinated omission). Tiles follow pan-and-zoom walks of
// a 1280×800 map over the city's extent; items, geocodes, reverse geocodes and planning
// reports use addresses and parcels read from the server before the clock starts.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
)

// styleLayers is the composite tile the viewer's style asks for (web/styles/default.json).
const styleLayers = "wards,wards_2024,plans,planning_zones,road_boundaries,streets,parcels,addresses"

type options struct {
	base        string
	metricsURL  string
	rate        float64
	duration    time.Duration
	timeout     time.Duration
	maxInFlight int
	rssEvery    time.Duration
	progress    time.Duration
	jsonOut     bool
	prepPages   int
	// forwardedFor sends each user's own address in X-Forwarded-For, so that a server
	// trusting this client as a proxy counts rate limits per user, as it would for browsers.
	forwardedFor bool
	cfg          Config
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	var failed errFailed
	switch {
	case err == nil:
	case errors.Is(err, flag.ErrHelp):
	case errors.As(err, &failed):
		fmt.Fprintln(os.Stderr, "bandoso-loadtest:", err)
		os.Exit(1)
	default:
		fmt.Fprintln(os.Stderr, "bandoso-loadtest:", err)
		os.Exit(2)
	}
}

// errFailed is a run that completed but saw errors: transport errors, 5xx or dropped requests.
type errFailed string

func (e errFailed) Error() string { return string(e) }

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("bandoso-loadtest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, "Usage: bandoso-loadtest [flags]\n\nReplay a mix of tiles, OGC items, geocodes, reverse geocodes and planning reports\nagainst a running server at a fixed rate for a fixed time (open-loop), then report\nthroughput, latency and status counts per kind, and the server's resident memory.\nExits 1 when any request failed (transport error, 5xx, or dropped by the client).\n\nFlags:\n")
		fs.PrintDefaults()
	}
	fs.StringVar(&o.base, "url", "http://127.0.0.1:8080", "base URL of the server")
	fs.StringVar(&o.metricsURL, "metrics-url", "", "Prometheus metrics to read process_resident_memory_bytes from (default <url>/metrics; \"off\" for none)")
	fs.Float64Var(&o.rate, "rate", 50, "requests per second, sent on a fixed clock")
	fs.DurationVar(&o.duration, "duration", time.Minute, "how long to send")
	fs.DurationVar(&o.timeout, "timeout", 60*time.Second, "longest to wait for one answer; past it the request is a transport error")
	fs.IntVar(&o.maxInFlight, "max-in-flight", 4000, "most requests out at once; a request due beyond it is dropped and counted")
	fs.DurationVar(&o.rssEvery, "rss-every", 5*time.Second, "how often to read the server's resident memory")
	fs.DurationVar(&o.progress, "progress", 10*time.Second, "how often to print progress to stderr; 0 for never")
	fs.BoolVar(&o.jsonOut, "json", false, "print the report as JSON")
	fs.IntVar(&o.prepPages, "prep-pages", 40, "item pages read before the run for parcel ids and for addresses to geocode")
	fs.Uint64Var(&o.cfg.Seed, "seed", 1, "seed of the walks and the mix")
	fs.StringVar(&o.cfg.Layers, "layers", styleLayers, "layers of each tile, comma-separated")
	fs.IntVar(&o.cfg.Users, "users", 20, "users, each walking a pan-and-zoom trace of its own; their tiles interleave")
	fs.BoolVar(&o.forwardedFor, "forwarded-for", false, "send each user's own made-up address (10.77.x.y) in X-Forwarded-For, for a server run with --trusted-proxies naming this client, whose rate limits then apply per user")
	fs.IntVar(&o.cfg.MinZ, "min-zoom", 12, "least zoom of the walks")
	fs.IntVar(&o.cfg.MaxZ, "max-zoom", 18, "greatest zoom of the walks")
	fs.IntVar(&o.cfg.Width, "width", 1280, "screen width in pixels")
	fs.IntVar(&o.cfg.Height, "height", 800, "screen height in pixels")
	defaults := [numKinds]int{kindTiles: 80, kindItems: 5, kindGeocode: 6, kindReverse: 5, kindPlanning: 4}
	for k := range numKinds {
		fs.IntVar(&o.cfg.Weights[k], k.String(), defaults[k], "weight of "+k.String()+" in the mix")
	}
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	o.base = strings.TrimRight(o.base, "/")
	if o.metricsURL == "" {
		o.metricsURL = o.base + "/metrics"
	}
	switch {
	case o.rate <= 0:
		return o, fmt.Errorf("-rate must be positive")
	case o.duration <= 0:
		return o, fmt.Errorf("-duration must be positive")
	case o.maxInFlight < 1:
		return o, fmt.Errorf("-max-in-flight must be at least 1")
	case o.cfg.MinZ < 0 || o.cfg.MinZ > o.cfg.MaxZ || o.cfg.MaxZ > 24:
		return o, fmt.Errorf("zooms must satisfy 0 ≤ -min-zoom ≤ -max-zoom ≤ 24")
	case o.cfg.Width < 1 || o.cfg.Height < 1:
		return o, fmt.Errorf("-width and -height must be positive")
	case o.rssEvery <= 0:
		return o, fmt.Errorf("-rss-every must be positive")
	}
	return o, nil
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	// Browsers ask for gzip; the body is read as sent, so the client does not spend the
	// shared cores inflating it.
	tr := &http.Transport{MaxIdleConns: o.maxInFlight, MaxIdleConnsPerHost: o.maxInFlight, DisableCompression: true}
	hc := &http.Client{Transport: tr, Timeout: o.timeout}
	defer hc.CloseIdleConnections()

	w, err := prepare(ctx, hc, o, stderr)
	if err != nil {
		return err
	}
	var stats [numKinds]*Stats
	for k := range stats {
		stats[k] = newStats()
	}
	var rss *rssSampler
	if o.metricsURL != "off" {
		rss = &rssSampler{hc: &http.Client{Timeout: 10 * time.Second}, url: o.metricsURL}
	}
	fmt.Fprintf(stderr, "sending %g requests/s for %s to %s (%d in all)\n", o.rate, o.duration, o.base, schedule{o.rate, o.duration}.count())

	bg, stopBG := context.WithCancel(ctx)
	runStart := time.Now()
	if rss != nil {
		rss.sample(bg, 0)
		go rss.run(bg, runStart, o.rssEvery)
	}
	var sentCount atomic.Int64
	if o.progress > 0 {
		go progress(bg, stderr, runStart, o.progress, &sentCount, stats[:], rss)
	}
	start, sent, dropped := dispatch(ctx, realClock{}, schedule{o.rate, o.duration}, o.maxInFlight, func(int) func(time.Time) {
		kind, path, user := w.Next()
		sentCount.Add(1)
		from := ""
		if o.forwardedFor {
			from = userAddr(user)
		}
		return func(due time.Time) { fetch(ctx, hc, o.base+path, from, due, stats[kind]) }
	})
	wall := time.Since(start)
	stopBG()
	if rss != nil {
		rss.sample(ctx, time.Since(runStart))
	}
	rep := buildReport(o, start, wall, sent, dropped, stats[:], rss)
	if o.jsonOut {
		err = writeJSON(stdout, rep)
	} else {
		writeText(stdout, rep)
	}
	if err != nil {
		return err
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if f := rep.Total.Errors + int64(rep.Dropped); f > 0 {
		return errFailed(fmt.Sprintf("%d requests failed (%d transport errors, %d 5xx, %d dropped)",
			f, rep.Total.Transport, rep.Total.Status5xx, rep.Dropped))
	}
	return nil
}

// prepare reads the extent, parcel ids and addresses from the server and makes the mix.
func prepare(ctx context.Context, hc *http.Client, o options, stderr io.Writer) (*Workload, error) {
	b, err := cityBounds(ctx, hc, o.base, o.cfg.Layers)
	if err != nil {
		return nil, err
	}
	var ids, texts []string
	if o.cfg.Weights[kindPlanning] > 0 {
		if ids, err = parcelIDs(ctx, hc, o.base, b, o.prepPages, o.cfg.Seed); err != nil {
			return nil, err
		}
	}
	if o.cfg.Weights[kindGeocode] > 0 {
		if texts, err = geocodeTexts(ctx, hc, o.base, b, o.prepPages, o.cfg.Seed); err != nil {
			return nil, err
		}
	}
	fmt.Fprintf(stderr, "city extent %v; %d parcel ids, %d addresses to geocode (e.g. %q)\n", b, len(ids), len(texts), first(texts))
	return NewWorkload(o.cfg, b, texts, ids)
}

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

// fetch makes one request, in the name of client from when it is not empty, and records its
// status and its latency since it was due.
func fetch(ctx context.Context, hc *http.Client, url, from string, due time.Time, s *Stats) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		s.Fail(err, time.Since(due))
		return
	}
	req.Header.Set("Accept-Encoding", "gzip")
	if from != "" {
		req.Header.Set("X-Forwarded-For", from)
	}
	resp, err := hc.Do(req)
	if err == nil {
		// The answer counts once its body is in, as it does for a map.
		_, err = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	if err != nil {
		s.Fail(err, time.Since(due))
		return
	}
	s.Record(resp.StatusCode, time.Since(due))
}
