package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"testing"
	"time"

	"bandoso/api"
	"bandoso/store"
	"bandoso/store/storetest"
)

// benchCity serves the small demo city (about 20,000 parcels) and returns its URL and store.
func benchCity(b *testing.B) (string, *store.DB) {
	b.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, storetest.NewURL(b), store.Options{MaxConns: 4})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(db.Close)
	storetest.LoadDemo(b, db, 1, 20000)
	ts := httptest.NewServer(testServer(api.Server{DB: db}).Handler())
	b.Cleanup(ts.Close)
	return ts.URL, db
}

// benchLatency sends b.N requests one after another, made by req, and reports the median
// and 99th percentile latencies besides Go's mean.
func benchLatency(b *testing.B, req func(i int) *http.Request) {
	b.Helper()
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		res, err := http.DefaultClient.Do(req(i))
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			b.Fatalf("status %d", res.StatusCode)
		}
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
}

// BenchmarkPlanningReport asks for the planning report of parcels spread over the city.
func BenchmarkPlanningReport(b *testing.B) {
	url, db := benchCity(b)
	var ids []int64
	for id := int64(1); id <= 20000; id += 97 {
		if _, err := db.Parcel(context.Background(), id); err == nil {
			ids = append(ids, id)
		}
	}
	benchLatency(b, func(i int) *http.Request {
		r, _ := http.NewRequest(http.MethodGet, fmt.Sprintf("%s/v1/parcels/%d/planning", url, ids[i%len(ids)]), nil)
		return r
	})
}

// BenchmarkParcelQuery posts a square about 440 m across with a 10 m buffer, first page of 100
// and totals over every match.
func BenchmarkParcelQuery(b *testing.B) {
	url, db := benchCity(b)
	p, err := db.Parcel(context.Background(), 10000)
	if err != nil {
		b.Fatal(err)
	}
	lon, lat := firstPosition(p.Geometry)
	body := fmt.Sprintf(`{"geometry":{"type":"Polygon","coordinates":[[[%[1]f,%[2]f],[%[3]f,%[2]f],[%[3]f,%[4]f],[%[1]f,%[4]f],[%[1]f,%[2]f]]]},"buffer_m":10}`,
		lon-0.002, lat-0.002, lon+0.002, lat+0.002)
	benchLatency(b, func(int) *http.Request {
		r, _ := http.NewRequest(http.MethodPost, url+"/v1/parcels/query", bytes.NewReader([]byte(body)))
		return r
	})
}

// firstPosition is the first position of a GeoJSON MultiPolygon.
func firstPosition(geometry []byte) (lon, lat float64) {
	var g struct{ Coordinates [][][][2]float64 }
	if err := json.Unmarshal(geometry, &g); err != nil || len(g.Coordinates) == 0 {
		return 0, 0
	}
	c := g.Coordinates[0][0][0]
	return c[0], c[1]
}
