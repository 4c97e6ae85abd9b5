package store

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Translate exposes the driver-error translation to the tests of package store_test, which
// check it against errors the real schema raises.
var Translate = translate

// Pool exposes the pool so tests can see the session settings Open gives connections.
func (db *DB) Pool() *pgxpool.Pool { return db.pool }

// RawTileQuery makes a tile statement of any SQL taking $1, $2, $3, to test how Tile runs it.
func RawTileQuery(sql string) TileQuery { return TileQuery{sql: sql} }

// MigrateDownTo rolls the schema back to version, for tests of a migration's Down.
func (db *DB) MigrateDownTo(ctx context.Context, version int64) error {
	p, sqlDB, err := db.provider()
	if err != nil {
		return err
	}
	defer sqlDB.Close()
	_, err = p.DownTo(ctx, version)
	return err
}

// MigrateDownOnly rolls back the one migration version, leaving later ones applied.
func (db *DB) MigrateDownOnly(ctx context.Context, version int64) error {
	p, sqlDB, err := db.provider()
	if err != nil {
		return err
	}
	defer sqlDB.Close()
	_, err = p.ApplyVersion(ctx, version, false)
	return err
}

// ReadTx and BulkTx expose the transactions requests and imports run in, to test the limits
// they set.
func (db *DB) ReadTx(ctx context.Context, fn func(pgx.Tx) error) error { return db.readTx(ctx, fn) }
func (db *DB) BulkTx(ctx context.Context, fn func(pgx.Tx) error) error { return db.bulkTx(ctx, fn) }

// FilterSQL exposes the translation of q.Filter to SQL on the row alias t, with parameters
// from argOffset+1, to test its text and its plans.
func FilterSQL(q FeatureQuery, argOffset int) (string, []any, error) { return q.filterSQL(argOffset) }

// FilterType exposes the filter type of a PostgreSQL type.
var FilterType = filterType
