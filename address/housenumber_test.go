package address_test

import (
	"errors"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"

	"bandoso/address"
	"bandoso/internal/housenumbers"
)

func TestParseHouseNumber(t *testing.T) {
	for _, c := range housenumbers.Cases(t) {
		h, err := address.ParseHouseNumber(c.In)
		if c.Error != "" {
			var he *address.HouseNumberError
			if !errors.As(err, &he) || !strings.Contains(he.Reason, c.Error) || he.Text != c.In {
				t.Errorf("ParseHouseNumber(%q) = %v, %v; want an error saying %q", c.In, h, err, c.Error)
			}
			if n := address.NormHouseNumber(c.In); n != "" {
				t.Errorf("NormHouseNumber(%q) = %q, want \"\"", c.In, n)
			}
			continue
		}
		if err != nil || h.String() != c.Want {
			t.Errorf("ParseHouseNumber(%q) = %q, %v; want %q", c.In, h, err, c.Want)
			continue
		}
		if again := address.NormHouseNumber(c.Want); again != c.Want {
			t.Errorf("the canonical form %q reads as %q", c.Want, again)
		}
		for form, s := range map[string]string{"NFC": norm.NFC.String(c.In), "NFD": norm.NFD.String(c.In)} {
			if n := address.NormHouseNumber(s); n != c.Want {
				t.Errorf("NormHouseNumber(%s %q) = %q, want %q", form, s, n, c.Want)
			}
		}
	}
}

func TestHouseNumberKinds(t *testing.T) {
	cases := []struct {
		in        string
		kind      address.HouseKind
		path      []string
		mouth     int
		low, high string
	}{
		{"123/45/6A", address.KindHouse, []string{"123", "45", "6A"}, 123, "", ""},
		{"176 - 181", address.KindHouse, []string{"176-181"}, 176, "176", "181"},
		{"số 5 ngõ 12 ngách 3", address.KindHouse, []string{"12", "3", "5"}, 12, "", ""},
		{"Ngõ 100", address.KindAlley, []string{"100"}, 100, "", ""},
		{"Lô B2", address.KindLot, []string{"B2"}, 0, "", ""},
		{"Km 7+500", address.KindKm, []string{"7+500"}, 0, "", ""},
	}
	for _, c := range cases {
		h, err := address.ParseHouseNumber(c.in)
		if err != nil {
			t.Fatal(err)
		}
		low, high, ok := h.Range()
		if h.Kind != c.kind || strings.Join(h.Path, " ") != strings.Join(c.path, " ") || h.Mouth() != c.mouth ||
			low != c.low || high != c.high || ok != (c.low != "") {
			t.Errorf("%q: kind %d path %q mouth %d range %q %q %v", c.in, h.Kind, h.Path, h.Mouth(), low, high, ok)
		}
	}
	if a, b := address.NormHouseNumber("Ngõ 100"), address.NormHouseNumber("100"); a == b {
		t.Errorf("Ngõ 100 and house 100 are both %q", a)
	}
}

// freeTextExceptions are forms of the shared cases the address parser does not read in free text,
// where the words around them make them ambiguous: a letter apart from its number ("12 a
// Lê Lợi" may be street A), a lot's name or a mark in pieces, "Số:", the canonical markers.
var freeTextExceptions = map[string]bool{
	"12 a": true, "12\u00a0A": true, "Lô B 2": true, "KM 12 + 300": true, "Số: 12": true,
	"ALLEY:448/20": true, "LOT:B2": true, "KM:7+500": true,
}

// TestParsedHouseNumber checks that a house number written in an address reads as it does
// alone, so that the geocoder's key for "số 5 ngõ 12 ngách 3 Láng Hạ" is the one the database
// made from "số 5 ngõ 12 ngách 3".
func TestParsedHouseNumber(t *testing.T) {
	for _, c := range housenumbers.Cases(t) {
		if c.Error != "" || freeTextExceptions[c.In] {
			continue
		}
		for _, s := range []string{c.In + " Lê Lợi", c.In + ", Láng Hạ, Đống Đa, Hà Nội"} {
			p := address.Parse(s)
			h, err := p.HouseNumber()
			if err != nil || h.String() != c.Want {
				t.Errorf("Parse(%q).HouseNumber() = %q, %v; want %q (house %+v, alleys %+v)", s, h, err, c.Want, p.House, p.Alley)
			}
		}
	}
	if _, err := address.Parse("Lê Lợi, Quận 1").HouseNumber(); err == nil {
		t.Error("an address without a number has a house number")
	}
}
