package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Errors returned by store. Callers match them with errors.Is; api turns them into statuses.
var (
	// ErrNotFound: no row matched.
	ErrNotFound = errors.New("store: not found")
	// ErrConflict: a unique key is taken (SQLSTATE 23505).
	ErrConflict = errors.New("store: conflict")
	// ErrInvalid: the database rejected a value (check, not-null, foreign key, bad geometry).
	ErrInvalid = errors.New("store: invalid value")
	// ErrTimeout: the statement ran past its timeout (SQLSTATE 57014) or the context's deadline.
	ErrTimeout = errors.New("store: timeout")
	// ErrUnavailable: the database cannot be reached or is shutting down.
	ErrUnavailable = errors.New("store: database unavailable")
	// ErrNotMigrated: the schema is behind the migrations this binary carries.
	ErrNotMigrated = errors.New("store: migrations pending")
)

// translate turns driver errors into ours at the edge of the package, keeping the original
// in the chain for logs. Matching is on SQLSTATE codes and error types, never on message text.
// An error that is ours already passes unchanged, so that a wrap says "store: …" once.
func translate(err error) error {
	k := kind(err)
	if k == nil || errors.Is(err, k) {
		return err
	}
	return fmt.Errorf("%w: %w", k, err)
}

// kind is the error of ours that the driver error err is: ErrNotFound, ErrConflict, ErrInvalid,
// ErrTimeout or ErrUnavailable; nil for none, and for a cancelled context, which is the
// caller's own doing.
func kind(err error) error {
	if err == nil || errors.Is(err, context.Canceled) {
		return nil
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return ErrNotFound
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return ErrTimeout
	}
	// Before the server's own errors: a connection it refused (a wrong password, a database
	// that does not exist) leaves the database as unusable as one that is down.
	var connErr *pgconn.ConnectError
	if errors.As(err, &connErr) {
		return ErrUnavailable
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch {
		case pgErr.Code == "23505":
			return ErrConflict
		case pgErr.Code == "57014":
			return ErrTimeout
		case pgErr.Code[:2] == "23", pgErr.Code[:2] == "22", isGeometryParseError(pgErr):
			return ErrInvalid
		case pgErr.Code[:2] == "08", pgErr.Code[:2] == "57", pgErr.Code == "53300":
			// connection exceptions, operator intervention (shutdown), too many connections
			return ErrUnavailable
		}
		return nil
	}
	var netErr net.Error
	// A connection cut mid-answer (a restart, a proxy or network fault) ends in EOF.
	lost := errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) || errors.Is(err, pgconn.ErrConnClosed)
	if lost || errors.As(err, &netErr) || pgconn.SafeToRetry(err) {
		return ErrUnavailable
	}
	return nil
}

// isGeometryParseError reports PostGIS's WKT/WKB parse errors. PostGIS raises them as
// internal_error (XX000), told apart from real internal errors only by the C function that
// reports them (lwgeom_pg.c pg_parser_errhint in PostGIS 3).
func isGeometryParseError(pgErr *pgconn.PgError) bool {
	return pgErr.Code == "XX000" && pgErr.Routine == "pg_parser_errhint"
}

func isUndefinedTable(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "42P01"
}
