package store

import (
	"context"
	"fmt"
	"math"

	"github.com/jackc/pgx/v5"
)

// Download streams every feature of q to emit, in q's order (the id last), with no paging
// and no count: a whole layer as one file. The rows come as PostgreSQL sends them and go
// on one at a time, so memory stays flat whatever the layer's size, and a slow client slows
// the statement rather than filling memory. The statement runs in a read-only transaction,
// so the file is one consistent snapshot, bounded by the long timeout (imports' own) rather
// than the ordinary statement timeout, and by ctx: a client gone ends it on the server too.
// q.Limit, After and Before are ignored. It returns the number of features emitted.
func (db *DB) Download(ctx context.Context, q FeatureQuery, format FeatureFormat, emit func(cols []*string) error) (int, error) {
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
	// The same columns as a page's (id, an empty sort-value array, the feature), so that
	// streamRows reads both.
	sql := fmt.Sprintf("SELECT t.%s, ARRAY[NULL::text], %s FROM %s t WHERE %s ORDER BY %s",
		pgx.Identifier{q.Layer.IDColumn}.Sanitize(), list, table, where, ks.orderBy(false))
	// An emit that fails (the client gone) cancels the statement at once: closing the rows
	// of a live context would read the rest of the layer to the end first.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stopping := func(cols []*string) error {
		err := emit(cols)
		if err != nil {
			cancel()
		}
		return err
	}
	var page Page
	err = db.txWith(ctx, "BEGIN READ ONLY", -db.longTimeout, func(tx pgx.Tx) error {
		return streamRows(ctx, tx, sql, args, math.MaxInt, &page, stopping)
	})
	return page.Returned, translate(err)
}
