package api

import (
	"encoding/json"
	"net/http"
	"time"

	"bandoso/store"
)

// historyEntry is one version of a feature in GET …/features/{id}/history.
type historyEntry struct {
	// Version is the version's ETag value; null for a deletion.
	Version   *string         `json:"version"`
	ValidFrom time.Time       `json:"valid_from"`
	ValidTo   *time.Time      `json:"valid_to"`
	Action    string          `json:"action"`
	Actor     *string         `json:"actor"`
	Reason    *string         `json:"reason"`
	Feature   json.RawMessage `json:"feature"`
}

// handleFeatureHistory serves GET /v1/layers/{layer}/features/{id}/history: the feature's
// versions, newest first, with who made each and why. Actors are the names of keys, so this
// needs a key of any role.
func (s *Server) handleFeatureHistory(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.need(r, store.RoleReader); err != nil {
		return err
	}
	l, id, err := s.layerFeature(r)
	if err != nil {
		return err
	}
	versions, err := s.DB.FeatureHistory(r.Context(), l.Row(), id)
	if err != nil {
		return err
	}
	out := make([]historyEntry, len(versions))
	for i, v := range versions {
		e := historyEntry{ValidFrom: v.ValidFrom, ValidTo: v.ValidTo, Action: v.Action, Actor: v.Actor,
			Reason: v.Reason, Feature: v.Feature}
		if v.Version != nil {
			tag := v.Version.ETag()
			e.Version = &tag
		}
		if e.Feature == nil {
			e.Feature = json.RawMessage("null")
		}
		out[i] = e
	}
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, mediaJSON, map[string]any{"layer": l.Name, "id": id, "versions": out})
}
