package address

import (
	"slices"
	"strings"
)

const (
	maxUnitWords = 7    // the longest name of a unit, in words: "Văn Miếu - Quốc Tử Giám"
	maxUnits     = 3    // ward, district, province
	maxCombos    = 4096 // the combinations of candidates weighed before giving up as ambiguous
)

// segment is a unit read from the text: its kind word from token from, its name in tokens
// [name, end), and the units it may be.
type segment struct {
	from, name, end int
	kind            string // the kind word's label ("Phường", "Thành phố"); "" when bare
	typo            bool
	cands           []Unit
}

// unitReader reads the administrative units at the end of an address, right to left, trying
// every way of cutting it into names, and keeps the reading that covers the most words.
type unitReader struct {
	p         *parser
	unitsOnly bool // the text names units only: no street can stand before them
	cache     map[[3]int]spanMatch
	best      []segment
	bestWords int
	bestScore float64
}

type spanMatch struct {
	cands []Unit
	key   string
}

// ReadUnits reads s as administrative units only ("P1, Q3, TP.HCM", "Thị trấn Yên Viên,
// Gia Lâm"), right to left, with the hierarchy check of [WithUnits]; it returns the units
// read, left to right, each with its candidates.
func ReadUnits(s string, m UnitMatcher) []UnitMatch {
	s, _ = cut(s)
	out := Parsed{Input: s}
	p := &parser{s: s, toks: tokenize(s), units: m, out: &out}
	p.readTail(true)
	p.placeUnits()
	return out.Units
}

// readTail finds the best reading of the units at the end of the text (the whole text when
// unitsOnly), and leaves the tokens before it to the keyword reading.
func (p *parser) readTail(unitsOnly bool) {
	r := unitReader{p: p, unitsOnly: unitsOnly, cache: map[[3]int]spanMatch{}}
	r.walk(len(p.toks), nil)
	if r.best == nil {
		return
	}
	p.tail, p.tailPicks, p.tailToks = r.best, choose(r.best), p.toks
	p.toks = p.toks[:r.best[len(r.best)-1].from]
}

// walk tries every name that ends at token end (after punctuation and a country's name),
// with or without a kind word before it, that fits the units already read (segs).
func (r *unitReader) walk(end int, segs []segment) {
	e := r.skip(end)
	if len(segs) > 0 {
		r.consider(segs)
	}
	if len(segs) == maxUnits {
		return
	}
	toks := r.p.toks
	words := 0
	for name := e - 1; name >= 0 && words < maxUnitWords; name-- {
		t := toks[name]
		if t.punct {
			if hardStop(t.text) {
				break
			}
			continue
		}
		words++
		kind, from := r.kindBefore(name)
		if kind == "" && (isDigitsOnly(toks[name].fold) && words == 1 || words == 1 && len(t.fold) <= 2 && !t.upper) {
			continue // a bare number, or two small letters, is no unit's name
		}
		// the units named so, or, when none fits, those one typo away
		for _, near := range [2]bool{false, true} {
			m := r.match(name, e, near, "")
			if kind != "" && !near {
				// and those whose official name it is, kind word included ("Phường Thủ Đức");
				// "Phường Mai" is not Phương Mai
				k := r.match(name, e, false, kind)
				whole := filter(k.cands, func(u Unit) bool {
					return UnitKey(u.Name) == k.key && !slices.ContainsFunc(m.cands, func(v Unit) bool { return v.UnitRef == u.UnitRef })
				})
				if len(whole) > 0 {
					m.cands = append(slices.Clip(m.cands), whole...)
				}
			}
			if len(m.cands) == 0 || kind == "" && r.insideStreet(name) {
				continue
			}
			if !near {
				m = r.marked(name, e, m)
			}
			cands, next := fit(m.cands, kind, segs)
			if len(cands) == 0 {
				continue
			}
			r.walk(from, append(next, segment{from: from, name: name, end: e, kind: kind, typo: near, cands: cands}))
			break
		}
	}
}

// insideStreet says a known street's name, begun before token name in its part of the
// text, goes on past it: the words from name on are the end of that street's name ("Tất
// Thành" of Nguyễn Tất Thành, "Huê" of Hồ Văn Huê), not a unit named without its kind word.
func (r *unitReader) insideStreet(name int) bool {
	toks := r.p.toks
	for s, words := name-1, 0; s >= 0 && words < maxUnitWords; s-- {
		if toks[s].punct {
			if toks[s].text == "," || toks[s].text == ";" {
				return false
			}
			continue
		}
		words++
		if j, _ := r.p.matchStreet(s); j > name {
			return true
		}
	}
	return false
}

// match asks the matcher about the words of tokens [i, j), after kind word kind if not "",
// once.
func (r *unitReader) match(i, j int, near bool, kind string) spanMatch {
	at := [3]int{i, j, 0}
	switch {
	case near:
		at[2] = 1
	case kind != "":
		at[2] = 2
	}
	if m, ok := r.cache[at]; ok {
		return m
	}
	var b strings.Builder
	b.WriteString(UnitKey(kind))
	for _, t := range r.p.toks[i:j] {
		if !t.punct {
			b.WriteString(wordKey(t.fold))
		}
	}
	m := spanMatch{cands: r.p.units.MatchUnit(b.String(), near), key: b.String()}
	r.cache[at] = m
	return m
}

// marked drops, of the units a name written with diacritics matches by their own name, those
// whose name has other diacritics (Sa Pả, not Sa Pa; Minh Quân, not Minh Quán), unless none
// has the same; units matched by another name (Sài Gòn for Hồ Chí Minh) stay.
func (r *unitReader) marked(i, j int, m spanMatch) spanMatch {
	if len(m.cands) < 2 {
		return m
	}
	var tone, fold strings.Builder
	plain := true
	for _, t := range r.p.toks[i:j] {
		if !t.punct {
			plain = plain && t.plain()
			tone.WriteString(wordKey(t.tone))
			fold.WriteString(wordKey(t.fold))
		}
	}
	if plain {
		return m
	}
	written, key := tone.String(), fold.String()
	same := filter(m.cands, func(u Unit) bool {
		return UnitKey(u.Bare()) != key || keyOf(ToneFold(u.Bare())) == written
	})
	if len(same) > 0 {
		m.cands = same
	}
	return m
}

// skip moves left from token end past punctuation and a country's name ("Việt Nam", "VN").
func (r *unitReader) skip(end int) int {
	for end > 0 {
		if r.p.toks[end-1].punct {
			end--
			continue
		}
		if k, i := r.keywordEndingAt(end); k.kind == kCountry {
			end = i
			continue
		}
		break
	}
	return end
}

// keywordEndingAt finds the longest keyword whose last token (or its ".") is token end-1:
// "Thành phố", not the "phố" of a street.
func (r *unitReader) keywordEndingAt(end int) (keyword, int) {
	for i := max(0, end-4); i < end; i++ {
		if k, n := r.p.keywordAt(i); n > 0 && i+n == end {
			return k, i
		}
	}
	return keyword{}, end
}

// kindBefore finds a unit's kind word ending right before token name: "Phường", "P.", "Q",
// "TP.", "Thị trấn"; it returns its label and first token, or "" and name.
func (r *unitReader) kindBefore(name int) (string, int) {
	k, i := r.keywordEndingAt(name)
	switch k.kind {
	case kWard, kDistrict, kCity, kProvince:
		return k.label, i
	}
	return "", name
}

// kindLevels are the levels each kind word names.
var kindLevels = map[string][]string{
	"Phường": {LevelWard}, "Xã": {LevelWard}, "Thị trấn": {LevelWard}, "Đặc khu": {LevelWard},
	"Quận": {LevelDistrict}, "Huyện": {LevelDistrict}, "Thị xã": {LevelDistrict},
	"Thành phố": {LevelDistrict, LevelProvince}, "Tỉnh": {LevelProvince},
}

var levelRank = map[string]int{LevelWard: 0, LevelDistrict: 1, LevelProvince: 2}

// fits says units a and b may be named together: of different levels, the lower lying in
// the higher.
func fits(a, b Unit) bool {
	switch ra, rb := levelRank[a.Level], levelRank[b.Level]; {
	case ra < rb:
		return a.lies(b)
	case ra > rb:
		return b.lies(a)
	}
	return false
}

// fit keeps the candidates of the level the kind word names that fit some candidate of each
// segment read, and those segments' candidates that fit one of them.
func fit(cands []Unit, kind string, segs []segment) ([]Unit, []segment) {
	keep := func(u Unit) bool {
		if kind != "" && !slices.Contains(kindLevels[kind], u.Level) {
			return false
		}
		for _, s := range segs {
			if !slices.ContainsFunc(s.cands, func(v Unit) bool { return fits(u, v) }) {
				return false
			}
		}
		return true
	}
	cands = filter(cands, keep)
	if len(cands) == 0 {
		return nil, nil
	}
	next := make([]segment, len(segs))
	for i, s := range segs {
		next[i] = s
		next[i].cands = filter(s.cands, func(v Unit) bool {
			return slices.ContainsFunc(cands, func(u Unit) bool { return fits(u, v) })
		})
	}
	return cands, next
}

// filter returns the units keep accepts; us itself when it accepts all.
func filter(us []Unit, keep func(Unit) bool) []Unit {
	for i, u := range us {
		if keep(u) {
			continue
		}
		out := slices.Clone(us[:i])
		for _, v := range us[i+1:] {
			if keep(v) {
				out = append(out, v)
			}
		}
		return out
	}
	return us
}

// consider weighs a reading: a name without its kind word must be a province's or fit
// another unit read, and, in an address, must not stand where the street does (first, after
// the house number or after a street word) nor be one word glued to the words before it. Of the valid
// readings, the one covering the most words wins, then the best scored.
func (r *unitReader) consider(segs []segment) {
	toks := r.p.toks
	score := 0.0
	for i, s := range segs {
		// a kind word the unit has counts, one another unit of its level has counts half, and
		// each name a little against: a long name read whole ("Phường Xuân Trường - Đà Lạt",
		// a ward of 2025) beats its words read as two units (Xã Xuân Trường, Thành phố Đà Lạt)
		score -= 0.1
		province := slices.ContainsFunc(s.cands, func(u Unit) bool { return u.Level == LevelProvince })
		if s.typo {
			if !province && len(segs) < 2 {
				return // a ward or district one letter from the name written must fit another unit read
			}
			score -= 0.5
		}
		if s.kind != "" {
			score += 0.5
			if slices.ContainsFunc(s.cands, func(u Unit) bool { return u.Kind == s.kind }) {
				score += 0.5
			}
			continue
		}
		if !province && len(segs) < 2 {
			return
		}
		if r.unitsOnly || i+1 < len(segs) {
			continue // no street before it: the text is units only, or another unit is
		}
		left := s.from - 1
		for left >= 0 && toks[left].punct {
			left--
		}
		if left < 0 && !province {
			return // the first name of an address is its street ("Nguyễn Thái Bình, Quận 1")
		}
		if left < 0 {
			continue
		}
		if toks[left].number() {
			return
		}
		if k, _ := r.keywordEndingAt(left + 1); k.kind == kStreet || k.kind == kAlley || k.kind == kHouse {
			return
		}
		if left == s.from-1 && s.end-s.name == 1 && !province {
			return
		}
	}
	words := 0
	for _, t := range toks[segs[len(segs)-1].from:segs[0].end] {
		if !t.punct {
			words++
		}
	}
	if r.best == nil || words > r.bestWords || words == r.bestWords && score > r.bestScore {
		r.best, r.bestWords, r.bestScore = slices.Clone(segs), words, score
	}
}

func hardStop(t string) bool {
	switch t {
	case ",", ";", "(", ")", "|", "\n":
		return true
	}
	return false
}

func isDigitsOnly(s string) bool { return s != "" && strings.Trim(s, "0123456789") == "" }
