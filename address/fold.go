package address

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// NFC returns s in Unicode normalization form C, with invalid UTF-8 replaced by U+FFFD.
func NFC(s string) string {
	return norm.NFC.String(strings.ToValidUTF8(s, "\uFFFD"))
}

// Fold returns the diacritic-free matching key of s: NFC, every combining mark removed
// (tone marks and the hat, breve and horn of â ă ê ô ơ ư), đ and Đ (and the look-alike ð, Ð)
// made d, lower case, runs of white space made one space, no space at either end.
//
// It is the Go twin of the database's norm_text() (NFC, unaccent, lower, \s+ → ' ', btrim):
// the two agree on Vietnamese text. They differ only on characters unaccent's rules spell out
// and Unicode does not decompose (æ, ß, ø, ł, typographic quotes and the like), which unaccent
// rewrites and Fold keeps.
func Fold(s string) string {
	d := norm.NFD.String(strings.ToValidUTF8(s, "\uFFFD"))
	var b strings.Builder
	b.Grow(len(d))
	space := false
	for _, r := range d {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		case r == 'đ' || r == 'Đ' || r == 'ð' || r == 'Ð':
			r = 'd'
		default:
			r = unicode.ToLower(r)
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return norm.NFC.String(b.String())
}

// Key returns [Fold] of s with every character that is neither a letter, a digit nor "/"
// made a space, runs of spaces made one: "Bà Rịa - Vũng Tàu" and "Ba Ria–Vung Tau." both give
// "ba ria vung tau", and "Đường 3/2" gives "duong 3/2".
func Key(s string) string {
	f := Fold(s)
	var b strings.Builder
	b.Grow(len(f))
	space := false
	for _, r := range f {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '/' {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// ToneFold returns s in NFC, lower case, runs of white space made one space, with every
// Vietnamese tone mark in its traditional place (see the package comment): "Hoà Hưng" and
// "hòa  hưng" both give "hòa hưng". Diacritics are kept, so "dương" and "đường" stay apart.
func ToneFold(s string) string {
	return Normalize(strings.ToLower(NFC(s)))
}

// Normalize returns s in NFC with runs of white space made one space, no space at either end,
// and every Vietnamese tone mark in its traditional place; letter case is kept. It is the form
// [Parsed.String] writes.
func Normalize(s string) string {
	d := norm.NFD.String(strings.ToValidUTF8(s, "\uFFFD"))
	var b strings.Builder
	b.Grow(len(d))
	space := false
	for i := 0; i < len(d); {
		r, n := utf8.DecodeRuneInString(d[i:])
		if unicode.IsSpace(r) {
			space = b.Len() > 0
			i += n
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		if !unicode.IsLetter(r) {
			b.WriteRune(r)
			i += n
			continue
		}
		j := i + n
		for j < len(d) {
			r, n := utf8.DecodeRuneInString(d[j:])
			if !unicode.IsLetter(r) && !unicode.Is(unicode.Mn, r) {
				break
			}
			j += n
		}
		b.WriteString(placeTone(d[i:j]))
		i = j
	}
	return norm.NFC.String(b.String())
}
