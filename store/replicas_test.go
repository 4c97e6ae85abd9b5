package store_test

import (
	"context"
	"errors"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"bandoso/geo"
	"bandoso/internal/testwait"
	"bandoso/store"
	"bandoso/store/storetest"
)

// serverTile is a tile statement whose bytes name the server that ran it.
var serverTile = store.RawTileQuery(`SELECT convert_to(CASE WHEN pg_is_in_recovery() THEN 'replica' ELSE 'primary' END
	|| '/' || $1::int || $2::int || $3::int, 'UTF8')`)

// servedBy makes a tile and says which server made it and how far that server had replayed.
func servedBy(t *testing.T, db *store.DB) (string, store.LSN) {
	t.Helper()
	parts, lsn, err := db.Tile(context.Background(), []store.TileQuery{serverTile}, geo.NewTile(1, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	who, _, _ := strings.Cut(string(parts[0]), "/")
	return who, lsn
}

func openWithReplicas(t *testing.T, url string, maxLag time.Duration, replicas ...string) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), url, store.Options{MaxConns: 4, Replicas: replicas, ReplicaMaxLag: maxLag})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	return db
}

func replicaUp(db *store.DB) bool { return db.Replicas()[0].Up }

// writeOnPrimary commits a change on the primary and returns its position after it.
func writeOnPrimary(t *testing.T, url string) store.LSN {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var lsn int64
	if _, err := conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS replica_marks (at timestamptz); INSERT INTO replica_marks VALUES (now())`); err != nil {
		t.Fatal(err)
	}
	if err := conn.QueryRow(ctx, `SELECT (pg_current_wal_lsn() - '0/0'::pg_lsn)::bigint`).Scan(&lsn); err != nil {
		t.Fatal(err)
	}
	return store.LSN(lsn)
}

// Reads go to the replica until this instance has seen a change the replica has not replayed
// yet; then to the primary, whose answer holds it.
func TestReplicaReadsFollowWhatTheInstanceHasSeen(t *testing.T) {
	url := storetest.NewURL(t)
	replica := storetest.ReplicaURL(t, url)
	db := openWithReplicas(t, url, time.Minute, replica)
	testwait.Until(t, "the replica is up", func() bool { return replicaUp(db) })
	if who, _ := servedBy(t, db); who != "replica" {
		t.Fatalf("a read with the replica up went to the %s", who)
	}

	storetest.PauseReplay(t, replica)
	written := writeOnPrimary(t, url)
	// Not seen by this instance yet: the replica, behind but within the lag, still serves.
	who, lsn := servedBy(t, db)
	if who != "replica" || lsn >= written {
		t.Errorf("before the change is seen: served by the %s at %s, want the replica, behind %s", who, lsn, written)
	}
	db.Saw(written)
	who, lsn = servedBy(t, db)
	if who != "primary" || lsn < written {
		t.Errorf("after the change is seen: served by the %s at %s, want the primary, at or past %s", who, lsn, written)
	}
	if st := db.Replicas()[0]; !st.Up || st.Replayed >= written || st.Name == "" {
		t.Errorf("replica status %+v: want up, named, behind %s", st, written)
	}
}

// A replica further behind than the allowed lag is skipped, whatever the instance has seen,
// and read from again once it catches up.
func TestReplicaPastMaxLagIsSkipped(t *testing.T) {
	url := storetest.NewURL(t)
	replica := storetest.ReplicaURL(t, url)
	db := openWithReplicas(t, url, time.Second, replica)
	testwait.Until(t, "the replica is up", func() bool { return replicaUp(db) })

	resume := storetest.PauseReplay(t, replica)
	writeOnPrimary(t, url)
	testwait.Until(t, "the paused replica is skipped", func() bool { return !replicaUp(db) })
	if st := db.Replicas()[0]; st.Lag <= time.Second || st.Err != nil {
		t.Errorf("skipped replica: %+v, want a lag past 1s and no error", st)
	}
	if who, _ := servedBy(t, db); who != "primary" {
		t.Errorf("with the replica past its lag a read went to the %s", who)
	}

	resume()
	testwait.Until(t, "the replica is up again", func() bool { return replicaUp(db) })
	if who, _ := servedBy(t, db); who != "replica" {
		t.Errorf("with the replica caught up a read went to the %s", who)
	}
}

// A replica that stops is read from no more: the read that finds it gone is served by the
// primary, as is everything after; one that never answered is never read from.
func TestReplicaStoppedReadsStillServed(t *testing.T) {
	url := storetest.NewURL(t)
	replica := storetest.ReplicaURL(t, url)
	proxied, stop := proxy(t, replica)
	db := openWithReplicas(t, url, time.Minute, proxied, storetest.ClosedURL(t))
	testwait.Until(t, "the replica is up", func() bool { return replicaUp(db) })
	if who, _ := servedBy(t, db); who != "replica" {
		t.Fatalf("a read with the replica up went to the %s", who)
	}
	if never := db.Replicas()[1]; never.Up || !errors.Is(never.Err, store.ErrUnavailable) {
		t.Errorf("a replica where nothing listens: %+v, want down, unavailable", never)
	}

	stop()
	for range 3 {
		if who, _ := servedBy(t, db); who != "primary" {
			t.Errorf("with the replica stopped a read went to the %s", who)
		}
	}
	if replicaUp(db) {
		t.Error("the stopped replica is still up")
	}
}

// proxy forwards a loopback port to url's server, and returns url through it and a function
// that stops it as a server stops: refusing connections, and cutting those open.
func proxy(t *testing.T, url string) (string, func()) {
	t.Helper()
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		t.Fatal(err)
	}
	target := net.JoinHostPort(cfg.Host, strconv.Itoa(int(cfg.Port)))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			mu.Lock()
			conns = append(conns, c, s)
			mu.Unlock()
			go func() { io.Copy(s, c); s.Close() }() //nolint:errcheck // ends with either side
			go func() { io.Copy(c, s); c.Close() }() //nolint:errcheck
		}
	}()
	stop := func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	}
	t.Cleanup(stop)
	return "postgres://" + cfg.User + "@" + ln.Addr().String() + "/" + cfg.Database + "?sslmode=disable", stop
}
