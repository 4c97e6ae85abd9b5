package store_test

import (
	"context"
	"database/sql"
	"errors"
	"io/fs"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	_ "github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"

	"bandoso/demo"
	"bandoso/geo"
	"bandoso/migrations"
	"bandoso/store"
	"bandoso/store/storetest"
)

// TestRegistryCodesMigration fills addresses at migration 00010, with the old 7-character
// codes and a deleted address in history, then migrates: every code becomes its id's
// registry code, and the deleted one's code is retired, not free.
func TestRegistryCodesMigration(t *testing.T) {
	ctx := context.Background()
	url := storetest.NewEmptyURL(t)
	sqlDB, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	defer sqlDB.Close()
	fsys, _ := fs.Sub(migrations.FS, ".")
	p, err := goose.NewProvider(goose.DialectPostgres, sqlDB, fsys, goose.WithDisableGlobalRegistry(true))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, 10); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO streets (id, name, geom) VALUES (1, 'Đường Thử', 'SRID=4326;MULTILINESTRING((106.70 10.77, 106.71 10.77))')`,
		`INSERT INTO addresses (id, code, house_number, street_id, ward_code, geom) VALUES
			(1, '1QTVJA7', '1', 1, '26734', 'SRID=4326;POINT(106.701 10.7701)'),
			(2, 'MC6RPVN', '3', 1, '26734', 'SRID=4326;POINT(106.702 10.7701)'),
			(7, '003RJ09', '5', 1, '26734', 'SRID=4326;POINT(106.703 10.7701)')`,
		`UPDATE addresses SET sys_from = now() - interval '1 day'`,
		`DELETE FROM addresses WHERE id = 2`,
		`SELECT setval(pg_get_serial_sequence('addresses', 'id'), 7)`,
	} {
		if _, err := sqlDB.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	sqlDB.Close()
	db, err := store.Open(ctx, url, store.Options{MaxConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	pool := db.Pool()
	want := func(id int64) string {
		c, _ := geo.RegistryCode(demo.RegistrySerial(id))
		return c
	}
	for _, c := range []struct {
		sql     string
		id      int64
		retired bool
	}{
		{`SELECT c.code, c.retired_at IS NOT NULL FROM addresses a JOIN address_codes c USING (code) WHERE a.id = $1`, 1, false},
		{`SELECT c.code, c.retired_at IS NOT NULL FROM addresses a JOIN address_codes c USING (code) WHERE a.id = $1`, 7, false},
		{`SELECT h.code, c.retired_at IS NOT NULL FROM addresses_history h JOIN address_codes c USING (code) WHERE h.id = $1`, 2, true},
	} {
		var code string
		var retired bool
		if err := pool.QueryRow(ctx, c.sql, c.id).Scan(&code, &retired); err != nil {
			t.Fatalf("address %d: %v", c.id, err)
		}
		if _, err := geo.ParseRegistryCode(code); err != nil || code != want(c.id) || retired != c.retired {
			t.Errorf("address %d: code %q (%v), retired %v; want %q, retired %v", c.id, code, err, retired, want(c.id), c.retired)
		}
	}
	// the next code comes after every id ever used, deleted ones included
	var next string
	if err := pool.QueryRow(ctx, `INSERT INTO addresses (house_number, street_id, ward_code, geom)
		VALUES ('9', 1, '26734', 'SRID=4326;POINT(106.704 10.7701)') RETURNING code`).Scan(&next); err != nil {
		t.Fatal(err)
	}
	if next != want(8) {
		t.Errorf("first new code %q, want %q (serial 8)", next, want(8))
	}
}

// TestRegistryCodes checks the demo's codes against the database's, the default code of a
// new address, that a code outlives its address and is never given again, and that a code
// cannot change.
func TestRegistryCodes(t *testing.T) {
	db := storetest.New(t)
	storetest.LoadDemo(t, db, 5, 600)
	pool := db.Pool()
	ctx := context.Background()
	var bad, registered, national, maxID int64
	if err := pool.QueryRow(ctx, `SELECT
		(SELECT count(*) FROM addresses WHERE code <> registry_code(registry_serial(id))),
		(SELECT count(*) FROM address_codes c JOIN addresses a USING (code) WHERE c.address_id = a.id AND c.retired_at IS NULL),
		(SELECT count(*) FROM addresses WHERE national_code IS NOT NULL),
		(SELECT max(id) FROM addresses)`).Scan(&bad, &registered, &national, &maxID); err != nil {
		t.Fatal(err)
	}
	if bad != 0 || registered != maxID || national == 0 {
		t.Fatalf("%d demo codes differ from registry_code(registry_serial(id)); %d of %d registered; %d national codes",
			bad, registered, maxID, national)
	}
	insert := func(number string) (int64, string, error) {
		var id int64
		var code string
		err := pool.QueryRow(ctx, `INSERT INTO addresses (house_number, street_id, ward_code, geom)
			SELECT $1, street_id, ward_code, geom FROM addresses WHERE id = 1 RETURNING id, code`, number).Scan(&id, &code)
		return id, code, err
	}
	id, code, err := insert("9001")
	if err != nil {
		t.Fatal(err)
	}
	want, _ := geo.RegistryCode(demo.RegistrySerial(maxID + 1))
	if code != want {
		t.Errorf("default code %q, want %q: the serial after the demo's", code, want)
	}
	if _, err := pool.Exec(ctx, `DELETE FROM addresses WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	_, again, err := insert("9001")
	if err != nil || again == code {
		t.Errorf("after deleting %s the next address got %q (%v)", code, again, err)
	}
	// an import giving the retired code explicitly is refused
	_, err = pool.Exec(ctx, `INSERT INTO addresses (code, house_number, street_id, ward_code, geom)
		SELECT $1, '9002', street_id, ward_code, geom FROM addresses WHERE id = 1`, code)
	if pgCode(err) != "23505" {
		t.Errorf("re-issuing retired code %s: %v, want a unique violation", code, err)
	}
	// a code with a wrong check digit never gets in
	wrong := code[:11] + string('0'+(code[11]-'0'+1)%10)
	_, err = pool.Exec(ctx, `INSERT INTO addresses (code, house_number, street_id, ward_code, geom)
		SELECT $1, '9003', street_id, ward_code, geom FROM addresses WHERE id = 1`, wrong)
	if pgCode(err) != "23514" {
		t.Errorf("code %s with a wrong check digit: %v, want a check violation", wrong, err)
	}
	_, err = pool.Exec(ctx, `UPDATE addresses SET code = registry_code(registry_serial(99999)) WHERE id = 1`)
	if pgCode(err) != "23514" {
		t.Errorf("changing a code: %v, want a check violation", err)
	}
	checkAddressByCode(t, db, pool)
}

func checkAddressByCode(t *testing.T, db *store.DB, pool *pgxpool.Pool) {
	ctx := context.Background()
	var id int64
	var code, national string
	if err := pool.QueryRow(ctx, `SELECT id, code, national_code FROM addresses WHERE national_code IS NOT NULL ORDER BY id LIMIT 1`).
		Scan(&id, &code, &national); err != nil {
		t.Fatal(err)
	}
	a, err := db.AddressByCode(ctx, code)
	b, err2 := db.AddressByNationalCode(ctx, national)
	if err != nil || err2 != nil || a.ID != id || b.ID != id || a.NationalCode != national || a.Code != code {
		t.Errorf("by code %+v (%v), by national code %+v (%v); want address %d", a, err, b, err2, id)
	}
	if _, err := db.AddressByCode(ctx, "000000000000"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown code: %v, want ErrNotFound", err)
	}
}

func pgCode(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}
