package demo_test

import (
	"crypto/sha256"
	"fmt"
	"regexp"
	"testing"

	"bandoso/demo"
	"bandoso/geo"
)

func TestParseSize(t *testing.T) {
	tests := []struct {
		in   string
		want int
		ok   bool
	}{
		{"small", demo.SizeSmall, true},
		{"district", demo.SizeDistrict, true},
		{"city", demo.SizeCity, true},
		{"5000", 5000, true},
		{"huge", 0, false},
		{"-3", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := demo.ParseSize(tt.in)
			if (err == nil) != tt.ok || got != tt.want {
				t.Errorf("ParseSize(%q) = %d, %v", tt.in, got, err)
			}
		})
	}
}

// digest hashes every row the city yields, in order.
func digest(t *testing.T, seed uint64, size int) (string, int, int) {
	t.Helper()
	c, err := demo.New(seed, size)
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.New()
	fmt.Fprint(h, c.Units(), c.Streets(), c.Plans(), c.RoadBoundaries())
	var parcels, addresses int
	err = c.Blocks(func(b *demo.Block) error {
		fmt.Fprint(h, b.Alleys, b.Parcels, b.Addresses, b.Zone)
		parcels += len(b.Parcels)
		addresses += len(b.Addresses)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%x", h.Sum(nil)), parcels, addresses
}

func TestDeterministic(t *testing.T) {
	a, _, _ := digest(t, 7, 3000)
	b, _, _ := digest(t, 7, 3000)
	c, _, _ := digest(t, 8, 3000)
	if a != b {
		t.Error("the same seed gave different rows")
	}
	if a == c {
		t.Error("different seeds gave the same rows")
	}
}

func TestSizeAndAddresses(t *testing.T) {
	_, parcels, addresses := digest(t, 1, demo.SizeSmall)
	if parcels < demo.SizeSmall*8/10 || parcels > demo.SizeSmall*13/10 {
		t.Errorf("%d parcels for a target of %d", parcels, demo.SizeSmall)
	}
	if r := float64(addresses) / float64(parcels); r < 1.6 || r > 2.4 {
		t.Errorf("%.2f addresses per parcel, want about 2", r)
	}
}

func TestAddressRows(t *testing.T) {
	c, err := demo.New(3, 4000)
	if err != nil {
		t.Fatal(err)
	}
	number := regexp.MustCompile(`^[0-9]+[A-Z]?(/[0-9]+[A-Z]?)*$`)
	codes := map[string]bool{}
	national := map[string]bool{}
	var alley, branch int
	_ = c.Blocks(func(b *demo.Block) error {
		for _, a := range b.Addresses {
			if !number.MatchString(a.HouseNumber) {
				t.Fatalf("house number %q", a.HouseNumber)
			}
			if serial, err := geo.ParseRegistryCode(a.Code); err != nil || codes[a.Code] || serial != demo.RegistrySerial(a.ID) {
				t.Fatalf("address %d: registry code %q invalid, repeated or not its id's (%v)", a.ID, a.Code, err)
			}
			codes[a.Code] = true
			if a.NationalCode != "" {
				nc, err := geo.ParseNationalAddressCode(a.NationalCode)
				if err != nil || national[a.NationalCode] || nc.Postcode < "70000" || nc.Postcode > "76999" {
					t.Fatalf("national code %q invalid, repeated or not in Ho Chi Minh City (%v)", a.NationalCode, err)
				}
				national[a.NationalCode] = true
			}
			switch len(regexp.MustCompile("/").FindAllString(a.HouseNumber, -1)) {
			case 1:
				alley++
			case 2:
				branch++
			}
		}
		return nil
	})
	if n := len(national) * 100 / len(codes); n < 15 || n > 35 {
		t.Errorf("%d%% of addresses have a national code, want about a quarter", n)
	}
	if alley == 0 || branch == 0 {
		t.Errorf("%d alley and %d branch addresses, want both", alley, branch)
	}
}
