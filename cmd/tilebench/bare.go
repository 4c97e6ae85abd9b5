package main

import (
	"bytes"
	"context"
	"net/http"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"bandoso/tiles"
)

// bareParts runs t's statements as the server's store does, and nothing else: one pipeline
// holding a read-only transaction with parallel query off. It returns each layer's bytes.
func bareParts(ctx context.Context, pool *pgxpool.Pool, t Tile) ([][]byte, error) {
	out := make([][]byte, len(t.sqls))
	if len(t.sqls) == 0 {
		return out, nil
	}
	b := &pgx.Batch{}
	b.Queue("BEGIN READ ONLY")
	b.Queue("SET LOCAL max_parallel_workers_per_gather = 0")
	for _, q := range t.sqls {
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
	for i := range t.sqls {
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
func bareTile(ctx context.Context, pool *pgxpool.Pool, t Tile, gz bool) ([]byte, error) {
	parts, err := bareParts(ctx, pool, t)
	if err != nil {
		return nil, err
	}
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
