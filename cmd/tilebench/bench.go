package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"bandoso/api"
	"bandoso/catalog"
	"bandoso/store"
	"bandoso/tiles"
)

// Bench holds what every measurement needs.
type Bench struct {
	// DB is the server's store; Pool is the bare path's, of the same size.
	DB   *store.DB
	Pool *pgxpool.Pool
	// List is the fixed tile list.
	List []Tile
	// Rounds repeats each comparison, alternating the paths, to spread the machine's noise.
	Rounds int
}

// server starts the API on a loopback listener with a tile service over cache (nil: none),
// logging each request as serve does (to nowhere), and returns its URL and a stop func.
func (b *Bench) server(cache *tiles.Cache) (string, func()) {
	layers := catalog.New(b.DB)
	return b.serve(layers, tiles.New(b.DB, layers, cache))
}

// serve is server with the tile service svc drawing the layers of cat.
func (b *Bench) serve(cat *catalog.Catalog, svc *tiles.Service) (string, func()) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	cfg := api.DefaultConfig()
	cfg.Limits.RateLimit = api.RateLimit{} // one client asks for every tile: a limit would measure the limiter
	s := api.New(api.Server{DB: b.DB, Log: log, Catalog: cat, Tiles: svc, Version: "tilebench", Config: cfg})
	ts := httptest.NewServer(s.Handler())
	return ts.URL, ts.Close
}

// merge adds run r to acc: more requests, more time, all the latencies.
func merge(acc *Run, r Run) {
	if acc.Requests == 0 && acc.FirstErr == nil {
		*acc = r
		return
	}
	acc.Requests += r.Requests
	acc.Errors += r.Errors
	acc.Shed += r.Shed
	if acc.FirstErr == nil {
		acc.FirstErr = r.FirstErr
	}
	acc.Elapsed += r.Elapsed
	acc.Bytes += r.Bytes
	acc.lat = mergeSorted(acc.lat, r.lat)
	acc.byReq = append(acc.byReq, r.byReq...)
}

func mergeSorted(a, b []time.Duration) []time.Duration {
	out := make([]time.Duration, 0, len(a)+len(b))
	for len(a) > 0 && len(b) > 0 {
		if a[0] <= b[0] {
			out, a = append(out, a[0]), a[1:]
		} else {
			out, b = append(out, b[0]), b[1:]
		}
	}
	return append(append(out, a...), b...)
}

// Cold is one concurrency's cold comparison: the server without a cache against its store
// without HTTP, gzipped as the server does and not, and against PostGIS drawing the same
// layers (ST_AsMVT), as peers do.
type Cold struct {
	Server, BareGzip, Bare, PostGIS Run
	// Mismatches lists tiles whose server bytes differ from the bare bytes.
	Mismatches []string
}

// cold runs the list through the server (no tile cache, gzip asked for) and bare, with the
// same number of clients, and checks that both give the same bytes for every tile.
func (b *Bench) cold(ctx context.Context, clients int) (Cold, error) {
	url, stop := b.server(nil)
	defer stop()
	c := newClient(url, clients, true)
	defer c.close()
	n := len(b.List)
	served, bare := make([][]byte, n), make([][]byte, n)
	var res Cold
	for range b.Rounds {
		runs := measure(ctx, n, clients,
			path{"server", func(ctx context.Context, i int) ([]byte, error) { return c.get(ctx, b.List[i].Path()) }, served},
			path{"store + gzip, no HTTP", func(ctx context.Context, i int) ([]byte, error) { return bareTile(ctx, b.DB, b.List[i], true) }, nil},
			path{"store, no HTTP", func(ctx context.Context, i int) ([]byte, error) { return bareTile(ctx, b.DB, b.List[i], false) }, bare},
			path{"PostGIS ST_AsMVT, bare", func(ctx context.Context, i int) ([]byte, error) { return postgisTile(ctx, b.Pool, b.List[i]) }, nil})
		merge(&res.Server, runs[0])
		merge(&res.BareGzip, runs[1])
		merge(&res.Bare, runs[2])
		merge(&res.PostGIS, runs[3])
	}
	for i, t := range b.List {
		got, err := gunzip(served[i])
		if err != nil || !bytes.Equal(got, bare[i]) {
			res.Mismatches = append(res.Mismatches, fmt.Sprintf("%s: server %d bytes (gunzipped, err %v), bare %d", t.Path(), len(got), err, len(bare[i])))
		}
	}
	return res, nil
}

func gunzip(b []byte) ([]byte, error) {
	if len(b) == 0 {
		return nil, nil
	}
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	return io.ReadAll(zr)
}

// crowd runs the list passes times through the server without a cache from clients
// concurrent clients.
func (b *Bench) crowd(ctx context.Context, clients, passes int) Run {
	url, stop := b.server(nil)
	defer stop()
	c := newClient(url, clients, true)
	defer c.close()
	return measure(ctx, passes*len(b.List), clients, path{"server", func(ctx context.Context, i int) ([]byte, error) {
		return c.get(ctx, b.List[i%len(b.List)].Path())
	}, nil})[0]
}

// Warm compares cached tiles through the server with a bare handler serving the same bytes.
type Warm struct {
	Server, Bare Run
	Mismatches   []string
}

// warm primes a server whose cache holds the whole list, then makes n requests over the list
// from clients concurrent clients to it and to bareHandler holding the bytes it served.
func (b *Bench) warm(ctx context.Context, clients, n int) (Warm, error) {
	var res Warm
	url, stop := b.server(tiles.NewCache(1<<30, 24*time.Hour))
	defer stop()
	c := newClient(url, clients, true)
	defer c.close()
	bodies := map[string]bareBody{}
	for _, t := range b.List {
		body, etag, err := c.getETag(ctx, t.Path())
		if err != nil {
			return res, err
		}
		if body != nil {
			bodies[t.Path()] = bareBody{gzip: body, etag: etag}
		}
	}
	bs := httptest.NewServer(bareHandler(bodies))
	defer bs.Close()
	bc := newClient(bs.URL, clients, true)
	defer bc.close()
	served := make([][]byte, len(b.List))
	for range b.Rounds {
		runs := measure(ctx, n, clients,
			path{"server", func(ctx context.Context, i int) ([]byte, error) { return c.get(ctx, b.List[i%len(b.List)].Path()) }, served},
			path{"bare handler", func(ctx context.Context, i int) ([]byte, error) { return bc.get(ctx, b.List[i%len(b.List)].Path()) }, nil})
		merge(&res.Server, runs[0])
		merge(&res.Bare, runs[1])
	}
	for i, t := range b.List {
		if !bytes.Equal(served[i], bodies[t.Path()].gzip) {
			res.Mismatches = append(res.Mismatches, t.Path()+": the cached tile changed")
		}
	}
	return res, nil
}
