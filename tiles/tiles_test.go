package tiles_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"bandoso/catalog"
	"bandoso/geo"
	"bandoso/store"
	"bandoso/store/storetest"
	"bandoso/tiles"
)

// demoDB is a store on a fresh database holding a small demo city.
func demoDB(t *testing.T) *store.DB {
	t.Helper()
	db := storetest.New(t)
	storetest.LoadDemo(t, db, 1, 500)
	return db
}

// centre is the demo city's centre (106.70 E, 10.78 N) at zoom 16.
var centre = geo.NewTile(16, 52192, 30793)

func TestConcurrentMissesMakeOneQuery(t *testing.T) {
	db := demoDB(t)
	cat := catalog.New(db)
	s := tiles.New(db, cat, tiles.NewCache(64<<20, time.Minute))
	ctx := context.Background()
	if err := cat.Load(ctx); err != nil {
		t.Fatal(err)
	}
	before := db.Stats().AcquireCount()
	var wg sync.WaitGroup
	got := make([][]byte, 16)
	for i := range got {
		wg.Go(func() {
			tile, err := s.Tile(ctx, []string{"parcels", "streets"}, centre)
			if err != nil {
				t.Error(err)
			}
			got[i] = tile.Data
		})
	}
	wg.Wait()
	if n := db.Stats().AcquireCount() - before; n != 1 {
		t.Errorf("16 requests for one tile took %d connections, want 1", n)
	}
	for i, tile := range got {
		if len(tile) == 0 || string(tile) != string(got[0]) {
			t.Errorf("caller %d got %d bytes, caller 0 %d", i, len(tile), len(got[0]))
		}
	}
	// The same layers asked in another order are another tile (layers keep their order).
	if _, err := s.Tile(ctx, []string{"streets", "parcels"}, centre); err != nil {
		t.Fatal(err)
	}
	if n := db.Stats().AcquireCount() - before; n != 2 {
		t.Errorf("after a second tile: %d connections, want 2", n)
	}
	if _, err := s.Tile(ctx, []string{"streets", "parcels"}, centre); err != nil {
		t.Fatal(err)
	}
	// 18 lookups, two queries; a late caller of the 16 may have hit the cached tile.
	st := s.Stats()
	if st.Queries != 2 || st.QueryTime <= 0 || st.Cache.Misses+st.Cache.Hits != 18 || st.Cache.Misses < 2 ||
		st.Cache.Hits < 1 || st.Cache.Entries != 2 {
		t.Errorf("stats %+v: want 2 queries, 18 lookups of which at least 1 hit, 2 entries", st)
	}
}

func TestTileErrors(t *testing.T) {
	db := demoDB(t)
	s := tiles.New(db, catalog.New(db), tiles.NewCache(1<<20, time.Minute))
	_, err := s.Tile(context.Background(), []string{"parcels", "nope"}, centre)
	var le *catalog.LayerError
	if !errors.Is(err, catalog.ErrUnknownLayer) || !errors.As(err, &le) || le.Name != "nope" {
		t.Errorf("unknown layer: %v, want ErrUnknownLayer naming nope", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Tile(ctx, []string{"parcels"}, centre); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled request: %v, want context.Canceled", err)
	}
	if tile, err := s.Tile(context.Background(), []string{"parcels"}, centre); err != nil || tile.Empty() {
		t.Errorf("after a cancelled request: %v, %v; want the tile", tile, err)
	}
}
