package api

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"bandoso/store"
)

// History page sizes: a version carries the whole feature, so pages are smaller than the
// audit log's.
const (
	historyDefaultLimit = 50
	historyMaxLimit     = 200
)

// historyEntry is one version of a feature in GET …/features/{id}/history.
type historyEntry struct {
	// Version is the version's ETag value; null for a deletion.
	Version   *string    `json:"version"`
	ValidFrom time.Time  `json:"valid_from"`
	ValidTo   *time.Time `json:"valid_to"`
	Action    string     `json:"action"`
	Actor     *string    `json:"actor"`
	Reason    *string    `json:"reason"`
	// ReasonTruncated marks a reason stored longer than answers carry.
	ReasonTruncated bool            `json:"reason_truncated"`
	Feature         json.RawMessage `json:"feature"`
}

// handleFeatureHistory serves GET /v1/layers/{layer}/features/{id}/history: the feature's
// versions, newest first, with who made each and why, a page at a time. Actors are the
// names of keys, so this needs a key of any role.
func (s *Server) handleFeatureHistory(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.need(r, store.RoleReader); err != nil {
		return err
	}
	l, id, err := s.layerFeature(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	page := store.HistoryPage{}
	if page.Limit, err = pageLimit(q, paramLimit, historyDefaultLimit, historyMaxLimit); err != nil {
		return err
	}
	if q.Has(paramCursor) {
		c, ok := parseHistoryCursor(q.Get(paramCursor))
		if !ok {
			return &ParamError{paramCursor, "not a cursor of this history: follow the next link"}
		}
		page.After = &c
	}
	w.Header().Set("Content-Type", mediaJSON)
	w.Header().Set("Cache-Control", "no-store")
	out := newSpillWriter(w, r, spillLimit)
	head, _ := jsonMarshal(map[string]any{"layer": l.Name, "id": id})
	_, _ = out.Write(append(head[:len(head)-1], `,"versions":[`...))
	var last store.HistoryCursor
	more, err := s.DB.FeatureHistory(r.Context(), l.LayerRow, id, page, func(v store.FeatureVersion) error {
		last = v.Cursor()
		e := historyEntry{ValidFrom: v.ValidFrom, ValidTo: v.ValidTo, Action: v.Action, Actor: v.Actor,
			Reason: v.Reason, ReasonTruncated: v.ReasonCut, Feature: v.Feature}
		if v.Version != nil {
			tag := versionETag(*v.Version)
			e.Version = &tag
		}
		if e.Feature == nil {
			e.Feature = json.RawMessage("null")
		}
		return out.item(e)
	})
	return finishPage(out, r, err, more, formatHistoryCursor(last))
}

// formatHistoryCursor writes c as the time in Unix microseconds, with a d for a deletion.
func formatHistoryCursor(c store.HistoryCursor) string {
	s := strconv.FormatInt(c.At.UnixMicro(), 10)
	if c.Deletion {
		s += "d"
	}
	return s
}

func parseHistoryCursor(s string) (store.HistoryCursor, bool) {
	digits, deletion := strings.CutSuffix(s, "d")
	n, err := strconv.ParseInt(digits, 10, 64)
	if err != nil || n <= 0 {
		return store.HistoryCursor{}, false
	}
	return store.HistoryCursor{At: time.UnixMicro(n).UTC(), Deletion: deletion}, true
}
