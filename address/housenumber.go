package address

import (
	"fmt"
	"strconv"
	"strings"
)

// MaxHouseNumber is the longest house number, in characters, that [ParseHouseNumber] reads:
// the limit the database sets on addresses.house_number.
const MaxHouseNumber = 64

// HouseKind is what a house number names: a house, or, without one, an alley, a lot or a
// kilometre mark.
type HouseKind int

// The kinds of house number.
const (
	KindHouse HouseKind = iota // a house, maybe down an alley path: "12A", "123/45/6A", "176-181"
	KindAlley                  // an alley without a house: "Ngõ 100", "Hẻm 12/5"
	KindLot                    // a lot (lô) of a planned area: "Lô B2"
	KindKm                     // a kilometre mark (cột cây số) along a road: "Km 7+500"
)

// kindMarkers are the markers the canonical form writes before a path that is not a house.
var kindMarkers = map[HouseKind]string{KindAlley: "ALLEY:", KindLot: "LOT:", KindKm: "KM:"}

// HouseNumber is a house number as [ParseHouseNumber] reads it.
type HouseNumber struct {
	Kind HouseKind
	// Path holds the canonical elements, outermost alley first and the house last ("12",
	// "3", "5" for house 5 in ngách 3 of ngõ 12); a range is one element ("176-181"). A lot
	// or a kilometre mark has one element, its value ("B2", "7+500").
	Path []string
}

// String is the canonical form (see the package comment): "12/3/5", "120BIS", "176-181",
// "ALLEY:100", "LOT:B2", "KM:7+500".
func (h HouseNumber) String() string {
	return kindMarkers[h.Kind] + strings.Join(h.Path, "/")
}

// Range returns the ends of a house written as a range ("176", "181" of "176-181"), low
// first; ok is false when the house is a single number.
func (h HouseNumber) Range() (low, high string, ok bool) {
	if h.Kind != KindHouse || len(h.Path) == 0 {
		return "", "", false
	}
	low, high, ok = strings.Cut(h.Path[len(h.Path)-1], "-")
	if !ok {
		return "", "", false
	}
	return low, high, true
}

// Mouth is the number where the house or alley meets its street: 123 of "123/45/6A", 176 of
// "176-181"; 0 for a lot, a kilometre mark or the zero HouseNumber.
func (h HouseNumber) Mouth() int {
	if h.Kind != KindHouse && h.Kind != KindAlley || len(h.Path) == 0 {
		return 0
	}
	n, _ := strconv.Atoi(h.Path[0][:digits(h.Path[0])])
	return n
}

// HouseNumberError says why text is not a house number.
type HouseNumberError struct {
	Text   string // the input
	Reason string // in words: "no number", "unexpected \"ABC\" after 12"
}

func (e *HouseNumberError) Error() string {
	return fmt.Sprintf("address: %q is not a house number: %s", e.Text, e.Reason)
}

// ParseHouseNumber reads a house number as people write it (see the package comment for the
// forms it knows) into its kind and canonical path. Text that is not a house number (empty,
// with no number, a sentence, control characters, over [MaxHouseNumber] characters) is a
// *HouseNumberError saying why. NFC and NFD input, Đ (U+0110) and Ð (U+00D0) read alike.
//
// It is the Go twin of the database's house_number_norm() (migrations/00018_house_numbers.sql):
// NormHouseNumber(s) equals house_number_norm(s), with "" for NULL, on every input.
func ParseHouseNumber(s string) (HouseNumber, error) {
	toks, reason := houseTokens(s)
	if reason != "" {
		return HouseNumber{}, &HouseNumberError{s, reason}
	}
	r := houseReader{toks: toks}
	h, reason := r.read()
	if reason == "" && len(h.String()) > MaxHouseNumber {
		// so that the canonical form reads as itself
		reason = fmt.Sprintf("longer than %d characters in the canonical form", MaxHouseNumber)
	}
	if reason != "" {
		return HouseNumber{}, &HouseNumberError{s, reason}
	}
	return h, nil
}

// NormHouseNumber is the canonical form of house number s, the key addresses are matched by;
// "" when s is not a house number. It is idempotent: the canonical form reads as itself.
func NormHouseNumber(s string) string {
	h, err := ParseHouseNumber(s)
	if err != nil {
		return ""
	}
	return h.String()
}

// HouseNumber reads the house number and alley path the parser found as [ParseHouseNumber]
// reads them: "số 5 ngõ 12 ngách 3 Láng Hạ" gives 12/3/5, "Ngõ 100 Phố Huế" the alley 100,
// "Lô B2 Nguyễn Văn Linh" the lot B2. It fails when the address has none.
func (a Parsed) HouseNumber() (HouseNumber, error) {
	if a.House.IsZero() && len(a.Alley) > 0 {
		return ParseHouseNumber("Ngõ " + a.Number())
	}
	return ParseHouseNumber(a.Number())
}
