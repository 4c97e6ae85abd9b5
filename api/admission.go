package api

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"bandoso/admit"
)

// retryAfter is the seconds a client should wait after a 503 or a 429: for the gate's, the
// time its queue takes to drain (admit.Gate.RetryAfter), a second at least; a database
// coming back takes longer.
func (s *Server) retryAfter(err error) int {
	if errors.Is(err, admit.ErrBusy) || errors.Is(err, admit.ErrClientBusy) {
		return int(s.DBWork.RetryAfter() / time.Second)
	}
	return 5
}

// uploadRetryAfter is the Retry-After of an upload past its client's cap: uploads last.
const uploadRetryAfter = 10

// errTooManyUploads is a client sending as many uploads at once as it may: 429.
var errTooManyUploads = errors.New("too many uploads in progress for this client")

// errTooManyDownloads is a client receiving as many downloads at once as it may: 429.
var errTooManyDownloads = errors.New("too many downloads in progress for this client")

// identify names the request's client in its context, for the gate's share per client
// (admit.Gate.PerClient): the client as the rate limiter counts it.
func (s *Server) identify(next http.Handler) http.Handler {
	if s.DBWork == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(admit.WithClient(r.Context(), s.clientID(r))))
	})
}

// clientID is who a request counts against: its API key when it sends a valid one, so that
// clients behind one address (an office, a mobile carrier) with keys of their own are told
// apart, otherwise its address. Only a key the database knows counts: made-up keys would
// each be a new client.
func (s *Server) clientID(r *http.Request) string {
	if s.DB != nil {
		if key, found, err := s.apiKey(r); err == nil && found {
			return "key:" + key.Prefix
		}
	}
	return "ip:" + s.clientAddr(r)
}

// admitted makes a request wait its turn at the DBWork gate: a burst queues there instead of
// in the database pool, and past the queue is answered 503 busy at once, so that the pool
// keeps connections for the change listener and /readyz and no request waits out its whole
// timeout for a connection. The body, if any, is read first (readBodyFirst): a client slow
// to send it waits outside the gate, holding no place.
func (s *Server) admitted(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := s.readBodyFirst(w, r); err != nil {
			s.problem(w, r, err)
			return
		}
		leave, err := s.DBWork.Enter(r.Context())
		if err != nil {
			s.problem(w, r, err)
			return
		}
		defer leave()
		next.ServeHTTP(w, r)
	})
}

// uploading caps the uploads (batch, import) a client sends at once: past the cap, 429 with
// Retry-After. An upload takes its turns at the gate itself, once its data has come.
func (s *Server) uploading(next http.Handler) http.Handler {
	return s.capped(s.uploads, errTooManyUploads, next)
}

// downloading caps the layer downloads a client receives at once: past the cap, 429 with
// Retry-After. A download then takes its place at the gate (admitted) for its whole length.
func (s *Server) downloading(next http.Handler) http.Handler {
	return s.capped(s.downloads, errTooManyDownloads, next)
}

// capped lets a request through while its client holds less than quota q, and answers it
// tooMany otherwise.
func (s *Server) capped(q *admit.Quota, tooMany error, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		done, ok := q.Take(s.clientID(r))
		if !ok {
			w.Header().Set("Retry-After", strconv.Itoa(uploadRetryAfter))
			s.problem(w, r, tooMany)
			return
		}
		defer done()
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
