package store_test

import (
	"context"
	"testing"

	"golang.org/x/text/unicode/norm"

	"bandoso/address"
	"bandoso/internal/streetkeys"
)

// TestStreetKeyTwins: the database's street_key() and address.StreetKey give the same key
// for every case, in NFC and NFD.
func TestStreetKeyTwins(t *testing.T) {
	t.Parallel()
	pool := sqlPool(t)
	for name, want := range streetkeys.Cases {
		for _, in := range []string{name, norm.NFD.String(name)} {
			var got string
			if err := pool.QueryRow(context.Background(), "SELECT street_key($1)", in).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if got != want || address.StreetKey(in) != want {
				t.Errorf("%q: street_key %q, StreetKey %q, want %q", in, got, address.StreetKey(in), want)
			}
		}
	}
}
