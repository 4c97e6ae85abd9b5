package tiles_test

import (
	"bytes"
	"context"
	"sync"
	"testing"
	"time"

	"bandoso/admit"
	"bandoso/catalog"
	"bandoso/geo"
	"bandoso/internal/testwait"
	"bandoso/tiles"
)

// originOf returns tile at of layers from s, and where it came from.
func originOf(t *testing.T, s *tiles.Service, layers []string, at geo.Tile) ([]byte, tiles.Origin) {
	t.Helper()
	ctx, origin := tiles.WithOrigin(context.Background())
	tile, err := s.Tile(ctx, layers, at)
	if err != nil {
		t.Fatal(err)
	}
	return tile.Data, origin.Origin()
}

// runPrerender runs s.Prerender until the test ends, and waits for it to return.
func runPrerender(t *testing.T, s *tiles.Service) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { s.Prerender(ctx, tiles.PrerenderOptions{Settle: 10 * time.Millisecond}) })
	t.Cleanup(func() {
		cancel()
		wg.Wait()
	})
	// Prerender is running once a drop reaches its queue; nothing to wait for otherwise.
}

// TestChangedTileIsMadeAgainAhead: a cached tile that an edit drops is in the cache again,
// as it is after the edit, without a request asking for it; a tile the edit does not touch
// is left alone.
func TestChangedTileIsMadeAgainAhead(t *testing.T) {
	url, pool := liveCity(t)
	s, hub := instance(t, url)
	runPrerender(t, s)
	far := centre
	far.X -= 3
	before, _ := originOf(t, s, []string{"parcels"}, centre)
	originOf(t, s, []string{"parcels"}, far)
	made := s.Stats().Queries

	edit(t, pool)
	if err := hub.CatchUp(context.Background()); err != nil {
		t.Fatal(err)
	}
	testwait.Until(t, "the edited tile made again", func() bool { return s.BackgroundStats().Prerendered == 1 })
	if st := s.Stats(); st.Queries != made+1 {
		t.Fatalf("%d tiles made after the edit, want 1: the edited one", st.Queries-made)
	}
	hits := s.Stats().Cache.Hits
	after, origin := originOf(t, s, []string{"parcels"}, centre)
	if origin != tiles.FromCache {
		t.Fatalf("the edited tile came from %v, want the cache", origin)
	}
	if bytes.Equal(after, before) {
		t.Fatal("the tile made again is the one from before the edit")
	}
	if s.Stats().Cache.Hits != hits+1 {
		t.Fatal("a client's hit not counted")
	}
	fresh := uncached(t, url, centre)
	if !bytes.Equal(after, fresh) {
		t.Fatal("the tile made again differs from the tile made now")
	}
	if _, origin := originOf(t, s, []string{"parcels"}, far); origin != tiles.FromCache {
		t.Fatalf("the untouched tile came from %v, want the cache", origin)
	}
	if st := s.BackgroundStats(); st.Queued != 0 || st.Overflow != 0 {
		t.Fatalf("background stats %+v, want nothing queued or left out", st)
	}
}

// TestPrerenderWaitsForAnIdleGate: while requests hold the gate's places, nothing is made in
// the background; once they leave, the tile is.
func TestPrerenderWaitsForAnIdleGate(t *testing.T) {
	url, pool := liveCity(t)
	gate := admit.New(2, 10, time.Minute)
	s, hub := instanceWith(t, url, func(s *tiles.Service) { s.Gate = gate })
	runPrerender(t, s)
	originOf(t, s, []string{"parcels"}, centre)
	leave, err := gate.Enter(context.Background()) // one of two places taken: not idle enough
	if err != nil {
		t.Fatal(err)
	}
	edit(t, pool)
	if err := hub.CatchUp(context.Background()); err != nil {
		t.Fatal(err)
	}
	testwait.Until(t, "the dropped tile queued", func() bool { return s.BackgroundStats().Queued == 1 })
	made := s.Stats().Queries
	// Waiting on the gate, the worker cannot have made the tile: it has not left the queue.
	if st := s.BackgroundStats(); st.Prerendered != 0 || s.Stats().Queries != made {
		t.Fatalf("made in the background while a request held the gate: %+v", st)
	}
	leave()
	testwait.Until(t, "the tile made once the gate is idle", func() bool { return s.BackgroundStats().Prerendered == 1 })
	if _, origin := originOf(t, s, []string{"parcels"}, centre); origin != tiles.FromCache {
		t.Fatalf("the tile came from %v, want the cache", origin)
	}
}

// uncached is tile at of parcels made now by a service without a cache.
func uncached(t *testing.T, url string, at geo.Tile) []byte {
	t.Helper()
	db := openDB(t, url)
	s := tiles.New(db, catalog.New(db), nil)
	tile, err := s.Tile(context.Background(), []string{"parcels"}, at)
	if err != nil {
		t.Fatal(err)
	}
	return tile.Data
}
