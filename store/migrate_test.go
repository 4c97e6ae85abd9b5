package store_test

import (
	"context"
	"errors"
	"io/fs"
	"slices"
	"sort"
	"testing"
	"time"

	"bandoso/migrations"
	"bandoso/store"
	"bandoso/store/storetest"
)

// embeddedMigrations lists the migrations this binary carries in order: the SQL files and the
// Go migrations 00011 and 00019.
func embeddedMigrations(t *testing.T) []string {
	t.Helper()
	names, err := fs.Glob(migrations.FS, "*.sql")
	if err != nil || len(names) == 0 {
		t.Fatalf("embedded migrations: %v (%d files)", err, len(names))
	}
	names = append(names, "00011 (Go)", "00019 (Go)")
	sort.Strings(names)
	return names
}

func TestMigrate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, err := store.Open(ctx, storetest.NewEmptyURL(t), store.Options{MaxConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	if err := db.Ready(ctx); !errors.Is(err, store.ErrNotMigrated) {
		t.Fatalf("Ready on an empty database = %v, want ErrNotMigrated", err)
	}

	applied, err := db.Migrate(ctx)
	if err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	files := embeddedMigrations(t)
	var got []string
	for i, m := range applied {
		got = append(got, m.Name)
		if i > 0 && m.Version <= applied[i-1].Version {
			t.Errorf("migration %d (%s) applied after %d", m.Version, m.Name, applied[i-1].Version)
		}
	}
	if !slices.Equal(got, files) {
		t.Fatalf("Migrate applied %q, want every embedded migration in order %q", got, files)
	}
	if last := applied[len(applied)-1].Version; last != store.LatestMigration() {
		t.Errorf("last applied %d, LatestMigration %d", last, store.LatestMigration())
	}
	if err := db.Ready(ctx); err != nil {
		t.Fatalf("Ready after Migrate = %v, want nil", err)
	}

	again, err := db.Migrate(ctx)
	if err != nil {
		t.Fatalf("second Migrate: %v", err)
	}
	if len(again) != 0 {
		t.Fatalf("second Migrate applied %d migrations, want none", len(again))
	}
}

func TestReadyUnreachable(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	db, err := store.Open(ctx, storetest.ClosedURL(t), store.Options{})
	if err != nil {
		t.Fatalf("Open must not wait for the database: %v", err)
	}
	defer db.Close()
	if err := db.Ready(ctx); !errors.Is(err, store.ErrUnavailable) {
		t.Fatalf("Ready on a closed port = %v, want ErrUnavailable", err)
	}
}

func TestOpenStatementTimeout(t *testing.T) {
	t.Parallel()
	url := storetest.NewURL(t)
	cases := []struct {
		name string
		opt  time.Duration
		want string
	}{
		{"zero takes the default", 0, "30s"},
		{"a set limit", 1500 * time.Millisecond, "1500ms"},
		{"negative means no limit, for migrations", -1, "0"},
	}
	for _, c := range cases {
		db, err := store.Open(context.Background(), url, store.Options{MaxConns: 1, StatementTimeout: c.opt})
		if err != nil {
			t.Fatal(err)
		}
		var got string
		err = db.Pool().QueryRow(context.Background(), "SHOW statement_timeout").Scan(&got)
		db.Close()
		if err != nil || got != c.want {
			t.Errorf("%s: statement_timeout %q (%v), want %q", c.name, got, err, c.want)
		}
	}
}

// TestMigrateOutOfOrder: a database that reached a later migration without 00011 is not
// ready, and Migrate applies 00011 after the later ones.
func TestMigrateOutOfOrder(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.New(t)
	if err := db.MigrateDownOnly(ctx, 11); err != nil {
		t.Fatal(err)
	}
	if err := db.Ready(ctx); !errors.Is(err, store.ErrNotMigrated) {
		t.Fatalf("Ready without 00011 = %v, want ErrNotMigrated", err)
	}
	applied, err := db.Migrate(ctx)
	if err != nil || len(applied) != 1 || applied[0].Version != 11 {
		t.Fatalf("Migrate applied %+v, %v; want 00011 alone", applied, err)
	}
	if err := db.Ready(ctx); err != nil {
		t.Fatalf("Ready after Migrate = %v", err)
	}
}
