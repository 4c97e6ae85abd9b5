package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"bandoso/geo"
)

func TestColdTiles(t *testing.T) {
	b := orb.Bound{Min: orb.Point{106.63, 10.71}, Max: orb.Point{106.77, 10.85}}
	z16, z15, mix := coldTiles(b, 20, 1)
	// every tile over b at the zoom is in the zoom's list or in the mix (which may reach past b)
	atZoom := func(z int) (n int) {
		over := map[geo.Tile]bool{}
		for _, c := range allTiles(b, z) {
			over[c] = true
		}
		for _, c := range mix {
			if over[c] {
				n++
			}
		}
		return n
	}
	if len(z16)+atZoom(16) != len(allTiles(b, 16)) || len(z15)+atZoom(15) != len(allTiles(b, 15)) {
		t.Fatalf("z16 %d + %d in the mix of %d tiles, z15 %d + %d of %d", len(z16), atZoom(16), len(allTiles(b, 16)), len(z15), atZoom(15), len(allTiles(b, 15)))
	}
	seen := map[geo.Tile]string{}
	for name, list := range map[string][]geo.Tile{"z16": z16, "z15": z15, "mix": mix} {
		for _, c := range list {
			if other, ok := seen[c]; ok {
				t.Errorf("%v is in %s and in %s: a cold list asks a tile asked before", c, name, other)
			}
			seen[c] = name
		}
	}
	zooms := map[int]bool{}
	for _, c := range mix {
		zooms[int(c.Z)] = true
	}
	for z := 12; z <= 18; z++ {
		if !zooms[z] {
			t.Errorf("the mix has no tile at zoom %d", z)
		}
	}
	again, _, _ := coldTiles(b, 20, 1)
	if !equalTiles(again, z16) {
		t.Error("the same seed gave another z16 order")
	}
}

func equalTiles(a, b []geo.Tile) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// recorder is a server that answers every tile with its path and notes the paths asked and
// which server each request went to, in order.
type recorder struct {
	mu    *sync.Mutex
	log   *[]string
	name  string
	paths map[string]int
}

func (rc recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rc.mu.Lock()
	rc.paths[r.URL.Path]++
	*rc.log = append(*rc.log, rc.name)
	rc.mu.Unlock()
	_, _ = w.Write([]byte(r.URL.Path))
}

func TestCompare(t *testing.T) {
	var mu sync.Mutex
	var log []string
	list := make([]geo.Tile, 12)
	for i := range list {
		list[i] = geo.NewTile(16, 52000+i, 30000)
	}
	var peers []Peer
	recs := map[string]recorder{}
	for _, name := range []string{"bandoso", "other"} {
		rc := recorder{mu: &mu, log: &log, name: name, paths: map[string]int{}}
		ts := httptest.NewServer(rc)
		defer ts.Close()
		recs[name] = rc
		peers = append(peers, tegolaPeer(name, ts.URL))
	}
	// a server without tiles is left out
	peers = append(peers, pgFeatureservPeer("http://127.0.0.1:1"))
	clients := map[string]*client{}
	clientFor := func(p Peer, n int) *client {
		if clients[p.Name] == nil {
			clients[p.Name] = newClient(p.Base, n, false)
		}
		return clients[p.Name]
	}
	runs := compare(context.Background(), peers, tileScenario("cold", list, true), []int{2, 3}, 2, 100, clientFor)
	if len(runs) != 4 {
		t.Fatalf("%d runs, want 2 servers × 2 client counts", len(runs))
	}
	for _, r := range runs {
		if r.Requests != 6 || r.Errors != 0 || r.PerSecond() <= 0 {
			t.Errorf("%s at %d clients: %d requests, %d errors, %.0f/s; want the half of 12 tiles this count asks, no errors", r.Peer, r.Clients, r.Requests, r.Errors, r.PerSecond())
		}
	}
	for name, rc := range recs {
		if len(rc.paths) != len(list) {
			t.Errorf("%s was asked %d distinct tiles, want %d", name, len(rc.paths), len(list))
		}
		for p, n := range rc.paths {
			if n != 1 {
				t.Errorf("%s was asked %s %d times: not cold", name, p, n)
			}
		}
	}
	// one server at a time, the first one changing each round
	var order []string
	for _, name := range log {
		if len(order) == 0 || order[len(order)-1] != name {
			order = append(order, name)
		}
	}
	if got := strings.Join(order, " "); got != "bandoso other bandoso other bandoso" {
		t.Errorf("servers loaded in the order %q, want them one at a time in rotation", got)
	}

	var out bytes.Buffer
	reportPeers(&out, []PeerRun{
		{Scenario: "s", Peer: "bandoso", Run: Run{Clients: 8, Requests: 300, Elapsed: 1e9}},
		{Scenario: "s", Peer: "other", Run: Run{Clients: 8, Requests: 100, Elapsed: 1e9}},
	})
	if !strings.Contains(out.String(), "| s | 8 | other | 100 | 100 |") || !strings.Contains(out.String(), "| 3.00 |") {
		t.Errorf("report:\n%s\nwant bandoso ÷ other = 3.00", out.String())
	}
}

// TestShedRequests: a client turned away with 503 or 429 and Retry-After waits and goes on,
// the answer counted as shed, not as an error, nor in the throughput or the latencies; a
// 503 without a valid Retry-After is an error.
func TestShedRequests(t *testing.T) {
	var mu sync.Mutex
	asked := map[string]int{}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		asked[r.URL.Path]++
		mu.Unlock()
		switch r.URL.Path {
		case "/busy":
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusServiceUnavailable)
		case "/limited":
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
		case "/no-retry-after":
			w.Header().Set("Retry-After", "0.5")
			w.WriteHeader(http.StatusServiceUnavailable)
		default:
			_, _ = w.Write([]byte("tile"))
		}
	}))
	defer ts.Close()
	c := newClient(ts.URL, 2, false)
	defer c.close()
	paths := []string{"/busy", "/limited", "/a", "/b"}
	run := measure(context.Background(), len(paths), 2, path{"shed", func(ctx context.Context, i int) ([]byte, error) {
		return c.get(ctx, paths[i])
	}, nil})[0]
	if run.Requests != 4 || run.Shed != 2 || run.Errors != 0 || len(run.lat) != 2 || run.ShedShare() != 50 {
		t.Fatalf("%d requests, %d shed, %d errors (%v), %d latencies; want 4, 2 shed, none, 2", run.Requests, run.Shed, run.Errors, run.FirstErr, len(run.lat))
	}
	if run.Elapsed < time.Second {
		t.Errorf("the run took %s: the clients did not wait the Retry-After", run.Elapsed)
	}
	if asked["/busy"] != 1 || asked["/limited"] != 1 {
		t.Errorf("asked %v: a shed request is not asked again", asked)
	}
	bad := measure(context.Background(), 1, 1, path{"bad", func(ctx context.Context, i int) ([]byte, error) {
		return c.get(ctx, "/no-retry-after")
	}, nil})[0]
	if bad.Errors != 1 || bad.Shed != 0 {
		t.Errorf("a 503 with Retry-After 0.5: %d errors, %d shed; want an error", bad.Errors, bad.Shed)
	}
}

// TestColdPasses: each pass asks every tile once, later passes in another order, and an
// answer a cache gave counts as an error in a cold list.
func TestColdPasses(t *testing.T) {
	var list []geo.Tile
	for x := range 50 {
		list = append(list, geo.NewTile(16, 52000+x, 30793))
	}
	got := passes(list, 3, 1)
	if len(got) != 150 || !slices.Equal(got[:50], list) {
		t.Fatalf("%d tiles, first pass in order %v; want 150, the first pass as the list", len(got), slices.Equal(got[:50], list))
	}
	for p := 1; p < 3; p++ {
		pass := got[50*p : 50*(p+1)]
		if slices.Equal(pass, list) {
			t.Errorf("pass %d in the list's order", p)
		}
		sorted := slices.Clone(pass)
		slices.SortFunc(sorted, func(a, b geo.Tile) int { return int(a.X) - int(b.X) })
		if !slices.Equal(sorted, list) {
			t.Errorf("pass %d does not ask every tile once", p)
		}
	}
	if n := len(passes(list, 1, 1)); n != 50 {
		t.Errorf("one pass: %d tiles, want 50", n)
	}

	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Cache", strings.TrimPrefix(r.URL.Path, "/"))
		_, _ = w.Write([]byte("tile"))
	}))
	defer ts.Close()
	c := newClient(ts.URL, 1, false)
	defer c.close()
	for path, cached := range map[string]bool{"/miss": false, "/hit": true, "/shared-hit": true} {
		if _, err := c.getCold(context.Background(), path); (err != nil) != cached {
			t.Errorf("cold %s: error %v, want one: %v", path, err, cached)
		}
		if _, err := c.get(context.Background(), path); err != nil {
			t.Errorf("%s outside a cold list: %v", path, err)
		}
	}
}
