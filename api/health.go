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
// in front of database work has not been full for longer than BusyAfter. A load balancer
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
	return writeJSON(w, mediaJSON, map[string]any{"status": "ready", "schema_version": store.LatestMigration()})
}
