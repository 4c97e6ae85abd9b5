package api_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"bandoso/api"
	"bandoso/live"
	"bandoso/store/storetest"
	"bandoso/tiles"
)

// An edit shows up in the next tile request: at the zoom of parcels and at the zoom of ward
// totals, with a new ETag, while a tile elsewhere stays cached.
func TestTileFollowsAnEdit(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := storetest.NewURL(t)
	db := openStore(t, url)
	storetest.LoadDemo(t, db, 1, 3000)
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	service := tiles.New(db, tiles.NewCache(64<<20, time.Hour))
	hub := live.New(db, nil)
	hub.Subscribe(service.Apply)
	srv := &api.Server{DB: db, Tiles: service, Changes: hub}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	if err := srv.Changes.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}

	// The parcel nearest the parcels' centroid, and the tiles showing it.
	var id int64
	var at orb.Point
	if err := pool.QueryRow(ctx, `SELECT id, ST_X(c), ST_Y(c) FROM (SELECT id, ST_PointOnSurface(geom) c FROM parcels
		ORDER BY geom <-> (SELECT ST_Centroid(ST_Collect(geom)) FROM parcels) LIMIT 1) s`).Scan(&id, &at[0], &at[1]); err != nil {
		t.Fatal(err)
	}
	near, totals := maptile.At(at, 16), maptile.At(at, 12)
	far := maptile.New(near.X+8, near.Y, 16)
	env := tileEnv{url: ts.URL}
	get := func(tile maptile.Tile) tileResponse { return env.get(t, tilePath("parcels", tile)) }
	before := map[maptile.Tile]tileResponse{near: get(near), totals: get(totals), far: get(far)}

	if _, err := pool.Exec(ctx, `UPDATE parcels SET land_use = CASE land_use WHEN 'CLN' THEN 'ODT' ELSE 'CLN' END,
		area_m2 = area_m2 + 1000 WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	if err := srv.Changes.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	hits := service.Stats().Cache.Hits
	if got := get(far); !bytes.Equal(got.body, before[far].body) || service.Stats().Cache.Hits != hits+1 {
		t.Errorf("a tile far from the edit was not served from the cache (hits %d, then %d)", hits, service.Stats().Cache.Hits)
	}
	for _, tile := range []maptile.Tile{near, totals} {
		got := get(tile)
		if got.status != http.StatusOK || bytes.Equal(got.body, before[tile].body) {
			t.Errorf("tile %v: status %d, same bytes as before the edit: %v", tile, got.status, bytes.Equal(got.body, before[tile].body))
		}
		if etag := got.header.Get("ETag"); etag == "" || etag == before[tile].header.Get("ETag") {
			t.Errorf("tile %v: ETag %q, before the edit %q", tile, etag, before[tile].header.Get("ETag"))
		}
	}
}
