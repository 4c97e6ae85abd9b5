package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
)

// ChangesChannel is the NOTIFY channel on which every committed change is announced
// (migration 00015); the payload is the id of its row in changes.
const ChangesChannel = "bandoso_changes"

// KeysTable is the table of API keys; a change to it (a revocation) is announced too
// (migration 00021), with no boxes.
const KeysTable = "api_keys"

// Change is one statement's change to a table: where rows were before and after.
type Change struct {
	ID    int64
	At    time.Time
	Table string
	// All means the whole table changed (truncated, rebuilt, or the catalog); Boxes are
	// then nil. Otherwise Boxes are the changed rows' envelopes in degrees, possibly none
	// (rows without a geometry).
	All   bool
	Boxes []orb.Bound
	// TxID is the changing transaction's id.
	TxID int64
}

// ChangeCursor is how far a reader of changes has read. Ids are taken when a row is
// written, not when it commits, so a transaction that took an id early may commit after
// later ids were read. The cursor keeps the oldest transaction running at the last read
// (xmin: every change of a transaction at or past it is looked for again) and those changes
// already read (seen), so that each change is returned once.
type ChangeCursor struct {
	ID int64
	// LSN is the primary's WAL position read after the changes: at or past their commits.
	LSN  LSN
	xmin int64
	seen []seenChange
}

// seenChange is a change read already, with its transaction, which says how long it must be
// remembered: until xmin passes it.
type seenChange struct{ id, txid int64 }

// seenIDs are the ids of the changes c has read and still looks past.
func (c ChangeCursor) seenIDs() []int64 {
	ids := make([]int64, len(c.seen))
	for i, s := range c.seen {
		ids[i] = s.id
	}
	return ids
}

const sqlSnapshotXmin = `SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint`

const sqlChangesHead = `
SELECT coalesce((SELECT max(id) FROM changes), 0),
	array(SELECT id FROM changes WHERE txid >= $1 ORDER BY id),
	array(SELECT txid FROM changes WHERE txid >= $1 ORDER BY id)`

// ChangesHead is a cursor past every change committed so far.
func (db *DB) ChangesHead(ctx context.Context) (ChangeCursor, error) {
	var c ChangeCursor
	var ids, txids []int64
	err := db.readTx(ctx, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, sqlSnapshotXmin).Scan(&c.xmin); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, sqlChangesHead, c.xmin).Scan(&c.ID, &ids, &txids); err != nil {
			return err
		}
		return tx.QueryRow(ctx, sqlPrimaryLSN).Scan(&c.LSN)
	})
	for i := range min(len(ids), len(txids)) {
		c.seen = append(c.seen, seenChange{ids[i], txids[i]})
	}
	return c, err
}

// LastChangeID is the id of the latest change, 0 when there is none.
func (db *DB) LastChangeID(ctx context.Context) (int64, error) {
	c, err := db.ChangesHead(ctx)
	return c.ID, err
}

const sqlChangesSince = `
SELECT c.id, c.at, c.table_name, c.boxes IS NULL, c.txid,
	array(SELECT ARRAY[ST_XMin(d.geom), ST_YMin(d.geom), ST_XMax(d.geom), ST_YMax(d.geom)]
		FROM ST_Dump(c.boxes) d) AS boxes
FROM changes c
WHERE (c.id > $1 OR c.txid >= $2) AND c.id <> ALL($4::bigint[])
ORDER BY c.id
LIMIT $3`

// ChangesSince returns, in id order, the changes committed since cursor c and not returned
// before, at most limit, and the cursor for the next read.
func (db *DB) ChangesSince(ctx context.Context, c ChangeCursor, limit int) ([]Change, ChangeCursor, error) {
	var out []Change
	next := ChangeCursor{ID: c.ID}
	// The xmin is read before the rows, each statement with a snapshot of its own: a
	// transaction committing between the two is read now and, its txid not below the xmin,
	// looked for again next time, where seen keeps it from being told twice.
	err := db.readTx(ctx, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, sqlSnapshotXmin).Scan(&next.xmin); err != nil {
			return err
		}
		// The changes seen are left out in the query, not after it: they would fill the
		// limit, and a read would never get past a thousand changes of transactions that
		// were still running, or that committed together, at the last read.
		rows, err := tx.Query(ctx, sqlChangesSince, c.ID, c.xmin, limit, c.seenIDs())
		if err != nil {
			return err
		}
		var ch Change
		var boxes [][]float64
		_, err = pgx.ForEachRow(rows, []any{&ch.ID, &ch.At, &ch.Table, &ch.All, &ch.TxID, &boxes}, func() error {
			if !ch.All {
				ch.Boxes = make([]orb.Bound, len(boxes))
				for i, b := range boxes {
					ch.Boxes[i] = orb.Bound{Min: orb.Point{b[0], b[1]}, Max: orb.Point{b[2], b[3]}}
				}
			}
			out = append(out, ch)
			next.ID = max(next.ID, ch.ID)
			ch = Change{}
			return nil
		})
		if err != nil {
			return err
		}
		return tx.QueryRow(ctx, sqlPrimaryLSN).Scan(&next.LSN)
	})
	if err != nil {
		return nil, c, translate(err)
	}
	// A full read may have left rows out: those past it are read by id next time, but a
	// late commit below them must still be looked for from the old xmin.
	if len(out) == limit {
		next.xmin = min(next.xmin, c.xmin)
	}
	for _, s := range c.seen {
		if s.txid >= next.xmin {
			next.seen = append(next.seen, s)
		}
	}
	for _, r := range out {
		if r.TxID >= next.xmin {
			next.seen = append(next.seen, seenChange{r.ID, r.TxID})
		}
	}
	return out, next, nil
}

// PruneChanges deletes the changes older than olderThan and says how many it deleted.
func (db *DB) PruneChanges(ctx context.Context, olderThan time.Duration) (int64, error) {
	tag, err := db.pool.Exec(ctx, "DELETE FROM changes WHERE at < now() - make_interval(secs => $1)", olderThan.Seconds())
	if err != nil {
		return 0, translate(err)
	}
	return tag.RowsAffected(), nil
}
