package storetest

import (
	"context"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"

	"bandoso/internal/testwait"
)

// ReplicaURL returns REPLICA_URL (scripts/replica.sh, which `make test` runs) pointed at the
// database of url, made on the primary, once the replica has replayed everything the primary
// had written; it skips the test, saying so, where REPLICA_URL is unset. The test holds the
// replica alone until it ends (holdReplica), so that it may pause its replay (PauseReplay)
// and no test of another package pauses it meanwhile.
func ReplicaURL(t testing.TB, url string) string {
	t.Helper()
	replica := os.Getenv("REPLICA_URL")
	if replica == "" {
		t.Skip("REPLICA_URL is not set: `make test` starts a streaming replica (scripts/replica.sh) and sets it")
	}
	holdReplica(t)
	name := databaseOf(t, url)
	replica = withDatabase(replica, name)
	WaitReplayed(t, url, replica)
	return replica
}

// PgbouncerURL returns PGBOUNCER_URL (scripts/pgbouncer.sh, pool_mode=transaction) pointed at
// the database of url; it skips the test, saying so, where PGBOUNCER_URL is unset.
func PgbouncerURL(t testing.TB, url string) string {
	t.Helper()
	bouncer := os.Getenv("PGBOUNCER_URL")
	if bouncer == "" {
		t.Skip("PGBOUNCER_URL is not set: `make test` starts pgbouncer in transaction mode (scripts/pgbouncer.sh) and sets it")
	}
	return withDatabase(bouncer, databaseOf(t, url))
}

// WaitReplayed waits until the replica at replicaURL has replayed the primary's WAL as far as
// the primary at primaryURL had written it when called.
func WaitReplayed(t testing.TB, primaryURL, replicaURL string) {
	t.Helper()
	ctx := context.Background()
	var lsn string
	queryOnce(t, primaryURL, `SELECT pg_current_wal_lsn()::text`, &lsn)
	testwait.Until(t, "the replica replays the primary up to "+lsn, func() bool {
		conn, err := pgx.Connect(ctx, replicaURL)
		if err != nil {
			return false // the database's creation is not replayed yet
		}
		defer conn.Close(ctx)
		var done bool
		return conn.QueryRow(ctx, `SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn`, lsn).Scan(&done) == nil && done
	})
}

// PauseReplay stops the replica at replicaURL, from ReplicaURL, replaying the primary's WAL
// (pg_wal_replay_pause) until the test ends or it calls the function returned.
func PauseReplay(t testing.TB, replicaURL string) (resume func()) {
	t.Helper()
	var ignored string
	queryOnce(t, replicaURL, `SELECT pg_wal_replay_pause()::text`, &ignored)
	resume = func() { queryOnce(t, replicaURL, `SELECT pg_wal_replay_resume()::text`, &ignored) }
	t.Cleanup(resume)
	return resume
}

// holdReplica takes the shared replica alone for the rest of the test: an advisory lock on
// the primary, which the test processes of every package share.
func holdReplica(t testing.TB) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, withDatabase(ServerURL(t), "postgres"))
	if err != nil {
		t.Fatalf("storetest: replica lock: %v", err)
	}
	// Waits as long as it takes: the test holding the replica ends first.
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock(hashtext('bandoso replica'))"); err != nil {
		conn.Close(ctx)
		t.Fatalf("storetest: replica lock: %v", err)
	}
	t.Cleanup(func() { conn.Close(ctx) }) // closing the session releases the lock
}

// databaseOf is the name of url's database.
func databaseOf(t testing.TB, url string) string {
	t.Helper()
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		t.Fatalf("storetest: %v", err)
	}
	return cfg.Database
}

// queryOnce runs sql on a connection of its own to url and scans its one value into dst.
func queryOnce(t testing.TB, url, sql string, dst any) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatalf("storetest: %v", err)
	}
	defer conn.Close(ctx)
	if err := conn.QueryRow(ctx, sql).Scan(dst); err != nil {
		t.Fatalf("storetest: %s: %v", sql, err)
	}
}
