package address

import (
	"testing"

	"golang.org/x/text/unicode/norm"

	"bandoso/internal/streetkeys"
)

func TestStreetKey(t *testing.T) {
	for name, want := range streetkeys.Cases {
		for _, in := range []string{name, norm.NFD.String(name)} {
			if got := StreetKey(in); got != want {
				t.Errorf("StreetKey(%q) = %q, want %q", in, got, want)
			}
		}
	}
}
