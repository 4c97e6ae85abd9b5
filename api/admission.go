package api

import (
	"context"
	"net/http"
	"time"
)

// defaultTileTimeout bounds a tile: one slower than this reaches a map that has moved on.
const defaultTileTimeout = 10 * time.Second

// admitted makes a request wait its turn at the DBWork gate: a burst queues there instead of
// in the database pool, and past the queue is answered 503 busy at once, so that the pool
// keeps connections for the change listener and /readyz and no request waits out its whole
// timeout for a connection.
func (s *Server) admitted(next http.Handler) http.Handler {
	if s.DBWork == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		leave, err := s.DBWork.Enter(r.Context())
		if err != nil {
			s.problem(w, r, err)
			return
		}
		defer leave()
		next.ServeHTTP(w, r)
	})
}

// within bounds a route's requests to d, within the request timeout. The context ending
// stops the route's SQL on the server too (the driver sends PostgreSQL a cancel request;
// store's TestTileSession checks), so d is the statement timeout of the route's queries.
func (s *Server) within(d time.Duration) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ctx, cancel := context.WithTimeout(r.Context(), d)
			defer cancel()
			next.ServeHTTP(w, r.WithContext(ctx))
		})
	}
}
