package main_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"bandoso/internal/testwait"
	"bandoso/shared/sharedtest"
	"bandoso/store"
	"bandoso/store/storetest"
)

// demoURL is a database of the test's own holding a small demo city.
func demoURL(t *testing.T) string {
	t.Helper()
	url := storetest.NewURL(t)
	db, err := store.Open(context.Background(), url, store.Options{MaxConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	storetest.LoadDemo(t, db, 1, 300)
	return url
}

// viewerTile is the path of the viewer's data tile at z/x/y, as the style served names it.
func viewerTile(t *testing.T, base, zxy string) string {
	t.Helper()
	res, err := http.Get(base + "/styles/default.json")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var style struct {
		Sources map[string]struct{ URL string } `json:"sources"`
	}
	if err := json.NewDecoder(res.Body).Decode(&style); err != nil {
		t.Fatal(err)
	}
	u := style.Sources["bandoso"].URL
	i := strings.Index(u, "/tiles/")
	if i < 0 || !strings.HasSuffix(u, ".json") {
		t.Fatalf("the style's data source is %q", u)
	}
	return strings.TrimSuffix(u[i:], ".json") + "/" + zxy + ".mvt"
}

// xCache is the X-Cache header of the answer to GET path, a tile or an empty one.
func xCache(t *testing.T, base, path string) string {
	t.Helper()
	res, err := http.Get(base + path)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK && res.StatusCode != http.StatusNoContent {
		t.Fatalf("GET %s: %s", path, res.Status)
	}
	return res.Header.Get("X-Cache")
}

// The demo city's centre at zoom 15.
const centre15 = "15/26096/15396"

// TestServeSeedsTiles: serve --seed-tiles makes the viewer's tiles at start, and a client then
// finds them cached; the admin listener seeds more zooms on demand.
func TestServeSeedsTiles(t *testing.T) {
	url := demoURL(t)
	s := mustServe(t, map[string]string{"DATABASE_URL": url}, "--seed-tiles", "14-15", "--admin-listen", "127.0.0.1:0", "--log-format", "json")
	seeds := func() int { return strings.Count(s.stderr.String(), "tiles: seed done") }
	testwait.Until(t, "the seed done", func() bool { return seeds() == 1 })
	path := viewerTile(t, s.url, centre15)
	if got := xCache(t, s.url, path); got != "hit" {
		t.Fatalf("X-Cache %q of %s after the seed, want hit\n%s", got, path, s.stderr)
	}
	z16 := strings.Replace(path, centre15, "16/52192/30793", 1)
	lines := s.stderr.Lines(t, "admin listening")
	if len(lines) != 1 {
		t.Fatalf("%d admin listening lines:\n%s", len(lines), s.stderr)
	}
	admin := "http://" + lines[0]["addr"].(string)
	for _, c := range []struct {
		query  string
		status int
	}{{"?zooms=17-3", http.StatusBadRequest}, {"?zooms=16", http.StatusAccepted}} {
		res, err := http.Post(admin+"/tiles/seed"+c.query, "", nil)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != c.status {
			t.Fatalf("POST /tiles/seed%s: %d, want %d", c.query, res.StatusCode, c.status)
		}
	}
	testwait.Until(t, "the seed asked for done", func() bool { return seeds() == 2 })
	if got := xCache(t, s.url, z16); got != "hit" {
		t.Fatalf("X-Cache %q of %s after seeding zoom 16, want hit", got, z16)
	}
	if got := xCache(t, s.url, strings.Replace(path, centre15, "17/104384/61586", 1)); got != "miss" {
		t.Fatalf("X-Cache %q of a zoom not seeded, want miss", got)
	}
}

// TestSeedCommand: bandoso seed fills the shared cache, where a server finds the tiles; it
// refuses to run without one.
func TestSeedCommand(t *testing.T) {
	url := demoURL(t)
	redisURL := sharedtest.URL(t, 6)
	p := newProgram(map[string]string{"DATABASE_URL": url})
	if err := p.run(context.Background(), "seed", "--zooms", "15"); err == nil || !strings.Contains(err.Error(), "--redis-url") {
		t.Fatalf("seed without Redis: %v, want an error naming --redis-url", err)
	}
	if err := p.run(context.Background(), "seed", "--zooms", "15", "--redis-url", redisURL); err != nil {
		t.Fatalf("%v\n%s", err, p.stderr)
	}
	if out := p.stdout.String(); !strings.Contains(out, "seeded ") || !strings.Contains(out, "0 failed") {
		t.Fatalf("seed printed %q", out)
	}
	s := mustServe(t, map[string]string{"DATABASE_URL": url, "BANDOSO_REDIS_URL": redisURL})
	if got := xCache(t, s.url, viewerTile(t, s.url, centre15)); got != "shared-hit" {
		t.Fatalf("X-Cache %q after the seed, want shared-hit", got)
	}
	if err := p.run(context.Background(), "seed", "--zooms", "17-12", "--redis-url", redisURL); err == nil || !strings.Contains(err.Error(), "--zooms") {
		t.Fatalf("zooms 17-12: %v, want an error naming --zooms", err)
	}
}
