package main_test

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// --admin-listen serves the profiler and the metrics on a second address; the public one
// has no profiler.
func TestServeAdminListener(t *testing.T) {
	t.Parallel()
	_, vars := proxiedDatabase(t) // the database may stay down: nothing here needs it
	s := mustServe(t, vars, "--admin-listen", "127.0.0.1:0", "--log-format", "json")
	lines := s.stderr.Lines(t, "admin listening")
	if len(lines) != 1 {
		t.Fatalf("%d admin listening lines:\n%s", len(lines), s.stderr)
	}
	admin := "http://" + lines[0]["addr"].(string)
	for _, c := range []struct {
		url, want string
		status    int
	}{
		{admin + "/debug/pprof/", "goroutine", 200},
		{admin + "/debug/pprof/goroutine?debug=1", "goroutine profile", 200},
		{admin + "/metrics", "bandoso_db_pool_max_conns", 200},
		{s.url + "/metrics", "bandoso_db_pool_max_conns", 200},
		{s.url + "/debug/pprof/", "", 404},
	} {
		res, err := http.Get(c.url)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != c.status || !strings.Contains(string(body), c.want) {
			t.Errorf("GET %s: %d, want %d with %q", c.url, res.StatusCode, c.status, c.want)
		}
	}
}
