package address

// StreetMatcher recognises known street names in the words of an address, so that a slash in a
// name ("Đường 3/2", "30/4") is not read as an alley. Implementations must be safe for
// concurrent use when one is shared between goroutines.
type StreetMatcher interface {
	// MatchStreet reports how many of words, from the first, spell a known street name, and
	// that street's name as it is written; 0 when they spell none. words are folded ([Fold])
	// tokens: each run of letters and digits, and each "/", is one word ("3", "/", "2").
	MatchStreet(words []string) (n int, name string)
}

// StreetList is a [StreetMatcher] over a fixed list of names; the longest match wins. It is
// safe for concurrent use once built.
type StreetList struct {
	byFirst map[string][]streetEntry
}

type streetEntry struct {
	words []string
	name  string
}

// NewStreetList returns an empty list.
func NewStreetList() *StreetList { return &StreetList{byFirst: map[string][]streetEntry{}} }

// Add adds a street by its name and other ways of writing it (abbreviations, the date in
// figures). It returns l.
func (l *StreetList) Add(name string, aliases ...string) *StreetList {
	for _, a := range append([]string{name}, aliases...) {
		var ws []string
		for _, t := range tokenize(a) {
			if !t.punct || t.text == "/" {
				ws = append(ws, t.fold)
			}
		}
		if len(ws) > 0 {
			l.byFirst[ws[0]] = append(l.byFirst[ws[0]], streetEntry{ws, Normalize(name)})
		}
	}
	return l
}

// MatchStreet implements [StreetMatcher].
func (l *StreetList) MatchStreet(words []string) (int, string) {
	if len(words) == 0 {
		return 0, ""
	}
	best, name := 0, ""
	for _, e := range l.byFirst[words[0]] {
		if len(e.words) > best && len(e.words) <= len(words) && equal(e.words, words[:len(e.words)]) {
			best, name = len(e.words), e.name
		}
	}
	return best, name
}

func equal(a, b []string) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// DefaultStreets lists the streets of Ho Chi Minh City, Hanoi and Đà Nẵng named after dates,
// whose names hold a slash or a number: Đường 3 Tháng 2 (3/2), 30 Tháng 4, Cách Mạng Tháng 8
// (CMT8), 2 Tháng 9, Phố 8 Tháng 3, 19 Tháng 5, 26 Tháng 3. [Parse] uses it when no other
// matcher is given.
var DefaultStreets StreetMatcher = NewStreetList().
	Add("3 Tháng 2", "3/2", "Ba Tháng Hai").
	Add("30 Tháng 4", "30/4", "Ba Mươi Tháng Tư").
	Add("Cách Mạng Tháng 8", "Cách Mạng Tháng Tám", "CMT8", "CMTT", "CM Tháng 8").
	Add("2 Tháng 9", "2/9").
	Add("8 Tháng 3", "8/3").
	Add("19 Tháng 5", "19/5").
	Add("26 Tháng 3", "26/3")
