package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"bandoso/store"
	"bandoso/store/storetest"
)

func TestAPIKeys(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := storetest.NewURL(t)
	db, err := store.Open(ctx, url, store.Options{MaxConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)

	k, secret, err := db.CreateKey(ctx, "field-team", store.RoleEditor, "alice")
	if err != nil {
		t.Fatal(err)
	}
	if !store.LooksLikeKey(secret) || !strings.Contains(secret, k.Prefix) || k.CreatedBy != "alice" {
		t.Fatalf("key %+v, secret %q", k, secret)
	}
	got, err := db.KeyBySecret(ctx, secret)
	if err != nil || got.ID != k.ID || got.Role != store.RoleEditor {
		t.Fatalf("KeyBySecret: %+v, %v", got, err)
	}
	if _, err := db.KeyBySecret(ctx, secret[:len(secret)-1]+"x"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a changed secret: %v, want ErrNotFound", err)
	}
	if _, _, err := db.CreateKey(ctx, "field-team", store.RoleReader, ""); !errors.Is(err, store.ErrConflict) {
		t.Errorf("a second live key of one name: %v, want ErrConflict", err)
	}
	if _, _, err := db.CreateKey(ctx, "x", store.Role("root"), ""); !errors.Is(err, store.ErrInvalidRole) {
		t.Errorf("role root: %v", err)
	}

	// The database holds the secret's digest only.
	var leaks bool
	if err := pool.QueryRow(ctx, `SELECT bool_or(to_jsonb(k)::text LIKE '%' || $1 || '%') FROM api_keys k`,
		strings.SplitN(secret, "_", 3)[2]).Scan(&leaks); err != nil || leaks {
		t.Errorf("api_keys holds the secret: %v %v", leaks, err)
	}

	if _, err := db.RevokeKey(ctx, k.Prefix); err != nil {
		t.Fatal(err)
	}
	if _, err := db.KeyBySecret(ctx, secret); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a revoked key: %v, want ErrNotFound", err)
	}
	if _, _, err := db.CreateKey(ctx, "field-team", store.RoleReader, ""); err != nil {
		t.Errorf("the name of a revoked key is free again: %v", err)
	}
	keys, err := db.Keys(ctx)
	if err != nil || len(keys) != 2 || keys[0].RevokedAt == nil {
		t.Errorf("Keys: %+v, %v", keys, err)
	}

	for _, c := range []struct {
		have, need store.Role
		ok         bool
	}{{store.RoleAdmin, store.RoleEditor, true}, {store.RoleEditor, store.RoleEditor, true},
		{store.RoleReader, store.RoleEditor, false}, {store.Role(""), store.RoleReader, false}} {
		if c.have.Allows(c.need) != c.ok {
			t.Errorf("%q allows %q: %v", c.have, c.need, !c.ok)
		}
	}
}
