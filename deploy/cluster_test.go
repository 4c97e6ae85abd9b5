package deploy_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"bandoso/internal/testwait"
)

// TestCluster runs scripts/cluster.sh on ports of its own (a primary's fresh database with
// the demo city, a replica and a Redis of its own, two instances, nginx with
// deploy/nginx.conf) and reads through nginx while it edits, lags the replica, kills an
// instance and stops the replica and Redis. Its replica and Redis are its own, so pausing
// and stopping them disturbs no other test.
func TestCluster(t *testing.T) {
	c := startCluster(t)
	p := c.firstParcel(t)
	key := c.editorKey(t)
	a, b := c.instances[0], c.instances[1]

	t.Run("every instance reads from the replica and shares Redis", func(t *testing.T) {
		// Each is found up by the instance's own checks, which a busy machine may delay.
		for _, in := range c.instances {
			testwait.Until(t, in.addr+" finding Redis and the replica up", func() bool {
				r := in.ready(t)
				return r.Redis.Up && len(r.Replicas) == 1 && r.Replicas[0].Up
			})
		}
	})

	t.Run("headers pass through nginx untouched", func(t *testing.T) {
		for _, enc := range []string{"gzip", ""} {
			direct := get(t, a.url+p.tilePath, "Accept-Encoding", enc)
			proxied := get(t, c.url+p.tilePath, "Accept-Encoding", enc)
			if direct.status != http.StatusOK || proxied.status != http.StatusOK {
				t.Fatalf("tile %q: status %d direct, %d through nginx", enc, direct.status, proxied.status)
			}
			for _, h := range []string{"Content-Type", "Content-Encoding", "ETag", "Vary", "Cache-Control", "Content-Length"} {
				if d, n := direct.header.Get(h), proxied.header.Get(h); d != n {
					t.Errorf("tile %q: %s %q direct, %q through nginx", enc, h, d, n)
				}
			}
			if !bytes.Equal(direct.body, proxied.body) {
				t.Errorf("tile %q: %d bytes direct, %d through nginx", enc, len(direct.body), len(proxied.body))
			}
			notModified := get(t, c.url+p.tilePath, "Accept-Encoding", enc, "If-None-Match", proxied.header.Get("ETag"))
			if notModified.status != http.StatusNotModified {
				t.Errorf("tile %q with its ETag: status %d through nginx, want 304", enc, notModified.status)
			}
		}
		// A feature's ETag is what an edit's If-Match must send back: strong, as bandoso made it.
		f := get(t, c.url+p.featurePath, "Accept-Encoding", "gzip")
		if tag := f.header.Get("ETag"); f.status != http.StatusOK || !strings.HasPrefix(tag, `"v`) || f.header.Get("Content-Encoding") != "" {
			t.Errorf("feature through nginx: status %d, ETag %q, Content-Encoding %q", f.status, tag, f.header.Get("Content-Encoding"))
		}
	})

	t.Run("an edit through one instance is in the other's next tile", func(t *testing.T) {
		before := c.tileFrom(t, b, p)
		cached := b.metric(t, "bandoso_tile_cache_entries")
		if cached < 1 {
			t.Fatalf("instance %s caches %v tiles after serving one", b.addr, cached)
		}
		want := p.edit(t, a.url, key)
		if before == want {
			t.Fatalf("the tile had land_use %q before the edit", want)
		}
		// The other instance drops the tile when it hears of the change; its next answer
		// must then be the edit, whatever its caches, Redis or the replica hold.
		testwait.Until(t, "the other instance dropping the edited tile", func() bool {
			return b.metric(t, "bandoso_tile_cache_entries") < cached
		})
		if got := c.tileFrom(t, b, p); got != want {
			t.Errorf("tile from %s after the edit through %s: land_use %q, want %q", b.addr, a.addr, got, want)
		}
	})

	t.Run("a lagging replica's tile is never cached stale", func(t *testing.T) {
		c.replicaExec(t, "SELECT pg_wal_replay_pause()")
		resumed := false
		resume := func() {
			if !resumed {
				c.replicaExec(t, "SELECT pg_wal_replay_resume()")
				resumed = true
			}
		}
		t.Cleanup(resume)
		want := p.edit(t, c.url, key)
		for _, in := range c.instances {
			c.tileFrom(t, in, p) // served from the primary or the paused replica; either way not kept
		}
		resume()
		lsn := c.primaryLSN(t)
		testwait.Until(t, "the replica replaying the edit", func() bool { return c.replicaReplayed(t, lsn) })
		for _, in := range c.instances {
			if got := c.tileFrom(t, in, p); got != want {
				t.Errorf("tile from %s after the replica caught up: land_use %q, want %q", in.addr, got, want)
			}
		}
	})

	t.Run("killing an instance under load gives no 5xx through nginx", func(t *testing.T) {
		load := c.loadWith(t, 4)
		load.waitFor(t, 40)
		if err := syscall.Kill(a.pid(t), syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		load.waitFor(t, load.done.Load()+200)
		load.stop()
		if load.failed.Load() > 0 {
			t.Errorf("%d of %d requests failed through nginx while %s was killed: %s", load.failed.Load(), load.done.Load(), a.addr, load.firstFailure())
		}
		c.script(t, "start") // brings the instance back
	})

	t.Run("a stopped replica keeps everything served", func(t *testing.T) {
		c.run(t, "scripts/replica.sh", "stop")
		c.readAll(t, 13)
		for _, in := range c.instances {
			testwait.Until(t, in.addr+" seeing the replica down", func() bool {
				r := in.ready(t)
				return len(r.Replicas) == 1 && !r.Replicas[0].Up
			})
		}
	})

	t.Run("a stopped Redis keeps everything served", func(t *testing.T) {
		c.run(t, "scripts/redis.sh", "stop")
		c.readAll(t, 14)
		for _, in := range c.instances {
			testwait.Until(t, in.addr+" seeing Redis down", func() bool { return !in.ready(t).Redis.Up })
		}
	})
}

// parcel is the parcel the test edits, and the tile at zoom 16 it lies in.
type parcel struct {
	id          int64
	landUse     string
	tile        maptile.Tile
	tilePath    string
	featurePath string
}

func (c *cluster) firstParcel(t *testing.T) parcel {
	t.Helper()
	var p parcel
	var lon, lat float64
	err := c.primary(t).QueryRow(context.Background(), `SELECT id, land_use, ST_X(pt), ST_Y(pt)
		FROM (SELECT id, land_use, ST_PointOnSurface(geom) AS pt FROM parcels ORDER BY id LIMIT 1) p`).Scan(&p.id, &p.landUse, &lon, &lat)
	if err != nil {
		t.Fatal(err)
	}
	p.tile = maptile.At(orb.Point{lon, lat}, 16)
	p.tilePath = fmt.Sprintf("/tiles/parcels/%d/%d/%d.mvt", p.tile.Z, p.tile.X, p.tile.Y)
	p.featurePath = fmt.Sprintf("/v1/layers/parcels/features/%d", p.id)
	return p
}

// edit changes the parcel's land use through base, and returns the new one.
func (p *parcel) edit(t *testing.T, base, key string) string {
	t.Helper()
	next := "TMD"
	if p.landUse == next {
		next = "ODT"
	}
	body := fmt.Sprintf(`{"properties":{"land_use":%q},"reason":"cluster test"}`, next)
	r := do(t, http.MethodPatch, base+p.featurePath, strings.NewReader(body),
		"Authorization", "Bearer "+key, "If-Match", "*", "Content-Type", "application/merge-patch+json")
	if r.status != http.StatusOK {
		t.Fatalf("PATCH %s: status %d: %s", p.featurePath, r.status, r.body)
	}
	p.landUse = next
	return next
}

// tileFrom fetches the parcel's tile through nginx until instance in answers it, and
// returns the parcel's land use in that tile.
func (c *cluster) tileFrom(t *testing.T, in instance, p parcel) string {
	t.Helper()
	var r response
	testwait.Until(t, "nginx sending the tile request to "+in.addr, func() bool {
		r = get(t, c.url+p.tilePath, "Accept-Encoding", "gzip")
		if r.status != http.StatusOK {
			t.Fatalf("tile through nginx: status %d: %s", r.status, r.body)
		}
		return r.header.Get("X-Served-By") == in.addr
	})
	return landUse(t, r, p.id)
}

// readAll reads tiles none has read yet (at zoom z), features and geocodes through nginx, from
// every instance, and fails on anything but 200 or 204.
func (c *cluster) readAll(t *testing.T, z int) {
	t.Helper()
	p := c.firstParcel(t)
	center := maptile.At(p.tile.Center(), maptile.Zoom(z))
	paths := []string{p.featurePath, "/ogc/collections/parcels/items?limit=5", "/v1/geocode?q=Nguyen", "/readyz"}
	for dx := uint32(0); dx < 3; dx++ {
		paths = append(paths, fmt.Sprintf("/tiles/parcels,streets,addresses/%d/%d/%d.mvt", z, center.X+dx, center.Y))
	}
	for _, path := range paths {
		for range c.instances {
			r := get(t, c.url+path, "Accept-Encoding", "gzip")
			if r.status != http.StatusOK && r.status != http.StatusNoContent {
				t.Errorf("%s through nginx (%s): status %d: %s", path, r.header.Get("X-Served-By"), r.status, r.body)
			}
		}
	}
}

// load is clients reading tiles and features through nginx as fast as they are answered.
type load struct {
	done, failed atomic.Int64
	mu           sync.Mutex
	first        string
	cancel       context.CancelFunc
	wg           sync.WaitGroup
}

func (c *cluster) loadWith(t *testing.T, clients int) *load {
	t.Helper()
	p := c.firstParcel(t)
	ctx, cancel := context.WithCancel(context.Background())
	l := &load{cancel: cancel}
	t.Cleanup(l.stop)
	for i := range clients {
		l.wg.Add(1)
		go func() {
			defer l.wg.Done()
			for n := 0; ctx.Err() == nil; n++ {
				// tiles around the parcel, at zooms 14-17, over and over: misses first, then hits
				z := maptile.Zoom(14 + n%4)
				tile := maptile.At(p.tile.Center(), z)
				path := fmt.Sprintf("/tiles/parcels,streets/%d/%d/%d.mvt", z, tile.X+uint32(i), tile.Y+uint32(n%3))
				if n%5 == 4 {
					path = p.featurePath
				}
				l.record(ctx, c.url+path)
			}
		}()
	}
	return l
}

func (l *load) record(ctx context.Context, url string) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	resp, err := http.DefaultClient.Do(req)
	if ctx.Err() != nil {
		return // stopped: not a failure
	}
	failure := ""
	if err != nil {
		failure = err.Error()
	} else {
		_, err = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		switch {
		case err != nil && ctx.Err() == nil:
			failure = "body: " + err.Error()
		case resp.StatusCode >= 500:
			failure = fmt.Sprintf("%s: status %d from %s", url, resp.StatusCode, resp.Header.Get("X-Served-By"))
		}
	}
	l.done.Add(1)
	if failure != "" {
		l.failed.Add(1)
		l.mu.Lock()
		if l.first == "" {
			l.first = failure
		}
		l.mu.Unlock()
	}
}

func (l *load) waitFor(t *testing.T, n int64) {
	t.Helper()
	testwait.Until(t, fmt.Sprintf("%d requests answered under load", n), func() bool { return l.done.Load() >= n })
}

func (l *load) stop() {
	l.cancel()
	l.wg.Wait()
}

func (l *load) firstFailure() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.first
}

// editorKey makes an API key with the editor role.
func (c *cluster) editorKey(t *testing.T) string {
	t.Helper()
	out := c.bandoso(t, "keys", "create", "--name", "cluster-test", "--role", "editor")
	return strings.TrimSpace(out)
}

func (c *cluster) primaryLSN(t *testing.T) string {
	t.Helper()
	var lsn string
	if err := c.primary(t).QueryRow(context.Background(), "SELECT pg_current_wal_lsn()::text").Scan(&lsn); err != nil {
		t.Fatal(err)
	}
	return lsn
}

func (c *cluster) replicaReplayed(t *testing.T, lsn string) bool {
	t.Helper()
	var ok bool
	if err := c.replica(t).QueryRow(context.Background(), "SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn", lsn).Scan(&ok); err != nil {
		t.Fatal(err)
	}
	return ok
}

func (c *cluster) replicaExec(t *testing.T, sql string) {
	t.Helper()
	if _, err := c.replica(t).Exec(context.Background(), sql); err != nil {
		t.Fatalf("%s on the replica: %v", sql, err)
	}
}

func (c *cluster) primary(t *testing.T) *pgx.Conn { return connect(t, c.databaseURL) }
func (c *cluster) replica(t *testing.T) *pgx.Conn { return connect(t, c.replicaURL) }

func connect(t *testing.T, url string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}
