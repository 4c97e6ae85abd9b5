package main_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"bandoso/internal/testwait"
	"bandoso/store"
	"bandoso/store/storetest"
)

// cityBehindProxy is a small demo city in a database of the test's own, reached by the
// service through a started proxy; direct is a connection around the proxy.
type cityBehindProxy struct {
	proxy  *proxy
	vars   map[string]string // the service's environment, DATABASE_URL through the proxy
	direct *pgx.Conn
	db     *store.DB // around the proxy too, for keys
}

func newCityBehindProxy(t *testing.T, parcels int) cityBehindProxy {
	t.Helper()
	ctx := context.Background()
	raw := storetest.NewURL(t)
	db, err := store.Open(ctx, raw, store.Options{MaxConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	storetest.LoadDemo(t, db, 1, parcels)
	direct, err := pgx.Connect(ctx, raw)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { direct.Close(context.Background()) })
	p, vars := proxyTo(t, raw)
	p.Start()
	return cityBehindProxy{proxy: p, direct: direct, db: db, vars: vars}
}

// sqlText runs a one-value query around the proxy.
func (c cityBehindProxy) sqlText(t *testing.T, sql string, args ...any) string {
	t.Helper()
	var s string
	if err := c.direct.QueryRow(context.Background(), sql, args...).Scan(&s); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return s
}

// answers tallies the answers a load got, by status; odd lists any answer that was neither
// a success nor a 503 problem, and transport errors.
type answers struct {
	mu       sync.Mutex
	byStatus map[int]int
	odd      []string
}

func (a *answers) add(path string, res *http.Response, err error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if err != nil {
		a.odd = append(a.odd, fmt.Sprintf("%s: %v", path, err))
		return
	}
	a.byStatus[res.StatusCode]++
	ok := res.StatusCode < 400 ||
		res.StatusCode == http.StatusServiceUnavailable && res.Header.Get("Content-Type") == "application/problem+json" && res.Header.Get("Retry-After") != ""
	if !ok {
		a.odd = append(a.odd, fmt.Sprintf("%s: %d %s", path, res.StatusCode, res.Header.Get("Content-Type")))
	}
}

func (a *answers) count(status int) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.byStatus[status]
}

// load sends the paths round and round from workers clients until stop is called, telling
// each answer to the tally current at the time it arrives.
func load(base string, paths []string, workers int, tally func() *answers) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	client := &http.Client{Timeout: 20 * time.Second}
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; ctx.Err() == nil; i++ {
				path := paths[i%len(paths)]
				req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+path, nil)
				res, err := client.Do(req)
				if ctx.Err() != nil {
					return
				}
				if err == nil {
					_, _ = io.Copy(io.Discard, res.Body)
					res.Body.Close()
				}
				tally().add(path, res, err)
			}
		}()
	}
	return func() { cancel(); wg.Wait() }
}

// TestServeRestartUnderLoad: while clients ask for tiles, features, geocodes and reverse
// geocodes, the database goes away as in a restart (every session of the service
// terminated by the server, then no connection accepted) and comes back. Meanwhile every
// answer is a success or a 503 problem with Retry-After, never another error, and the
// service keeps running; once the database is back every route succeeds again within
// seconds, and its change listener has reconnected: a change committed afterwards by
// another client reaches the tile cache.
func TestServeRestartUnderLoad(t *testing.T) {
	t.Parallel()
	c := newCityBehindProxy(t, 300)
	s := mustServe(t, c.vars, "--request-timeout", "3s", "--db-queue-wait", "1s", "--rate-limit", "0")
	s.waitReadyz(t, http.StatusOK)

	var lon, lat float64
	var parcel int64
	if err := c.direct.QueryRow(context.Background(), `SELECT id, ST_X(p), ST_Y(p)
		FROM (SELECT id, ST_PointOnSurface(geom) p FROM parcels ORDER BY id LIMIT 1) s`).Scan(&parcel, &lon, &lat); err != nil {
		t.Fatal(err)
	}
	tile := maptile.At(orb.Point{lon, lat}, 17)
	tilePath := fmt.Sprintf("/tiles/parcels/%d/%d/%d.mvt", tile.Z, tile.X, tile.Y)
	paths := []string{tilePath}
	for dx := -2; dx <= 2; dx++ {
		// misses: a tile the cache has not seen needs the database
		paths = append(paths, fmt.Sprintf("/tiles/parcels,streets/16/%d/%d.mvt", tile.X/2+uint32(dx), tile.Y/2))
	}
	paths = append(paths,
		fmt.Sprintf("/ogc/collections/parcels/items?limit=5&bbox=%f,%f,%f,%f", lon-0.002, lat-0.002, lon+0.002, lat+0.002),
		fmt.Sprintf("/v1/reverse?lon=%f&lat=%f", lon, lat),
		fmt.Sprintf("/v1/parcels/%d/planning", parcel),
		"/v1/geocode?q="+url.QueryEscape(c.sqlText(t, `SELECT a.house_number || ' ' || s.name FROM addresses a JOIN streets s ON s.id = a.street_id LIMIT 1`)),
	)

	before, during, after := &answers{byStatus: map[int]int{}}, &answers{byStatus: map[int]int{}}, &answers{byStatus: map[int]int{}}
	var mu sync.Mutex
	current := before
	tally := func() *answers { mu.Lock(); defer mu.Unlock(); return current }
	phase := func(a *answers) { mu.Lock(); current = a; mu.Unlock() }
	stop := load(s.url, paths, 4, tally)
	defer stop()
	time.Sleep(time.Second)

	// The restart: the server ends the service's sessions (FATAL 57P01), then refuses
	// connections until it is back.
	phase(during)
	if _, err := c.direct.Exec(context.Background(), `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		WHERE datname = current_database() AND application_name = 'bandoso' AND pid <> pg_backend_pid()`); err != nil {
		t.Fatal(err)
	}
	c.proxy.Stop()
	time.Sleep(3 * time.Second)
	s.running(t)
	c.proxy.Start()
	backAt := time.Now()

	// Back: every path succeeds again within seconds.
	for _, path := range paths {
		for {
			res, err := http.Get(s.url + path)
			if err == nil {
				res.Body.Close()
				if res.StatusCode < 300 {
					break
				}
			}
			if time.Since(backAt) > testwait.Patience {
				t.Fatalf("%s still fails %s after the database came back: %v %v", path, time.Since(backAt), res, err)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	t.Logf("every route served again %s after the database came back", time.Since(backAt).Round(time.Millisecond))
	phase(after)
	time.Sleep(time.Second)
	stop()

	for name, a := range map[string]*answers{"before": before, "during": during, "after": after} {
		if len(a.odd) > 0 {
			t.Errorf("%s the outage: %d answers neither a success nor a 503 problem, e.g. %s\n%s", name, len(a.odd), a.odd[0], errorLines(s))
		}
		t.Logf("%s the outage: %v", name, a.byStatus)
	}
	if before.count(http.StatusServiceUnavailable) > 0 || after.count(http.StatusServiceUnavailable) > 0 {
		t.Errorf("503s with the database up: before %v, after %v", before.byStatus, after.byStatus)
	}
	if during.count(http.StatusServiceUnavailable) == 0 {
		t.Errorf("no 503 while the database was away: %v", during.byStatus)
	}

	// The listener is back: a parcel deleted by another client leaves the cached tile.
	res, err := http.Get(s.url + tilePath)
	if err != nil {
		t.Fatal(err)
	}
	old, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if _, err := c.direct.Exec(context.Background(), `DELETE FROM parcels WHERE id = $1`, parcel); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(testwait.Patience)
	for {
		res, err := http.Get(s.url + tilePath)
		if err != nil {
			t.Fatal(err)
		}
		now, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode < 300 && string(now) != string(old) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("a change committed after the restart never reached the tile cache: the change listener did not reconnect")
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestEditCutHalfway cuts the service off from the database in the middle of an edit's
// transaction, its UPDATE done and its ward totals waiting: the client is told 503, and
// afterwards neither the parcel, its history nor the audit log show anything of it; the same
// edit with the same If-Match then succeeds.
func TestEditCutHalfway(t *testing.T) {
	t.Parallel()
	c := newCityBehindProxy(t, 200)
	_, secret, err := c.db.CreateKey(context.Background(), "surveyor", store.RoleEditor, "test")
	if err != nil {
		t.Fatal(err)
	}
	s := mustServe(t, c.vars, "--rate-limit", "0")
	s.waitReadyz(t, http.StatusOK)

	var id int64
	var ward string
	if err := c.direct.QueryRow(context.Background(), `SELECT id, ward_code FROM parcels ORDER BY id LIMIT 1`).Scan(&id, &ward); err != nil {
		t.Fatal(err)
	}
	item := fmt.Sprintf("%s/v1/layers/parcels/features/%d", s.url, id)
	res, err := http.Get(item)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	etag := res.Header.Get("ETag")
	state := func() string {
		return c.sqlText(t, `SELECT land_use || ' ' || sys_from || ' ' || (SELECT count(*) FROM audit_log WHERE table_name = 'parcels')
			|| ' ' || (SELECT count(*) FROM parcels_history WHERE id = $1) FROM parcels WHERE id = $1`, id)
	}
	before := state()

	// Hold the ward's totals, which every parcel change updates after its UPDATE.
	holder, err := c.direct.Begin(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := holder.Exec(context.Background(), `SELECT pg_advisory_xact_lock(hashtext('parcel_ward_totals'), hashtext($1))`, ward); err != nil {
		t.Fatal(err)
	}
	patch := func() (*http.Response, error) {
		req, _ := http.NewRequest(http.MethodPatch, item+"?reason=survey", strings.NewReader(`{"properties":{"land_use":"TMD"}}`))
		req.Header.Set("Authorization", "Bearer "+secret)
		req.Header.Set("If-Match", etag)
		req.Header.Set("Content-Type", "application/merge-patch+json")
		return http.DefaultClient.Do(req)
	}
	answered := make(chan *http.Response, 1)
	go func() {
		res, err := patch()
		if err != nil {
			t.Errorf("PATCH: %v", err)
		}
		answered <- res
	}()
	var pid int
	deadline := time.Now().Add(testwait.Patience)
	for {
		err := c.direct.QueryRow(context.Background(), `SELECT pid FROM pg_stat_activity
			WHERE application_name = 'bandoso' AND wait_event = 'advisory' AND datname = current_database()`).Scan(&pid)
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the edit never reached its ward totals")
		}
		time.Sleep(20 * time.Millisecond)
	}
	c.proxy.Stop()
	if res := <-answered; res != nil {
		res.Body.Close()
		if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("the cut edit was answered %d %s, want a 503 problem\n%s", res.StatusCode, res.Header.Get("Content-Type"), errorLines(s))
		}
	}
	// Let the edit's session go on: it finds its client gone and rolls back.
	if err := holder.Rollback(context.Background()); err != nil {
		t.Fatal(err)
	}
	deadline = time.Now().Add(testwait.Patience)
	for c.sqlText(t, `SELECT count(*)::text FROM pg_stat_activity WHERE pid = $1`, pid) != "0" {
		if time.Now().After(deadline) {
			t.Fatal("the cut edit's session is still there")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if after := state(); after != before {
		t.Errorf("after the cut edit: %s, before %s", after, before)
	}

	c.proxy.Start()
	s.waitReadyz(t, http.StatusOK)
	res, err = patch()
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Errorf("the edit again with the same If-Match: %d, want 200", res.StatusCode)
	}
	if got := c.sqlText(t, `SELECT land_use FROM parcels WHERE id = $1`, id); got != "TMD" {
		t.Errorf("land_use %s after the edit", got)
	}
}

// errorLines are the service's log lines at level ERROR.
func errorLines(s *serving) string {
	var out []string
	for _, l := range strings.Split(s.stderr.String(), "\n") {
		if strings.Contains(l, `"level":"ERROR"`) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
