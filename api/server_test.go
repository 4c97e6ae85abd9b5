package api_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"bandoso/api"
	"bandoso/internal/testlog"
	"bandoso/store"
	"bandoso/store/storetest"
)

// testServer is s as api.New makes it, configured as the tests serve: the defaults without a
// rate limit, since tests send bursts no client would (the rate limit tests set one), then
// each configure in turn. s.Config is replaced: set it in a configure func.
func testServer(s api.Server, configure ...func(*api.Server)) *api.Server {
	return api.New(configured(s, configure...))
}

// configured is s as testServer configures it, before api.New.
func configured(s api.Server, configure ...func(*api.Server)) api.Server {
	s.Config = api.DefaultConfig()
	s.Config.Limits.RateLimit = api.RateLimit{}
	for _, c := range configure {
		c(&s)
	}
	return s
}

// newServer serves the real router on db and returns its URL and its log.
func newServer(t *testing.T, db *store.DB) (string, *testlog.Buffer) {
	t.Helper()
	logs := &testlog.Buffer{}
	s := testServer(api.Server{DB: db, Log: slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})), Version: "test"})
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	return ts.URL, logs
}

func openStore(t *testing.T, url string) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), url, store.Options{MaxConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	return db
}

type response struct {
	status int
	header http.Header
	body   map[string]any
}

func do(t *testing.T, method, url string) response {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	r := response{status: res.StatusCode, header: res.Header}
	if err := json.Unmarshal(raw, &r.body); err != nil {
		t.Fatalf("%s %s: body %q is not a JSON object: %v", method, url, raw, err)
	}
	return r
}

// checkProblem asserts an RFC 9457 problem with status and the members every problem has.
func checkProblem(t *testing.T, r response, status int, path string) {
	t.Helper()
	if r.status != status {
		t.Errorf("status %d, want %d; body %v", r.status, status, r.body)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("Content-Type %q, want application/problem+json", ct)
	}
	for _, k := range []string{"type", "title", "detail", "instance", "request_id"} {
		if s, _ := r.body[k].(string); s == "" {
			t.Errorf("problem lacks %q: %v", k, r.body)
		}
	}
	if got, _ := r.body["status"].(float64); int(got) != status {
		t.Errorf("problem status %v, want %d", r.body["status"], status)
	}
	if r.body["instance"] != path {
		t.Errorf("problem instance %v, want %s", r.body["instance"], path)
	}
}

func TestHealthz(t *testing.T) {
	t.Parallel()
	// /healthz must not need the database: an unreachable one still gives 200.
	url, _ := newServer(t, openStore(t, storetest.ClosedURL(t)))
	r := do(t, "GET", url+"/healthz")
	if r.status != 200 || r.header.Get("Content-Type") != "application/json" || r.body["status"] != "ok" {
		t.Errorf("GET /healthz: %d %q %v; want 200 application/json status ok", r.status, r.header.Get("Content-Type"), r.body)
	}
}

func TestReadyz(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		url    func(testing.TB) string
		status int
		title  string
	}{
		{"ready on a migrated database", storetest.NewURL, 200, ""},
		{"503 when the database is unreachable", storetest.ClosedURL, 503, "Database unavailable"},
		{"503 when the database lacks migrations", storetest.NewEmptyURL, 503, "Database schema not current"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			url, _ := newServer(t, openStore(t, c.url(t)))
			r := do(t, "GET", url+"/readyz")
			if c.status == 200 {
				if r.status != 200 || r.header.Get("Content-Type") != "application/json" || r.body["status"] != "ready" {
					t.Errorf("GET /readyz: %d %q %v", r.status, r.header.Get("Content-Type"), r.body)
				}
				if v, _ := r.body["schema_version"].(float64); int64(v) != store.LatestMigration() {
					t.Errorf("schema_version %v, want %d", r.body["schema_version"], store.LatestMigration())
				}
				return
			}
			checkProblem(t, r, c.status, "/readyz")
			if r.body["title"] != c.title {
				t.Errorf("title %v, want %q", r.body["title"], c.title)
			}
			if r.header.Get("Retry-After") == "" {
				t.Error("503 without Retry-After")
			}
		})
	}
}

func TestRouterProblems(t *testing.T) {
	t.Parallel()
	url, _ := newServer(t, storetest.New(t))
	cases := []struct {
		name, method, path string
		status             int
		allow              string
	}{
		{"404 for an unknown path", "GET", "/no/such/thing", 404, ""},
		{"405 for POST on a GET route", "POST", "/healthz", 405, "GET, HEAD, OPTIONS"},
		{"405 for DELETE on readyz", "DELETE", "/readyz", 405, "GET, HEAD, OPTIONS"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := do(t, c.method, url+c.path)
			checkProblem(t, r, c.status, c.path)
			if got := r.header.Get("Allow"); got != c.allow {
				t.Errorf("Allow %q, want %q", got, c.allow)
			}
		})
	}
}

func TestRequestLog(t *testing.T) {
	t.Parallel()
	url, logs := newServer(t, storetest.New(t))
	want := map[string]int{"/healthz": 200, "/readyz": 200, "/nowhere": 404}
	for path := range want {
		do(t, "GET", url+path)
	}
	lines := logs.Lines(t, "request")
	if len(lines) != len(want) {
		t.Fatalf("%d request log lines for %d requests: %v", len(lines), len(want), lines)
	}
	for _, l := range lines {
		path, _ := l["path"].(string)
		if status, _ := l["status"].(float64); int(status) != want[path] {
			t.Errorf("log line for %s has status %v, want %d", path, l["status"], want[path])
		}
		if d, ok := l["duration_ms"].(float64); !ok || d < 0 {
			t.Errorf("log line for %s lacks a duration: %v", path, l)
		}
		if id, _ := l["request_id"].(string); id == "" {
			t.Errorf("log line for %s lacks the request id: %v", path, l)
		}
	}
}
