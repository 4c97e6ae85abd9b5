package address

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// The reader below has a twin in SQL, house_number_norm() in migrations/00018_house_numbers.sql:
// a change to one is a change to both, and store's tests run the shared cases of
// internal/housenumbers/cases.json through each.

// houseIntros introduce a house number: số, số nhà, SN, No.
var houseIntros = map[string]bool{"SO": true, "SN": true, "NO": true, "NHA": true}

// alleyRanks are the words of an alley, by depth: ngõ and kiệt off the street, ngách off a
// ngõ, hẻm deepest (Hà Nội's ngõ 12 ngách 3 hẻm 4). K and H are Đà Nẵng's kiệt and hẻm glued
// to their number; ALLEY is the canonical form's marker.
var alleyRanks = map[string]int{"NGO": 0, "KIET": 0, "K": 0, "ALLEY": 0, "NGACH": 1, "H": 1, "HEM": 2}

// lotWords and kmWords introduce a lot and a kilometre mark; LOT and KM are also the canonical
// markers.
var (
	lotWords = map[string]bool{"LO": true, "LOT": true}
	kmWords  = map[string]bool{"KM": true}
)

// houseSuffix is what may follow a number: a letter, bis or ter, and a letter after those
// (12A, 120BIS, 563BBIS, 12BISA).
var houseSuffix = regexp.MustCompile(`^[A-Z]?((BIS|TER)[A-Z]?)?$`)

// maxDigits bounds each number: a longer one is a telephone or a code, not a house.
const maxDigits = 6

// houseTokens folds s to upper-case ASCII (marks dropped, đ → D, dashes → "-", Unicode spaces
// → " ") and splits it into runs of letters, runs of digits and single punctuation marks. The
// reason is not empty when s cannot be a house number whatever its words.
func houseTokens(s string) ([]string, string) {
	if utf8.RuneCountInString(s) > MaxHouseNumber {
		return nil, fmt.Sprintf("longer than %d characters", MaxHouseNumber)
	}
	for _, r := range s {
		if r < 0x20 || r >= 0x7f && r <= 0x9f {
			return nil, "a control character"
		}
	}
	var b strings.Builder
	for _, r := range norm.NFD.String(strings.ToValidUTF8(s, "\uFFFD")) {
		switch {
		case r >= 0x300 && r <= 0x36f:
			continue
		case r == 'đ' || r == 'ð' || r == 'Đ' || r == 'Ð':
			r = 'D'
		case strings.ContainsRune(unicodeSpaces, r):
			r = ' '
		case strings.ContainsRune(unicodeDashes, r):
			r = '-'
		case r >= 'a' && r <= 'z':
			r -= 'a' - 'A'
		case r >= 0x80 || !(r == ' ' || isAlnum(byte(r)) || strings.ContainsRune(housePunct, r)):
			return nil, fmt.Sprintf("unexpected character %q", r)
		}
		b.WriteRune(r)
	}
	f := b.String()
	if strings.TrimSpace(f) == "" {
		return nil, "empty"
	}
	if !strings.ContainsAny(f, "0123456789") {
		return nil, "no number"
	}
	var toks []string
	for i := 0; i < len(f); {
		j := i + 1
		switch {
		case f[i] == ' ':
			i = j
			continue
		case isAlnum(f[i]):
			for j < len(f) && isDigit(f[j]) == isDigit(f[i]) && isAlnum(f[j]) {
				j++
			}
		}
		toks = append(toks, f[i:j])
		i = j
	}
	return toks, ""
}

// The characters houseTokens reads as a space and as a dash, and the punctuation it keeps.
const (
	unicodeSpaces = "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
	unicodeDashes = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
	housePunct    = ",;./-+:"
)

func isDigit(c byte) bool       { return c >= '0' && c <= '9' }
func isAlnum(c byte) bool       { return isDigit(c) || c >= 'A' && c <= 'Z' }
func isNumber(t string) bool    { return t != "" && isDigit(t[0]) }
func isLetters(t string) bool   { return t != "" && t[0] >= 'A' && t[0] <= 'Z' }
func isSeparator(t string) bool { return t == "," || t == ";" || t == "." }

// houseReader reads the tokens of a house number: items (a house path, an alley word with its
// path, a lot, a kilometre mark) separated by spaces, commas or semicolons.
type houseReader struct {
	toks     []string
	i        int
	house    []string
	hasHouse bool
	alleys   []houseAlley
}

type houseAlley struct {
	rank int
	path []string
}

func (r *houseReader) tok(i int) string {
	if i < len(r.toks) {
		return r.toks[i]
	}
	return ""
}

// read reads every item and puts the alleys in order of depth, then the house.
func (r *houseReader) read() (HouseNumber, string) {
	for r.i < len(r.toks) {
		t := r.toks[r.i]
		rank, isAlley := alleyRanks[t]
		switch {
		case isSeparator(t):
			r.i++
		case houseIntros[t]:
			for houseIntros[r.tok(r.i)] {
				r.i++
			}
			r.skipMarks()
			path, _, why := r.path(t)
			if why == "" {
				why = r.setHouse(path)
			}
			if why != "" {
				return HouseNumber{}, why
			}
		case isAlley:
			r.i++
			r.skipMarks()
			path, prefixed, why := r.path(t)
			if why != "" {
				return HouseNumber{}, why
			}
			// K448/H20/2: after a glued K or H, a last number without a letter is the house.
			if last := len(path) - 1; len(t) == 1 && last > 0 && !prefixed[last] {
				if why := r.setHouse(path[last:]); why != "" {
					return HouseNumber{}, why
				}
				path = path[:last]
			}
			r.alleys = append(r.alleys, houseAlley{rank, path})
		case lotWords[t]:
			return r.single(KindLot, r.lotValue)
		case kmWords[t]:
			return r.single(KindKm, r.kmValue)
		case isNumber(t):
			path, _, why := r.path("")
			if why == "" {
				why = r.setHouse(path)
			}
			if why != "" {
				return HouseNumber{}, why
			}
		default:
			return HouseNumber{}, fmt.Sprintf("unexpected %q", t)
		}
	}
	if !r.hasHouse && len(r.alleys) == 0 {
		return HouseNumber{}, "no number"
	}
	slices.SortStableFunc(r.alleys, func(a, b houseAlley) int { return a.rank - b.rank })
	h := HouseNumber{Kind: KindAlley}
	for _, a := range r.alleys {
		h.Path = append(h.Path, a.path...)
	}
	if r.hasHouse {
		h.Kind, h.Path = KindHouse, append(h.Path, r.house...)
	}
	return h, ""
}

// skipMarks skips the "." or ":" after a keyword (No. 12, Số: 12, Km.7).
func (r *houseReader) skipMarks() {
	for t := r.tok(r.i); t == "." || t == ":"; t = r.tok(r.i) {
		r.i++
	}
}

func (r *houseReader) setHouse(path []string) string {
	if r.hasHouse {
		return fmt.Sprintf("two house numbers: %s and %s", strings.Join(r.house, "/"), strings.Join(path, "/"))
	}
	r.house, r.hasHouse = path, true
	return ""
}

// single reads a lot or a kilometre mark, which must be the only item.
func (r *houseReader) single(kind HouseKind, value func() (string, string)) (HouseNumber, string) {
	t := r.toks[r.i]
	if r.hasHouse || len(r.alleys) > 0 {
		return HouseNumber{}, fmt.Sprintf("%q after a house or alley number", t)
	}
	r.i++
	r.skipMarks()
	v, why := value()
	if why == "" && v == "" {
		why = fmt.Sprintf("%q without a number", t)
	}
	for ; why == "" && r.i < len(r.toks); r.i++ {
		if !isSeparator(r.toks[r.i]) {
			why = fmt.Sprintf("unexpected %q after %s %s", r.toks[r.i], t, v)
		}
	}
	if why != "" {
		return HouseNumber{}, why
	}
	return HouseNumber{Kind: kind, Path: []string{v}}, ""
}

// lotValue reads a lot's name: numbers, runs of one or two letters (not two runs in a row,
// which would read as one), and "-", "/" or "." between them (B2, LK12, A1.05, B2-05).
func (r *houseReader) lotValue() (string, string) {
	start := r.i
	for {
		t := r.tok(r.i)
		letters := isLetters(t) && len(t) <= 2 && !(r.i > start && isLetters(r.toks[r.i-1]))
		if !isNumber(t) && !letters && !(r.i > start && (t == "-" || t == "/" || t == ".")) {
			break
		}
		r.i++
	}
	for r.i > start && !isAlnum(r.toks[r.i-1][0]) {
		r.i--
	}
	v := strings.Join(r.toks[start:r.i], "")
	if !strings.ContainsAny(v, "0123456789") {
		r.i = start
		return "", ""
	}
	return v, ""
}

// kmValue reads a kilometre mark: a number of kilometres, then metres after "+" or a decimal
// after "." (7, 7+500, 7.5).
func (r *houseReader) kmValue() (string, string) {
	t := r.tok(r.i)
	if !isNumber(t) {
		return "", ""
	}
	if len(t) > maxDigits {
		return "", fmt.Sprintf("a number of more than %d digits", maxDigits)
	}
	v := trimZeros(t)
	r.i++
	if sep, frac := r.tok(r.i), r.tok(r.i+1); (sep == "+" || sep == ".") && isNumber(frac) && len(frac) <= maxDigits {
		v += sep + frac
		r.i += 2
	}
	return v, ""
}

// path reads numbers joined by "/", each maybe a range, each after the first maybe with a
// glued K or H (K448/H20/2); prefixed says which had one. kw is the word before, for errors.
func (r *houseReader) path(kw string) (path []string, prefixed []bool, why string) {
	for {
		pre := false
		if t := r.tok(r.i); len(path) > 0 && (t == "K" || t == "H") && isNumber(r.tok(r.i+1)) {
			pre = true
			r.i++
		}
		if !isNumber(r.tok(r.i)) {
			if len(path) == 0 {
				return nil, nil, fmt.Sprintf("%q without a number", kw)
			}
			return nil, nil, "nothing after /"
		}
		e, why := r.element()
		if why != "" {
			return nil, nil, why
		}
		path, prefixed = append(path, e), append(prefixed, pre)
		if r.tok(r.i) != "/" {
			return path, prefixed, ""
		}
		r.i++
	}
}

// element reads a number with its suffix, or a range of two (176-181), low end first.
func (r *houseReader) element() (string, string) {
	low, lowN, why := r.number()
	if why != "" || r.tok(r.i) != "-" || !isNumber(r.tok(r.i+1)) {
		return low, why
	}
	r.i++
	high, highN, why := r.number()
	switch {
	case why != "":
		return "", why
	case lowN > highN || lowN == highN && low > high:
		low, high = high, low
	case low == high:
		return low, ""
	}
	return low + "-" + high, ""
}

// number reads digits and the letters after them up to the next keyword.
func (r *houseReader) number() (string, int, string) {
	t := r.toks[r.i]
	if len(t) > maxDigits {
		return "", 0, fmt.Sprintf("a number of more than %d digits", maxDigits)
	}
	r.i++
	var suffix string
	for isLetters(r.tok(r.i)) && !r.keywordAt(r.i) {
		suffix += r.toks[r.i]
		r.i++
	}
	if !houseSuffix.MatchString(suffix) {
		return "", 0, fmt.Sprintf("unexpected %q after %s", suffix, t)
	}
	n, _ := strconv.Atoi(t)
	return trimZeros(t) + suffix, n, ""
}

// keywordAt says token i begins an item rather than ending a number: a keyword, or K or H
// before a number.
func (r *houseReader) keywordAt(i int) bool {
	t := r.toks[i]
	if t == "K" || t == "H" {
		return isNumber(r.tok(i + 1))
	}
	_, alley := alleyRanks[t]
	return alley || houseIntros[t] || lotWords[t] || kmWords[t]
}

// trimZeros writes a number without leading zeros: "05" is 5.
func trimZeros(t string) string {
	n, _ := strconv.Atoi(t)
	return strconv.Itoa(n)
}
