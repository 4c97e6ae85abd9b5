package api

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"bandoso/store"
)

// Query parameters of GET /v1/admin/audit.
const (
	paramAuditTable  = "table"
	paramAuditActor  = "actor"
	paramAuditAction = "action"
	paramAuditRowID  = "row_id"
	paramSince       = "since"
	paramUntil       = "until"
	paramAuditLimit  = "limit"
)

// Audit page sizes.
const (
	auditDefaultLimit = 100
	auditMaxLimit     = 1000
)

// handleAudit serves GET /v1/admin/audit: the audit log for admins, newest first, filtered
// and paged by a keyset cursor, streamed entry by entry.
func (s *Server) handleAudit(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.need(r, store.RoleAdmin); err != nil {
		return err
	}
	q := r.URL.Query()
	f := store.AuditFilter{Table: q.Get(paramAuditTable), Actor: q.Get(paramAuditActor),
		Action: q.Get(paramAuditAction), Limit: auditDefaultLimit}
	if name := q.Get(paramLayer); name != "" {
		l, err := s.layer(r, name)
		if err != nil {
			return err
		}
		if f.Table != "" && f.Table != l.Table {
			return &ParamError{paramLayer, "layer " + name + " is table " + l.Table + ", not " + f.Table}
		}
		f.Table = l.Table
	}
	switch f.Action {
	case "", "insert", "update", "delete":
	default:
		return &ParamError{paramAuditAction, "want insert, update or delete"}
	}
	var err error
	if q.Has(paramAuditRowID) {
		id, err := positiveInt64(q, paramAuditRowID)
		if err != nil {
			return err
		}
		f.RowID = &id
	}
	if f.Since, err = auditTime(q, paramSince); err != nil {
		return err
	}
	if f.Until, err = auditTime(q, paramUntil); err != nil {
		return err
	}
	if q.Has(paramCursor) {
		if f.Before, err = positiveInt64(q, paramCursor); err != nil {
			return err
		}
	}
	if f.Limit, err = pageLimit(q, paramAuditLimit, auditDefaultLimit, auditMaxLimit); err != nil {
		return err
	}
	w.Header().Set("Content-Type", mediaJSON)
	w.Header().Set("Cache-Control", "no-store")
	out := newSpillWriter(w, r, spillLimit)
	_, _ = out.Write([]byte(`{"entries":[`))
	var last int64
	more, err := s.DB.Audit(r.Context(), f, func(e store.AuditEntry) error {
		last = e.ID
		return out.item(e)
	})
	return finishPage(out, r, err, more, strconv.FormatInt(last, 10))
}

// positiveInt64 reads query parameter name as a positive integer.
func positiveInt64(q url.Values, name string) (int64, error) {
	n, err := strconv.ParseInt(q.Get(name), 10, 64)
	if err != nil || n <= 0 {
		return 0, &ParamError{name, strconv.Quote(q.Get(name)) + " is not a positive integer"}
	}
	return n, nil
}

// auditTime reads an RFC 3339 time or a date (its start, in Vietnam) from parameter name.
func auditTime(q url.Values, name string) (*time.Time, error) {
	raw := q.Get(name)
	if raw == "" {
		return nil, nil
	}
	t, err := parseRFC3339(raw)
	if err != nil {
		if t, err = time.ParseInLocation(time.DateOnly, raw, vietnam); err != nil {
			return nil, &ParamError{name, "want an RFC 3339 time or a date (YYYY-MM-DD), not " + strconv.Quote(raw)}
		}
	}
	return &t, nil
}
