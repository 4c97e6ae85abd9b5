package tiles_test

import (
	"context"
	"testing"
	"time"

	"bandoso/catalog"
	"bandoso/shared"
	"bandoso/shared/sharedtest"
	"bandoso/tiles"
)

// BenchmarkTileFrom serves one parcels tile of the demo city (500 parcels) from each place
// a tile can come from: the instance's own cache, the shared cache in Redis (the tile's
// gzipped bytes, unzipped for Data), and the database.
func BenchmarkTileFrom(b *testing.B) {
	url, _ := liveCity(b)
	redisURL := sharedtest.URL(b, 5)
	c, err := shared.Open(redisURL, shared.Options{Timeout: 5 * time.Second})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	service := func(cache *tiles.Cache, share bool) *tiles.Service {
		db := openDB(b, url)
		s := tiles.New(db, catalog.New(db), cache)
		if share {
			s.Shared = c.Tiles(time.Hour)
		}
		return s
	}
	ctx := context.Background()
	layers := []string{"parcels"}
	// One instance makes the tile and shares it.
	if _, err := service(nil, true).Tile(ctx, layers, centre); err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name string
		s    *tiles.Service
	}{
		{"local", service(tiles.NewCache(64<<20, time.Hour), false)},
		{"redis", service(nil, true)},
		{"database", service(nil, false)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var tile *tiles.Tile
			for b.Loop() {
				if tile, err = bc.s.Tile(ctx, layers, centre); err != nil || tile.Empty() {
					b.Fatal(err, "or an empty tile")
				}
			}
			gz, _ := tile.Gzip()
			b.ReportMetric(float64(len(gz)), "gzip-bytes")
		})
	}
}
