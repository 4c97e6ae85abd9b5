package address_test

import (
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"bandoso/address"
)

// FuzzFold checks the folds on any text: valid UTF-8 out, idempotent, the same for NFD as for
// NFC input, and Fold(ToneFold(s)) == Fold(s). Seeds: the norm_text cases and
// testdata/fuzz/FuzzFold.
func FuzzFold(f *testing.F) {
	for _, c := range normTextCases {
		f.Add(c.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for name, fold := range map[string]func(string) string{
			"Fold": address.Fold, "ToneFold": address.ToneFold, "Key": address.Key,
			"Normalize": address.Normalize, "NFC": address.NFC,
		} {
			once := fold(s)
			if !utf8.ValidString(once) {
				t.Fatalf("%s(%q) = %q: invalid UTF-8", name, s, once)
			}
			if twice := fold(once); twice != once {
				t.Fatalf("%s not idempotent on %q: %q then %q", name, s, once, twice)
			}
			if utf8.ValidString(s) {
				if d := fold(norm.NFD.String(s)); d != once {
					t.Fatalf("%s(NFD %q) = %q, but %q for the input", name, s, d, once)
				}
			}
		}
		if a, b := address.Fold(address.ToneFold(s)), address.Fold(s); a != b {
			t.Fatalf("Fold(ToneFold(%q)) = %q, Fold = %q", s, a, b)
		}
	})
}
