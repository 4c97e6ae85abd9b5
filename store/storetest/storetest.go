// Package storetest gives each test a database of its own, cloned from a migrated template,
// on the server that DATABASE_URL names (`make test` starts a local one and sets it).
//
// The template is named after a hash of the embedded migrations, so a changed migration gets
// a fresh template; it is built once per server under an advisory lock, whichever test
// process gets there first. Clones are dropped when the test ends.
package storetest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/url"
	"os"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"bandoso/demo"
	"bandoso/migrations"
	"bandoso/migrations/units"
	"bandoso/store"
)

var (
	templateOnce sync.Once
	templateName string
	templateErr  error
)

// ServerURL returns DATABASE_URL, failing the test with a hint when it is unset: a missing
// database is a failed run, never a skipped one.
func ServerURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv("DATABASE_URL")
	if u == "" {
		t.Fatal("DATABASE_URL is not set: run `make test`, which starts a local PostGIS, " +
			"or point DATABASE_URL at a PostGIS server where this role may CREATE DATABASE")
	}
	return u
}

// NewURL creates an empty, migrated database for this test and returns its URL. The database
// is dropped when the test ends.
func NewURL(t testing.TB) string {
	t.Helper()
	server := ServerURL(t)
	templateOnce.Do(func() { templateName, templateErr = ensureTemplate(server) })
	if templateErr != nil {
		t.Fatalf("storetest: template database: %v", templateErr)
	}
	return newDatabase(t, templateName)
}

// newDatabase creates a database of this test's own from template and drops it at cleanup.
func newDatabase(t testing.TB, template string) string {
	t.Helper()
	server := ServerURL(t)
	name := "bandoso_test_" + randomSuffix()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := adminExec(ctx, server, createFrom(name, template)); err != nil {
		t.Fatalf("storetest: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := adminExec(ctx, server, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
			t.Errorf("storetest: drop %s: %v", name, err)
		}
	})
	return withDatabase(server, name)
}

// NewEmptyURL creates a database for this test from template0, with PostGIS not installed
// and no migrations applied, and returns its URL. The database is dropped when the test ends.
func NewEmptyURL(t testing.TB) string {
	t.Helper()
	return newDatabase(t, "template0")
}

// ClosedURL returns the URL of a database on a loopback port where nothing listens, for
// tests of what the service does while the database is unreachable.
func ClosedURL(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return "postgres://postgres@" + addr + "/bandoso?sslmode=disable&connect_timeout=2"
}

// New returns a store on a fresh migrated database of its own, closed when the test ends.
func New(t testing.TB) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), NewURL(t), store.Options{MaxConns: 8})
	if err != nil {
		t.Fatalf("storetest: open: %v", err)
	}
	t.Cleanup(db.Close)
	return db
}

// NewWithPool returns a store as New does, and a pgx pool on the same database for the SQL
// that a test sets up or checks with; both close when the test ends.
func NewWithPool(t testing.TB) (*store.DB, *pgxpool.Pool) {
	t.Helper()
	url := NewURL(t)
	db, err := store.Open(context.Background(), url, store.Options{MaxConns: 8})
	if err != nil {
		t.Fatalf("storetest: open: %v", err)
	}
	t.Cleanup(db.Close)
	pool, err := pgxpool.New(context.Background(), url)
	if err != nil {
		t.Fatalf("storetest: pool: %v", err)
	}
	t.Cleanup(pool.Close)
	return db, pool
}

// LoadDemo loads the demo city of seed and size into db, as `bandoso demo` does.
func LoadDemo(t testing.TB, db *store.DB, seed uint64, size int) {
	t.Helper()
	city, err := demo.New(seed, size)
	if err != nil {
		t.Fatalf("storetest: demo city: %v", err)
	}
	if _, err := db.LoadDemo(context.Background(), city, store.DemoLoadOptions{}); err != nil {
		t.Fatalf("storetest: load demo city: %v", err)
	}
}

func ensureTemplate(server string) (string, error) {
	hash, err := migrationsHash()
	if err != nil {
		return "", err
	}
	name := "bandoso_template_" + hash
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, server)
	if err != nil {
		return "", err
	}
	defer conn.Close(ctx)
	// One builder per server; other test processes wait here, then find it built.
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock(hashtext('bandoso storetest template'))"); err != nil {
		return "", err
	}
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		return "", err
	}
	if exists {
		return name, nil
	}
	// Build under a temporary name and rename last, so a half-built template is never used.
	building := name + "_building"
	ident := pgx.Identifier{building}.Sanitize()
	if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+ident+" WITH (FORCE)"); err != nil {
		return "", err
	}
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+ident+" TEMPLATE template0 ENCODING 'UTF8'"); err != nil {
		return "", err
	}
	db, err := store.Open(ctx, withDatabase(server, building), store.Options{MaxConns: 2})
	if err != nil {
		return "", err
	}
	_, err = db.Migrate(ctx)
	db.Close()
	if err != nil {
		return "", err
	}
	if _, err := conn.Exec(ctx, "ALTER DATABASE "+ident+" RENAME TO "+pgx.Identifier{name}.Sanitize()); err != nil {
		return "", err
	}
	return name, nil
}

func createFrom(name, template string) string {
	return "CREATE DATABASE " + pgx.Identifier{name}.Sanitize() + " TEMPLATE " + pgx.Identifier{template}.Sanitize()
}

// adminExec runs one statement that cannot run in a transaction (CREATE/DROP DATABASE),
// retrying while the template is briefly in use by another clone.
func adminExec(ctx context.Context, server, sql string) error {
	conn, err := pgx.Connect(ctx, server)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	for attempt := 0; ; attempt++ {
		_, err = conn.Exec(ctx, sql)
		var pgErr *pgconn.PgError
		if err == nil || attempt == 20 || !errors.As(err, &pgErr) || pgErr.Code != "55006" { // object_in_use
			return err
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// migrationsHash hashes every embedded migration file, the reference data that the Go
// migrations load and their SQL.
func migrationsHash() (string, error) {
	var names []string
	err := fs.WalkDir(migrations.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			names = append(names, path)
		}
		return err
	})
	if err != nil {
		return "", err
	}
	sort.Strings(names)
	h := sha256.New()
	for _, n := range names {
		b, err := fs.ReadFile(migrations.FS, n)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%s\x00%d\x00", n, len(b))
		h.Write(b)
	}
	h.Write([]byte(units.SQL()))
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}

func withDatabase(server, name string) string {
	u, err := url.Parse(server)
	if err != nil || u.Scheme == "" {
		// keyword/value form: the last dbname wins
		return server + " dbname=" + name
	}
	u.Path = "/" + name
	return u.String()
}

func randomSuffix() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
