package address

import (
	"strings"
	"unicode"
)

// The levels of administrative units.
const (
	LevelWard     = "ward"     // phường, xã, thị trấn, đặc khu
	LevelDistrict = "district" // quận, huyện, thị xã, city-level thành phố (gone since 2025)
	LevelProvince = "province" // tỉnh, centrally run thành phố
)

// The eras of administrative units: the 2025 reform abolished districts and merged provinces
// and wards on 1 July 2025.
const (
	EraOld = "old" // before 2025-07-01
	EraNew = "new" // since 2025-07-01
)

// UnitRef names one unit of one era and level: a code alone does not, since a new unit reuses
// an old one's code (Phường Sài Gòn has 26740, the code of former Phường Bến Nghé).
type UnitRef struct {
	Era, Level, Code string
}

// Unit is an administrative unit as a [UnitMatcher] knows it.
type Unit struct {
	UnitRef
	Name string // official, kind included: "Phường Bến Nghé"
	Kind string // the kind word Name opens with: "Phường", "Thành phố"
	// In lists the units it lies in: its district and province, and, across the reform, the
	// province (and, for a new unit, the old districts) of the units it became or came from,
	// so that an address mixing the two systems still fits.
	In []UnitRef
	// Within names its district and province for people: "Quận 1, Thành phố Hồ Chí Minh".
	Within string
}

// Bare is the unit's name without its kind word: "Bến Nghé", "1" for Phường 1.
func (u Unit) Bare() string {
	// the lists write "Thị Xã Sơn Tây" as well as "Thị xã"
	if k := len(u.Kind); k > 0 && len(u.Name) > k && strings.EqualFold(u.Name[:k], u.Kind) {
		return strings.TrimSpace(u.Name[k:])
	}
	return u.Name
}

// lies says u lies in v.
func (u Unit) lies(v Unit) bool {
	for _, r := range u.In {
		if r == v.UnitRef {
			return true
		}
	}
	return false
}

// UnitMatcher recognises administrative units by name. Implementations must be safe for
// concurrent use.
type UnitMatcher interface {
	// MatchUnit returns the units whose name or alias (as people write it: "hcm" for Thành
	// phố Hồ Chí Minh) has key ([UnitKey]), kind words left out; with near, instead, those
	// whose key is one edit from key (a letter added, dropped, changed, or two swapped), for
	// a key of six letters or more. A name written with its kind word is asked for with it
	// first ("phuongthuduc"), so that a matcher may keep a name without it for one unit
	// (Thủ Đức, the former city). The slice must not be modified.
	MatchUnit(key string, near bool) []Unit
}

// UnitKey is the key a unit's name is matched by: [Fold] without spaces or punctuation, and
// numbers without leading zeros, so that "Bến Nghé", "BếnNghé" and "ben-nghe" agree, and so
// do "01" and "1". It leaves the kind word in: drop it first.
func UnitKey(name string) string { return keyOf(Fold(name)) }

// keyOf joins the words of folded text s, numbers without leading zeros.
func keyOf(s string) string {
	var b strings.Builder
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		b.WriteString(wordKey(w))
	}
	return b.String()
}

// wordKey is a word of a unit's key: a number without its leading zeros, a word as it is.
func wordKey(w string) string {
	if isDigitsOnly(w) && len(w) < 10 {
		return trimZeros(w)
	}
	return w
}

// WithUnits makes Parse recognise the administrative units m knows by name, without keywords
// and however abbreviated, reading the end of the address from the right and keeping only
// units that lie in one another; it fills Ward, District and Province with their official
// names and codes. The keyword reading still reads what comes before them.
func WithUnits(m UnitMatcher) Option { return func(p *parser) { p.units = m } }

// UnitMatch is one unit read in an address: the part of the text, the level it was read at,
// and every unit that fits it equally well (one when decided).
type UnitMatch struct {
	Part       Part
	Level      string
	Candidates []Unit
	Reason     string // why it is not decided, when it is not
}
