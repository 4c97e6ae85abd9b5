package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
)

// FeatureVersion is one entry of a feature's history, newest first: a version it had, or
// its deletion (Feature nil).
type FeatureVersion struct {
	// Version is nil for a deletion.
	Version *Version
	// ValidFrom is when the version began (or the feature was deleted); ValidTo when it
	// ended, nil while it is current and for a deletion.
	ValidFrom time.Time
	ValidTo   *time.Time
	// Action is insert, update or delete; Actor and Reason come from the audit log, nil for
	// versions loaded in bulk without audit.
	Action        string
	Actor, Reason *string
	Feature       json.RawMessage
}

// sqlFmtHistory lists the versions of a feature that were in the layer, with the audit row
// that began each. Verbs: the union of the table and its history with sys_to, the
// feature's JSON, the row filter.
const sqlFmtHistory = `
SELECT t.sys_from, t.sys_to, %[2]s, a.actor, a.reason, a.action
FROM %[1]s t
LEFT JOIN LATERAL (SELECT actor, reason, action FROM audit_log
	WHERE table_name = $2 AND row_id = $1 AND at = t.sys_from AND action <> 'delete'
	ORDER BY id DESC LIMIT 1) a ON true
WHERE true%[3]s
ORDER BY t.sys_from DESC`

const sqlDeletions = `
SELECT at, actor, reason FROM audit_log
WHERE table_name = $2 AND row_id = $1 AND action = 'delete'`

// FeatureHistory returns the versions of feature id of layer l, newest first, with who made
// each and why, and its deletions; ErrNotFound when it never was in the layer.
func (db *DB) FeatureHistory(ctx context.Context, l LayerRow, id int64) ([]FeatureVersion, error) {
	tc, err := db.columns(ctx, l.Table, l.IDColumn)
	if err != nil {
		return nil, err
	}
	cols := tc.historyNames()
	if len(cols) == 0 {
		return nil, fmt.Errorf("%w: %s keeps no history", ErrInvalid, l.Table)
	}
	list := ""
	for _, c := range cols {
		list += ident(c) + ", "
	}
	union := fmt.Sprintf("(SELECT %[1]sNULL::timestamptz AS sys_to FROM %[2]s WHERE %[4]s = $1 UNION ALL "+
		"SELECT %[1]ssys_to FROM %[3]s WHERE %[4]s = $1)", list, ident(l.Table), ident(l.Table+"_history"), ident(l.IDColumn))
	sql := fmt.Sprintf(sqlFmtHistory, union, editFeatureJSON(l, tc), whereAll(conjuncts(nil, l.RowFilter)))
	var out []FeatureVersion
	err = db.readTx(ctx, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, sql, id, l.Table)
		var v FeatureVersion
		var action *string
		_, err := pgx.ForEachRow(rows, []any{&v.ValidFrom, &v.ValidTo, &v.Feature, &v.Actor, &v.Reason, &action}, func() error {
			ver := VersionOf(v.ValidFrom)
			v.Version = &ver
			v.Action = "update"
			if action != nil {
				v.Action = *action
			}
			out = append(out, v)
			v = FeatureVersion{}
			return nil
		})
		if err != nil || len(out) == 0 {
			return err
		}
		// The oldest version began the feature, whether or not an audit row says so.
		if out[len(out)-1].Actor == nil {
			out[len(out)-1].Action = "insert"
		}
		rows, _ = tx.Query(ctx, sqlDeletions, id, l.Table)
		var d FeatureVersion
		_, err = pgx.ForEachRow(rows, []any{&d.ValidFrom, &d.Actor, &d.Reason}, func() error {
			d.Action = "delete"
			out = append(out, d)
			d = FeatureVersion{}
			return nil
		})
		return err
	})
	if err != nil {
		return nil, translate(err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s %d: %w", l.Name, id, ErrNotFound)
	}
	// A deletion sorts before the version it ended (same time).
	slices.SortStableFunc(out, func(a, b FeatureVersion) int {
		if c := b.ValidFrom.Compare(a.ValidFrom); c != 0 {
			return c
		}
		return boolRank(b.Version == nil) - boolRank(a.Version == nil)
	})
	return out, nil
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}
