package gazetteer

import (
	"strings"

	"bandoso/address"
)

// minTypoLetters is the shortest name, in letters of its key, matched with a typo: shorter
// names are one edit from too many others (Bình An, Bình Anh).
const minTypoLetters = 6

// near returns the units whose key is one edit from key: a letter added, dropped, changed,
// or two neighbours swapped. It looks keys up by their deletions (the symmetric delete
// method), then checks the distance.
func (g *Gazetteer) near(key string) []address.Unit {
	if letters(key) < minTypoLetters {
		return nil
	}
	var keys []string
	add := func(k string) {
		for _, seen := range keys {
			if seen == k {
				return
			}
		}
		if k != key && address.OneEditApart(key, k) && digits(key) == digits(k) {
			keys = append(keys, k)
		}
	}
	for _, k := range g.deletes[key] {
		add(k)
	}
	for _, d := range deletions(key) {
		if len(g.byKey[d]) > 0 && letters(d) >= minTypoLetters {
			add(d)
		}
		for _, k := range g.deletes[d] {
			add(k)
		}
	}
	var out []address.Unit
	for _, k := range keys {
		out = append(out, g.byKey[k]...)
	}
	return out
}

// deletions returns s less each of its bytes in turn (keys are folded ASCII).
func deletions(s string) []string {
	out := make([]string, 0, len(s))
	for i := range len(s) {
		d := s[:i] + s[i+1:]
		if i == 0 || s[i] != s[i-1] {
			out = append(out, d)
		}
	}
	return out
}

// digits returns the digits of a key: a typo is in the letters, never in a number (Mỹ Đình 1
// is not Mỹ Đình 2, nor is "5 Láng Hạ" Láng Hạ).
func digits(key string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, key)
}

// letters counts the letters of a key, digits aside.
func letters(key string) int {
	n := 0
	for i := range len(key) {
		if key[i] < '0' || key[i] > '9' {
			n++
		}
	}
	return n
}
