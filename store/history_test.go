package store_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// asActor runs sql in one transaction whose changes are recorded as made by actor.
func asActor(t *testing.T, pool *pgxpool.Pool, actor, sql string, args ...any) int64 {
	t.Helper()
	ctx := context.Background()
	var id int64
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT set_config('bandoso.actor', $1, true)", actor); err != nil {
			return err
		}
		return tx.QueryRow(ctx, sql, args...).Scan(&id)
	})
	if err != nil {
		t.Fatalf("%s: %v", actor, err)
	}
	return id
}

func now(t *testing.T, pool *pgxpool.Pool) time.Time {
	t.Helper()
	var at time.Time
	if err := pool.QueryRow(context.Background(), "SELECT clock_timestamp()").Scan(&at); err != nil {
		t.Fatal(err)
	}
	return at
}

// streetAsOf reads a street's name as it was at a time, from streets and streets_history.
const streetAsOf = `
	SELECT name FROM (
		SELECT id, name, sys_from, 'infinity'::timestamptz AS sys_to FROM streets
		UNION ALL
		SELECT id, name, sys_from, sys_to FROM streets_history
	) v
	WHERE id = $1 AND sys_from <= $2 AND $2 < sys_to`

func TestHistoryAndAudit(t *testing.T) {
	t.Parallel()
	pool := sqlPool(t)
	ctx := context.Background()
	const line = "MULTILINESTRING((106.70 10.77, 106.71 10.77))"

	beforeInsert := now(t, pool)
	id := asActor(t, pool, "alice", "INSERT INTO streets (name, geom) VALUES ('Lê Lợi', ST_GeomFromText($1, 4326)) RETURNING id", line)
	afterInsert := now(t, pool)
	asActor(t, pool, "bob", "UPDATE streets SET name = 'Lê Lai' WHERE id = $1 RETURNING id", id)
	afterUpdate := now(t, pool)
	asActor(t, pool, "carol", "DELETE FROM streets WHERE id = $1 RETURNING id", id)
	afterDelete := now(t, pool)

	type entry struct {
		Actor, Action string
		Before, After map[string]any
	}
	rows, err := pool.Query(ctx, "SELECT actor, action, before, after FROM audit_log WHERE table_name = 'streets' AND row_id = $1 ORDER BY id", id)
	if err != nil {
		t.Fatal(err)
	}
	log, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (entry, error) {
		var e entry
		var before, after []byte
		if err := r.Scan(&e.Actor, &e.Action, &before, &after); err != nil {
			return e, err
		}
		if before != nil {
			_ = json.Unmarshal(before, &e.Before)
		}
		if after != nil {
			_ = json.Unmarshal(after, &e.After)
		}
		return e, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	name := func(m map[string]any) any {
		if m == nil {
			return nil
		}
		return m["name"]
	}
	want := []struct {
		actor, action string
		before, after any
	}{
		{"alice", "insert", nil, "Lê Lợi"},
		{"bob", "update", "Lê Lợi", "Lê Lai"},
		{"carol", "delete", "Lê Lai", nil},
	}
	if len(log) != len(want) {
		t.Fatalf("audit_log has %d rows for the street, want %d: %+v", len(log), len(want), log)
	}
	for i, w := range want {
		g := log[i]
		if g.Actor != w.actor || g.Action != w.action || name(g.Before) != w.before || name(g.After) != w.after {
			t.Errorf("audit %d: %s %s before %v after %v; want %s %s before %v after %v",
				i, g.Actor, g.Action, name(g.Before), name(g.After), w.actor, w.action, w.before, w.after)
		}
	}

	var versions int
	if err := pool.QueryRow(ctx, "SELECT count(*) FROM streets_history WHERE id = $1", id).Scan(&versions); err != nil || versions != 2 {
		t.Errorf("streets_history holds %d versions (%v), want 2: the original and the renamed", versions, err)
	}
	asOf := []struct {
		name string
		at   time.Time
		want string // "" when the street did not exist
	}{
		{"before it was made", beforeInsert, ""},
		{"after the insert", afterInsert, "Lê Lợi"},
		{"after the rename", afterUpdate, "Lê Lai"},
		{"after the delete", afterDelete, ""},
	}
	for _, c := range asOf {
		var got string
		err := pool.QueryRow(ctx, streetAsOf, id, c.at).Scan(&got)
		if c.want == "" && err != pgx.ErrNoRows || c.want != "" && (err != nil || got != c.want) {
			t.Errorf("as of %s: %q, %v; want %q", c.name, got, err, c.want)
		}
	}
}

func TestAuditOff(t *testing.T) {
	t.Parallel()
	pool := sqlPool(t)
	ctx := context.Background()
	const insert = "INSERT INTO streets (name, geom) VALUES ($1, ST_GeomFromText('MULTILINESTRING((106.70 10.77, 106.71 10.77))', 4326)) RETURNING id"
	var quiet int64
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SET LOCAL bandoso.audit = 'off'"); err != nil {
			return err
		}
		return tx.QueryRow(ctx, insert, "Bulk").Scan(&quiet)
	})
	if err != nil {
		t.Fatal(err)
	}
	// SET LOCAL ends with its transaction: the next change is audited again.
	loud := asActor(t, pool, "dana", insert, "Audited")
	count := func(id int64) int {
		var n int
		if err := pool.QueryRow(ctx, "SELECT count(*) FROM audit_log WHERE table_name = 'streets' AND row_id = $1", id).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count(quiet); n != 0 {
		t.Errorf("insert with bandoso.audit off wrote %d audit rows, want 0", n)
	}
	if n := count(loud); n != 1 {
		t.Errorf("insert after the audit-off transaction wrote %d audit rows, want 1", n)
	}
}

func TestAuditActorDefaultsToRole(t *testing.T) {
	t.Parallel()
	pool := sqlPool(t)
	ctx := context.Background()
	var id int64
	if err := pool.QueryRow(ctx, "INSERT INTO plans (name, decision_no, decision_date, approved_by, scale, geom) VALUES ('QH 1/2000', '123/QĐ-UBND', '2024-05-01', 'UBND TP', 2000, ST_GeomFromText('MULTIPOLYGON(((106.7 10.77, 106.71 10.77, 106.71 10.78, 106.7 10.77)))', 4326)) RETURNING id").Scan(&id); err != nil {
		t.Fatal(err)
	}
	var actor, role string
	if err := pool.QueryRow(ctx, "SELECT actor, session_user FROM audit_log WHERE table_name = 'plans' AND row_id = $1", id).Scan(&actor, &role); err != nil {
		t.Fatal(err)
	}
	if actor != role {
		t.Errorf("actor without bandoso.actor = %q, want the database role %q", actor, role)
	}
}
