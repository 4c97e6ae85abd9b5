package api

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"sync/atomic"
	"time"
)

// errSlowBody is a body that stopped arriving: 408.
var errSlowBody = errors.New("the request body stopped arriving")

// bodyReader reads a request's body under deadlines of its own rather than the route's
// timeout: before each read the connection's read deadline moves to stall from now, never
// past until. A body that sends nothing for stall ends with errSlowBody, however long the
// route may take. At the end of the body the deadline goes back to after (the request's
// own), since net/http keeps reading the connection to notice a client that leaves, and a
// stall deadline passing then would cancel the request.
type bodyReader struct {
	body         io.ReadCloser
	rc           *http.ResponseController
	stall        time.Duration
	until, after time.Time
	// stalled is the errSlowBody the body ended with, if it did. net/http cancels the
	// request's context when a read fails, so a handler finding its context ended asks
	// here whether the body stalled.
	stalled atomic.Pointer[error]
}

// newBodyReader reads r's body, stalling at most the server's body timeout, and at most
// until (zero: no bound but the request's deadline).
func (s *Server) newBodyReader(w http.ResponseWriter, r *http.Request, until time.Time) *bodyReader {
	after, _ := r.Context().Deadline()
	if until.IsZero() || !after.IsZero() && after.Before(until) {
		until = after
	}
	return &bodyReader{body: r.Body, rc: http.NewResponseController(w), stall: s.Config.HTTP.BodyTimeout, until: until, after: after}
}

func (b *bodyReader) Close() error { return b.body.Close() }

// stallError is the error the body stalled with, nil if it did not.
func (b *bodyReader) stallError() error {
	if err := b.stalled.Load(); err != nil {
		return *err
	}
	return nil
}

func (b *bodyReader) Read(p []byte) (int, error) {
	d := time.Now().Add(b.stall)
	if !b.until.IsZero() && d.After(b.until) {
		d = b.until
	}
	_ = b.rc.SetReadDeadline(d)
	n, err := b.body.Read(p)
	switch {
	case errors.Is(err, os.ErrDeadlineExceeded):
		err = fmt.Errorf("%w: nothing came for %s, or not all of it in time", errSlowBody, b.stall)
		b.stalled.Store(&err)
		return n, err
	case err != nil:
		_ = b.rc.SetReadDeadline(b.after)
	}
	return n, err
}

// readBodyFirst reads a request's body whole, so that the request takes its place at the gate
// only once it has come: within the largest body limit of the routes behind the gate (each
// route checks its own again), and within the body timeout overall as well as between bytes.
// Requests without a body pass as they are.
func (s *Server) readBodyFirst(w http.ResponseWriter, r *http.Request) error {
	if r.Body == nil || r.Body == http.NoBody || r.ContentLength == 0 {
		return nil
	}
	limit := max(s.Config.Limits.QueryMaxBytes, s.Config.Limits.EditMaxBytes, catalogMaxBytes)
	withAbortableBody(r) // a client gone mid-body is a 499, not a server error
	raw, err := io.ReadAll(http.MaxBytesReader(w, s.newBodyReader(w, r, time.Now().Add(s.Config.HTTP.BodyTimeout)), limit))
	if err != nil {
		return err
	}
	r.Body = io.NopCloser(bytes.NewReader(raw))
	return nil
}
