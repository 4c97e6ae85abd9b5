package api

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"

	"bandoso/internal/testlog"
	"bandoso/internal/testwait"
)

// A panicking handler answers a 500 problem that tells the client nothing of the panic.
func TestPanicIsInternalError(t *testing.T) {
	t.Parallel()
	var logs strings.Builder
	s := New(Server{Log: slog.New(slog.NewJSONHandler(&logs, nil)), Config: DefaultConfig()})
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

// A client that hangs up is logged as 499 and not as a server error or a success.
func TestClientGoneIsLogged499(t *testing.T) {
	t.Parallel()
	var logs testlog.Buffer
	s := New(Server{Log: slog.New(slog.NewJSONHandler(&logs, nil)), Config: DefaultConfig()})
	mux := s.Handler().(*chi.Mux)
	entered := make(chan struct{})
	mux.Get("/slow", s.h(func(w http.ResponseWriter, r *http.Request) error {
		close(entered)
		<-r.Context().Done()
		return r.Context().Err()
	}))
	ts := httptest.NewServer(mux)
	defer ts.Close()

	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", ts.URL+"/slow", nil)
	go func() { <-entered; cancel() }()
	if res, err := http.DefaultClient.Do(req); err == nil {
		res.Body.Close()
		t.Fatal("the request should have been cancelled")
	}
	testwait.Until(t, "the request's log line", func() bool { return strings.Contains(logs.String(), `"msg":"request"`) })
	out := logs.String()
	if !strings.Contains(out, `"status":499`) || strings.Contains(out, `"level":"ERROR"`) {
		t.Errorf("want one request line with status 499 and no error; got %s", out)
	}
}

// HEAD is answered wherever GET is, without a body.
func TestHeadAnswersLikeGet(t *testing.T) {
	t.Parallel()
	s := New(Server{Config: DefaultConfig()})
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	res, err := http.Head(ts.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != mediaJSON || len(body) != 0 {
		t.Errorf("HEAD /healthz: %d %q body %q; want 200 %s and no body", res.StatusCode, res.Header.Get("Content-Type"), body, mediaJSON)
	}
}

// A preflight asking for a method the path routes is allowed that method besides GET and HEAD.
func TestPreflightRoutedMethod(t *testing.T) {
	t.Parallel()
	s := New(Server{Config: DefaultConfig()})
	mux := s.Handler().(*chi.Mux)
	mux.Post("/healthz", func(http.ResponseWriter, *http.Request) {})
	req := httptest.NewRequest(http.MethodOptions, "/healthz", nil)
	req.Header.Set("Origin", "https://map.example.vn")
	req.Header.Set("Access-Control-Request-Method", "POST")
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, req)
	if rec.Code != http.StatusNoContent || rec.Header().Get("Access-Control-Allow-Methods") != "GET, HEAD, POST" ||
		rec.Header().Get("Allow") != "GET, HEAD, POST, OPTIONS" {
		t.Errorf("status %d, Access-Control-Allow-Methods %q, Allow %q; want 204, GET, HEAD, POST and GET, HEAD, POST, OPTIONS",
			rec.Code, rec.Header().Get("Access-Control-Allow-Methods"), rec.Header().Get("Allow"))
	}
}
