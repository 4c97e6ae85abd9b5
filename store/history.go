package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// ReasonMaxChars is as much of a stored reason as history and audit answers carry: edits take
// no longer ones, and one stored before that rule is cut, so that a page stays small.
const ReasonMaxChars = 1024

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
	// ReasonCut reports a Reason cut to ReasonMaxChars.
	ReasonCut bool
	Feature   json.RawMessage
}

// HistoryCursor is a position in a feature's history: the entry at time At, a deletion or a
// version. A page starts just after it; a deletion sorts before the version it ended.
type HistoryCursor struct {
	At       time.Time
	Deletion bool
}

// Cursor is the position just after v.
func (v FeatureVersion) Cursor() HistoryCursor {
	return HistoryCursor{At: v.ValidFrom, Deletion: v.Version == nil}
}

// HistoryPage selects a page of a feature's history: at most Limit entries after After
// (nil: from the newest).
type HistoryPage struct {
	After *HistoryCursor
	Limit int
}

// sqlFmtHistory lists the versions of a feature that were in the layer, with the audit row
// that began each, and its deletions, newest first, a deletion before the version it ended
// (rank 0 before 1). The oldest version began the feature, whether or not an audit row says
// so. Verbs: the columns both the table and its history have, the union of the two with
// sys_to, the feature's JSON, the row filter, the page's condition, NULLs for the columns.
// Parameters: $1 id, $2 table, $3 reason length, $4 limit, $5 and $6 the cursor.
const sqlFmtHistory = `
SELECT t.at, t.sys_to, CASE WHEN t.rank = 1 THEN %[3]s END, t.actor, t.reason, t.cut, t.action
FROM (
	SELECT %[1]st.sys_from AS at, t.sys_to, 1 AS rank, a.actor, left(a.reason, $3) AS reason,
		coalesce(length(a.reason) > $3, false) AS cut,
		coalesce(a.action, CASE WHEN t.sys_from = min(t.sys_from) OVER () THEN 'insert' ELSE 'update' END) AS action
	FROM %[2]s t
	LEFT JOIN LATERAL (SELECT actor, reason, action FROM audit_log
		WHERE table_name = $2 AND row_id = $1 AND at = t.sys_from AND action <> 'delete'
		ORDER BY id DESC LIMIT 1) a ON true
	WHERE true%[4]s
	UNION ALL
	SELECT %[6]sat, NULL, 0, actor, left(reason, $3), coalesce(length(reason) > $3, false), 'delete'
	FROM audit_log WHERE table_name = $2 AND row_id = $1 AND action = 'delete'
) t
WHERE %[5]s
ORDER BY t.at DESC, t.rank
LIMIT $4`

// sqlFmtEverInLayer tells whether feature $1 ever had a version in the layer. Verbs: the
// union of the table and its history, the row filter.
const sqlFmtEverInLayer = `SELECT EXISTS (SELECT 1 FROM %s t WHERE true%s)`

// FeatureHistory calls each for the entries of feature id of layer l that page selects,
// newest first, with who made each and why; more reports that older ones follow.
// ErrNotFound when the feature never was in the layer.
func (db *DB) FeatureHistory(ctx context.Context, l LayerRow, id int64, page HistoryPage, each func(FeatureVersion) error) (more bool, err error) {
	tc, err := db.columns(ctx, l.Table, l.IDColumn)
	if err != nil {
		return false, err
	}
	cols := tc.historyNames()
	if len(cols) == 0 {
		return false, fmt.Errorf("%w: %s keeps no history", ErrInvalid, l.Table)
	}
	list, nulls := "", strings.Repeat("NULL, ", len(cols))
	for _, c := range cols {
		list += "t." + ident(c) + ", "
	}
	bare := strings.ReplaceAll(list, "t.", "")
	union := fmt.Sprintf("(SELECT %[1]sNULL::timestamptz AS sys_to FROM %[2]s WHERE %[4]s = $1 UNION ALL "+
		"SELECT %[1]ssys_to FROM %[3]s WHERE %[4]s = $1)", bare, ident(l.Table), ident(l.Table+"_history"), ident(l.IDColumn))
	args := []any{id, l.Table, ReasonMaxChars, page.Limit + 1}
	after := "true"
	if c := page.After; c != nil {
		// after a deletion comes the version it ended (same time, rank 1), then older entries
		after = "(t.at < $5 OR t.at = $5 AND $6 AND t.rank = 1)"
		args = append(args, c.At, c.Deletion)
	}
	rowFilter := whereAll(conjuncts(nil, l.RowFilter))
	sql := fmt.Sprintf(sqlFmtHistory, list, union, editFeatureJSON(l, tc), rowFilter, after, nulls)
	n := 0
	err = db.readTx(ctx, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, sql, args...)
		var v FeatureVersion
		_, err := pgx.ForEachRow(rows, []any{&v.ValidFrom, &v.ValidTo, &v.Feature, &v.Actor, &v.Reason, &v.ReasonCut, &v.Action}, func() error {
			if n++; n > page.Limit {
				more = true
				return nil
			}
			if v.Action != "delete" {
				ver := VersionOf(v.ValidFrom)
				v.Version = &ver
			}
			err := each(v)
			v = FeatureVersion{}
			return err
		})
		if err != nil || n > 0 {
			return err
		}
		var ever bool
		if err := tx.QueryRow(ctx, fmt.Sprintf(sqlFmtEverInLayer, union, rowFilter), id).Scan(&ever); err != nil {
			return err
		}
		if !ever {
			return fmt.Errorf("%s %d: %w", l.Name, id, ErrNotFound)
		}
		return nil
	})
	return more, translate(err)
}
