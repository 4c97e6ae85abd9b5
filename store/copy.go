package store

import (
	"context"
	"fmt"
	"iter"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/ewkb"
)

// copyRows streams rows into table's cols with COPY (binary), reporting progress every 10,000
// rows, and records in counts how many it wrote. A value that is an orb.Geometry is written,
// in place in its row, as EWKB in EPSG:4326; every other value as pgx encodes it.
func copyRows(ctx context.Context, tx pgx.Tx, table string, cols []string, seq iter.Seq[[]any], counts map[string]int64, progress func(string, int64)) error {
	next, stop := iter.Pull(seq)
	defer stop()
	var n int64
	src := pgx.CopyFromFunc(func() ([]any, error) {
		row, ok := next()
		if !ok {
			return nil, nil
		}
		for i, v := range row {
			if g, ok := v.(orb.Geometry); ok {
				row[i] = wkb(g)
			}
		}
		n++
		if n%10000 == 0 {
			progress(table, n)
		}
		return row, nil
	})
	got, err := tx.CopyFrom(ctx, pgx.Identifier{table}, cols, src)
	if err != nil {
		return fmt.Errorf("copy %s: %w", table, err)
	}
	counts[table] = got
	progress(table, got)
	return nil
}

// wkb encodes a geometry as EWKB with SRID 4326, which PostGIS's binary input accepts.
func wkb(g orb.Geometry) []byte {
	b, err := ewkb.Marshal(g, 4326)
	if err != nil {
		panic(fmt.Sprintf("store: encode %T: %v", g, err)) // only unsupported types fail
	}
	return b
}
