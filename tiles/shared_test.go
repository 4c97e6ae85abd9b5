package tiles_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"bandoso/live"
	"bandoso/shared"
	"bandoso/shared/sharedtest"
	"bandoso/tiles"
)

// sharedInstance is instance with the shared cache at redisURL behind its own.
func sharedInstance(t *testing.T, url, redisURL string) (*tiles.Service, *live.Hub) {
	t.Helper()
	// A generous timeout: this test is about what is shared, not about a busy machine.
	c, err := shared.Open(redisURL, shared.Options{Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return instanceWith(t, url, func(s *tiles.Service) { s.Shared = c.Tiles(time.Hour) })
}

// TestSharedCacheAcrossInstances: a tile one instance made is served by another from Redis,
// without the database; after an edit, the instance that heard it drops the tile from Redis
// too, so that an instance with nothing of its own (a new one) gets the tile fresh.
func TestSharedCacheAcrossInstances(t *testing.T) {
	url, pool := liveCity(t)
	redisURL := sharedtest.URL(t, 2)
	a, _ := sharedInstance(t, url, redisURL)
	b, hubB := sharedInstance(t, url, redisURL)
	before := tileData(t, a, centre)
	if got := tileData(t, b, centre); !bytes.Equal(got, before) {
		t.Fatal("the other instance's tile differs")
	}
	if st := b.Stats(); st.Queries != 0 || st.Shared.Hits != 1 {
		t.Fatalf("the other instance made %d tiles and found %d in Redis; want 0 and 1", st.Queries, st.Shared.Hits)
	}
	// A neighbouring tile that the edit does not touch stays shared.
	far := centre
	far.X -= 3
	tileData(t, a, far)

	edit(t, pool)
	if err := hubB.CatchUp(context.Background()); err != nil { // b hears the edit; a does not yet
		t.Fatal(err)
	}
	if bytes.Equal(tileData(t, b, centre), before) {
		t.Error("the instance that heard the edit serves the tile from before it")
	}
	c, _ := sharedInstance(t, url, redisURL)
	if bytes.Equal(tileData(t, c, centre), before) {
		t.Error("a new instance got the tile from before the edit from Redis")
	}
	tileData(t, c, far)
	if st := c.Stats(); st.Shared.Hits != 2 || st.Queries != 0 {
		t.Errorf("the new instance found %d tiles in Redis and made %d; want 2 (b's fresh tile, the untouched one) and 0",
			st.Shared.Hits, st.Queries)
	}
}

// TestSharedCacheRace: instance A reads a tile from rows before an edit; instance B hears the
// edit and drops the tile from Redis; only then does A share its tile. Redis must refuse it.
func TestSharedCacheRace(t *testing.T) {
	url, pool := liveCity(t)
	redisURL := sharedtest.URL(t, 3)
	a, _ := sharedInstance(t, url, redisURL)
	_, hubB := sharedInstance(t, url, redisURL)
	made, goOn := make(chan struct{}), make(chan struct{})
	tiles.SetBeforeShare(a, func() { close(made); <-goOn })
	stale := make(chan []byte)
	go func() {
		tile, err := a.Tile(context.Background(), []string{"parcels"}, centre)
		if err != nil {
			t.Error(err)
		}
		stale <- tile.Data
	}()
	<-made // A has read the rows
	edit(t, pool)
	if err := hubB.CatchUp(context.Background()); err != nil {
		t.Fatal(err)
	}
	close(goOn)
	before := <-stale
	c, _ := sharedInstance(t, url, redisURL)
	if bytes.Equal(tileData(t, c, centre), before) {
		t.Fatal("Redis kept the tile A made from rows before the edit, stored after B dropped it")
	}
	if st := c.Stats(); st.Queries != 1 {
		t.Errorf("the new instance made %d tiles; want 1, Redis holding none", st.Queries)
	}
}
