package geo_test

import (
	"errors"
	"testing"

	"bandoso/geo"
)

const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

func TestAddressCodeRoundTrip(t *testing.T) {
	for _, n := range []uint32{0, 1, 31, 32, 123456, 987654321, geo.MaxAddressSerial} {
		c := geo.AddressCode(n)
		if len(c) != 7 {
			t.Fatalf("AddressCode(%d) = %q, want 7 characters", n, c)
		}
		got, err := geo.ParseAddressCode(c)
		if err != nil || got != n {
			t.Errorf("ParseAddressCode(%q) = %d, %v; want %d", c, got, err, n)
		}
	}
}

// Every single substitution and every adjacent transposition must be caught, for many codes.
func TestAddressCodeCatchesErrors(t *testing.T) {
	for n := uint32(0); n < 20000; n += 7 {
		c := []byte(geo.AddressCode(n * 53617))
		for i := range c {
			orig := c[i]
			for j := range len(alphabet) {
				if alphabet[j] == orig {
					continue
				}
				c[i] = alphabet[j]
				if geo.ValidAddressCode(string(c)) {
					t.Fatalf("substitution at %d accepted: %s", i, c)
				}
			}
			c[i] = orig
		}
		for i := 0; i+1 < len(c); i++ {
			if c[i] == c[i+1] {
				continue
			}
			c[i], c[i+1] = c[i+1], c[i]
			if geo.ValidAddressCode(string(c)) {
				t.Fatalf("transposition at %d accepted: %s", i, c)
			}
			c[i], c[i+1] = c[i+1], c[i]
		}
	}
}

func TestParseAddressCodeErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want error
	}{
		{"short", "12345", geo.ErrAddressCodeLength},
		{"bad character", "12345U7", geo.ErrAddressCodeChar},
		{"bad check", flipLast(geo.AddressCode(42)), geo.ErrAddressCodeCheck},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := geo.ParseAddressCode(tt.in); !errors.Is(err, tt.want) {
				t.Errorf("ParseAddressCode(%q) = %v, want %v", tt.in, err, tt.want)
			}
		})
	}
}

func TestParseAddressCodeLenient(t *testing.T) {
	c := geo.AddressCode(1000)
	if _, err := geo.ParseAddressCode(" " + c[:3] + "-" + c[3:] + " "); err != nil {
		t.Fatal(err)
	}
}

func flipLast(c string) string {
	b := []byte(c)
	if b[6] == '0' {
		b[6] = '1'
	} else {
		b[6] = '0'
	}
	return string(b)
}
