package main_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"bandoso/store"
	"bandoso/store/storetest"
)

func TestKeysCommand(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	vars := map[string]string{"DATABASE_URL": storetest.NewURL(t)}

	p := newProgram(vars)
	if err := p.run(ctx, "keys", "create", "--name", "gis-team", "--role", "editor"); err != nil {
		t.Fatalf("keys create: %v\n%s", err, p.stderr)
	}
	secret := strings.TrimSpace(p.stdout.String())
	if !strings.HasPrefix(secret, "bds_") || strings.Count(secret, "\n") != 0 {
		t.Fatalf("keys create printed %q; want the secret alone on stdout", secret)
	}

	p = newProgram(vars)
	if err := p.run(ctx, "keys", "list"); err != nil {
		t.Fatal(err)
	}
	if out := p.stdout.String(); !strings.Contains(out, "gis-team") || !strings.Contains(out, "editor") || strings.Contains(out, secret) {
		t.Errorf("keys list:\n%s", out)
	}

	for _, bad := range [][]string{{"keys", "create", "--name", "x", "--role", "root"}, {"keys", "create"}, {"keys", "burn"}, {"keys", "revoke", "nobody"}} {
		p = newProgram(vars)
		if err := p.run(ctx, bad...); err == nil {
			t.Errorf("%v succeeded", bad)
		}
	}

	p = newProgram(vars)
	if err := p.run(ctx, "keys", "revoke", "gis-team"); err != nil {
		t.Fatal(err)
	}
	p = newProgram(vars)
	if err := p.run(ctx, "keys", "revoke", "gis-team"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("revoking twice: %v", err)
	}
}
