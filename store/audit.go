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
	ID     int64     `json:"id"`
	At     time.Time `json:"at"`
	Actor  string    `json:"actor"`
	Action string    `json:"action"`
	Table  string    `json:"table"`
	RowID  int64     `json:"row_id"`
	Reason *string   `json:"reason"`
	// ReasonTruncated reports a Reason cut to ReasonMaxChars.
	ReasonTruncated bool            `json:"reason_truncated"`
	Before          json.RawMessage `json:"before"`
	After           json.RawMessage `json:"after"`
}

// Audit calls each for the entries f selects, newest first, at most f.Limit, one row at a
// time; more reports that older ones follow.
func (db *DB) Audit(ctx context.Context, f AuditFilter, each func(AuditEntry) error) (more bool, err error) {
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
	cut := args.add(ReasonMaxChars)
	sql := fmt.Sprintf(`SELECT id, at, actor, action, table_name, row_id, left(reason, %[3]s), coalesce(length(reason) > %[3]s, false),
		before, after FROM audit_log WHERE %[1]s ORDER BY id DESC LIMIT %[2]s`, strings.Join(conds, " AND "), args.add(f.Limit+1), cut)
	rows, _ := db.pool.Query(ctx, sql, args.list...)
	var e AuditEntry
	n := 0
	_, err = pgx.ForEachRow(rows, []any{&e.ID, &e.At, &e.Actor, &e.Action, &e.Table, &e.RowID, &e.Reason, &e.ReasonTruncated, &e.Before, &e.After}, func() error {
		if n++; n > f.Limit {
			more = true
			return nil
		}
		err := each(e)
		e = AuditEntry{}
		return err
	})
	return more, translate(err)
}
