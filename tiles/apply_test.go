package tiles_test

import (
	"bytes"
	"context"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"bandoso/catalog"
	"bandoso/geo"
	"bandoso/live"
	"bandoso/store"
	"bandoso/store/storetest"
	"bandoso/tiles"
)

// liveCity is a demo city's database, with a pool for edits made apart from any service.
func liveCity(t testing.TB) (url string, pool *pgxpool.Pool) {
	t.Helper()
	url = storetest.NewURL(t)
	storetest.LoadDemo(t, openDB(t, url), 1, 500)
	pool, err := pgxpool.New(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return url, pool
}

func openDB(t testing.TB, url string) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), url, store.Options{MaxConns: 8})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	return db
}

// instance is one running service: its own pool, catalog, tile cache and hub, as `bandoso serve`
// wires them.
func instance(t *testing.T, url string) (*tiles.Service, *live.Hub) {
	t.Helper()
	return instanceWith(t, url, nil)
}

// instanceWith is instance with setup run on the service before its first tile.
func instanceWith(t *testing.T, url string, setup func(*tiles.Service)) (*tiles.Service, *live.Hub) {
	t.Helper()
	db := openDB(t, url)
	cat := catalog.New(db)
	s := tiles.New(db, cat, tiles.NewCache(64<<20, time.Hour))
	if setup != nil {
		setup(s)
	}
	hub := live.New(db, nil)
	hub.Subscribe(cat.Apply)
	hub.Subscribe(s.Apply)
	if err := hub.CatchUp(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s, hub
}

// sqlEditInTile changes the land use and area of the parcel nearest the middle of tile $1/$2/$3.
const sqlEditInTile = `
UPDATE parcels SET land_use = CASE land_use WHEN 'CLN' THEN 'ODT' ELSE 'CLN' END, area_m2 = area_m2 + 1000
WHERE id = (SELECT id FROM parcels ORDER BY geom_3857 <-> ST_Centroid(ST_TileEnvelope($1, $2, $3)) LIMIT 1)
	AND geom_3857 && ST_TileEnvelope($1, $2, $3)`

func edit(t *testing.T, pool *pgxpool.Pool) {
	t.Helper()
	tag, err := pool.Exec(context.Background(), sqlEditInTile, int(centre.Z), int(centre.X), int(centre.Y))
	if err != nil {
		t.Fatal(err)
	}
	if tag.RowsAffected() == 0 {
		t.Fatal("no parcel in the tile to edit")
	}
}

func tileData(t *testing.T, s *tiles.Service, at geo.Tile) []byte {
	t.Helper()
	tile, err := s.Tile(context.Background(), []string{"parcels"}, at)
	if err != nil {
		t.Fatal(err)
	}
	return tile.Data
}

// Two services, each listening, both drop a tile after an edit made by a third connection.
func TestEveryInstanceHearsAChange(t *testing.T) {
	url, pool := liveCity(t)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancel()
	var services []*tiles.Service
	var before [][]byte
	for range 2 {
		s, hub := instance(t, url)
		services = append(services, s)
		before = append(before, tileData(t, s, centre))
		wg.Go(func() { hub.Listen(ctx) })
	}
	edit(t, pool)
	for i, s := range services {
		deadline := time.Now().Add(15 * time.Second)
		for bytes.Equal(tileData(t, s, centre), before[i]) {
			if time.Now().After(deadline) {
				t.Fatalf("service %d still serves the tile from before the edit", i)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
}

// A tile made from rows read before a change, and finished after it, is not cached.
func TestTileStartedBeforeAChangeIsNotCached(t *testing.T) {
	url, pool := liveCity(t)
	ctx := context.Background()
	// A layer whose tiles take half a second: its filter sleeps once per tile.
	if _, err := pool.Exec(ctx, `INSERT INTO layers (name, title, table_name, row_filter, geometry_type, fields, min_zoom, tile_geom_column)
		VALUES ('slow_parcels', 'Slow', 'parcels', '(SELECT pg_sleep(0.5)) IS NOT NULL', 'Polygon', '{land_use}', 10, 'geom_3857')`); err != nil {
		t.Fatal(err)
	}
	s, hub := instance(t, url)
	old := make(chan []byte)
	go func() {
		tile, err := s.Tile(ctx, []string{"slow_parcels"}, centre)
		if err != nil {
			t.Error(err)
			close(old)
			return
		}
		old <- tile.Data
	}()
	// Edit while the tile's statement sleeps (its snapshot is taken), then apply.
	deadline := time.Now().Add(10 * time.Second)
	for {
		var sleeping bool
		if err := pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_stat_activity
			WHERE datname = current_database() AND state = 'active' AND wait_event = 'PgSleep')`).Scan(&sleeping); err != nil {
			t.Fatal(err)
		}
		if sleeping {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the slow tile never started")
		}
		time.Sleep(5 * time.Millisecond)
	}
	edit(t, pool)
	if err := hub.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	stale := <-old
	queries := s.Stats().Queries
	fresh, err := s.Tile(ctx, []string{"slow_parcels"}, centre)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(fresh.Data, stale) || s.Stats().Queries != queries+1 {
		t.Errorf("the tile made across the change was served from the cache (%d queries before, %d after)",
			queries, s.Stats().Queries)
	}
}

// A catalog change drops the tiles of the layers it draws differently, and only those: a new
// title keeps every tile; a narrower zoom range drops the layer's.
func TestCatalogChangeDropsOnlyRedrawnLayers(t *testing.T) {
	url, pool := liveCity(t)
	ctx := context.Background()
	s, hub := instance(t, url)
	for _, l := range [][]string{{"parcels"}, {"streets"}} {
		if _, err := s.Tile(ctx, l, centre); err != nil {
			t.Fatal(err)
		}
	}
	catalogEdit := func(sql string) (queries int64) {
		t.Helper()
		if _, err := pool.Exec(ctx, sql); err != nil {
			t.Fatal(err)
		}
		if err := hub.CatchUp(ctx); err != nil {
			t.Fatal(err)
		}
		before := s.Stats().Queries
		for _, l := range [][]string{{"parcels"}, {"streets"}} {
			if _, err := s.Tile(ctx, l, centre); err != nil {
				t.Fatal(err)
			}
		}
		return s.Stats().Queries - before
	}
	if n := catalogEdit(`UPDATE layers SET title = 'Thửa đất (mới)', updated_at = now() WHERE name = 'parcels'`); n != 0 {
		t.Errorf("a new title made %d tiles again, want 0", n)
	}
	if n := catalogEdit(`UPDATE layers SET fields = '{land_use}' WHERE name = 'parcels'`); n != 1 {
		t.Errorf("new parcel fields made %d tiles again, want 1 (parcels only)", n)
	}
}
