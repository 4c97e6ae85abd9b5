package api_test

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"bandoso/address"
	"bandoso/api"
	"bandoso/store"
	"bandoso/store/storetest"
)

// cityAddresses reads n addresses spread over the one-million-parcel city with the names a
// user would write, for the geocoding benchmarks.
func cityAddresses(b *testing.B, n int) []sampleAddress {
	b.Helper()
	pool, err := pgxpool.New(context.Background(), os.Getenv("BANDOSO_BENCH_URL"))
	if err != nil {
		b.Fatal(err)
	}
	defer pool.Close()
	// every 997th address: spread over the city, the same each run
	out := readAddresses(b, pool, "a.id % 997 = 0 ORDER BY a.id LIMIT $1", n)
	if len(out) == 0 {
		b.Fatal("no addresses")
	}
	return out
}

// BenchmarkGeocodeCity geocodes addresses of the one-million-parcel city written the ways the
// accuracy set writes them (clean, no diacritics, old names, a typo, …), in turn.
func BenchmarkGeocodeCity(b *testing.B) {
	base, _, _ := bigCity(b)
	sample := cityAddresses(b, 2000)
	rng := rand.New(rand.NewPCG(3, 4))
	var queries []string
	for i, a := range sample {
		if q := noises[i%len(noises)].write(a, rng); q != "" {
			queries = append(queries, q)
		}
	}
	benchLatency(b, func(i int) *http.Request {
		r, _ := http.NewRequest(http.MethodGet, base+"/v1/geocode?limit=5&q="+url.QueryEscape(queries[i%len(queries)]), nil)
		return r
	})
}

// BenchmarkAutocompleteCity sends what a user types key by key: the house number and the
// street's name without diacritics, from its third letter on, with a focus point.
func BenchmarkAutocompleteCity(b *testing.B) {
	base, _, _ := bigCity(b)
	var typed []string
	for _, a := range cityAddresses(b, 300) {
		name := address.Fold(a.street)
		for n := 3; n <= len(name); n++ {
			typed = append(typed, fmt.Sprintf("q=%s&lon=%f&lat=%f", url.QueryEscape(a.number+" "+strings.TrimSpace(name[:n])), a.lon+0.01, a.lat))
		}
	}
	benchLatency(b, func(i int) *http.Request {
		r, _ := http.NewRequest(http.MethodGet, base+"/v1/autocomplete?"+typed[i%len(typed)], nil)
		return r
	})
}

// BenchmarkGeocodeDemo geocodes addresses of the 20,000-parcel demo city written as
// BenchmarkGeocodeCity writes them, on the city as the demo loads it (a street is one row)
// and as an OpenStreetMap import stores it (a street is a row for each ward it crosses).
func BenchmarkGeocodeDemo(b *testing.B) {
	ctx := context.Background()
	cities := map[string]func(testing.TB, *store.DB){
		"demo": func(tb testing.TB, db *store.DB) { storetest.LoadDemo(tb, db, 1, 20000) },
		"osm":  func(tb testing.TB, db *store.DB) { storetest.LoadDemoOSM(tb, db, 1, 20000) },
	}
	for _, name := range []string{"demo", "osm"} {
		dbURL := storetest.NewURL(b)
		db, err := store.Open(ctx, dbURL, store.Options{MaxConns: 4})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(db.Close)
		cities[name](b, db)
		pool, err := pgxpool.New(ctx, dbURL)
		if err != nil {
			b.Fatal(err)
		}
		sample := readAddresses(b, pool, "a.id % 13 = 0 ORDER BY a.id LIMIT $1", 600)
		pool.Close()
		rng := rand.New(rand.NewPCG(3, 4))
		var queries []string
		for i, a := range sample {
			if q := noises[i%len(noises)].write(a, rng); q != "" {
				queries = append(queries, q)
			}
		}
		ts := httptest.NewServer(testServer(api.Server{DB: db}).Handler())
		b.Cleanup(ts.Close)
		b.Run(name, func(b *testing.B) {
			benchLatency(b, func(i int) *http.Request {
				r, _ := http.NewRequest(http.MethodGet, ts.URL+"/v1/geocode?limit=5&q="+url.QueryEscape(queries[i%len(queries)]), nil)
				return r
			})
		})
	}
}

// BenchmarkGeocodeBatchCity posts 10,000 addresses of the one-million-parcel city, written the
// ways the accuracy set writes them, to the batch geocoder as one CSV file, and reports rows
// geocoded per second.
func BenchmarkGeocodeBatchCity(b *testing.B) {
	base, _, _ := bigCity(b)
	const rows = 10_000
	pool, err := pgxpool.New(context.Background(), os.Getenv("BANDOSO_BENCH_URL"))
	if err != nil {
		b.Fatal(err)
	}
	// every 199th address: 10,000 different rows over the whole city, as an agency's list is
	sample := readAddresses(b, pool, "a.id % 199 = 0 ORDER BY a.id LIMIT $1", rows)
	pool.Close()
	rng := rand.New(rand.NewPCG(5, 6))
	var file strings.Builder
	file.WriteString("address\n")
	n := 0
	for i := 0; n < rows; i++ {
		if q := noises[i%len(noises)].write(sample[i%len(sample)], rng); q != "" {
			file.WriteString(`"` + strings.ReplaceAll(q, `"`, `""`) + "\"\n")
			n++
		}
	}
	body := file.String()
	b.ResetTimer()
	for range b.N {
		res, err := http.Post(base+"/v1/geocode/batch", "text/csv", strings.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			b.Fatalf("status %d", res.StatusCode)
		}
	}
	b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "rows/s")
}
