package store_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"bandoso/address"
	"bandoso/internal/housenumbers"
	"bandoso/store"
	"bandoso/store/storetest"
)

// sqlHouseNorms is house_number_norm() of each input, "" for NULL, in one statement.
func sqlHouseNorms(t *testing.T, pool *pgxpool.Pool, in []string) []string {
	t.Helper()
	rows, _ := pool.Query(context.Background(), `SELECT coalesce(house_number_norm(x), '')
		FROM unnest($1::text[]) WITH ORDINALITY AS u(x, n) ORDER BY n`, in)
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// randomHouseNumbers makes n house numbers of one to three parts (a path of numbers with their
// letters and ranges, after số or an alley's word; or a lot or a kilometre mark), one in three
// broken by a fragment inserted anywhere; the same strings each run.
func randomHouseNumbers(n int) []string {
	r := rand.New(rand.NewPCG(18, 2025))
	pick := func(from ...string) string { return from[r.IntN(len(from))] }
	element := func() string {
		e := pick("12", "5", "05", "176", "0", "999999") + pick("", "", "A", "b", " bis", "bis", " ter A", " K", "H")
		if r.IntN(4) == 0 {
			e += pick("-", " - ", "–") + pick("14", "3", "176B")
		}
		return e
	}
	part := func() string {
		switch r.IntN(8) {
		case 0:
			return "Lô " + pick("B2", "LK12", "A1.05", "B 2", "12-3", "Đ2", "ABC")
		case 1:
			return pick("Km", "KM ", "km.") + pick("7", "07", "12") + pick("", "+500", " + 050", ".5")
		}
		p := pick("", "", "số ", "SN", "No. ", "nhà số ", "ngõ ", "Ngõ ", "ngách ", "hẻm ", "kiệt ", "K", "H", "ALLEY:")
		for i := range 1 + r.IntN(3) {
			if i > 0 {
				p += "/" + pick("", "", "K", "H")
			}
			p += element()
		}
		return p
	}
	bad := []string{"/", "-", ".", ":", "+", ",", " ", "BIS", "so", "LOT", "đ", "Ð", "\u0303", "\u00a0", "\t", "#", "xyz", "1234567", "ô"}
	out := make([]string, n)
	for i := range out {
		s := part()
		for range r.IntN(3) {
			s += pick(" ", ", ", "") + part()
		}
		if r.IntN(3) == 0 {
			runes := []rune(s)
			at := r.IntN(len(runes) + 1)
			s = string(runes[:at]) + pick(bad...) + string(runes[at:])
		}
		out[i] = s
	}
	return out
}

// TestHouseNumberNorm runs the shared cases and thousands of random strings through the
// database's house_number_norm() and Go's address.NormHouseNumber: they must agree on each.
func TestHouseNumberNorm(t *testing.T) {
	t.Parallel()
	pool := sqlPool(t)
	cases := housenumbers.Cases(t)
	var in []string
	for _, c := range cases {
		in = append(in, c.In)
	}
	got := sqlHouseNorms(t, pool, in)
	for i, c := range cases {
		if got[i] != c.Want {
			t.Errorf("house_number_norm(%q) = %q, want %q", c.In, got[i], c.Want)
		}
	}
	random := randomHouseNumbers(20000)
	got = sqlHouseNorms(t, pool, random)
	numbers := 0
	for i, s := range random {
		if g := address.NormHouseNumber(s); g != got[i] {
			t.Errorf("house_number_norm(%q) = %q, address.NormHouseNumber %q", s, got[i], g)
		}
		if got[i] != "" {
			numbers++
		}
	}
	// so that agreement is not only on refusals
	if numbers < len(random)/4 {
		t.Errorf("only %d of %d random strings are house numbers", numbers, len(random))
	}
}

const insertHouse = `INSERT INTO addresses (house_number, street_id, ward_code, geom)
	VALUES ($1, $2, '26734', 'SRID=4326;POINT(106.701 10.7701)') RETURNING id, house_number, number_norm`

// TestAddressHouseNumbers stores every form of the shared cases as written, with its
// canonical form beside it, refuses what is not a house number, and finds each address by any
// way of writing its number.
func TestAddressHouseNumbers(t *testing.T) {
	t.Parallel()
	db := storetest.New(t)
	pool := db.Pool()
	ctx := context.Background()
	newStreet := func(name string) int64 {
		var id int64
		err := pool.QueryRow(ctx, `INSERT INTO streets (name, geom)
			VALUES ($1, 'SRID=4326;MULTILINESTRING((106.70 10.77, 106.71 10.77))') RETURNING id`, name).Scan(&id)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}

	t.Run("each form is kept as written beside its canonical form", func(t *testing.T) {
		for _, c := range housenumbers.Cases(t) {
			if c.Error != "" {
				continue
			}
			street := newStreet("Đường " + c.In)
			var id int64
			var number, norm string
			if err := pool.QueryRow(ctx, insertHouse, c.In, street).Scan(&id, &number, &norm); err != nil {
				t.Errorf("%q: %v", c.In, err)
				continue
			}
			if number != c.In || norm != c.Want {
				t.Errorf("%q stored as %q, %q; want it as written and %q", c.In, number, norm, c.Want)
			}
			// found by its canonical form, by itself, and not on another street
			for _, asked := range []string{c.Want, c.In} {
				found, err := db.AddressesNumbered(ctx, []int64{street}, asked)
				if err != nil || len(found) != 1 || found[0].ID != id || found[0].HouseNumber != c.In {
					t.Errorf("AddressesNumbered(%q) for %q: %+v, %v", asked, c.In, found, err)
				}
			}
			if found, err := db.AddressesNumbered(ctx, []int64{street + 100000}, c.In); err != nil || len(found) != 0 {
				t.Errorf("%q found on another street: %+v, %v", c.In, found, err)
			}
		}
	})

	t.Run("what is not a house number is refused", func(t *testing.T) {
		street := newStreet("Đường Thử")
		for _, c := range housenumbers.Cases(t) {
			if c.Error == "" {
				continue
			}
			_, err := pool.Exec(ctx, insertHouse, c.In, street)
			if err := store.Translate(err); !errors.Is(err, store.ErrInvalid) {
				t.Errorf("%q: %v, want ErrInvalid", c.In, err)
			}
		}
	})

	t.Run("one house per canonical number on a street; an alley is not a house", func(t *testing.T) {
		street := newStreet("Đường Trùng")
		for _, c := range []struct {
			number string
			want   error
		}{
			{"25b", nil}, {"25B", store.ErrConflict}, {"120 bis", nil}, {"120BIS", store.ErrConflict},
			{"100", nil}, {"Ngõ 100", nil}, {"ngõ 100", store.ErrConflict}, {"Hẻm 100", store.ErrConflict},
			{"Lô 100", nil}, {"Km 100", nil}, {"176-181", nil}, {"181 - 176", store.ErrConflict}, {"176", nil},
		} {
			_, err := pool.Exec(ctx, insertHouse, c.number, street)
			if err := store.Translate(err); c.want == nil && err != nil || c.want != nil && !errors.Is(err, c.want) {
				t.Errorf("%q: %v, want %v", c.number, err, c.want)
			}
		}
		found, err := db.AddressesPrefixed(ctx, []int64{street}, "1", 10)
		var got []string
		for _, a := range found {
			got = append(got, a.HouseNumber)
		}
		if want := "100 120 bis 176 176-181"; err != nil || strings.Join(got, " ") != want {
			t.Errorf("numbers starting with 1: %q, %v; want %s", got, err, want)
		}
		found, err = db.AddressesPrefixed(ctx, []int64{street}, "120 bi", 10)
		if err != nil || len(found) != 1 || found[0].HouseNumber != "120 bis" {
			t.Errorf("numbers starting with 120 bi: %+v, %v", found, err)
		}
	})

	t.Run("interpolation reads the canonical form", func(t *testing.T) {
		street := newStreet("Đường Nội Suy")
		for _, q := range []string{
			`INSERT INTO addresses (house_number, street_id, ward_code, geom) VALUES
				('10b', $1, '26734', 'SRID=4326;POINT(106.700 10.77)'), ('Số 20', $1, '26734', 'SRID=4326;POINT(106.710 10.77)'),
				('Ngõ 14', $1, '26734', 'SRID=4326;POINT(106.705 10.78)')`,
		} {
			if _, err := pool.Exec(ctx, q, street); err != nil {
				t.Fatal(err)
			}
		}
		p, err := db.Interpolate(ctx, []int64{street}, 16)
		if err != nil || strings.Join(p.Between, ",") != "10b,Số 20" || p.Lon < 106.70599 || p.Lon > 106.70601 {
			t.Errorf("16 between 10b and 20: %+v, %v", p, err)
		}
	})

	t.Run("an edited house number goes to history as written", func(t *testing.T) {
		street := newStreet("Đường Lịch Sử")
		var id int64
		var number, norm string
		if err := pool.QueryRow(ctx, insertHouse, "25b", street).Scan(&id, &number, &norm); err != nil {
			t.Fatal(err)
		}
		if _, err := pool.Exec(ctx, `UPDATE addresses SET sys_from = now() - interval '1 day' WHERE id = $1`, id); err != nil {
			t.Fatal(err)
		}
		asActor(t, pool, "editor", `UPDATE addresses SET house_number = 'số 5 ngõ 12' WHERE id = $1 RETURNING id`, id)
		var was, wasNorm, is, isNorm string
		err := pool.QueryRow(ctx, `SELECT h.house_number, house_number_norm(h.house_number), a.house_number, a.number_norm
			FROM addresses a JOIN addresses_history h USING (id) WHERE a.id = $1`, id).Scan(&was, &wasNorm, &is, &isNorm)
		if err != nil || was != "25b" || wasNorm != "25B" || is != "số 5 ngõ 12" || isNorm != "12/5" {
			t.Errorf("history %q (%q), now %q (%q): %v", was, wasNorm, is, isNorm, err)
		}
	})
}
