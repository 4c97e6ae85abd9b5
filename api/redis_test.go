package api_test

import (
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/paulmach/orb/maptile"

	"bandoso/api"
	"bandoso/internal/testlog"
	"bandoso/internal/testwait"
	"bandoso/shared"
	"bandoso/shared/sharedtest"
	"bandoso/store/storetest"
)

// openRedis is a client of the Redis at url whose log goes to logs (nil: nowhere).
func openRedis(t *testing.T, url string, logs *testlog.Buffer) *shared.Client {
	t.Helper()
	o := shared.Options{}
	if logs != nil {
		o.Log = slog.New(slog.NewJSONHandler(logs, nil))
	}
	c, err := shared.Open(url, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// TestRateLimitSharedThroughRedis: two servers on one Redis give a client one budget
// between them, with the same 429, Retry-After and metric as one server alone.
func TestRateLimitSharedThroughRedis(t *testing.T) {
	t.Parallel()
	db := storetest.New(t)
	redisURL := sharedtest.URL(t, 4)
	const burst = 6
	var urls []string
	for range 2 {
		c := openRedis(t, redisURL, nil)
		urls = append(urls, serveLimited(t, db, func(s *api.Server) {
			s.Config.Limits.RateLimit = api.RateLimit{Rate: 0.001, Burst: burst} // no refill during the test
			s.Redis = c
		}))
	}
	admitted := 0
	for i := range 4 * burst {
		res, body := send(t, http.MethodGet, urls[i%2]+"/ogc/conformance")
		switch res.StatusCode {
		case http.StatusOK:
			admitted++
		case http.StatusTooManyRequests:
			if wait, err := strconv.Atoi(res.Header.Get("Retry-After")); err != nil || wait < 500 {
				t.Errorf("Retry-After %q, want the ~1000 s until the budget has room", res.Header.Get("Retry-After"))
			}
		default:
			checkStatus(t, "request", res, body, http.StatusOK)
		}
	}
	if admitted != burst {
		t.Errorf("two servers admitted %d requests of one client with a burst of %d", admitted, burst)
	}
	for _, u := range urls {
		if got := metricValue(t, u, "bandoso_http_rate_limited_total"); got != 1.5*burst {
			t.Errorf("%s counted %v requests limited, want %v", u, got, 1.5*burst)
		}
	}
}

// TestRedisDownAndBack kills the server's Redis: tiles are still served, from the database,
// without waiting on Redis for each; the outage is logged once, shown in /readyz (still
// ready) and /metrics; when Redis is back the server uses it again by itself.
func TestRedisDownAndBack(t *testing.T) {
	srv := sharedtest.Start(t)
	logs := &testlog.Buffer{}
	c := openRedis(t, srv.URL(), logs)
	e := newCityEnv(t, 500, withLiveTiles, func(s *api.Server) {
		s.Redis = c
		s.Tiles.Shared = c.Tiles(time.Hour)
	})
	at := maptile.At(e.centre, 16)
	tile := func(dx int) {
		t.Helper()
		res := e.get(t, fmt.Sprintf("/tiles/parcels/16/%d/%d.mvt", int(at.X)+dx, at.Y))
		if res.status != http.StatusOK && res.status != http.StatusNoContent {
			t.Fatalf("tile: status %d: %s", res.status, res.body)
		}
	}
	ready := func() map[string]any {
		t.Helper()
		r := do(t, http.MethodGet, e.url+"/readyz")
		if r.status != http.StatusOK {
			t.Fatalf("/readyz: %d %v", r.status, r.body)
		}
		redis, _ := r.body["redis"].(map[string]any)
		if redis == nil {
			t.Fatalf("/readyz says nothing of Redis: %v", r.body)
		}
		return redis
	}
	tile(0)
	if st := e.tiles.Stats().Shared; st.Misses != 1 {
		t.Fatalf("shared cache: %+v, want the first tile missed there", st)
	}
	if r := ready(); r["up"] != true || metricValue(t, e.url, "bandoso_redis_up") != 1 {
		t.Fatalf("with Redis up: /readyz %v, bandoso_redis_up %v", r, metricValue(t, e.url, "bandoso_redis_up"))
	}

	srv.Kill()
	const tilesWhileDown = 20
	start := time.Now()
	for dx := range tilesWhileDown {
		tile(dx + 1)
	}
	// Redis is asked at most once a second while down: a few failures, not one per tile (nor
	// two, with the rate limiter's).
	if errs, most := c.Status().Errors, 2+int64(time.Since(start)/time.Second); errs < 1 || errs > most {
		t.Errorf("%d calls to the dead Redis failed over %d tiles in %s; want 1 to %d", errs, tilesWhileDown,
			time.Since(start).Round(time.Millisecond), most)
	}
	if r := ready(); r["up"] != false || r["error"] == "" {
		t.Errorf("with Redis down: /readyz says %v", r)
	}
	if got := metricValue(t, e.url, "bandoso_redis_up"); got != 0 {
		t.Errorf("bandoso_redis_up %v with Redis down", got)
	}
	if got := metricValue(t, e.url, "bandoso_redis_errors_total"); got < 1 {
		t.Errorf("bandoso_redis_errors_total %v with Redis down", got)
	}

	srv.Restart()
	testwait.Until(t, "/readyz seeing Redis back", func() bool { return ready()["up"] == true })
	misses := e.tiles.Stats().Shared.Misses
	tile(-1)
	if got := e.tiles.Stats().Shared.Misses; got != misses+1 {
		t.Errorf("a new tile after Redis came back: shared misses %d, want %d", got, misses+1)
	}
	if n := len(logs.Lines(t, "redis: unreachable; serving from the database and this instance's caches until it answers")); n != 1 {
		t.Errorf("the outage was logged %d times, want once", n)
	}
	if n := len(logs.Lines(t, "redis: reachable again; sharing tiles and rate limits")); n != 1 {
		t.Errorf("the recovery was logged %d times, want once", n)
	}
}

// TestRateLimitWithoutRedis: with its Redis dead, a server limits each client on its own, as
// without Redis.
func TestRateLimitWithoutRedis(t *testing.T) {
	t.Parallel()
	srv := sharedtest.Start(t)
	c := openRedis(t, srv.URL(), nil)
	url := serveLimited(t, storetest.New(t), func(s *api.Server) {
		s.Config.Limits.RateLimit = api.RateLimit{Rate: 0.001, Burst: 2}
		s.Redis = c
	})
	srv.Kill()
	for i, want := range []int{http.StatusOK, http.StatusOK, http.StatusTooManyRequests} {
		res, body := send(t, http.MethodGet, url+"/ogc/conformance")
		checkStatus(t, fmt.Sprintf("request %d", i+1), res, body, want)
	}
	if c.Status().Up {
		t.Error("the client thinks the dead Redis is up")
	}
}
