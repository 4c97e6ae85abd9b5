package api_test

import (
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"sort"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"bandoso/admit"
	"bandoso/api"
	"bandoso/store/storetest"
)

// BenchmarkUnderSlowUploads is the slowloris attack on the gate at its size in the field: 50
// clients, each its own address behind the trusted proxy and without a key, trickle batch
// files and parcel queries one byte every 100 ms, while a user geocodes and pans over tiles
// never seen before (each a cache miss). It reports their latencies; the gate is the one
// `bandoso serve` builds for 16 connections (14 places, 7 per client).
func BenchmarkUnderSlowUploads(b *testing.B) {
	db := storetest.New(b)
	storetest.LoadDemo(b, db, 1, 2000)
	c := serveCounted(b, db, func(s *api.Server) {
		s.DBWork = admit.New(14, 64, 5*time.Second).PerClient(7)
		s.Config.HTTP.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
	})
	for i := range 50 {
		from := fmt.Sprintf("198.51.100.%d", i+1)
		switch i % 3 {
		case 0:
			trickleAs(b, from, c.url, "/v1/geocode/batch", "text/csv", "address\n", "12 ho van hue\n", 100*time.Millisecond)
		case 1:
			trickleAs(b, from, c.url, "/v1/parse/batch", "text/csv", "address\n", "12 ho van hue\n", 100*time.Millisecond)
		default:
			trickleAs(b, from, c.url, "/v1/parcels/query", "application/json", "{", " ", 100*time.Millisecond)
		}
	}
	c.waitEntered(b, "/v1/parcels/query", 16)
	centre := maptile.At(orb.Point{106.70, 10.78}, 17)
	var geocode, tile []time.Duration
	timed := func(into *[]time.Duration, path string) {
		start := time.Now()
		res, body := send(b, http.MethodGet, c.url+path)
		if res.StatusCode != http.StatusOK && res.StatusCode != http.StatusNoContent {
			b.Fatalf("%s: %d %s", path, res.StatusCode, body)
		}
		*into = append(*into, time.Since(start))
	}
	b.ResetTimer()
	for i := range b.N {
		timed(&geocode, "/v1/geocode?q="+url.QueryEscape(fmt.Sprintf("%d Nguyễn Du", 10+i%50)))
		x, y := int(centre.X)+i%40-20, int(centre.Y)+i/40%40-20
		timed(&tile, fmt.Sprintf("/tiles/parcels/17/%d/%d.mvt?v=%d", x, y, i))
	}
	b.StopTimer()
	for name, lat := range map[string][]time.Duration{"geocode": geocode, "tile": tile} {
		sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
		b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, name+"-p50-ms")
		b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, name+"-p99-ms")
	}
}
