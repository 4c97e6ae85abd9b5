package address

import "slices"

// The parser's reading of qualifiers (đối diện, cạnh, góc, ngã tư: where the place lies from
// the address written) and landmarks (địa danh: chợ, bệnh viện, UBND: named places written
// instead of or beside a street). Both are read only where a segment begins: at the start of
// the text or after a comma (a landmark also right after a qualifier), with something after
// them, because their words are syllables of names too ("Sau", "Góc", "Chợ Lớn").
//
// A known street ([StreetMatcher]) beats them: a qualifier never opens a known street's name
// ("Trước …"), and a landmark word gives way to a known street where a street is awaited,
// after a house number with no street yet ("274, Chợ Lớn"). Elsewhere the landmark wins:
// "Chợ Lớn, Quận 5" names the market and the area at least as often as any street. A school
// (trường) is a landmark only with its kind after it (THPT, đại học, …): "Trường Chinh" and
// "Trường Sa" are streets.

// phrase is one way of writing a qualifier or a landmark word, as tokens; label is its
// canonical form.
type phrase struct {
	toks  []token
	label string
	kind  phraseKind
}

type phraseKind int

const (
	plainWord  phraseKind = iota
	cornerWord            // góc, ngã tư: the streets of a corner follow
	alleyEnd              // đầu hẻm, cuối ngõ: the alley's number may follow
)

// phrases makes the phrases of one label from its ways of writing.
func phrases(label string, kind phraseKind, forms ...string) []phrase {
	out := make([]phrase, len(forms))
	for i, f := range forms {
		out[i] = phrase{toks: tokenize(f), label: label, kind: kind}
	}
	return out
}

var qualifiers = byFirstWord(slices.Concat(
	phrases("Đối diện", plainWord, "đối diện", "đ/d"),
	phrases("Cạnh", plainWord, "cạnh", "bên cạnh", "ngay cạnh", "kế bên", "kế", "sát bên", "sát vách", "giáp"),
	phrases("Gần", plainWord, "gần", "ngay gần", "gần với"),
	phrases("Trước", plainWord, "trước", "phía trước", "ngay trước", "trước mặt"),
	phrases("Sau", plainWord, "sau", "phía sau", "ngay sau", "sau lưng"),
	phrases("Góc", cornerWord, "góc"),
	phrases("Ngã tư", cornerWord, "ngã tư"),
	phrases("Ngã ba", cornerWord, "ngã ba"),
	phrases("Ngã năm", cornerWord, "ngã năm"),
	phrases("Đầu hẻm", alleyEnd, "đầu hẻm"),
	phrases("Cuối hẻm", alleyEnd, "cuối hẻm"),
	phrases("Đầu ngõ", alleyEnd, "đầu ngõ"),
	phrases("Cuối ngõ", alleyEnd, "cuối ngõ"),
	phrases("Đầu kiệt", alleyEnd, "đầu kiệt"),
	phrases("Cuối kiệt", alleyEnd, "cuối kiệt"),
))

var landmarks = byFirstWord(slices.Concat(
	phrases("Chợ", plainWord, "chợ"),
	phrases("Bệnh viện", plainWord, "bệnh viện", "bv"),
	phrases("Trường THPT", plainWord, "trường thpt", "thpt", "trường trung học phổ thông"),
	phrases("Trường THCS", plainWord, "trường thcs", "thcs", "trường trung học cơ sở"),
	phrases("Trường Tiểu học", plainWord, "trường tiểu học"),
	phrases("Trường Mầm non", plainWord, "trường mầm non", "mầm non"),
	phrases("Trường Đại học", plainWord, "trường đại học", "trường đh", "đại học", "đh"),
	phrases("Trường Cao đẳng", plainWord, "trường cao đẳng", "cao đẳng"),
	phrases("UBND", plainWord, "ubnd", "ủy ban nhân dân"),
	phrases("Nhà thờ", plainWord, "nhà thờ"),
	phrases("Chùa", plainWord, "chùa"),
	phrases("Công viên", plainWord, "công viên"),
	phrases("Siêu thị", plainWord, "siêu thị"),
	phrases("Bến xe", plainWord, "bến xe"),
	phrases("Ga", plainWord, "ga"),
	phrases("Sân bay", plainWord, "sân bay"),
	phrases("Khách sạn", plainWord, "khách sạn"),
	phrases("Trung tâm thương mại", plainWord, "trung tâm thương mại", "tttm"),
	phrases("Bưu điện", plainWord, "bưu điện"),
	phrases("Cây xăng", plainWord, "cây xăng"),
))

// byFirstWord indexes phrases by the fold of their first word.
func byFirstWord(list []phrase) map[string][]phrase {
	m := map[string][]phrase{}
	for _, ph := range list {
		m[ph.toks[0].fold] = append(m[ph.toks[0].fold], ph)
	}
	return m
}

// phraseAt finds the longest phrase of list written at token i, in any case, with or without
// diacritics; n is the tokens it spans, a "." after it included.
func (p *parser) phraseAt(list map[string][]phrase, i int) (best phrase, n int) {
	if i >= len(p.toks) {
		return best, 0
	}
	for _, ph := range list[p.toks[i].fold] {
		if len(ph.toks) <= n || i+len(ph.toks) > len(p.toks) {
			continue
		}
		ok := true
		for j, w := range ph.toks {
			t := p.toks[i+j]
			if t.punct != w.punct || w.punct && t.text != w.text || !w.punct && t.tone != w.tone && !(t.plain() && t.fold == w.fold) {
				ok = false
				break
			}
		}
		if ok {
			best, n = ph, len(ph.toks)
		}
	}
	if n > 0 && i+n < len(p.toks) && p.toks[i+n].text == "." {
		n++
	}
	return best, n
}

// segmentStart says token i begins the text or a segment between separators.
func (p *parser) segmentStart(i int) bool {
	for j := i - 1; j >= 0; j-- {
		if t := p.toks[j]; !t.punct {
			return false
		} else if hardStop(t.text) {
			return true
		}
	}
	return true
}

// followed says something other than a separator follows at token i.
func (p *parser) followed(i int) bool {
	return i < len(p.toks) && !(p.toks[i].punct && hardStop(p.toks[i].text))
}

// place reads a qualifier and a landmark at token i, the start of a segment; it returns the
// token to read on from, i when there is neither.
func (p *parser) place(i int) int {
	j := i
	if q, n := p.phraseAt(qualifiers, i); n > 0 && p.out.Qualifier.IsZero() && p.followed(i+n) && !p.streetAt(i) {
		part := p.span(i, i, i+n, q.label)
		part.Value, part.Fold = q.label, Fold(q.label)
		p.out.Qualifier = part
		j = i + n
		switch {
		case q.kind == alleyEnd && p.numberAfter(j):
			return j - 1 // the alley word, read again with its number
		case q.kind == cornerWord:
			if k := p.landmark(j); k > j {
				return k
			}
			return p.corner(j)
		}
	}
	return p.landmark(j)
}

// landmark reads a landmark at token i: its word, then its name up to the end of the segment,
// a unit's keyword ("Chợ Bến Thành Q1") or a house number before a known street. A unit named
// right after the word is its name: "UBND Phường 6", "Bệnh viện Quận 1".
func (p *parser) landmark(i int) int {
	l, n := p.phraseAt(landmarks, i)
	vi := i + n
	if n == 0 || !p.followed(vi) || !p.out.House.IsZero() && p.out.Street.IsZero() && p.streetAt(i) {
		return i
	}
	j := vi
	if k, m := p.keywordAt(j); m > 0 && unitKeyword(k.kind) {
		j += m
	}
	for ; j < len(p.toks); j++ {
		t := p.toks[j]
		if t.punct && hardStop(t.text) || t.number() && p.streetAt(j+1) {
			break
		}
		if k, m := p.keywordAt(j); m > 0 && j > vi && unitKeyword(k.kind) {
			break
		}
	}
	for j > vi && p.toks[j-1].punct {
		j--
	}
	if j == vi {
		return i
	}
	part := p.span(i, vi, j, l.label)
	part.Value = l.label + " " + part.Value
	part.Fold = Fold(part.Value)
	p.set(&p.out.Landmark, part, "landmark")
	return j
}

func unitKeyword(k kind) bool {
	switch k {
	case kWard, kDistrict, kCity, kProvince, kProvinceName, kCountry:
		return true
	}
	return false
}

// corner reads the streets of a corner after Góc or Ngã tư at token i: "Lê Lợi - Pasteur",
// "Hai Bà Trưng và Lý Chính Thắng", or a known street in the next segment ("Hai Bà Trưng, Lý
// Chính Thắng"). The first is the street; the second is noted.
func (p *parser) corner(i int) int {
	if i >= len(p.toks) || !p.out.Street.IsZero() || p.toks[i].number() && !p.streetAt(i) {
		return i
	}
	vi, label := i, "Đường"
	if k, n := p.keywordAt(i); n > 0 {
		if k.kind != kStreet {
			return i
		}
		vi, label = i+n, k.label
	}
	first, j := p.cornerStreet(i, vi, label)
	if first.IsZero() {
		return i
	}
	p.out.Street = first
	k := j
	switch {
	case k+1 < len(p.toks) && (isDash(p.toks[k].text) || p.toks[k].text == "&" || p.toks[k].text == "/" ||
		!p.toks[k].punct && (wordIs(p.toks[k], "và") || p.toks[k].fold == "x")):
		k++
	case k+1 < len(p.toks) && p.toks[k].text == "," && p.streetAt(k+1):
		k++
	default:
		return j
	}
	second, end := p.cornerStreet(k, k, "Đường")
	if second.IsZero() {
		return j
	}
	p.note("a corner of " + first.Value + " and " + second.Value + ": read as " + first.Value)
	return end
}

// cornerStreet reads one street of a corner from token vi (its keyword from i): a known
// street, or the words up to a separator, a dash, "&" or "và".
func (p *parser) cornerStreet(i, vi int, label string) (Part, int) {
	if j, name := p.matchStreet(vi); j > 0 {
		return p.named(i, vi, j, label, name), j
	}
	j := vi
	for j < len(p.toks) && (j == vi || !p.stop(j)) {
		t := p.toks[j]
		if isDash(t.text) || t.text == "&" || !t.punct && wordIs(t, "và") && j > vi {
			break
		}
		j++
	}
	for j > vi && p.toks[j-1].punct {
		j--
	}
	return p.span(i, vi, j, label), j
}

// landmarkUnits gives back to the keyword reading the units read at the end of the text that
// belong to a landmark's name: "Phường 6" of "UBND Phường 6, Quận 3" (named right after its
// word) and "Bến Thành" of "Chợ Bến Thành" (without a kind word, in its segment).
func (p *parser) landmarkUnits() {
	for len(p.tail) > 0 {
		s := p.tail[len(p.tail)-1]
		start := s.from
		for start > 0 && !(p.toks[start-1].punct && hardStop(p.toks[start-1].text)) {
			start--
		}
		at := start
		if _, n := p.phraseAt(qualifiers, at); n > 0 {
			at += n
		}
		_, n := p.phraseAt(landmarks, at)
		if n == 0 || at+n > s.from || at+n < s.from && s.kind != "" {
			return
		}
		p.tail, p.tailPicks = p.tail[:len(p.tail)-1], nil
		p.toks = p.tailToks
		if len(p.tail) > 0 {
			p.tailPicks = choose(p.tail)
			p.toks = p.tailToks[:p.tail[len(p.tail)-1].from]
		}
	}
}

// building sets the building, or, right after one, joins its name to the building's: a block
// of a complex ("Block A2 CC Phú Mỹ Thuận") is one building, "A2, Chung cư Phú Mỹ Thuận".
func (p *parser) building(part Part) {
	b := &p.out.Building
	if part.IsZero() || b.IsZero() || !p.adjacent(b.End, part.Start) {
		p.set(b, part, "building")
		return
	}
	b.Text, b.End = p.s[b.Start:part.End], part.End
	b.Value += ", " + part.Label + " " + part.Value
	b.Fold = Fold(b.Value)
}

// adjacent says only separators lie between byte offsets end and start of the input.
func (p *parser) adjacent(end, start int) bool {
	for _, t := range p.toks {
		if t.start >= end && t.end <= start && !t.punct {
			return false
		}
	}
	return end <= start
}
