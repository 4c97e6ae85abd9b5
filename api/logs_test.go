package api_test

import (
	"log/slog"
	"strings"
	"testing"

	"bandoso/api"
	"bandoso/internal/testlog"
	"bandoso/store"
)

// TestLogsHoldNoSecrets sends API keys every way a client might (both headers, query
// parameters, a request body), good and bad, and checks that no log line at debug level
// holds them: the request log has the path without its query, and problems log their detail.
func TestLogsHoldNoSecrets(t *testing.T) {
	t.Parallel()
	logs := &testlog.Buffer{}
	e := newCityEnv(t, 100, func(s *api.Server) {
		s.Log = slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	reader := newKey(t, e.db, "log-reader", store.RoleReader)
	admin := newKey(t, e.db, "log-admin", store.RoleAdmin)
	revoked := newKey(t, e.db, "log-revoked", store.RoleAdmin)
	secret := func(pair []string) string { return strings.TrimPrefix(pair[1], "Bearer ") }
	if _, err := e.db.RevokeKey(t.Context(), "log-revoked"); err != nil {
		t.Fatal(err)
	}
	secrets := []string{secret(reader), secret(admin), secret(revoked)}
	for _, c := range []struct {
		method, path, body string
		header             []string
	}{
		{"GET", "/v1/layers", "", reader},
		{"GET", "/v1/layers/parcels/features/1/history", "", []string{"X-API-Key", secret(reader)}},
		{"GET", "/v1/layers?key=" + secret(admin) + "&api_key=" + secret(admin), "", nil},
		{"GET", "/ogc/collections/parcels/items?key=" + secret(admin), "", nil},
		{"GET", "/v1/layers", "", revoked},
		{"GET", "/v1/layers", "", []string{"Authorization", "Basic " + secret(admin)}},
		{"PATCH", "/v1/layers/parcels", `{"title": "` + secret(admin) + `", `, append([]string{"Content-Type", "application/json"}, admin...)},
		{"PATCH", "/v1/layers/parcels", `{"title": 1, "x": "` + secret(admin) + `"}`, append([]string{"Content-Type", "application/json"}, admin...)},
		{"POST", "/v1/parcels/query", `{"geometry": "` + secret(reader) + `"}`, append([]string{"Content-Type", "application/json"}, reader...)},
	} {
		res, _ := sendBody(t, c.method, e.url+c.path, c.body, c.header...)
		if res.StatusCode >= 500 {
			t.Errorf("%s %s: status %d", c.method, c.path, res.StatusCode)
		}
	}
	text := logs.String()
	if !strings.Contains(text, `"msg":"request"`) {
		t.Fatalf("no request was logged: %s", text)
	}
	for _, s := range secrets {
		// the part after the key's public prefix
		if tail := s[len(s)-16:]; strings.Contains(text, tail) {
			t.Errorf("a key's secret is in the log:\n%s", text)
		}
	}
}
