package address_test

import (
	"testing"

	"bandoso/address"
)

func TestOneEditApart(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want bool
	}{
		{"ben nghe", "ben nghe", true},
		{"ben nghe", "ben ngh", true},
		{"ben nghe", "bxn nghe", true},
		{"ben nghe", "ben nhge", true},
		{"ben nghe", "bne nhge", false},
		{"ben nghe", "ben ng", false},
		{"tan dinh", "tan dinh x", false},
		{"", "a", true},
	} {
		if got := address.OneEditApart(c.a, c.b); got != c.want {
			t.Errorf("address.OneEditApart(%q, %q) = %v", c.a, c.b, got)
		}
		if got := address.OneEditApart(c.b, c.a); got != c.want {
			t.Errorf("address.OneEditApart(%q, %q) = %v", c.b, c.a, got)
		}
	}
}
