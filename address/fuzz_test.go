package address_test

import (
	"errors"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"bandoso/address"
	"bandoso/internal/housenumbers"
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

// FuzzParse checks Parse on any text up to MaxInput bytes (longer input is cut there, which
// bounds the time one call takes): no panic, valid UTF-8 in every part and in String, spans
// within the input holding the part's text, folds that are the folds of the values, confidence
// in [0, 1]. Seeds: the table cases, the place cases and testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	for _, c := range parseCases {
		f.Add(c.in)
	}
	for _, c := range placeCases {
		f.Add(c.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > address.MaxInput {
			s = s[:address.MaxInput]
		}
		p := address.Parse(s)
		checkSpans(t, s, p)
		if out := p.String(); !utf8.ValidString(out) {
			t.Fatalf("Parse(%q).String() = %q: invalid UTF-8", s, out)
		}
		if p.Confidence < 0 || p.Confidence > 1 {
			t.Fatalf("confidence %v", p.Confidence)
		}
	})
}

// FuzzParseHouseNumber checks ParseHouseNumber on any text: an answer or a *HouseNumberError,
// never both; the canonical form printable ASCII without spaces, reading as itself; the same
// answer for NFD as for NFC input. Seeds: the shared cases of internal/housenumbers.
func FuzzParseHouseNumber(f *testing.F) {
	for _, c := range housenumbers.Cases(f) {
		f.Add(c.In)
	}
	f.Fuzz(func(t *testing.T, s string) {
		h, err := address.ParseHouseNumber(s)
		var he *address.HouseNumberError
		if err != nil {
			if !errors.As(err, &he) || he.Reason == "" || len(h.Path) != 0 {
				t.Fatalf("ParseHouseNumber(%q) = %v, %v", s, h, err)
			}
			return
		}
		canon := h.String()
		for _, r := range canon {
			if r <= ' ' || r > '~' {
				t.Fatalf("ParseHouseNumber(%q) = %q: not printable ASCII without spaces", s, canon)
			}
		}
		if again := address.NormHouseNumber(canon); again != canon {
			t.Fatalf("%q gives %q, which reads as %q", s, canon, again)
		}
		if utf8.ValidString(s) {
			if d := address.NormHouseNumber(norm.NFD.String(s)); d != canon && utf8.RuneCountInString(norm.NFD.String(s)) <= address.MaxHouseNumber {
				t.Fatalf("NFD of %q gives %q, the input %q", s, d, canon)
			}
		}
	})
}
