package api_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"bandoso/store"
)

// TestRevokedKeyStopsAtOnce revokes a key the server has just seen (and so remembers) the way
// `bandoso keys revoke` does, in the database, and wants it refused as soon as the change
// notification arrives, not when the server's memory of it expires (10 s).
func TestRevokedKeyStopsAtOnce(t *testing.T) {
	e := newCityEnv(t, 500, withLiveTiles)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	heard := make(chan struct{}, 1)
	e.changes.Subscribe(func(changes []store.Change) {
		for _, c := range changes {
			if c.Table == store.KeysTable {
				select {
				case heard <- struct{}{}:
				default:
				}
			}
		}
	})
	go e.changes.Listen(ctx)
	// the listener is up once a revocation is heard
	for i, start := 0, time.Now(); ; i++ {
		name := fmt.Sprintf("probe-%d", i)
		newKey(t, e.db, name, store.RoleReader)
		if _, err := e.db.RevokeKey(ctx, name); err != nil {
			t.Fatal(err)
		}
		select {
		case <-heard:
		case <-time.After(500 * time.Millisecond):
			if time.Since(start) > time.Minute {
				t.Fatal("no revocation was announced in a minute")
			}
			continue
		}
		break
	}

	key := newKey(t, e.db, "soon-revoked", store.RoleAdmin)
	res, body := send(t, http.MethodGet, e.url+"/v1/admin/audit?limit=1", key...)
	checkStatus(t, "before revoking", res, body, http.StatusOK)
	if _, err := e.db.RevokeKey(ctx, "soon-revoked"); err != nil {
		t.Fatal(err)
	}
	revoked := time.Now()
	for {
		res, body := send(t, http.MethodGet, e.url+"/v1/admin/audit?limit=1", key...)
		if res.StatusCode == http.StatusUnauthorized {
			return
		}
		checkStatus(t, "after revoking", res, body, http.StatusOK)
		if time.Since(revoked) > 5*time.Second {
			t.Fatalf("the revoked key still works %s after", time.Since(revoked).Round(time.Millisecond))
		}
		time.Sleep(20 * time.Millisecond)
	}
}
