package geocode_test

import (
	"fmt"
	"math/rand/v2"
	"regexp"
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"bandoso/store"
)

// way is one way people write an address: a name for the tables and the writing.
type way struct {
	name  string
	write func(a store.Address, rng *rand.Rand) string
}

// ways are the eight ways each labelled address is written. The alley way reads an alley
// path; it is given the addresses that have one (alleyPath).
var ways = []way{
	{"clean", func(a store.Address, rng *rand.Rand) string {
		return fmt.Sprintf("%s %s, %s", a.HouseNumber, a.Street, units(a, rng.IntN(2) == 0, true))
	}},
	{"no diacritics", func(a store.Address, rng *rand.Rand) string {
		return withoutMarks(fmt.Sprintf("%s %s, %s", a.HouseNumber, a.Street, units(a, rng.IntN(2) == 0, rng.IntN(2) == 0)))
	}},
	{"abbreviated", func(a store.Address, rng *rand.Rand) string {
		street := a.Street
		if !strings.HasPrefix(street, "Đường ") {
			street = pick(rng, "Đ. ", "Đ.", "đ. ") + street
		}
		if rng.IntN(2) == 0 {
			return fmt.Sprintf("%s %s, %s, %s, %s", a.HouseNumber, street, short(a.OldWard.Name, rng), short(a.OldDistrict.Name, rng), pick(rng, hcmcShort...))
		}
		return fmt.Sprintf("%s %s, %s, %s", a.HouseNumber, street, short(a.Ward.Name, rng), pick(rng, hcmcShort...))
	}},
	{"OCR-like", func(a store.Address, rng *rand.Rand) string {
		// "357/28,Ng-T- Thuật,P1,Q3,TP.HồChíMinh.": no space after the commas, one space
		// dropped in the street, units glued to their letter, a trailing dot
		street := dropSpace(a.Street, rng)
		province := pick(rng, "TP.HồChíMinh", "TP.HCM", "TPHCM", "Tp.Hồ Chí Minh")
		if rng.IntN(2) == 0 {
			return fmt.Sprintf("%s,%s,%s,%s,%s.", a.HouseNumber, street, glued(a.OldWard.Name), glued(a.OldDistrict.Name), province)
		}
		return fmt.Sprintf("%s,%s,%s,%s.", a.HouseNumber, street, glued(a.Ward.Name), province)
	}},
	{"qualifier", func(a store.Address, rng *rand.Rand) string {
		return fmt.Sprintf("%s %s %s, %s", pick(rng, qualifiers...), a.HouseNumber, a.Street, units(a, rng.IntN(2) == 0, rng.IntN(2) == 0))
	}},
	{"alley words", func(a store.Address, rng *rand.Rand) string {
		path := alleyPath(a.HouseNumber)
		return fmt.Sprintf("%s %s, %s", alleyWords(path, rng), a.Street, units(a, rng.IntN(2) == 0, rng.IntN(2) == 0))
	}},
	{"old units only", func(a store.Address, rng *rand.Rand) string {
		return fmt.Sprintf("%s %s, %s, %s", a.HouseNumber, a.Street, a.OldWard.Name, a.OldDistrict.Name)
	}},
	{"new units only", func(a store.Address, rng *rand.Rand) string {
		return fmt.Sprintf("%s %s, %s, %s", a.HouseNumber, a.Street, a.Ward.Name, pick(rng, "Thành phố Hồ Chí Minh", "TP. Hồ Chí Minh", "Hồ Chí Minh"))
	}},
}

// alleyWay is the name of the way that needs an alley path.
const alleyWay = "alley words"

// hcmcShort is how people shorten the province's name.
var hcmcShort = []string{"TP.HCM", "TP. HCM", "HCM", "SG", "TPHCM", "Tp.HCM"}

// qualifiers say where a place is from the address written after them (vị trí tương đối).
var qualifiers = []string{"Đối diện", "đối diện", "Gần", "Cạnh", "Kế bên", "Bên cạnh", "Trước", "Sau", "Ngay cạnh", "Góc"}

// units writes the address's wards, in the system before the reform (ward and district) or
// after it (ward alone), with the province or without it.
func units(a store.Address, old, province bool) string {
	s := a.Ward.Name
	if old {
		s = a.OldWard.Name + ", " + a.OldDistrict.Name
	}
	if province {
		s += ", " + a.Province.Name
	}
	return s
}

// short writes a unit's kind short: Phường 12 → P.12, P12 or F12, Phường Bến Nghé → P. Bến
// Nghé, Quận 1 → Q1 or Q.1, Thành phố Thủ Đức → TP. Thủ Đức.
func short(name string, rng *rand.Rand) string {
	kind, rest := unitKind(name)
	shorts := map[string][]string{"Phường": {"P.", "P. ", "P"}, "Quận": {"Q", "Q.", "Q. "}, "Xã": {"X.", "Xã "},
		"Huyện": {"H.", "H. "}, "Thị trấn": {"TT.", "TT "}, "Thành phố": {"TP.", "TP. "}}[kind]
	if len(shorts) == 0 {
		return name
	}
	s := pick(rng, shorts...)
	if isNumber(rest) && kind == "Phường" && rng.IntN(3) == 0 {
		s = "F"
	}
	if !isNumber(rest) && !strings.HasSuffix(s, ".") && !strings.HasSuffix(s, " ") {
		s += " " // a letter is not glued to a name: P Bến Nghé, not PBến Nghé
	}
	return s + rest
}

// glued writes a unit as run-together text does: P1, Q3, P.Bến Nghé, Q.Bình Thạnh.
func glued(name string) string {
	kind, rest := unitKind(name)
	letter := map[string]string{"Phường": "P", "Quận": "Q", "Xã": "X", "Huyện": "H", "Thị trấn": "TT", "Thành phố": "TP"}[kind]
	switch {
	case letter == "":
		return name
	case isNumber(rest):
		return letter + rest
	}
	return letter + "." + rest
}

// unitKind splits a unit's name into its kind and the rest: "Phường 12" → "Phường", "12".
func unitKind(name string) (kind, rest string) {
	for _, k := range []string{"Phường", "Quận", "Xã", "Huyện", "Thị trấn", "Thành phố"} {
		if r, ok := strings.CutPrefix(name, k+" "); ok {
			return k, r
		}
	}
	return "", name
}

func isNumber(s string) bool { return s != "" && strings.Trim(s, "0123456789") == "" }

// dropSpace removes one of the spaces of a name of several words, as OCR and hurried
// typing do: Nguyễn Gia Trí → NguyễnGia Trí.
func dropSpace(name string, rng *rand.Rand) string {
	spaces := strings.Count(name, " ")
	if spaces == 0 {
		return name
	}
	n := rng.IntN(spaces)
	i := 0
	return strings.Map(func(r rune) rune {
		if r == ' ' {
			i++
			if i == n+1 {
				return -1
			}
		}
		return r
	}, name)
}

// withoutMarks writes s without its diacritics, as typed on a keyboard without Vietnamese
// input: Nguyễn Đình Chiểu → Nguyen Dinh Chieu.
func withoutMarks(s string) string {
	dBar := runes.Map(func(r rune) rune {
		switch r {
		case 'đ':
			return 'd'
		case 'Đ':
			return 'D'
		}
		return r
	})
	out, _, err := transform.String(transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), dBar, norm.NFC), s)
	if err != nil {
		panic(err)
	}
	return out
}

// alleyNumber is a house number with an alley path: 123/45, 123/45/6A.
var alleyNumber = regexp.MustCompile(`^[0-9]+[A-Za-z]?(/[0-9]+[A-Za-z]?)+$`)

// alleyPath splits a house number with an alley path into its elements, outermost alley
// first and the house last; nil when it has none.
func alleyPath(number string) []string {
	if !alleyNumber.MatchString(number) {
		return nil
	}
	return strings.Split(number, "/")
}

// alleyWords writes an alley path the ways of both cities: Ho Chi Minh City's hẻm, Huế's
// and Đà Nẵng's kiệt, Hanoi's ngõ and ngách.
func alleyWords(path []string, rng *rand.Rand) string {
	house, alleys := path[len(path)-1], path[:len(path)-1]
	joined := strings.Join(alleys, "/")
	switch rng.IntN(5) {
	case 0: // số 6A hẻm 123/45
		return fmt.Sprintf("số %s hẻm %s", house, joined)
	case 1: // 6A hẻm 123/45
		return fmt.Sprintf("%s hẻm %s", house, joined)
	case 2: // K123/45/6A: kiệt glued to its number, the house last
		return "K" + strings.Join(path, "/")
	case 3: // số 6A kiệt 123/45
		return fmt.Sprintf("số %s kiệt %s", house, joined)
	}
	// ngõ 123 ngách 45 hẻm 6 số 7: ngõ, then ngách, then hẻm, then the house
	var b strings.Builder
	for i, a := range alleys {
		word := "hẻm"
		switch i {
		case 0:
			word = "ngõ"
		case 1:
			word = "ngách"
		}
		fmt.Fprintf(&b, "%s %s ", word, a)
	}
	return fmt.Sprintf("số %s %s", house, strings.TrimSpace(b.String()))
}

func pick(rng *rand.Rand, s ...string) string { return s[rng.IntN(len(s))] }
