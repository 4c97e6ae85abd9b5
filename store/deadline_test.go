package store_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"bandoso/store"
	"bandoso/store/storetest"
)

// settings reads PostgreSQL settings, in milliseconds for durations, inside a transaction.
func settings(ctx context.Context, t *testing.T, tx pgx.Tx, names ...string) []string {
	t.Helper()
	out := make([]string, len(names))
	for i, n := range names {
		if err := tx.QueryRow(ctx, `SELECT setting FROM pg_settings WHERE name = $1`, n).Scan(&out[i]); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// TestTransactionsRunUnderTheDeadline: the server itself stops a request's statements when
// its deadline passes, whatever becomes of the client; imports get the long timeout, finite.
func TestTransactionsRunUnderTheDeadline(t *testing.T) {
	db := storetest.New(t)
	ctx := context.Background()
	dctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	var got []string
	if err := db.ReadTx(dctx, func(tx pgx.Tx) error {
		got = settings(dctx, t, tx, "statement_timeout")
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if ms, _ := strconv.Atoi(got[0]); ms <= 0 || ms > 5000 {
		t.Errorf("statement_timeout under a 5 s deadline: %d ms, want 1 to 5000", ms)
	}
	// Without a deadline the session's own limit stands.
	if err := db.ReadTx(ctx, func(tx pgx.Tx) error {
		got = settings(ctx, t, tx, "statement_timeout")
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if got[0] != "30000" {
		t.Errorf("statement_timeout without a deadline: %s ms, want the pool's 30000", got[0])
	}
	if err := db.BulkTx(ctx, func(tx pgx.Tx) error {
		got = settings(ctx, t, tx, "statement_timeout", "idle_in_transaction_session_timeout")
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if got[0] != "3600000" || got[1] != "3600000" {
		t.Errorf("bulk statement and idle timeouts %v ms, want an hour each", got)
	}
	// Every session checks that its client is still there and runs without JIT.
	if err := db.ReadTx(ctx, func(tx pgx.Tx) error {
		got = settings(ctx, t, tx, "client_connection_check_interval", "jit", "tcp_keepalives_idle")
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, " ") != "2000 off 60" {
		t.Errorf("session guards %v, want a 2000 ms client check, jit off, keepalives after 60 s", got)
	}
}

// TestRequestEndStopsStatement: a request's statement stops on the server soon after the
// request's context ends.
func TestRequestEndStopsStatement(t *testing.T) {
	db := storetest.New(t)
	ctx := context.Background()
	layers, err := db.TileLayers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var parcels store.LayerRow
	for _, l := range layers {
		if l.Name == "parcels" {
			parcels = l
		}
	}
	rctx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	// A catalog row filter is SQL: the one way to make a features statement this slow.
	sleep := "(SELECT pg_sleep(600)) IS NOT NULL"
	parcels.RowFilter = &sleep
	q := store.FeatureQuery{Layer: parcels, Limit: 10}
	if _, err := db.Features(rctx, q, store.FormatGeoJSON, func([][]byte) error { return nil }); !errors.Is(err, store.ErrTimeout) {
		t.Fatalf("a 600 s statement under a 300 ms deadline: %v, want store.ErrTimeout", err)
	}
	waitNoActive(t, db, `query LIKE '%pg_sleep(600)%'`)
}

// waitNoActive polls pg_stat_activity until no other backend runs a statement matching cond,
// failing after a minute: generous for a busy machine, far shorter than the statements.
func waitNoActive(t *testing.T, db *store.DB, cond string) {
	t.Helper()
	ctx := context.Background()
	start := time.Now()
	for {
		var n int
		if err := db.Pool().QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity
			WHERE state = 'active' AND pid <> pg_backend_pid() AND `+cond).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
		if time.Since(start) > time.Minute {
			t.Fatalf("%d backends still run the statement a minute after its request ended", n)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
