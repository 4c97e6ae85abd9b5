package address

import (
	"strings"
	"unicode/utf8"
)

// MaxInput is the longest input [Parse] reads, in bytes; the rest is ignored and noted as an
// ambiguity. Parsing is linear in the number of tokens times the longest keyword or street
// name, so this bounds its time.
const MaxInput = 1024

// Part is one part of a parsed address.
type Part struct {
	Text       string // as written: the input's bytes Start:End, keyword included ("P.Bến Thành")
	Label      string // the canonical keyword that introduced it: "Phường", "Quận", "Quốc lộ", "Hẻm"
	Value      string // the value, normalised ([Normalize]) and capitalised: "Bến Thành", "12", "6A"
	Fold       string // [Fold] of Value, the matching key
	Start, End int    // byte offsets in the input
	// Code and Era name the administrative unit a ward, district or province part is, when a
	// [UnitMatcher] decided it ([WithUnits]): "26740" and [EraOld] for Phường Bến Nghé.
	Code, Era string
}

// IsZero says the part was not found.
func (p Part) IsZero() bool { return p.Value == "" }

// Parsed is an address split into its parts. Alley holds the path of alleys from the street,
// outermost first: "123/45/6A" is house 6A in alley 45 off alley 123, so Alley is 123, 45 and
// House is 6A.
type Parsed struct {
	Input         string
	Room          Part // phòng, căn hộ, "P.501" by a building word
	Floor         Part // tầng, lầu
	Building      Part // tòa nhà, chung cư, cao ốc, block
	House         Part // the house number: "6A", "10-12", "40bis"
	Alley         []Part
	Street        Part
	Neighbourhood Part // khu phố, tổ, ấp, thôn
	// Qualifier says where the place is from the address written: "Đối diện" (opposite),
	// "Cạnh", "Gần", "Trước", "Sau", "Góc", "Ngã tư", "Đầu hẻm". The address is then a
	// neighbour's, not the place's own.
	Qualifier Part
	// Landmark is a named place written instead of or beside a street (địa danh): "Chợ Bến
	// Thành", "Bệnh viện Chợ Rẫy", "UBND Phường 6"; never read as a street.
	Landmark Part
	Ward     Part // phường, xã, thị trấn, đặc khu
	District Part // quận, huyện, thị xã, city-level thành phố (gone since 2025)
	Province Part
	// Units are the administrative units read by name ([WithUnits]), from the right, each
	// with its candidates.
	Units       []UnitMatch
	Ambiguities []string // what the parser was unsure of, in words
	Confidence  float64  // 1 when nothing was in doubt, lower with each ambiguity
}

// Option changes how [Parse] reads.
type Option func(*parser)

// WithStreets makes Parse recognise the street names m knows before it reads numbers and
// slashes as house and alley numbers. Without it Parse uses [DefaultStreets].
func WithStreets(m StreetMatcher) Option { return func(p *parser) { p.streets = m } }

type alley struct {
	part Part
	rank int
}

type parser struct {
	s       string
	toks    []token
	streets StreetMatcher
	units   UnitMatcher
	// the units read at the end of the text by name, and the units each may be
	tail      []segment
	tailPicks [][]Unit
	tailToks  []token // every token, the tail's included
	out       *Parsed
	alleys    []alley
	houseAt   int // the number of word alleys read before the house number
	bare      []Part
}

// Parse splits free address text into its parts. It never fails: what it cannot place it lists
// in Ambiguities. Input beyond [MaxInput] bytes is ignored.
func Parse(s string, opts ...Option) Parsed {
	out := Parsed{Input: s}
	s, long := cut(s)
	if long {
		out.Ambiguities = append(out.Ambiguities, "input longer than 1024 bytes: the rest is ignored")
	}
	p := &parser{s: s, toks: tokenize(s), streets: DefaultStreets, out: &out, houseAt: -1}
	for _, o := range opts {
		o(p)
	}
	if p.units != nil {
		p.readTail(false)
		p.landmarkUnits()
	}
	p.run()
	p.placeUnits()
	p.finish()
	return out
}

// cut cuts s to [MaxInput] bytes at most, at a character's start; long says it did.
func cut(s string) (_ string, long bool) {
	if len(s) <= MaxInput {
		return s, false
	}
	i := MaxInput
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i], true
}

func (p *parser) note(msg string) { p.out.Ambiguities = append(p.out.Ambiguities, msg) }

func (p *parser) run() {
	for i := 0; i < len(p.toks); {
		t := p.toks[i]
		if t.punct {
			i++
			continue
		}
		if p.segmentStart(i) {
			if j := p.place(i); j > i {
				i = j
				continue
			}
		}
		// a known street name first, so that "duong ba trac" is Dương Bá Trạc when the list says so
		if !t.number() && p.out.Street.IsZero() {
			if j, name := p.matchStreet(i); j > 0 {
				part := p.named(i, i, j, "Đường", name)
				p.out.Street = part
				i = j
				continue
			}
		}
		if k, n := p.keywordAt(i); n > 0 {
			i = p.keyword(k, i, i+n)
			continue
		}
		if t.number() {
			i = p.number(i)
			continue
		}
		i = p.bareName(i)
	}
}

// keywordAt finds the longest keyword starting at token i and how many tokens it spans,
// a "." after it included.
func (p *parser) keywordAt(i int) (keyword, int) {
	var best keyword
	bestN := 0
	if i >= len(p.toks) {
		return best, 0
	}
	for _, k := range keywordsByFirst[firstKey(p.toks[i])] {
		n := len(k.words)
		if n <= bestN || i+n > len(p.toks) {
			continue
		}
		ok := true
		for j, w := range k.words {
			if t := p.toks[i+j]; (w == ".") != t.punct || (w == "." && t.text != ".") || (w != "." && !wordIs(t, w)) {
				ok = false
				break
			}
		}
		if !ok {
			continue
		}
		next := i + n
		dot := next < len(p.toks) && p.toks[next].text == "."
		numNext := p.numberAfter(next)
		if k.abbr && !(p.toks[i].upper || dot || numNext) {
			continue
		}
		if k.num && !numNext || k.kind == kLot && !p.lotAfter(next) {
			continue
		}
		if dot && k.words[n-1] != "." {
			n++
		}
		best, bestN = k, n
	}
	return best, bestN
}

// lotAfter says a lot's name follows at token i, after an optional ".": a word of letters and
// digits with a digit in it (B2, LK12, 5) or one capital letter (Lô B), so that "Sông Lô"
// stays a name.
func (p *parser) lotAfter(i int) bool {
	if i < len(p.toks) && p.toks[i].text == "." {
		i++
	}
	if i >= len(p.toks) || p.toks[i].punct {
		return false
	}
	t := p.toks[i]
	return strings.ContainsAny(t.fold, "0123456789") || len(t.text) == 1 && t.text[0] >= 'A' && t.text[0] <= 'Z'
}

// numberAfter says a number element follows at token i, after an optional ".".
func (p *parser) numberAfter(i int) bool {
	if i < len(p.toks) && p.toks[i].text == "." {
		i++
	}
	return i < len(p.toks) && p.toks[i].number()
}

// stop says a name being read ends before token i.
func (p *parser) stop(i int) bool {
	t := p.toks[i]
	if t.punct {
		switch t.text {
		case ",", ";", "(", ")", "|", "\n":
			return true
		}
		return false
	}
	_, n := p.keywordAt(i)
	return n > 0
}

// readName reads name tokens from i up to the next separator or keyword; the first token is
// taken even when it is a keyword ("Phường Sài Gòn", "Đường Số 5"). It returns the part's value
// span as token indices [i, j).
func (p *parser) readName(i int) int {
	j := i
	for j < len(p.toks) && (j == i || !p.stop(j)) {
		if j == i && p.toks[j].punct {
			return j
		}
		j++
	}
	for j > i && p.toks[j-1].punct {
		j--
	}
	return j
}

// span makes a part from tokens [from, j) with the value from tokens [vi, j).
func (p *parser) span(from, vi, j int, label string) Part {
	if j <= vi {
		return Part{}
	}
	start, end := p.toks[from].start, p.toks[j-1].end
	v := titleCase(Normalize(p.s[p.toks[vi].start:end]))
	return Part{Text: p.s[start:end], Label: label, Value: v, Fold: Fold(v), Start: start, End: end}
}

// named is span with the value given: a street or district by its canonical name.
func (p *parser) named(from, vi, j int, label, name string) Part {
	part := p.span(from, vi, j, label)
	part.Value, part.Fold = name, Fold(name)
	return part
}

func (p *parser) set(dst *Part, part Part, what string) {
	if part.IsZero() {
		return
	}
	if !dst.IsZero() {
		p.note("two " + what + "s: " + dst.Text + " and " + part.Text)
		return
	}
	*dst = part
}

func (p *parser) keyword(k keyword, i, vi int) int {
	if vi < len(p.toks) && p.toks[vi].text == "." {
		vi++
	}
	out := p.out
	switch k.kind {
	case kCountry:
		return vi
	case kProvinceName:
		part := p.named(i, i, vi, "Thành phố", k.value)
		p.set(&out.Province, part, "province")
		return vi
	case kRoom, kFloor:
		j := p.tight(vi)
		dst := &out.Room
		if k.kind == kFloor {
			dst = &out.Floor
		}
		p.set(dst, p.span(i, vi, j, k.label), strings.ToLower(k.label))
		return j
	case kBuilding:
		j := p.readName(vi)
		p.building(p.span(i, vi, j, k.label))
		return j
	case kHouse:
		return p.path(i, vi)
	case kLot, kMark:
		// a lot's name or a mark glued together: B2-05, 7+500
		j := p.tight(vi)
		part := p.span(i, vi, j, k.label)
		part.Value = strings.ToUpper(part.Value)
		part.Fold = Fold(part.Value)
		if !p.out.House.IsZero() {
			p.note("two house numbers: " + p.out.House.Text + " and " + part.Text)
			return j
		}
		p.out.House, p.houseAt = part, len(p.alleys)
		return j
	case kAlley:
		return p.alleyWord(k, i, vi)
	case kStreet:
		j := vi
		if n, name := p.matchStreet(vi); n > 0 {
			j = n
			part := p.named(i, vi, j, k.label, name)
			p.set(&out.Street, part, "street")
			return j
		}
		j = p.readName(vi)
		p.set(&out.Street, p.span(i, vi, j, k.label), "street")
		return j
	case kHood:
		j := p.readName(vi)
		p.set(&out.Neighbourhood, p.span(i, vi, j, k.label), "neighbourhood")
		return j
	case kWard:
		if k.label == "Phường" && vi < len(p.toks) && p.toks[vi].number() && p.isRoom(i, vi) {
			j := p.tight(vi)
			p.set(&out.Room, p.span(i, vi, j, "Phòng"), "room")
			return j
		}
		j := p.readName(vi)
		p.set(&out.Ward, p.span(i, vi, j, k.label), "ward")
		return j
	case kDistrict, kCity:
		return p.district(k, i, vi)
	case kProvince:
		j := p.readName(vi)
		p.set(&out.Province, p.span(i, vi, j, k.label), "province")
		return j
	}
	return vi
}

// district reads a district after Quận, Huyện, Thị xã or TP; TP before a province's name is the
// province.
func (p *parser) district(k keyword, i, vi int) int {
	if vi >= len(p.toks) {
		return vi
	}
	if k.kind == kCity {
		if pk, n := p.keywordAt(vi); n > 0 && pk.kind == kProvinceName {
			part := p.named(i, vi, vi+n, "Thành phố", pk.value)
			p.set(&p.out.Province, part, "province")
			return vi + n
		}
	}
	if t := p.toks[vi]; !t.punct && !t.number() {
		if name, ok := districtAbbr[k.label][t.fold]; ok && len(t.text) <= 6 && (t.upper || t.plain()) {
			part := p.named(i, vi, vi+1, k.label, name)
			p.set(&p.out.District, part, "district")
			return vi + 1
		}
	}
	j := p.readName(vi)
	if p.toks[vi].number() {
		j = vi + 1
	}
	part := p.span(i, vi, j, k.label)
	if k.kind == kCity && j == len(p.toks) && p.out.Province.IsZero() && p.out.District.IsZero() {
		p.note("TP " + part.Value + " may be a province or a city-level district")
	}
	p.set(&p.out.District, part, "district")
	return j
}

// isRoom says "P." + number at tokens i, vi is a room (P.501), not a ward (P.12): three or more
// digits, or a building word next to it.
func (p *parser) isRoom(i, vi int) bool {
	if digits(p.toks[vi].fold) >= 3 {
		return true
	}
	near := func(t token) bool {
		for _, w := range buildingWords {
			if wordIs(t, w) {
				return true
			}
		}
		return false
	}
	return (vi+1 < len(p.toks) && near(p.toks[vi+1])) || (i > 0 && near(p.toks[i-1])) ||
		(i > 1 && p.toks[i-1].number() && near(p.toks[i-2]))
}
