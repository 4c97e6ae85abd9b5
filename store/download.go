package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// Download streams every feature of q to emit, in q's order (the id last), with no paging
// and no count: a whole layer as one file. Each row's columns are those of format (one
// GeoJSON Feature, or the CSV columns), as text, nil for NULL; they are the driver's own
// buffer, valid only until emit returns, so that a row costs no allocation and memory stays
// flat whatever the layer's size, while a slow client slows the statement rather than
// filling memory. The statement runs in a read-only transaction, so the file is one
// consistent snapshot, bounded by the long timeout (imports' own) rather than the ordinary
// statement timeout, and by ctx: a client gone ends it on the server too. q.Limit, After and
// Before are ignored. It returns the number of features emitted. It reads the primary, never
// a replica: a statement of minutes on a hot standby is what replay conflicts cancel.
func (db *DB) Download(ctx context.Context, q FeatureQuery, format FeatureFormat, emit func(cols [][]byte) error) (int, error) {
	q.After, q.Before = nil, nil
	where, args, err := q.conditions()
	if err != nil {
		return 0, err
	}
	table, err := db.from(ctx, q, &args)
	if err != nil {
		return 0, err
	}
	param := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	list := q.selectList(format, param)
	types, err := q.sortTypes()
	if err != nil {
		return 0, err
	}
	ks := keyset{q: q, types: types, param: param}
	sql := fmt.Sprintf("SELECT %s FROM %s t WHERE %s ORDER BY %s", list, table, where, ks.orderBy(false))
	// An emit that fails (the client gone) cancels the statement at once: closing the rows
	// of a live context would read the rest of the layer to the end first.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	n := 0
	err = db.txWith(ctx, "BEGIN READ ONLY", -db.longTimeout, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, sql, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			if err := emit(rows.RawValues()); err != nil {
				cancel()
				return err
			}
			n++
		}
		rows.Close()
		return rows.Err()
	})
	return n, translate(err)
}
