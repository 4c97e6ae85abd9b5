package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// LayerStats are the facts about a layer's rows that the catalog shows.
type LayerStats struct {
	// Features is the number of the layer's rows.
	Features int64
	// DataUpdated is when a row of the layer's table last changed through an edit or an
	// audited import; nil when none has.
	DataUpdated *time.Time
}

// sqlFmtLayerStats counts a layer's rows and finds its table's newest audit row.
// Verbs: table, row filter.
const sqlFmtLayerStats = `
SELECT (SELECT count(*) FROM %s t WHERE true%s),
	(SELECT max(at) FROM audit_log WHERE table_name = $1)`

// LayerStats counts layer l's rows and says when its data last changed. Counting reads the
// whole layer: callers keep the answer a while.
func (db *DB) LayerStats(ctx context.Context, l LayerRow) (LayerStats, error) {
	var st LayerStats
	sql := fmt.Sprintf(sqlFmtLayerStats, pgx.Identifier{l.Table}.Sanitize(), whereAll(conjuncts(nil, l.RowFilter)))
	err := db.pool.QueryRow(ctx, sql, l.Table).Scan(&st.Features, &st.DataUpdated)
	return st, translate(err)
}

// LayerPatch is a change to a catalog entry: nil fields stay as they are.
type LayerPatch struct {
	Title, Description, Source, Licence *string
	Public                              *bool
}

// UpdateLayer applies p to the catalog entry of layer name and records the change, before and
// after, in the audit log as made by actor. An unknown layer is ErrNotFound.
func (db *DB) UpdateLayer(ctx context.Context, name string, p LayerPatch, actor string) error {
	return db.inTx(ctx, func(tx pgx.Tx) error {
		var before []byte
		err := tx.QueryRow(ctx, `SELECT to_jsonb(l) FROM layers l WHERE name = $1 FOR UPDATE`, name).Scan(&before)
		if err != nil {
			return err
		}
		var after json.RawMessage
		err = tx.QueryRow(ctx, `UPDATE layers SET
				title = coalesce($2, title), description = coalesce($3, description),
				source = coalesce($4, source), licence = coalesce($5, licence),
				public = coalesce($6, public), updated_at = now()
			WHERE name = $1 RETURNING to_jsonb(layers)`,
			name, p.Title, p.Description, p.Source, p.Licence, p.Public).Scan(&after)
		if err != nil {
			return err
		}
		// The catalog is keyed by name, not id: its audit rows carry row_id 0 and the name
		// in before and after.
		_, err = tx.Exec(ctx, `INSERT INTO audit_log (actor, action, table_name, row_id, before, after)
			VALUES ($1, 'update', 'layers', 0, $2, $3)`, actor, before, after)
		return err
	})
}
