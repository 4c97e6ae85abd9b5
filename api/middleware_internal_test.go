package api

import (
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"

	"bandoso/internal/testlog"
)

// Every line logged for a request, by the middleware, the problem mapping or the handler
// through the request's logger, carries the request id that the problem body shows; a
// client's X-Request-Id is that id only when short and plain.
func TestRequestID(t *testing.T) {
	t.Parallel()
	logs := &testlog.Buffer{}
	s := New(Server{Log: slog.New(slog.NewJSONHandler(logs, nil)), Config: DefaultConfig()})
	mux := s.Handler().(*chi.Mux)
	mux.Get("/inside", func(w http.ResponseWriter, r *http.Request) {
		loggerFrom(r.Context(), s.Log).Info("inside")
		s.problem(w, r, errors.New("the database failed"))
	})
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)

	long := strings.Repeat("a", maxRequestIDLen+1)
	for _, c := range []struct {
		name, header string
		kept         bool
	}{
		{"none sent", "", false},
		{"a plain id is kept", "trace-42/b:7=+_.", true},
		{"the longest is kept", long[1:], true},
		{"a longer one is replaced", long, false},
		{"one with spaces and quotes is replaced", `x" level=ERROR msg="forged`, false},
		{"one beyond ASCII is replaced", "mã-số", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodGet, ts.URL+"/inside", nil)
			if c.header != "" {
				req.Header.Set("X-Request-Id", c.header)
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			raw, _ := io.ReadAll(res.Body)
			var p Problem
			if err := json.Unmarshal(raw, &p); err != nil || p.RequestID == "" {
				t.Fatalf("body %q has no request_id (%v)", raw, err)
			}
			if kept := p.RequestID == c.header; kept != c.kept {
				t.Errorf("request_id %q for X-Request-Id %q: kept %v, want %v", p.RequestID, c.header, kept, c.kept)
			}
			if got := res.Header.Get("X-Request-Id"); got != p.RequestID {
				t.Errorf("X-Request-Id %q in the answer, request_id %q in the body", got, p.RequestID)
			}
			if !plainRequestID(p.RequestID) {
				t.Errorf("request_id %q is not plain", p.RequestID)
			}
			var mine int
			for _, l := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
				var line map[string]any
				if err := json.Unmarshal([]byte(l), &line); err != nil {
					t.Fatalf("log line %q: %v", l, err)
				}
				if id, _ := line["request_id"].(string); id == "" {
					t.Errorf("a log line without request_id: %s", l)
				} else if id == p.RequestID {
					mine++
				}
			}
			// the handler's line, the problem's line and the request line
			if mine != 3 {
				t.Errorf("%d log lines carry request_id %q, want 3:\n%s", mine, p.RequestID, logs)
			}
		})
	}
}
