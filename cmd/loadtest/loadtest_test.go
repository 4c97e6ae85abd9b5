package main

import (
	"context"
	"errors"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"bandoso/geo"
)

// fakeClock jumps to each time asked for, so the schedule's tests do not sleep.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) SleepUntil(_ context.Context, t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if t.After(c.now) {
		c.now = t
	}
	return nil
}

// dispatchWithin runs dispatch and fails the test if it has not returned within 10 s: a
// dispatcher that waits for answers never returns, as the answers wait for it.
func dispatchWithin(t *testing.T, clk clock, s schedule, maxInFlight int, prepare func(int) func(time.Time)) (start time.Time, sent, dropped int) {
	t.Helper()
	type result struct {
		start         time.Time
		sent, dropped int
	}
	done := make(chan result, 1)
	go func() {
		var r result
		r.start, r.sent, r.dropped = dispatch(context.Background(), clk, s, maxInFlight, prepare)
		done <- r
	}()
	select {
	case r := <-done:
		return r.start, r.sent, r.dropped
	case <-time.After(10 * time.Second):
		t.Fatal("dispatch waited for an answer before sending the next request")
		return
	}
}

func TestScheduleCount(t *testing.T) {
	for _, c := range []struct {
		rate float64
		d    time.Duration
		want int
	}{
		{30, 100 * time.Millisecond, 3},
		{0.5, 10 * time.Second, 5},
		{1000, time.Minute, 60000},
		{7, 999 * time.Millisecond, 6},
	} {
		if got := (schedule{c.rate, c.d}).count(); got != c.want {
			t.Errorf("%g/s for %s: %d requests, want %d", c.rate, c.d, got, c.want)
		}
	}
}

// Requests go out on the clock even when no answer ever comes back: the load is open-loop.
func TestDispatchDoesNotWaitForAnswers(t *testing.T) {
	clk := &fakeClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	s := schedule{rate: 100, duration: 2 * time.Second}
	n := s.count()
	release := make(chan struct{})
	var mu sync.Mutex
	var dues []time.Time
	start, sent, dropped := dispatchWithin(t, clk, s, n, func(i int) func(time.Time) {
		if i == n-1 {
			// Only once the last request is due are the answers let through.
			close(release)
		}
		return func(due time.Time) {
			<-release
			mu.Lock()
			dues = append(dues, due)
			mu.Unlock()
		}
	})
	if sent != n || dropped != 0 || len(dues) != n {
		t.Fatalf("sent %d, dropped %d, ran %d; want %d, 0, %d", sent, dropped, len(dues), n, n)
	}
	seen := map[time.Duration]bool{}
	for _, d := range dues {
		seen[d.Sub(start)] = true
	}
	for i := range n {
		if at := time.Duration(i) * 10 * time.Millisecond; !seen[at] {
			t.Fatalf("no request due at %s", at)
		}
	}
}

// Past the in-flight limit, requests are counted as dropped, not delayed.
func TestDispatchDropsPastInFlightLimit(t *testing.T) {
	clk := &fakeClock{now: time.Unix(0, 0)}
	release := make(chan struct{})
	var mu sync.Mutex
	var ran []int
	// 101 requests: the first 30 fill the limit and hang until the last is prepared, so
	// requests 30–99 find no room; the last may or may not, as the first ones end.
	_, sent, dropped := dispatchWithin(t, clk, schedule{101, time.Second}, 30, func(i int) func(time.Time) {
		if i == 100 {
			close(release)
		}
		return func(time.Time) {
			mu.Lock()
			ran = append(ran, i)
			mu.Unlock()
			<-release
		}
	})
	slices.Sort(ran)
	if sent+dropped != 101 || len(ran) != sent {
		t.Fatalf("sent %d, dropped %d, ran %d; want 101 in all and every one sent run", sent, dropped, len(ran))
	}
	if !slices.Equal(ran[:30], seq(30)) || len(ran) > 31 || len(ran) == 31 && ran[30] != 100 {
		t.Fatalf("ran %v; want 0–29, and perhaps 100, and none of 30–99", ran)
	}
}

// seq is 0, 1, …, n-1.
func seq(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

func TestStatsPercentilesAndCounts(t *testing.T) {
	s := newStats()
	// 1..1000 ms and one failure at 2 s: 1001 values, so p50 is the 501st, 501 ms.
	for i := 1; i <= 1000; i++ {
		status := 200
		switch {
		case i%100 == 0:
			status = 503
		case i%50 == 0:
			status = 429
		case i%10 == 0:
			status = 204
		}
		s.Record(status, time.Duration(i)*time.Millisecond)
	}
	s.Fail(errors.New("connection reset"), 2*time.Second)
	r := s.Report(10 * time.Second)
	near := func(name string, got, want float64) {
		t.Helper()
		if math.Abs(got-want) > want*0.002 {
			t.Errorf("%s = %.2f ms, want %.0f", name, got, want)
		}
	}
	near("p50", r.P50ms, 501)
	near("p95", r.P95ms, 951)
	near("p99", r.P99ms, 991)
	near("max", r.MaxMs, 2000)
	if r.Requests != 1001 || r.PerSecond != 100.1 {
		t.Errorf("%d requests at %g/s, want 1001 at 100.1/s", r.Requests, r.PerSecond)
	}
	if r.Status["2xx"] != 980 || r.Status["4xx"] != 10 || r.Status429 != 10 || r.Status5xx != 10 || r.Transport != 1 || r.Errors != 11 {
		t.Errorf("counts %v, 429 %d, 5xx %d, transport %d, errors %d", r.Status, r.Status429, r.Status5xx, r.Transport, r.Errors)
	}
}

var testBounds = orb.Bound{Min: orb.Point{106.63, 10.712}, Max: orb.Point{106.77, 10.848}}

func TestScreenTiles(t *testing.T) {
	// Centred on a tile corner at z16, 1280×800 at 512 px a tile is 2.5 × 1.56 tiles:
	// columns corner-2..corner+1, rows corner-1..corner.
	corner := pixelPoint(52188*geo.VectorTileSizePx, 30789*geo.VectorTileSizePx, 16)
	got := screenTiles(View{corner, 16}, 1280, 800)
	if len(got) != 8 || got[0] != geo.NewTile(16, 52186, 30788) || got[7] != geo.NewTile(16, 52189, 30789) {
		t.Fatalf("screen tiles %v", got)
	}
}

func TestTraceIsSeededAndStaysOnScreen(t *testing.T) {
	walk := func(seed uint64) []geo.Tile {
		tr := NewTrace(testBounds, 12, 18, 1280, 800, seed)
		var out []geo.Tile
		zooms := map[maptile.Zoom]bool{}
		for range 3000 {
			tile := tr.Next()
			v := tr.View()
			if v.Zoom < 12 || v.Zoom > 18 || !testBounds.Contains(v.Centre) {
				t.Fatalf("view %+v left the extent or the zooms", v)
			}
			onScreen := false
			for _, s := range screenTiles(v, 1280, 800) {
				onScreen = onScreen || s == tile
			}
			if !onScreen {
				t.Fatalf("tile %v is not on the screen of %+v", tile, v)
			}
			zooms[tile.Z] = true
			out = append(out, tile)
		}
		if len(zooms) != 7 {
			t.Errorf("seed %d: the walk visited zooms %v, want all of 12–18", seed, zooms)
		}
		return out
	}
	a, b, c := walk(1), walk(1), walk(2)
	same := func(x, y []geo.Tile) bool {
		for i := range x {
			if x[i] != y[i] {
				return false
			}
		}
		return true
	}
	if !same(a, b) {
		t.Error("the same seed gave different walks")
	}
	if same(a, c) {
		t.Error("different seeds gave the same walk")
	}
}

func TestWorkloadMix(t *testing.T) {
	cfg := Config{Seed: 1, Weights: [numKinds]int{80, 5, 6, 0, 9}, Layers: "parcels", Users: 3, MinZ: 12, MaxZ: 18, Width: 1280, Height: 800}
	w, err := NewWorkload(cfg, testBounds, []string{"12 Lê Lợi"}, []string{"7"})
	if err != nil {
		t.Fatal(err)
	}
	var counts [numKinds]int
	users := map[int]bool{}
	const n = 100000
	for range n {
		k, path, user := w.Next()
		counts[k]++
		users[user] = true
		if k == kindPlanning && path != "/v1/parcels/7/planning" || k == kindGeocode && !strings.Contains(path, "q=12+L%C3%AA+L%E1%BB%A3i") {
			t.Fatalf("%s: %s", k, path)
		}
	}
	for k, c := range counts {
		if want := float64(cfg.Weights[k]) / 100; math.Abs(float64(c)/n-want) > 0.01 {
			t.Errorf("%s: %.3f of requests, want %.2f", Kind(k), float64(c)/n, want)
		}
	}
	if len(users) != max(cfg.Users, 1) {
		t.Errorf("requests came from %d users, want %d", len(users), max(cfg.Users, 1))
	}
	// Without parcel ids there are no planning reports.
	w, _ = NewWorkload(cfg, testBounds, []string{"x"}, nil)
	for range 1000 {
		if k, _, _ := w.Next(); k == kindPlanning {
			t.Fatal("planning report without parcel ids")
		}
	}
}

func TestParseRSS(t *testing.T) {
	text := `# HELP process_resident_memory_bytes Resident memory size in bytes.
# TYPE process_resident_memory_bytes gauge
process_resident_memory_bytes_total 1
process_resident_memory_bytes 4.2663936e+07
`
	got, err := parseRSS(strings.NewReader(text))
	if err != nil || got != 42663936 {
		t.Fatalf("parseRSS = %g, %v", got, err)
	}
	if _, err := parseRSS(strings.NewReader("go_goroutines 8\n")); err == nil {
		t.Fatal("no error without the metric")
	}
}

func TestRSSPerMinute(t *testing.T) {
	s := &rssSampler{}
	for i, mb := range []float64{20, 30, 25, 40, 35} {
		s.samples = append(s.samples, RSSSample{At: time.Duration(i) * 30 * time.Second, Bytes: mb * 1e6})
	}
	r := s.report()
	if r.StartBytes != 20e6 || r.PeakBytes != 40e6 || r.EndBytes != 35e6 || len(r.PerMinute) != 3 {
		t.Fatalf("%+v", r)
	}
	if m := r.PerMinute[1]; m.Min != 25e6 || m.Max != 40e6 || m.Last != 40e6 {
		t.Fatalf("minute 1: %+v", m)
	}
}
