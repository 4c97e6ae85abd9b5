package api_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"testing"

	"bandoso/api"
	"bandoso/catalog"
	"bandoso/store"
	"bandoso/tiles"

	"net/http/httptest"
)

// bigCity serves the database named by BANDOSO_BENCH_URL, the one-million-parcel demo city
// that scripts/bench-tiles.sh loads (make bench sets it), and the parcels' extent. The
// benchmarks on it are skipped without it.
func bigCity(b *testing.B) (string, *store.DB, [4]float64) {
	b.Helper()
	url := os.Getenv("BANDOSO_BENCH_URL")
	if url == "" {
		b.Skip("BANDOSO_BENCH_URL names no database with the one-million-parcel city")
	}
	ctx := context.Background()
	db, err := store.Open(ctx, url, store.Options{MaxConns: 8})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(db.Close)
	cat := catalog.New(db)
	l, err := cat.Layer(ctx, "parcels")
	if err != nil {
		b.Fatal(err)
	}
	bounds, ok, err := cat.Bounds(ctx, l)
	if err != nil || !ok {
		b.Fatalf("parcels extent: %v", err)
	}
	ts := httptest.NewServer(testServer(api.Server{DB: db, Catalog: cat, Tiles: tiles.New(db, cat, nil)}).Handler())
	b.Cleanup(ts.Close)
	return ts.URL, db, [4]float64{bounds.Left(), bounds.Bottom(), bounds.Right(), bounds.Top()}
}

// BenchmarkItemsBBoxCity asks for the first page (100) of parcels in 200 m boxes at seeded
// random places over the one-million-parcel city, with numberMatched.
func BenchmarkItemsBBoxCity(b *testing.B) {
	url, _, e := bigCity(b)
	rng := rand.New(rand.NewPCG(1, 2))
	const d = 0.0018 // about 200 m
	benchLatency(b, func(int) *http.Request {
		x := e[0] + rng.Float64()*(e[2]-e[0]-d)
		y := e[1] + rng.Float64()*(e[3]-e[1]-d)
		r, _ := http.NewRequest(http.MethodGet, fmt.Sprintf("%s/ogc/collections/parcels/items?limit=100&bbox=%f,%f,%f,%f", url, x, y, x+d, y+d), nil)
		return r
	})
}

// BenchmarkItemsDeepPageCity asks for pages of 100 parcels deep into the whole layer, as
// the next links give them: keyset paging makes the page after a million rows cost what the
// first does.
func BenchmarkItemsDeepPageCity(b *testing.B) {
	url, _, _ := bigCity(b)
	rng := rand.New(rand.NewPCG(3, 4))
	benchLatency(b, func(int) *http.Request {
		r, _ := http.NewRequest(http.MethodGet, fmt.Sprintf("%s/ogc/collections/parcels/items?limit=100&after=%d", url, rng.IntN(990000)), nil)
		return r
	})
}

// BenchmarkPlanningReportCity asks for the planning report of seeded random parcels of the
// one-million-parcel city.
func BenchmarkPlanningReportCity(b *testing.B) {
	url, _, _ := bigCity(b)
	rng := rand.New(rand.NewPCG(5, 6))
	benchLatency(b, func(int) *http.Request {
		r, _ := http.NewRequest(http.MethodGet, fmt.Sprintf("%s/v1/parcels/%d/planning", url, 1+rng.IntN(990000)), nil)
		return r
	})
}

// BenchmarkReverse reverse geocodes seeded random points of the one-million-parcel city
// (two million addresses): the nearest address, wards, street and parcel of each.
func BenchmarkReverse(b *testing.B) {
	url, _, e := bigCity(b)
	rng := rand.New(rand.NewPCG(7, 8))
	benchLatency(b, func(int) *http.Request {
		x := e[0] + rng.Float64()*(e[2]-e[0])
		y := e[1] + rng.Float64()*(e[3]-e[1])
		r, _ := http.NewRequest(http.MethodGet, fmt.Sprintf("%s/v1/reverse?lon=%.7f&lat=%.7f", url, x, y), nil)
		return r
	})
}
