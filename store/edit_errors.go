package store

import (
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// Version names one version of a feature: the time it began (its sys_from) in Unix
// microseconds, PostgreSQL's precision, so that it round-trips exactly.
type Version int64

// VersionOf is the version that began at t.
func VersionOf(t time.Time) Version { return Version(t.UnixMicro()) }

// Time is when the version began.
func (v Version) Time() time.Time { return time.UnixMicro(int64(v)).UTC() }

// ErrStale: the feature changed since the version an edit was based on.
var ErrStale = errors.New("store: the feature has changed")

// StaleError is an edit based on a version that is no longer the feature's; Current is.
type StaleError struct{ Current Version }

func (e *StaleError) Error() string {
	return fmt.Sprintf("the feature has changed: its version is now %d", e.Current)
}
func (e *StaleError) Unwrap() error { return ErrStale }

// PropertyError is a property an edit may not carry or a value not of its column's type.
type PropertyError struct {
	// Name is the property, or "geometry".
	Name, Reason string
}

func (e *PropertyError) Error() string { return fmt.Sprintf("%s: %s", e.Name, e.Reason) }

// ConstraintError is an edit the data's rules refuse: a NOT NULL, CHECK or foreign key
// (wrapping ErrInvalid), a unique key (wrapping ErrConflict), an invalid geometry or a row
// outside the layer.
type ConstraintError struct {
	// Column and Constraint name what refused the edit, when known.
	Column, Constraint string
	Reason             string
	err                error
}

func (e *ConstraintError) Error() string {
	s := e.Reason
	if e.Constraint != "" {
		s += " (constraint " + e.Constraint + ")"
	}
	if e.Column != "" {
		s = e.Column + ": " + s
	}
	return s
}
func (e *ConstraintError) Unwrap() error { return e.err }

// editError turns a PostgreSQL error of an edit into a ConstraintError naming its column or
// constraint; other errors go through translate.
func editError(err error) error {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		return translate(err)
	}
	ce := &ConstraintError{Column: pgErr.ColumnName, Constraint: pgErr.ConstraintName, Reason: pgErr.Message, err: ErrInvalid}
	switch pgErr.Code {
	case "23505":
		ce.err, ce.Reason = ErrConflict, "a feature with this key exists"
		if pgErr.Detail != "" {
			ce.Reason += ": " + pgErr.Detail
		}
	case "23502":
		ce.Reason = "may not be null"
	case "23503":
		ce.Reason = "refers to nothing"
		if pgErr.Detail != "" {
			ce.Reason += ": " + pgErr.Detail
		}
	case "23514":
		// the message names the rule: a check constraint, or a trigger's own words
	default:
		return translate(err)
	}
	return ce
}
