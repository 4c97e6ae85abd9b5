package address

import (
	"strings"
	"unicode"
)

// The parser's reading of numbers: house numbers, alley words and paths ("123/45/6A", "ngõ 12
// ngách 3"), bis and dashes, and the street that follows a number.

func digits(s string) int {
	n := 0
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	return n
}

// tight reads the tokens glued together from i (A1.05, 12-3): a room or floor number; none
// at the end of the text ("Căn hộ").
func (p *parser) tight(i int) int {
	if i >= len(p.toks) {
		return i
	}
	j := i + 1
	for j < len(p.toks) && !p.toks[j].space && p.toks[j].text != "," && p.toks[j].text != ";" {
		j++
	}
	for j > i+1 && p.toks[j-1].punct {
		j--
	}
	return j
}

// alleyWord reads "hẻm 12", "ngõ 5/3", "K448", "H20/2": each number an alley; in the Đà Nẵng
// style (K and H glued to the number) a last element after a slash is the house.
func (p *parser) alleyWord(k keyword, i, vi int) int {
	elems, j := p.elements(vi)
	glued := k.abbr && len(p.toks[i].text) == 1
	for n, e := range elems {
		if glued && n == len(elems)-1 && n > 0 && p.out.House.IsZero() {
			p.out.House = e
			p.houseAt = len(p.alleys)
			break
		}
		e.Label = k.label
		if n == 0 {
			e.Text, e.Start = p.s[p.toks[i].start:e.End], p.toks[i].start
		}
		p.alleys = append(p.alleys, alley{e, k.rank})
	}
	return j
}

// elements reads number elements separated by "/" from i: 123/45/6A, 73B/563B bis, 10-12.
func (p *parser) elements(i int) ([]Part, int) {
	var out []Part
	j := i
	for j < len(p.toks) && p.toks[j].number() {
		start, end := j, p.letter(j, p.bis(j+1))
		// a range: 10-12, 10A-10B, and 176 - 181 when it rises and no street begins there
		if end+1 < len(p.toks) && isDash(p.toks[end].text) && p.toks[end+1].number() && (!p.toks[end+1].space ||
			atoi(p.toks[end+1].fold) > atoi(p.toks[start].fold) && !p.streetAt(end+1)) {
			end = p.bis(end + 2)
		}
		out = append(out, p.element(start, end))
		j = end
		if j+1 < len(p.toks) && p.toks[j].text == "/" && p.toks[j+1].number() {
			j++
			continue
		}
		break
	}
	return out, j
}

// bis reads past a "bis" or "ter" written apart from its number at token i, and a single
// letter after it that is not a keyword's (12 Bis A, not 12 bis Q1).
func (p *parser) bis(i int) int {
	if i >= len(p.toks) || p.toks[i].fold != "bis" && p.toks[i].fold != "ter" {
		return i
	}
	i++
	if i < len(p.toks) && len(p.toks[i].fold) == 1 && p.toks[i].fold[0] >= 'a' && p.toks[i].fold[0] <= 'z' {
		if next := i + 1; next == len(p.toks) || p.toks[next].punct && p.toks[next].text != "." || !p.toks[next].punct && !p.toks[next].number() {
			i++
		}
	}
	return i
}

// letter reads past a house number's letter written apart from it at token i, when the
// number (token start) is digits alone and a known street follows the letter, in its segment
// or the next: "194 D, Pasteur" is 194D. A letter that is a keyword's (Q, P) or begins a known
// street is not one.
func (p *parser) letter(start, i int) int {
	if i != start+1 || i >= len(p.toks) || !isDigitsOnly(p.toks[start].fold) {
		return i
	}
	t := p.toks[i]
	if len(t.text) != 1 || !(t.text[0] >= 'A' && t.text[0] <= 'Z' || t.text[0] >= 'a' && t.text[0] <= 'z') {
		return i
	}
	if _, n := p.keywordAt(i); n > 0 || p.streetAt(i) {
		return i
	}
	next := i + 1
	if next < len(p.toks) && p.toks[next].text == "," {
		next++
	}
	if !p.streetAt(next) {
		return i
	}
	return i + 1
}

// isDash says t is a hyphen, a dash or a minus sign: what people write between two numbers.
func isDash(t string) bool { return t == "-" || len(t) > 1 && strings.Contains(unicodeDashes, t) }

// streetAt says a known street's name begins at token i (30/4 of "12 - 30/4").
func (p *parser) streetAt(i int) bool {
	j, _ := p.matchStreet(i)
	return j > 0
}

func atoi(s string) int {
	n := 0
	for i := 0; i < len(s) && s[i] >= '0' && s[i] <= '9' && n < 1e9; i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

func (p *parser) element(i, j int) Part {
	start, end := p.toks[i].start, p.toks[j-1].end
	text := p.s[start:end]
	var b strings.Builder
	for _, r := range Fold(text) {
		if unicode.IsSpace(r) {
			continue
		}
		b.WriteRune(r)
	}
	v := b.String()
	for _, d := range unicodeDashes {
		v = strings.ReplaceAll(v, string(d), "-")
	}
	// 6a → 6A, 40bis stays, 563bbis → 563Bbis, 12bisa → 12bisA, on each side of a range
	sides := strings.Split(v, "-")
	for n, e := range sides {
		k := digits(e)
		if strings.HasPrefix(e[k:], "bis") || strings.HasPrefix(e[k:], "ter") {
			k += 3
		}
		if k < len(e) && e[k] >= 'a' && e[k] <= 'z' {
			sides[n] = e[:k] + strings.ToUpper(e[k:k+1]) + e[k+1:]
		}
	}
	v = strings.Join(sides, "-")
	return Part{Text: text, Value: v, Fold: Fold(v), Start: start, End: end}
}

// path reads a house number with its alleys, 123/45/6A, from token vi (i where its keyword began).
func (p *parser) path(i, vi int) int {
	elems, j := p.elements(vi)
	if len(elems) == 0 {
		return vi
	}
	if !p.out.House.IsZero() {
		p.note("two house numbers: " + p.out.House.Text + " and " + p.s[p.toks[vi].start:p.toks[j-1].end])
		return j
	}
	last := elems[len(elems)-1]
	if i < vi {
		last.Text, last.Start = p.s[p.toks[i].start:last.End], p.toks[i].start
	}
	p.out.House = last
	p.houseAt = len(p.alleys)
	for _, e := range elems[:len(elems)-1] {
		p.alleys = append(p.alleys, alley{e, -1})
	}
	return j
}

// matchStreet asks the street matcher about the words from token i; it returns the token index
// after the match (0 for none) and the street's name.
func (p *parser) matchStreet(i int) (int, string) {
	if p.streets == nil || i >= len(p.toks) {
		return 0, ""
	}
	var words []string
	var idx []int
	for j := i; j < len(p.toks) && len(words) < 16; j++ {
		t := p.toks[j]
		if t.punct && t.text != "/" {
			if t.text == "," || t.text == ";" {
				break
			}
			continue
		}
		words = append(words, t.fold)
		idx = append(idx, j)
	}
	n, name := p.streets.MatchStreet(words)
	if n <= 0 || n > len(idx) || name == "" {
		return 0, ""
	}
	return idx[n-1] + 1, name
}

// number reads a number without a keyword: the house number and its alleys, or, once there is a
// house number, a street named with numbers (3/2).
func (p *parser) number(i int) int {
	if !p.out.House.IsZero() || !p.out.Street.IsZero() {
		if j, name := p.matchStreet(i); j > 0 && p.out.Street.IsZero() {
			part := p.named(i, i, j, "Đường", name)
			p.out.Street = part
			return j
		}
		_, j := p.elements(i)
		p.note("a number outside any part: " + p.s[p.toks[i].start:p.toks[j-1].end])
		return j
	}
	return p.path(i, i)
}
