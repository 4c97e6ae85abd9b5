package api

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
)

// A panicking handler answers a 500 problem that tells the client nothing of the panic.
func TestPanicIsInternalError(t *testing.T) {
	t.Parallel()
	var logs strings.Builder
	s := &Server{Log: slog.New(slog.NewJSONHandler(&logs, nil))}
	mux := s.Handler().(*chi.Mux)
	mux.Get("/boom", func(http.ResponseWriter, *http.Request) { panic("password=hunter2 in a secret place") })
	ts := httptest.NewServer(mux)
	defer ts.Close()

	res, err := http.Get(ts.URL + "/boom")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	var p Problem
	if err := json.Unmarshal(raw, &p); err != nil {
		t.Fatalf("body %q: %v", raw, err)
	}
	if res.StatusCode != 500 || p.Status != 500 || res.Header.Get("Content-Type") != mediaProblem {
		t.Errorf("got %d %q status %d, want a 500 problem", res.StatusCode, res.Header.Get("Content-Type"), p.Status)
	}
	if p.Detail != "internal error" || p.RequestID == "" {
		t.Errorf("detail %q request id %q; want \"internal error\" and the request id", p.Detail, p.RequestID)
	}
	if strings.Contains(string(raw), "hunter2") || strings.Contains(string(raw), "panic") {
		t.Errorf("500 body leaks the panic: %s", raw)
	}
	if !strings.Contains(logs.String(), "hunter2") || !strings.Contains(logs.String(), `"status":500`) {
		t.Errorf("the panic and its 500 are not logged: %s", logs.String())
	}
}
