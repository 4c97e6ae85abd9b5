package api_test

import (
	"bytes"
	"context"
	"net/http"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
)

// An edit shows up in the next tile request: at the zoom of parcels and at the zoom of ward
// totals, with a new ETag, while a tile elsewhere stays cached.
func TestTileFollowsAnEdit(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	env := newCityEnv(t, 3000, withLiveTiles)
	pool, service := env.pool, env.tiles

	// The parcel nearest the parcels' centroid, and the tiles showing it.
	var id int64
	var at orb.Point
	if err := pool.QueryRow(ctx, `SELECT id, ST_X(c), ST_Y(c) FROM (SELECT id, ST_PointOnSurface(geom) c FROM parcels
		ORDER BY geom <-> (SELECT ST_Centroid(ST_Collect(geom)) FROM parcels) LIMIT 1) s`).Scan(&id, &at[0], &at[1]); err != nil {
		t.Fatal(err)
	}
	near, totals := maptile.At(at, 16), maptile.At(at, 12)
	far := maptile.New(near.X+8, near.Y, 16)
	get := func(tile maptile.Tile) tileResponse { return env.get(t, tilePath("parcels", tile)) }
	before := map[maptile.Tile]tileResponse{near: get(near), totals: get(totals), far: get(far)}

	if _, err := pool.Exec(ctx, `UPDATE parcels SET land_use = CASE land_use WHEN 'CLN' THEN 'ODT' ELSE 'CLN' END,
		area_m2 = area_m2 + 1000 WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	if err := env.changes.CatchUp(ctx); err != nil {
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
