package store_test

import (
	"context"
	"errors"
	"log/slog"
	"net/url"
	"strings"
	"testing"
	"time"

	"bandoso/internal/testlog"
	"bandoso/store"
	"bandoso/store/storetest"
)

// A failure store turns into one of its errors comes back to the caller, who reports it:
// pgx's trace of it is at debug. Only a failure of no known kind, a wrong statement, warns.
func TestTraceLevels(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	logs := &testlog.Buffer{}
	opt := store.Options{MaxConns: 2, Logger: slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}
	db, err := store.Open(ctx, storetest.NewURL(t), opt)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, _, err := db.CreateKey(ctx, "twice", store.RoleReader, ""); err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.CreateKey(ctx, "twice", store.RoleReader, ""); err == nil {
		t.Fatal("a second live key named twice was made")
	}
	if _, err := db.Pool().Exec(ctx, "SELECT no_such_column FROM api_keys"); err == nil {
		t.Fatal("a wrong statement ran")
	}
	// A server that is down, and one that refuses the role.
	stranger, err := url.Parse(storetest.ServerURL(t))
	if err != nil {
		t.Fatal(err)
	}
	stranger.User = url.User("no_such_role_here")
	for _, u := range []string{storetest.ClosedURL(t), stranger.String()} {
		down, err := store.Open(ctx, u, opt)
		if err != nil {
			t.Fatal(err)
		}
		defer down.Close()
		if err := down.Ping(ctx); !errors.Is(err, store.ErrUnavailable) {
			t.Fatalf("Ping %s: %v, want ErrUnavailable", u, err)
		}
	}

	levels := map[string]string{} // what each failure was traced at
	for _, msg := range []string{"database: Query", "database: Exec", "database: Connect", "database: Acquire"} {
		for _, l := range logs.Lines(t, msg) {
			text, _ := l["err"].(string)
			for _, what := range []string{"api_keys_live_name", "no_such_column", "connect", "no_such_role_here"} {
				if strings.Contains(text, what) {
					levels[what] += l["level"].(string) + " "
				}
			}
		}
	}
	for what, want := range map[string]string{"api_keys_live_name": "DEBUG", "connect": "DEBUG", "no_such_role_here": "DEBUG", "no_such_column": "WARN"} {
		if got := strings.Fields(levels[what]); len(got) == 0 || strings.Count(levels[what], want) != len(got) {
			t.Errorf("the failure naming %s traced at %q, want %s only\n%s", what, levels[what], want, logs)
		}
	}
}

func TestKeyNameTaken(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.New(t)
	if _, _, err := db.CreateKey(ctx, "gis-team", store.RoleEditor, ""); err != nil {
		t.Fatal(err)
	}
	_, _, err := db.CreateKey(ctx, "gis-team", store.RoleReader, "")
	var taken *store.KeyNameTakenError
	if !errors.As(err, &taken) || taken.Name != "gis-team" || !errors.Is(err, store.ErrConflict) {
		t.Fatalf("a second live key named gis-team: %v, want a KeyNameTakenError wrapping ErrConflict", err)
	}
}

// An error of store says "store:" once, however often it was translated or wrapped on its way.
func TestErrorsSayStoreOnce(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	down, err := store.Open(ctx, storetest.ClosedURL(t), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer down.Close()
	_, err = down.Migrate(ctx)
	if !errors.Is(err, store.ErrUnavailable) || strings.Count(err.Error(), "store:") != 1 ||
		!strings.HasPrefix(err.Error(), "store: database unavailable: migrate: ") {
		t.Errorf("Migrate on a closed port: %v; want ErrUnavailable, then migrate, saying store once", err)
	}

	db := storetest.New(t)
	insert := `INSERT INTO api_keys (name, role, prefix, hash, created_by) VALUES ('k', 'reader', $1, sha256(convert_to($1, 'UTF8')), 'test')`
	if _, err := db.Pool().Exec(ctx, insert, "aaaaaaaa"); err != nil {
		t.Fatal(err)
	}
	_, err = db.Pool().Exec(ctx, insert, "bbbbbbbb")
	twice := store.Translate(store.Translate(err))
	if !errors.Is(twice, store.ErrConflict) || strings.Count(twice.Error(), "store:") != 1 {
		t.Errorf("a unique violation translated twice: %v", twice)
	}
}
