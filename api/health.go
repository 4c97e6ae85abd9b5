package api

import (
	"context"
	"net/http"
	"time"

	"bandoso/store"
)

// handleHealthz serves GET /healthz: the process is up. It never touches the database, so a
// database outage does not get healthy instances restarted.
func (s *Server) handleHealthz(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, mediaJSON, map[string]string{"status": "ok", "version": s.Version})
}

// handleReadyz serves GET /readyz: the database answers and its schema is current. A load
// balancer sends traffic only to ready instances; 503 with problem+json otherwise.
func (s *Server) handleReadyz(w http.ResponseWriter, r *http.Request) error {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.DB.Ready(ctx); err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, mediaJSON, map[string]any{"status": "ready", "schema_version": store.LatestMigration()})
}
