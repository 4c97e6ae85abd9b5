package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// AuditFilter selects audit log entries; zero fields select all.
type AuditFilter struct {
	Table, Actor, Action string
	RowID                *int64
	// Since and Until bound the entries' time, Until excluded.
	Since, Until *time.Time
	// Before is a keyset cursor: entries with smaller ids (older) only; 0 for the newest.
	Before int64
	Limit  int
}

// AuditEntry is one changed row: who, when, what, why, before and after (JSON of the row).
type AuditEntry struct {
	ID     int64           `json:"id"`
	At     time.Time       `json:"at"`
	Actor  string          `json:"actor"`
	Action string          `json:"action"`
	Table  string          `json:"table"`
	RowID  int64           `json:"row_id"`
	Reason *string         `json:"reason"`
	Before json.RawMessage `json:"before"`
	After  json.RawMessage `json:"after"`
}

// Audit returns the entries f selects, newest first, at most f.Limit; more reports that
// older ones follow.
func (db *DB) Audit(ctx context.Context, f AuditFilter) (entries []AuditEntry, more bool, err error) {
	var args sqlArgs
	conds := []string{"true"}
	eq := func(col string, v any) { conds = append(conds, col+" = "+args.add(v)) }
	if f.Table != "" {
		eq("table_name", f.Table)
	}
	if f.Actor != "" {
		eq("actor", f.Actor)
	}
	if f.Action != "" {
		eq("action", f.Action)
	}
	if f.RowID != nil {
		eq("row_id", *f.RowID)
	}
	if f.Since != nil {
		conds = append(conds, "at >= "+args.add(*f.Since))
	}
	if f.Until != nil {
		conds = append(conds, "at < "+args.add(*f.Until))
	}
	if f.Before > 0 {
		conds = append(conds, "id < "+args.add(f.Before))
	}
	sql := fmt.Sprintf(`SELECT id, at, actor, action, table_name, row_id, reason, before, after
		FROM audit_log WHERE %s ORDER BY id DESC LIMIT %s`, strings.Join(conds, " AND "), args.add(f.Limit+1))
	rows, _ := db.pool.Query(ctx, sql, args.list...)
	entries, err = pgx.CollectRows(rows, pgx.RowToStructByPos[AuditEntry])
	if err != nil {
		return nil, false, translate(err)
	}
	if len(entries) > f.Limit {
		return entries[:f.Limit], true, nil
	}
	return entries, false, nil
}
