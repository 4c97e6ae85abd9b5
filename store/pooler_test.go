package store_test

import (
	"context"
	"testing"
	"time"

	"bandoso/geo"
	"bandoso/store"
	"bandoso/store/storetest"
)

// Through pgbouncer in transaction mode every transaction carries its own limits and
// guards, and none is left on the server session for the next client.
func TestTransactionPoolerSettings(t *testing.T) {
	url := storetest.NewURL(t)
	bouncer := storetest.PgbouncerURL(t, url)
	ctx := context.Background()
	db, err := store.Open(ctx, bouncer, store.Options{MaxConns: 2, StatementTimeout: 7 * time.Second, TransactionPooler: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	settings := store.RawTileQuery(`SELECT convert_to(current_setting('statement_timeout') || ' ' || current_setting('jit')
		|| ' ' || current_setting('max_parallel_workers_per_gather') || $1::int || $2::int || $3::int, 'UTF8')`)
	for range 3 { // prepared once, then described from the cache: both must work
		parts, _, err := db.Tile(ctx, []store.TileQuery{settings}, geo.NewTile(0, 0, 0))
		if err != nil {
			t.Fatal(err)
		}
		if got := string(parts[0]); got != "7s off 0000" {
			t.Errorf("in a transaction: %q, want statement_timeout 7s, jit off, no parallel workers", got)
		}
	}
	var timeout, parallel string
	if err := db.Pool().QueryRow(ctx, `SELECT current_setting('statement_timeout'), current_setting('max_parallel_workers_per_gather')`).
		Scan(&timeout, &parallel); err != nil {
		t.Fatal(err)
	}
	if timeout == "7s" || parallel == "0" {
		t.Errorf("outside a transaction: statement_timeout %s, max_parallel_workers_per_gather %s: a setting leaked", timeout, parallel)
	}
}
