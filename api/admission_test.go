package api_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"bandoso/admit"
	"bandoso/api"
	"bandoso/catalog"
	"bandoso/internal/testwait"
	"bandoso/store"
	"bandoso/store/storetest"
	"bandoso/tiles"
)

// countedServer serves s over TCP and counts, by path, the requests that have reached it.
type countedServer struct {
	url     string
	mu      sync.Mutex
	entered map[string]int
}

func serveCounted(t testing.TB, db *store.DB, configure func(*api.Server)) *countedServer {
	t.Helper()
	cat := catalog.New(db)
	h := testServer(api.Server{DB: db, Catalog: cat, Tiles: tiles.New(db, cat, nil), Version: "test"}, configure).Handler()
	c := &countedServer{entered: map[string]int{}}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.mu.Lock()
		c.entered[r.URL.Path]++
		c.mu.Unlock()
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	c.url = ts.URL
	return c
}

// waitEntered waits until n requests to path have reached the server.
func (c *countedServer) waitEntered(t testing.TB, path string, n int) {
	t.Helper()
	testwait.Until(t, fmt.Sprintf("%d requests to %s", n, path), func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		return c.entered[path] >= n
	})
}

// trickle opens a connection to url, sends a POST to path whose headers promise a large
// body, the body's start, then one byte of rest every period, round and round, until the
// test ends: the slow upload of a slowloris attack. It returns the connection, from which
// the answer, if any, can be read.
func trickle(t testing.TB, url, path, contentType, start, rest string, period time.Duration) net.Conn {
	t.Helper()
	return trickleAs(t, "", url, path, contentType, start, rest, period)
}

// trickleAs is trickle from client address from, forwarded by a proxy ("" for the peer).
func trickleAs(t testing.TB, from, url, path, contentType, start, rest string, period time.Duration) net.Conn {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	t.Cleanup(func() {
		close(stop)
		conn.Close()
	})
	forwarded := ""
	if from != "" {
		forwarded = "X-Forwarded-For: " + from + "\r\n"
	}
	_, err = fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: bandoso\r\n%sContent-Type: %s\r\nContent-Length: 10000000\r\n\r\n%s", path, forwarded, contentType, start)
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		tick := time.NewTicker(period)
		defer tick.Stop()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			case <-tick.C:
				if _, err := conn.Write([]byte{rest[i%len(rest)]}); err != nil {
					return
				}
			}
		}
	}()
	return conn
}

// Slow uploads: batch files of addresses and parcel queries, one byte at a time.
func trickleBatch(t *testing.T, url, path string) net.Conn {
	return trickle(t, url, path, "text/csv", "address\n", "12 ho van hue\n", 100*time.Millisecond)
}

func trickleQuery(t *testing.T, url string) net.Conn {
	return trickle(t, url, "/v1/parcels/query", "application/json", "{", " ", 100*time.Millisecond)
}

// checkPrompt asserts that path answers 200 (204 for an empty tile) within ceiling.
func checkPrompt(t *testing.T, url, path string, ceiling time.Duration, header ...string) {
	t.Helper()
	start := time.Now()
	res, body := send(t, http.MethodGet, url+path, header...)
	took := time.Since(start)
	if res.StatusCode != http.StatusOK && res.StatusCode != http.StatusNoContent || took > ceiling {
		t.Fatalf("%s: %d in %s, want 200 within %s; body %s", path, res.StatusCode, took.Round(time.Millisecond), ceiling, body)
	}
}

// TestSlowUploadsHoldNoPlace is the slowloris attack on the gate: more slow uploads than the
// gate has places, batch files and parcel queries, from many sockets and no key. They hold
// no place while their bytes come, so geocoding and an uncached tile still answer at once.
func TestSlowUploadsHoldNoPlace(t *testing.T) {
	t.Parallel()
	db := storetest.New(t)
	const places = 3
	// The queue's wait is long: were the places taken, the probes below would wait it out.
	gate := admit.New(places, 64, 20*time.Second)
	c := serveCounted(t, db, func(s *api.Server) {
		s.DBWork, s.Tiles.Gate = gate, gate
		s.Config.Limits.UploadsPerClient = 100 // as many sockets as a botnet: one client here, many there
	})
	const each = places + 1
	for range each {
		trickleBatch(t, c.url, "/v1/geocode/batch")
		trickleBatch(t, c.url, "/v1/parse/batch")
		trickleQuery(t, c.url)
	}
	for _, path := range []string{"/v1/geocode/batch", "/v1/parse/batch", "/v1/parcels/query"} {
		c.waitEntered(t, path, each)
	}
	tile := tilePath("parcels", maptile.At(orb.Point{106.70, 10.78}, 16))
	for range 3 {
		checkPrompt(t, c.url, "/v1/geocode?q=12+ho+van+hue", 10*time.Second)
		checkPrompt(t, c.url, tile, 10*time.Second)
		checkPrompt(t, c.url, "/readyz", 10*time.Second)
	}
	if st := gate.Stats(); st.Active != 0 {
		t.Errorf("%d places held by uploads that are still coming, want none", st.Active)
	}
	if n := metricValue(t, c.url, "bandoso_db_work_active"); n != 0 {
		t.Errorf("bandoso_db_work_active %v, want 0", n)
	}
}

// TestBodyStalls: a body that stops arriving ends its request after the body timeout, though
// the batch route may take far longer: a parcel query with 408, a batch with an error row.
func TestBodyStalls(t *testing.T) {
	t.Parallel()
	db := storetest.New(t)
	gate := admit.New(2, 8, 5*time.Second)
	c := serveCounted(t, db, func(s *api.Server) {
		s.DBWork, s.Tiles.Gate = gate, gate
		s.Config.HTTP.BodyTimeout = time.Second
	})
	// Nothing after the start: each connection's period is longer than the test.
	query := trickle(t, c.url, "/v1/parcels/query", "application/json", "{", " ", time.Hour)
	batch := trickle(t, c.url, "/v1/geocode/batch", "text/csv", "address\n12 ho van hue\n", "1", time.Hour)
	for _, conn := range []net.Conn{query, batch} {
		_ = conn.SetReadDeadline(time.Now().Add(20 * time.Second))
	}
	res, err := http.ReadResponse(bufio.NewReader(query), nil)
	if err != nil {
		t.Fatalf("a stalled parcel query: %v, want an answer", err)
	}
	body, _ := io.ReadAll(res.Body)
	if p := checkStatus(t, "a stalled parcel query", res, body, http.StatusRequestTimeout); p["type"] != "/problems/body-timeout" {
		t.Errorf("a stalled parcel query: type %v", p["type"])
	}
	res, err = http.ReadResponse(bufio.NewReader(batch), nil)
	if err != nil {
		t.Fatalf("a stalled batch: %v, want an answer", err)
	}
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("a stalled batch: %v after %q, want its answer ended", err, raw)
	}
	lines := strings.Split(strings.TrimSpace(string(raw)), "\n")
	if res.StatusCode != http.StatusOK || len(lines) != 2 || !strings.Contains(lines[1], "error: the request body stopped arriving") {
		t.Errorf("a stalled batch: %d %q, want the header and an error row", res.StatusCode, raw)
	}
}

// TestUploadsPerClient: a client gets as many uploads at once as UploadsPerClient, then 429
// with Retry-After, while another client still gets its own.
func TestUploadsPerClient(t *testing.T) {
	t.Parallel()
	db := storetest.New(t)
	c := serveCounted(t, db, func(s *api.Server) {
		s.DBWork = admit.New(4, 8, 5*time.Second)
		s.Config.Limits.UploadsPerClient = 2
	})
	trickleBatch(t, c.url, "/v1/geocode/batch")
	trickleBatch(t, c.url, "/v1/parse/batch")
	c.waitEntered(t, "/v1/geocode/batch", 1)
	c.waitEntered(t, "/v1/parse/batch", 1)
	for _, path := range []string{"/v1/geocode/batch", "/v1/parse/batch"} {
		res, body := sendBody(t, http.MethodPost, c.url+path, "address\n12 ho van hue\n", "Content-Type", "text/csv")
		p := checkStatus(t, "a third upload of one client", res, body, http.StatusTooManyRequests)
		if wait, err := strconv.Atoi(res.Header.Get("Retry-After")); err != nil || wait < 1 || p["type"] != "/problems/rate-limited" {
			t.Errorf("%s: Retry-After %q, type %v", path, res.Header.Get("Retry-After"), p["type"])
		}
	}
	key := newKey(t, db, "geocoder", store.RoleReader)
	res, body := sendBody(t, http.MethodPost, c.url+"/v1/parse/batch", "address\n12 ho van hue\n", append(key, "Content-Type", "text/csv")...)
	checkStatus(t, "another client's upload", res, body, http.StatusOK)
}

// TestDBWorkPerClient: a client holding its share of the gate waits, then gets 429; another
// client still gets a place.
func TestDBWorkPerClient(t *testing.T) {
	t.Parallel()
	db := storetest.New(t)
	gate := admit.New(4, 16, time.Second).PerClient(2)
	c := serveCounted(t, db, func(s *api.Server) { s.DBWork, s.Tiles.Gate = gate, gate })
	// Long work of this test's own address, the client the server sees for its requests.
	self := admit.WithClient(context.Background(), "ip:127.0.0.1")
	for range 2 {
		leave, err := gate.Enter(self)
		if err != nil {
			t.Fatal(err)
		}
		defer leave()
	}
	res, body := send(t, http.MethodGet, c.url+"/v1/geocode?q=12+ho+van+hue")
	p := checkStatus(t, "a client past its share", res, body, http.StatusTooManyRequests)
	if res.Header.Get("Retry-After") != "1" || p["type"] != "/problems/rate-limited" {
		t.Errorf("Retry-After %q, type %v; want 1 and /problems/rate-limited", res.Header.Get("Retry-After"), p["type"])
	}
	checkPrompt(t, c.url, "/v1/geocode?q=12+ho+van+hue", 10*time.Second, newKey(t, db, "app", store.RoleReader)...)
}

// TestReadyzBusy: /readyz stays ready while the gate has room or has been full briefly, says
// busy once it has been full for BusyAfter, and ready again once a place is free.
func TestReadyzBusy(t *testing.T) {
	t.Parallel()
	db := storetest.New(t)
	gate := admit.New(2, 8, time.Second)
	const busyAfter = 2 * time.Second
	c := serveCounted(t, db, func(s *api.Server) {
		s.DBWork, s.Tiles.Gate = gate, gate
		s.Config.Database.BusyAfter = busyAfter
	})
	checkPrompt(t, c.url, "/readyz", 10*time.Second)
	full := time.Now()
	var leaves []func()
	for range 2 {
		leave, err := gate.Enter(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		leaves = append(leaves, leave)
	}
	res, body := send(t, http.MethodGet, c.url+"/readyz")
	if res.StatusCode != http.StatusOK && time.Since(full) < busyAfter {
		t.Fatalf("/readyz %d %s with the gate full for less than %s", res.StatusCode, body, busyAfter)
	}
	testwait.Until(t, "/readyz busy", func() bool {
		res, body := send(t, http.MethodGet, c.url+"/readyz")
		if res.StatusCode == http.StatusOK {
			return false
		}
		if p := checkStatus(t, "/readyz", res, body, http.StatusServiceUnavailable); p["type"] != "/problems/busy" {
			t.Fatalf("/readyz: type %v, want /problems/busy", p["type"])
		}
		if time.Since(full) < busyAfter {
			t.Fatalf("/readyz busy after %s, before %s", time.Since(full), busyAfter)
		}
		return true
	})
	leaves[0]()
	checkPrompt(t, c.url, "/readyz", 10*time.Second)
	leaves[1]()
}
