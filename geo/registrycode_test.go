package geo_test

import (
	"errors"
	"testing"

	"bandoso/geo"
)

// Published Damm examples: 572 takes check digit 4 (Wikipedia, "Damm algorithm"), and the
// interim digit of a code that carries its check digit is 0.
func TestDammCheck(t *testing.T) {
	for _, c := range []struct{ digits, check string }{
		{"572", "4"}, {"5724", "0"}, {"", "0"}, {"0", "0"}, {"1", "3"},
	} {
		if got := string(geo.DammCheck(c.digits)); got != c.check {
			t.Errorf("DammCheck(%q) = %s, want %s", c.digits, got, c.check)
		}
	}
}

func TestRegistryCodeRoundTrip(t *testing.T) {
	for _, n := range []uint64{0, 1, 572, 1234567890, geo.MaxRegistrySerial} {
		c, err := geo.RegistryCode(n)
		if err != nil || len(c) != geo.RegistryCodeDigits {
			t.Fatalf("RegistryCode(%d) = %q, %v", n, c, err)
		}
		for _, s := range []string{c, geo.FormatRegistryCode(c), c[:4] + "-" + c[4:8] + "-" + c[8:]} {
			if got, err := geo.ParseRegistryCode(s); err != nil || got != n {
				t.Errorf("ParseRegistryCode(%q) = %d, %v; want %d", s, got, err, n)
			}
		}
	}
	if c, _ := geo.RegistryCode(572); c != "000000005724" || geo.FormatRegistryCode(c) != "0000 0000 5724" {
		t.Errorf("RegistryCode(572) = %q, shown %q", c, geo.FormatRegistryCode(c))
	}
	if _, err := geo.RegistryCode(geo.MaxRegistrySerial + 1); !errors.Is(err, geo.ErrRegistrySerial) {
		t.Errorf("RegistryCode(10^11) error = %v", err)
	}
}

func TestParseRegistryCodeErrors(t *testing.T) {
	for _, c := range []struct {
		name, in string
		want     error
	}{
		{"ErrRegistryCodeLength short", "1234 5678 901", geo.ErrRegistryCodeLength},
		{"ErrRegistryCodeLength long", "1234 5678 90123", geo.ErrRegistryCodeLength},
		{"ErrRegistryCodeLength empty", "", geo.ErrRegistryCodeLength},
		{"ErrRegistryCodeChar letter", "1234 5678 9O12", geo.ErrRegistryCodeChar},
		{"ErrRegistryCodeChar double space", "1234  5678 9012", geo.ErrRegistryCodeChar},
		{"ErrRegistryCodeChar fullwidth digit", "1234 5678 901２", geo.ErrRegistryCodeChar},
		{"ErrRegistryCodeCheck", "0000 0000 5725", geo.ErrRegistryCodeCheck},
	} {
		t.Run(c.name, func(t *testing.T) {
			if _, err := geo.ParseRegistryCode(c.in); !errors.Is(err, c.want) {
				t.Errorf("ParseRegistryCode(%q) error = %v, want %v", c.in, err, c.want)
			}
		})
	}
}

// Every single-digit substitution and every swap of two different adjacent digits of 100,000
// codes spread over the whole serial range is caught as a bad check digit.
func TestRegistryCodeCatchesErrors(t *testing.T) {
	step := uint64(geo.MaxRegistrySerial / 100_000)
	checked := 0
	for n := uint64(0); n <= geo.MaxRegistrySerial; n += step {
		code, err := geo.RegistryCode(n)
		if err != nil {
			t.Fatal(err)
		}
		c := []byte(code)
		for i := range c {
			orig := c[i]
			for d := byte('0'); d <= '9'; d++ {
				if d == orig {
					continue
				}
				c[i] = d
				if _, err := geo.ParseRegistryCode(string(c)); !errors.Is(err, geo.ErrRegistryCodeCheck) {
					t.Fatalf("%s: substitution at %d gives %s, error %v", code, i, c, err)
				}
				checked++
			}
			c[i] = orig
			if i+1 < len(c) && c[i] != c[i+1] {
				c[i], c[i+1] = c[i+1], c[i]
				if _, err := geo.ParseRegistryCode(string(c)); !errors.Is(err, geo.ErrRegistryCodeCheck) {
					t.Fatalf("%s: swap at %d gives %s, error %v", code, i, c, err)
				}
				c[i], c[i+1] = c[i+1], c[i]
				checked++
			}
		}
	}
	t.Logf("%d altered codes all rejected", checked)
}

func TestParseNationalAddressCode(t *testing.T) {
	for _, c := range []struct {
		name, in string
		want     geo.NationalAddressCode
		err      error
	}{
		{"whole", "7000012345", geo.NationalAddressCode{Postcode: "70000", Serial: "12345"}, nil},
		{"space", "70000 00042", geo.NationalAddressCode{Postcode: "70000", Serial: "00042"}, nil},
		{"hyphen", " 10000-99999 ", geo.NationalAddressCode{Postcode: "10000", Serial: "99999"}, nil},
		{"ErrNationalCodeLength", "700001234", geo.NationalAddressCode{}, geo.ErrNationalCodeLength},
		{"ErrNationalCodeChar", "70000A2345", geo.NationalAddressCode{}, geo.ErrNationalCodeChar},
		{"ErrNationalCodeGrouped", "7000 012345", geo.NationalAddressCode{}, geo.ErrNationalCodeGrouped},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := geo.ParseNationalAddressCode(c.in)
			if got != c.want || !errors.Is(err, c.err) {
				t.Errorf("ParseNationalAddressCode(%q) = %+v, %v; want %+v, %v", c.in, got, err, c.want, c.err)
			}
			if err == nil && got.String() != c.want.Postcode+c.want.Serial {
				t.Errorf("String() = %q", got.String())
			}
		})
	}
}
