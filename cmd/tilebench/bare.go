package main

import (
	"bytes"
	"context"
	"net/http"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"bandoso/store"
	"bandoso/tiles"
)

// bareParts makes t's layers as the server's store does, and nothing else: no HTTP, no cache.
func bareParts(ctx context.Context, db *store.DB, t Tile) ([][]byte, error) {
	if len(t.qs) == 0 {
		return nil, nil
	}
	parts, _, err := db.Tile(ctx, t.qs, t.At)
	return parts, err
}

// postgisParts has PostGIS draw t's layers (ST_AsMVTGeom, ST_AsMVT), as servers that leave
// the drawing to the database do: one pipeline holding a read-only transaction with
// parallel query off. It returns each layer's bytes.
func postgisParts(ctx context.Context, pool *pgxpool.Pool, t Tile) ([][]byte, error) {
	out := make([][]byte, len(t.postgis))
	if len(t.postgis) == 0 {
		return out, nil
	}
	b := &pgx.Batch{}
	b.Queue("BEGIN READ ONLY")
	b.Queue("SET LOCAL max_parallel_workers_per_gather = 0")
	for _, q := range t.postgis {
		b.Queue(q, int(t.At.Z), int(t.At.X), int(t.At.Y))
	}
	b.Queue("COMMIT")
	// A failure leaves the transaction aborted; the pool then closes the connection.
	br := pool.SendBatch(ctx, b)
	defer br.Close()
	for range 2 {
		if _, err := br.Exec(); err != nil {
			return nil, err
		}
	}
	for i := range t.postgis {
		if err := br.QueryRow().Scan(&out[i]); err != nil {
			return nil, err
		}
	}
	if _, err := br.Exec(); err != nil {
		return nil, err
	}
	return out, br.Close()
}

// bareTile is the tile's bytes, made bare: the layers concatenated, gzipped when gz is set.
func bareTile(ctx context.Context, db *store.DB, t Tile, gz bool) ([]byte, error) {
	parts, err := bareParts(ctx, db, t)
	if err != nil {
		return nil, err
	}
	return joined(parts, gz)
}

// postgisTile is the tile drawn by PostGIS, bare.
func postgisTile(ctx context.Context, pool *pgxpool.Pool, t Tile) ([]byte, error) {
	parts, err := postgisParts(ctx, pool, t)
	if err != nil {
		return nil, err
	}
	return joined(parts, false)
}

// joined is a tile of parts, gzipped when gz is set.
func joined(parts [][]byte, gz bool) ([]byte, error) {
	data := bytes.Join(parts, nil)
	if !gz || len(data) == 0 {
		return data, nil
	}
	return tiles.Gzip(data)
}

// bareBody is a body the bare handler serves, with the headers a client needs.
type bareBody struct {
	gzip []byte
	etag string
}

// bareHandler serves gzipped tiles from a map by path and nothing else: the floor a cached
// tile could cost over HTTP.
func bareHandler(bodies map[string]bareBody) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, ok := bodies[r.URL.Path]
		if !ok {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		h := w.Header()
		h.Set("Content-Type", "application/vnd.mapbox-vector-tile")
		h.Set("Content-Encoding", "gzip")
		h.Set("ETag", b.etag)
		_, _ = w.Write(b.gzip)
	})
}
