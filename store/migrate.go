package store

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"slices"
	"time"

	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"bandoso/migrations"
	"bandoso/migrations/units"
)

// Migration is one applied migration, for the report of `bandoso migrate`.
type Migration struct {
	Version  int64
	Name     string
	Duration time.Duration
}

// provider wraps goose around the pool. A session advisory lock keeps two instances that
// start at once from applying the same migration twice.
func (db *DB) provider() (*goose.Provider, *sql.DB, error) {
	sqlDB := stdlib.OpenDBFromPool(db.pool)
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		sqlDB.Close()
		return nil, nil, err
	}
	fsys, err := fs.Sub(migrations.FS, ".")
	if err != nil {
		sqlDB.Close()
		return nil, nil, err
	}
	p, err := goose.NewProvider(goose.DialectPostgres, sqlDB, fsys,
		goose.WithSessionLocker(locker), goose.WithDisableGlobalRegistry(true), goose.WithGoMigrations(units.Migrations()...),
		// Migrations are numbered when work starts and land in any order: a database that a
		// build without 00011 took to 00013 still gets 00011.
		goose.WithAllowOutofOrder(true))
	if err != nil {
		sqlDB.Close()
		return nil, nil, fmt.Errorf("store: migrations: %w", err)
	}
	return p, sqlDB, nil
}

// Migrate applies every pending migration in order, each in its own transaction, and returns
// those it applied: none when the schema is current.
func (db *DB) Migrate(ctx context.Context) ([]Migration, error) {
	p, sqlDB, err := db.provider()
	if err != nil {
		return nil, err
	}
	defer sqlDB.Close()
	results, err := p.Up(ctx)
	applied := make([]Migration, 0, len(results))
	for _, r := range results {
		if r.Error == nil {
			applied = append(applied, Migration{Version: r.Source.Version, Name: migrationName(r.Source), Duration: r.Duration})
		}
	}
	if err != nil {
		// The kind comes first and says "store:"; "migrate:" tells what was under way.
		if k := kind(err); k != nil {
			return applied, fmt.Errorf("%w: migrate: %w", k, err)
		}
		return applied, fmt.Errorf("store: migrate: %w", err)
	}
	return applied, nil
}

// CheckMigrations returns ErrNotMigrated when the database lacks a migration this binary
// carries, and ErrUnavailable when it cannot tell.
func (db *DB) CheckMigrations(ctx context.Context) error {
	// One query instead of goose's status walk: readiness probes run often. Versions are
	// counted, not compared with the highest, since they may be applied out of order.
	known := migrationVersions()
	var applied int
	err := db.pool.QueryRow(ctx,
		`SELECT count(DISTINCT version_id) FROM goose_db_version WHERE is_applied AND version_id = ANY($1)`, known).Scan(&applied)
	if err != nil {
		if isUndefinedTable(err) {
			return ErrNotMigrated
		}
		return translate(err)
	}
	if applied < len(known) {
		return fmt.Errorf("%w: database has %d of the binary's %d migrations", ErrNotMigrated, applied, len(known))
	}
	return nil
}

// migrationName is a migration's file, or for one written in Go its version and "(Go)".
func migrationName(s *goose.Source) string {
	if s.Path == "" {
		return fmt.Sprintf("%05d (Go)", s.Version)
	}
	return s.Path
}

// migrationVersions lists the versions of the embedded migrations, SQL and Go.
func migrationVersions() []int64 {
	var vs []int64
	entries, _ := fs.Glob(migrations.FS, "*.sql")
	for _, e := range entries {
		if v, err := goose.NumericComponent(e); err == nil {
			vs = append(vs, v)
		}
	}
	for _, m := range units.Migrations() {
		vs = append(vs, m.Version)
	}
	return vs
}

// LatestMigration is the highest version among the embedded migrations, SQL or Go.
func LatestMigration() int64 {
	return slices.Max(migrationVersions())
}

// Ready reports whether the service can answer queries: the database answers and its
// schema is current. It returns ErrUnavailable or ErrNotMigrated (wrapped) otherwise.
func (db *DB) Ready(ctx context.Context) error {
	if err := db.Ping(ctx); err != nil {
		return err
	}
	return db.CheckMigrations(ctx)
}
