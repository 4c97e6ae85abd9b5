package store_test

import (
	"context"
	"testing"

	"bandoso/store"
)

// TestCheckValueAgreesWithPostgreSQL: a value CheckValue accepts is one PostgreSQL reads as
// the column's type, and one it refuses PostgreSQL refuses too, but for the spellings it is
// stricter about (NaN, hexadecimal, yes, a date without dashes), listed with pg true.
func TestCheckValueAgreesWithPostgreSQL(t *testing.T) {
	pool := sqlPool(t)
	ctx := context.Background()
	for _, c := range []struct {
		typ, v string
		ok     bool // CheckValue accepts it
		pg     bool // PostgreSQL reads it
	}{
		{"integer", "42", true, true},
		{"integer", "+7", true, true},
		{"integer", "-2147483648", true, true},
		{"integer", "2147483648", false, false},
		{"integer", "4.5", false, false},
		{"integer", "1e3", false, false},
		{"integer", "x", false, false},
		{"smallint", "32767", true, true},
		{"smallint", "32768", false, false},
		{"bigint", "9223372036854775807", true, true},
		{"bigint", "9223372036854775808", false, false},
		{"numeric(12,1)", "99999999999.9", true, true},
		{"numeric(12,1)", "-1.5e3", true, true},
		{"numeric(12,1)", "100000000000", false, false},
		{"numeric(5,2)", "999.994", true, true},
		{"numeric(5,2)", "999.995", false, false}, // rounds to 1000.00
		{"numeric(12,1)", "NaN", false, true},
		{"numeric", "1e100", true, true},
		{"real", "1e38", true, true},
		{"real", "3.5e38", false, false},
		{"double precision", "1e308", true, true},
		{"double precision", "1e309", false, false},
		{"double precision", "Infinity", false, true},
		{"double precision", "0x10", false, true},
		{"boolean", "true", true, true},
		{"boolean", "f", true, true},
		{"boolean", "maybe", false, false},
		{"boolean", "yes", false, true},
		{"date", "2025-07-01", true, true},
		{"date", "2025-13-01", false, false},
		{"date", "2025-02-30", false, false},
		{"date", "20250701", false, true},
		{"text", "any ' text; --", true, true},
		{"timestamp with time zone", "2025-07-01T07:00:00+07:00", true, true},
	} {
		err := store.CheckValue(c.typ, c.v)
		if (err == nil) != c.ok {
			t.Errorf("CheckValue(%q, %q) = %v, want accepted %v", c.typ, c.v, err, c.ok)
		}
		_, pgErr := pool.Exec(ctx, "SELECT $1::text::"+c.typ, c.v)
		if (pgErr == nil) != c.pg {
			t.Errorf("PostgreSQL reads %q as %s: %v, want %v", c.v, c.typ, pgErr, c.pg)
		}
		if err == nil && pgErr != nil {
			t.Errorf("CheckValue accepts %q as %s, which PostgreSQL refuses: %v", c.v, c.typ, pgErr)
		}
	}
}

func TestValueTypeOf(t *testing.T) {
	for _, c := range []struct {
		pg   string
		want store.ValueType
	}{
		{"smallint", store.ValueInt32},
		{"integer", store.ValueInt32},
		{"bigint", store.ValueInt64},
		{"numeric(12,1)", store.ValueNumber},
		{"real", store.ValueNumber},
		{"double precision", store.ValueNumber},
		{"boolean", store.ValueBoolean},
		{"date", store.ValueDate},
		{"timestamp with time zone", store.ValueTimestamp},
		{"timestamp(3) without time zone", store.ValueTimestamp},
		{"geometry(MultiPolygon,4326)", store.ValueGeometry},
		{"time without time zone", store.ValueText},
		{"character varying(20)", store.ValueText},
		{"jsonb", store.ValueText},
		{"integer[]", store.ValueText},
		{"", store.ValueText},
	} {
		if got := store.ValueTypeOf(c.pg); got != c.want {
			t.Errorf("ValueTypeOf(%q) = %d, want %d", c.pg, got, c.want)
		}
	}
}
