package api

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"bandoso/admit"
	"bandoso/store"
)

// handleHealthz serves GET /healthz: the process is up. It never touches the database, so a
// database outage does not get healthy instances restarted.
func (s *Server) handleHealthz(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, mediaJSON, map[string]string{"status": "ok", "version": s.Version})
}

// handleReadyz serves GET /readyz: the database answers, its schema is current, and the gate
// in front of database work has not been full for longer than BusyAfter. With Redis, the
// answer also says whether it answers (redis.up), ready either way. A load balancer
// sends traffic only to ready instances; 503 with problem+json otherwise (/problems/busy
// when busy), so that new work goes to an instance with room and comes back once this one
// has some.
func (s *Server) handleReadyz(w http.ResponseWriter, r *http.Request) error {
	if since := s.DBWork.Stats().FullSince; !since.IsZero() && time.Since(since) > s.Config.Database.BusyAfter {
		return fmt.Errorf("every place for database work taken since %s: %w", since.Format(time.RFC3339), admit.ErrBusy)
	}
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.DB.Ready(ctx); err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	answer := map[string]any{"status": "ready", "schema_version": store.LatestMigration()}
	if s.Redis != nil {
		answer["redis"] = s.redisState(ctx)
	}
	return writeJSON(w, mediaJSON, answer)
}

// redisState is /readyz's word on Redis, which is optional: the instance is ready without it,
// sharing nothing. Asking is also how a Redis back after an outage is noticed when nothing
// else asks (at most once a second while it is down).
func (s *Server) redisState(ctx context.Context) map[string]any {
	s.Redis.Ping(ctx) //nolint:errcheck // Status says what came of it
	st := s.Redis.Status()
	state := map[string]any{"up": st.Up, "errors": st.Errors}
	if !st.Up {
		state["error"] = st.Err
		state["serving"] = "without Redis: tiles from the database and this instance's cache, rate limits per instance"
	}
	return state
}
