package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Role is what an API key may do. Each role may do all that the roles before it may.
type Role string

const (
	// RoleReader reads restricted layers.
	RoleReader Role = "reader"
	// RoleEditor also edits features and imports files.
	RoleEditor Role = "editor"
	// RoleAdmin also manages the layer catalog and reads the audit log.
	RoleAdmin Role = "admin"
)

// rank orders the roles; 0 is no role.
func (r Role) rank() int {
	switch r {
	case RoleReader:
		return 1
	case RoleEditor:
		return 2
	case RoleAdmin:
		return 3
	}
	return 0
}

// Valid reports whether r is one of the three roles.
func (r Role) Valid() bool { return r.rank() > 0 }

// Allows reports whether a key with role r may do what needs role need.
func (r Role) Allows(need Role) bool { return r.Valid() && r.rank() >= need.rank() }

// APIKey is a key as the database knows it: never its secret.
type APIKey struct {
	ID        int64
	Name      string
	Role      Role
	Prefix    string
	CreatedAt time.Time
	CreatedBy string
	RevokedAt *time.Time
}

// Actor is how history and the audit log name the changes made with the key.
func (k APIKey) Actor() string { return "key:" + k.Name }

// keyScheme starts every secret, so that a key pasted into the wrong place is recognizable
// (and secret scanners can find it).
const keyScheme = "bds_"

var lowerBase32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// newSecret returns a fresh secret, bds_<prefix>_<32 random bytes>, and its prefix.
func newSecret() (secret, prefix string) {
	var b [5 + 32]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24)
	prefix = strings.ToLower(lowerBase32.EncodeToString(b[:5]))
	return keyScheme + prefix + "_" + strings.ToLower(lowerBase32.EncodeToString(b[5:])), prefix
}

// KeyHash is the digest the database keeps of a secret.
func KeyHash(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

// LooksLikeKey reports whether s has the shape of a secret, so that callers can refuse
// garbage without asking the database.
func LooksLikeKey(s string) bool {
	rest, ok := strings.CutPrefix(s, keyScheme)
	return ok && len(rest) == 8+1+52 && rest[8] == '_'
}

const sqlKeyColumns = `id, name, role, prefix, created_at, created_by, revoked_at`

func scanKey(row pgx.Row) (APIKey, error) {
	var k APIKey
	var role string
	err := row.Scan(&k.ID, &k.Name, &role, &k.Prefix, &k.CreatedAt, &k.CreatedBy, &k.RevokedAt)
	k.Role = Role(role)
	return k, err
}

// ErrInvalidRole: a role other than reader, editor and admin.
var ErrInvalidRole = errors.New("store: role must be reader, editor or admin")

// KeyNameTakenError: a live key has the name a new key was given. A revoked key's name is free.
// It wraps ErrConflict.
type KeyNameTakenError struct{ Name string }

func (e *KeyNameTakenError) Error() string {
	return fmt.Sprintf("store: a live key is named %q", e.Name)
}
func (e *KeyNameTakenError) Unwrap() error { return ErrConflict }

// keyLiveName is the unique index of live keys' names (migration 00014).
const keyLiveName = "api_keys_live_name"

// CreateKey makes a key named name with role, recorded as made by by, and returns it with its
// secret, which is never stored and cannot be shown again. A live key of the same name is a
// *KeyNameTakenError.
func (db *DB) CreateKey(ctx context.Context, name string, role Role, by string) (APIKey, string, error) {
	if !role.Valid() {
		return APIKey{}, "", ErrInvalidRole
	}
	secret, prefix := newSecret()
	k, err := scanKey(db.pool.QueryRow(ctx, `INSERT INTO api_keys (name, role, prefix, hash, created_by)
		VALUES ($1, $2, $3, $4, coalesce(nullif($5, ''), session_user)) RETURNING `+sqlKeyColumns,
		name, string(role), prefix, KeyHash(secret), by))
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" && pgErr.ConstraintName == keyLiveName {
		return APIKey{}, "", &KeyNameTakenError{Name: name}
	}
	if err != nil {
		return APIKey{}, "", translate(err)
	}
	return k, secret, nil
}

// KeyBySecret returns the live key whose secret is secret, or ErrNotFound.
func (db *DB) KeyBySecret(ctx context.Context, secret string) (APIKey, error) {
	k, err := scanKey(db.pool.QueryRow(ctx, `SELECT `+sqlKeyColumns+` FROM api_keys
		WHERE hash = $1 AND revoked_at IS NULL`, KeyHash(secret)))
	return k, translate(err)
}

// Keys lists every key, revoked ones too, oldest first.
func (db *DB) Keys(ctx context.Context) ([]APIKey, error) {
	rows, err := db.pool.Query(ctx, `SELECT `+sqlKeyColumns+` FROM api_keys ORDER BY id`)
	if err != nil {
		return nil, translate(err)
	}
	keys, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (APIKey, error) { return scanKey(r) })
	return keys, translate(err)
}

// RevokeKey revokes the live key named by its name or prefix and returns it; ErrNotFound when
// no live key has that name or prefix.
func (db *DB) RevokeKey(ctx context.Context, nameOrPrefix string) (APIKey, error) {
	k, err := scanKey(db.pool.QueryRow(ctx, `UPDATE api_keys SET revoked_at = now()
		WHERE (name = $1 OR prefix = $1) AND revoked_at IS NULL RETURNING `+sqlKeyColumns, nameOrPrefix))
	if err != nil {
		return APIKey{}, fmt.Errorf("key %q: %w", nameOrPrefix, translate(err))
	}
	return k, nil
}
