package api

import (
	"errors"
	"io"
	"net/http"
	"syscall"
)

// ClientAbortError is a request body its client stopped sending: the connection closed
// before the body's end. Nobody waits for an answer; it is logged as 499 (client closed),
// not as a server error, so that closing connections cannot raise the 5xx alerts.
type ClientAbortError struct{ err error }

func (e *ClientAbortError) Error() string {
	return "the client closed the request mid-body: " + e.err.Error()
}
func (e *ClientAbortError) Unwrap() error { return e.err }

// abortableBody marks the read errors of a request body that mean its client went away.
type abortableBody struct{ io.ReadCloser }

func (b abortableBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET) {
		err = &ClientAbortError{err}
	}
	return n, err
}

// withAbortableBody gives r a body whose client aborts are ClientAbortErrors.
func withAbortableBody(r *http.Request) {
	if r.Body != nil && r.Body != http.NoBody {
		r.Body = abortableBody{r.Body}
	}
}
