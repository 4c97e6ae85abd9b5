package demo_test

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
	"github.com/paulmach/osm"
	"golang.org/x/text/unicode/norm"

	"bandoso/demo"
)

// fileAddress is an address as read from the file, with its quirks undone.
type fileAddress struct {
	number, street string
	tags           osm.Tags
	point          orb.Point // a node's position
	ring           orb.Ring  // a building's ring
}

// addressKey is how an importer would match an address: the number in upper case and the
// street's demo name.
func addressKey(number, street string) string { return strings.ToUpper(number) + " | " + street }

// fileAddresses reads every addr:* element of f, undoing the quirks with nothing but the
// list of street names: spelling, a "Đường " or "Phố " before the name, and the number in
// addr:street.
func fileAddresses(t *testing.T, f *osmFile, streets map[string]bool) map[string][]fileAddress {
	t.Helper()
	demoName := func(s string) string {
		s = plain(s)
		for _, prefix := range []string{"", "Đường ", "Phố "} {
			if rest, ok := strings.CutPrefix(s, prefix); ok && streets[rest] {
				return rest
			}
		}
		return s
	}
	out := map[string][]fileAddress{}
	add := func(tags osm.Tags, a fileAddress) {
		a.tags, a.number, a.street = tags, tags.Find("addr:housenumber"), tags.Find("addr:street")
		if a.street == "" {
			return
		}
		if a.number == "" { // the number in the wrong key
			var ok bool
			if a.number, a.street, ok = strings.Cut(a.street, " "); !ok {
				t.Fatalf("addr:street %q without a number", a.street)
			}
		}
		a.street = demoName(a.street)
		k := addressKey(a.number, a.street)
		out[k] = append(out[k], a)
	}
	for _, n := range f.nodes {
		add(n.Tags, fileAddress{point: n.Point()})
	}
	for _, w := range f.ways {
		if w.Tags.Find("building") != "" {
			add(w.Tags, fileAddress{ring: orb.Ring(f.coords(w))})
		}
	}
	return out
}

// TestOSMAddresses checks that every demo address and every extra address is in the file
// once, at its point or on the building of its lot, and that the quirks come in the
// proportions OSMAddresses states.
func TestOSMAddresses(t *testing.T) {
	c, f := smallFile(t)
	names := map[int64]string{}
	streets := map[string]bool{}
	for _, s := range c.Streets() {
		names[s.ID], streets[s.Name] = s.Name, true
	}
	got := fileAddresses(t, f, streets)
	var demoAddresses, singleLots, onBuildings int
	err := c.Blocks(func(b *demo.Block) error {
		perLot := map[int64]int{}
		for _, a := range b.Addresses {
			perLot[a.ParcelID]++
		}
		for _, a := range b.Addresses {
			demoAddresses++
			k := addressKey(a.HouseNumber, names[a.StreetID])
			found := got[k]
			if len(found) != 1 {
				return fmt.Errorf("address %s is in the file %d times", k, len(found))
			}
			if perLot[a.ParcelID] == 1 {
				singleLots++
			}
			switch x := found[0]; {
			case x.ring != nil:
				onBuildings++
				if perLot[a.ParcelID] != 1 || !planar.RingContains(x.ring, a.Geom) {
					return fmt.Errorf("address %s on a building that does not hold its point, or of a lot of %d addresses", k, perLot[a.ParcelID])
				}
			case !near(x.point, a.Geom):
				return fmt.Errorf("address %s at %v, want %v", k, x.point, a.Geom)
			}
			delete(got, k)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	extras := c.OSMExtraAddresses()
	for _, x := range extras {
		k := addressKey(x.HouseNumber, x.Street)
		if len(got[k]) != 1 || !near(got[k][0].point, x.Point) {
			t.Errorf("extra address %s: %v in the file", k, got[k])
		}
		delete(got, k)
	}
	for k := range got {
		t.Errorf("address %s in the file is neither the demo's nor an extra", k)
	}
	if r := float64(onBuildings) / float64(singleLots); r < 0.25 || r > 0.42 {
		t.Errorf("%d of %d lots with one address have it on the building, want about a third", onBuildings, singleLots)
	}
	checkAddressQuirks(t, f, demoAddresses+len(extras))
}

// checkAddressQuirks counts the quirks of the addr:* tags in f.
func checkAddressQuirks(t *testing.T, f *osmFile, total int) {
	t.Helper()
	var all []osm.Tags
	for _, n := range f.nodes {
		if n.Tags.Find("addr:street") != "" {
			all = append(all, n.Tags)
		}
	}
	for _, w := range f.ways {
		if w.Tags.Find("addr:street") != "" {
			all = append(all, w.Tags)
		}
	}
	if len(all) != total {
		t.Fatalf("%d elements with addr:street, want %d", len(all), total)
	}
	letter := regexp.MustCompile(`[A-Za-z]$`)
	var wrongKey, duong, pho, withD, eth, nfd, lettered, lower, city, oldWard int
	for _, tags := range all {
		number, street := tags.Find("addr:housenumber"), tags.Find("addr:street")
		if number == "" {
			wrongKey++
			continue
		}
		switch s := plain(street); {
		case strings.HasPrefix(s, "Đường ") && !strings.HasPrefix(s, "Đường số"):
			duong++
		case strings.HasPrefix(s, "Phố "):
			pho++
		}
		if strings.ContainsAny(plain(street), "Đđ") {
			withD++
			if strings.ContainsAny(street, "\u00D0\u00F0") {
				eth++
			}
		}
		if street != norm.NFC.String(street) {
			nfd++
		}
		if letter.MatchString(number) {
			lettered++
			if strings.ToLower(number) == number {
				lower++
			}
		}
		if tags.Find("addr:city") == "Thành phố Hồ Chí Minh" {
			if tags.Find("addr:subdistrict") == "" {
				t.Errorf("addr:city without addr:subdistrict: %v", tags)
			}
			city++
			if tags.Find("addr:district") != "" {
				oldWard++
			}
		}
	}
	n := float64(total)
	within := func(what string, got int, of float64, lo, hi float64) {
		if r := float64(got) / of; got == 0 || r < lo || r > hi {
			t.Errorf("%s: %d of %.0f (%.3f), want %.3f to %.3f", what, got, of, r, lo, hi)
		}
	}
	within("number in addr:street", wrongKey, n, 0.002, 0.01)
	within(`"Đường " before the street`, duong, n, 0.15, 0.25)
	within(`"Phố " before the street`, pho, n, 0.02, 0.06)
	within("Ð for Đ", eth, float64(withD), 0.18, 0.32)
	within("street in NFD", nfd, n, 0.005, 0.04)
	within("letter in lower case", lower, float64(lettered), 0.25, 0.42)
	within("addr:city and addr:subdistrict", city, n, 0.25, 0.35)
	within("the old ward with its district", oldWard, float64(city), 0.4, 0.6)
}

// TestOSMExtraAddresses checks the forms of the extra addresses and that none can be taken
// for a demo address: where a form has a number of the street, it is above all the demo's.
func TestOSMExtraAddresses(t *testing.T) {
	c, _ := small()
	forms := []*regexp.Regexp{
		regexp.MustCompile(`^\d+ bis$`), regexp.MustCompile(`^\d+b$`), regexp.MustCompile(`^\d+A/\d+$`),
		regexp.MustCompile(`^\d+-\d+$`), regexp.MustCompile(`^K\d+ H\d+/\d+$`), regexp.MustCompile(`^số \d+ ngõ \d+ ngách \d+$`),
		regexp.MustCompile(`^Ngõ \d+$`), regexp.MustCompile(`^Lô [A-Z]\d+$`), regexp.MustCompile(`^Km \d+$`),
	}
	maxNumber := map[int64]int{} // the highest number the demo gives on each street
	_ = c.Blocks(func(b *demo.Block) error {
		for _, a := range b.Addresses {
			maxNumber[a.StreetID] = max(maxNumber[a.StreetID], leadingNumber(a.HouseNumber))
		}
		return nil
	})
	extras := c.OSMExtraAddresses()
	if len(extras) != len(forms) {
		t.Fatalf("%d extra addresses, want one per form (%d)", len(extras), len(forms))
	}
	streets := map[int64]bool{}
	for i, x := range extras {
		streets[x.StreetID] = true
		if !forms[i].MatchString(x.HouseNumber) {
			t.Errorf("extra %d %q does not have the form %s", i, x.HouseNumber, forms[i])
		}
		// the number of the street: the first, or the ngõ's
		number := leadingNumber(strings.TrimPrefix(x.HouseNumber, "K"))
		if _, ngo, ok := strings.Cut(x.HouseNumber, "ngõ "); ok {
			number = leadingNumber(ngo)
		} else if rest, ok := strings.CutPrefix(x.HouseNumber, "Ngõ "); ok {
			number = leadingNumber(rest)
		}
		if strings.HasPrefix(x.HouseNumber, "Lô ") || strings.HasPrefix(x.HouseNumber, "Km ") {
			continue
		}
		if number <= maxNumber[x.StreetID] {
			t.Errorf("extra %q on %s: %d is not above the demo's highest number %d", x.HouseNumber, x.Street, number, maxNumber[x.StreetID])
		}
	}
	if len(streets) < 2 {
		t.Errorf("extras on %d streets, want a few", len(streets))
	}
}

// leadingNumber is the number a house number starts with, or 0.
func leadingNumber(s string) int {
	end := strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' })
	if end < 0 {
		end = len(s)
	}
	n, _ := strconv.Atoi(s[:end])
	return n
}

// near says whether two points are the same to the file's precision, 1e-7 degrees.
func near(a, b orb.Point) bool { return math.Abs(a[0]-b[0]) < 5e-8 && math.Abs(a[1]-b[1]) < 5e-8 }
