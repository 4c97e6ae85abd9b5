package api_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"bandoso/api"
	"bandoso/catalog"
	"bandoso/internal/testwait"
	"bandoso/live"
	"bandoso/store"
	"bandoso/store/storetest"
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

// TestRevokedKeyStopsOnEveryInstance: two servers on one database, each with its own
// memory of keys and its own change listener. A key both have just accepted is revoked in
// the database; each refuses it as soon as its own listener has heard, whichever wrote it.
func TestRevokedKeyStopsOnEveryInstance(t *testing.T) {
	t.Parallel()
	url := storetest.NewURL(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	type instance struct {
		url   string
		heard chan struct{}
	}
	var instances []instance
	var db *store.DB
	for range 2 {
		db = openStore(t, url)
		hub := live.New(db, nil)
		in := instance{heard: make(chan struct{}, 1)}
		s := testServer(api.Server{DB: db, Catalog: catalog.New(db), Changes: hub, Version: "test"})
		// after the server's own subscription, which forgets the keys
		hub.Subscribe(func(changes []store.Change) {
			if slices.ContainsFunc(changes, func(c store.Change) bool { return c.Table == store.KeysTable }) {
				select {
				case in.heard <- struct{}{}:
				default:
				}
			}
		})
		if err := hub.CatchUp(ctx); err != nil {
			t.Fatal(err)
		}
		ts := httptest.NewServer(s.Handler())
		t.Cleanup(ts.Close)
		in.url = ts.URL
		instances = append(instances, in)
		go hub.Listen(ctx)
	}
	key := newKey(t, db, "revoked-everywhere", store.RoleAdmin)
	for _, in := range instances {
		res, body := send(t, http.MethodGet, in.url+"/v1/admin/audit?limit=1", key...)
		checkStatus(t, "before revoking", res, body, http.StatusOK)
	}
	if _, err := db.RevokeKey(ctx, "revoked-everywhere"); err != nil {
		t.Fatal(err)
	}
	for i, in := range instances {
		select {
		case <-in.heard:
		case <-time.After(testwait.Patience):
			t.Fatalf("server %d did not hear the revocation in %s", i, testwait.Patience)
		}
		res, body := send(t, http.MethodGet, in.url+"/v1/admin/audit?limit=1", key...)
		checkStatus(t, fmt.Sprintf("server %d, once it heard of the revocation", i), res, body, http.StatusUnauthorized)
	}
}
