package address

import (
	"sort"
	"strings"
	"unicode"
)

// The parser's reading of names without a keyword, and the placing of them once all is read.

// bareName reads words without a keyword: the street when none was read yet and nothing after
// it was (after a landmark, only with a house number: "Chợ Bến Thành, Bến Thành" names the
// ward), else a part to place by name once all is read.
func (p *parser) bareName(i int) int {
	o := p.out
	if o.Street.IsZero() && o.Ward.IsZero() && o.District.IsZero() && o.Province.IsZero() &&
		(o.Landmark.IsZero() || !o.House.IsZero()) {
		if j, name := p.matchStreet(i); j > 0 {
			part := p.named(i, i, j, "Đường", name)
			o.Street = part
			return j
		}
		j := p.readName(i)
		o.Street = p.span(i, i, j, "Đường")
		return j
	}
	j := p.readName(i)
	p.bare = append(p.bare, p.span(i, i, j, ""))
	return j
}

// finish places bare names, orders the alleys and scores the result.
func (p *parser) finish() {
	o := p.out
	for _, b := range p.bare {
		if b.IsZero() {
			continue
		}
		switch name, known := districtNames[b.Fold]; {
		case known && o.District.IsZero():
			b.Label, b.Value = districtLabel(b.Fold), name
			o.District = b
			if o.Ward.IsZero() {
				p.note(name + " is read as a district; since 2025 it may be a ward's name")
			}
		case o.Ward.IsZero():
			o.Ward = b
			p.note(b.Value + " has no keyword: read as the ward")
		case o.District.IsZero():
			o.District = b
			p.note(b.Value + " has no keyword: read as the district")
		default:
			p.note("could not place " + b.Text)
		}
	}
	// Word alleys sort by rank (ngõ, ngách, hẻm); slash alleys of the house number come last.
	words := make([]alley, 0, len(p.alleys))
	var slash []alley
	for _, a := range p.alleys {
		if a.rank < 0 {
			slash = append(slash, a)
		} else {
			words = append(words, a)
		}
	}
	sort.SliceStable(words, func(a, b int) bool { return words[a].rank < words[b].rank })
	for _, a := range append(words, slash...) {
		o.Alley = append(o.Alley, a.part)
	}
	c := 1.0 - 0.15*float64(len(o.Ambiguities))
	if o.Street.IsZero() {
		c -= 0.2
	}
	if o.Ward.IsZero() && o.District.IsZero() {
		c -= 0.1
	}
	o.Confidence = max(0, c)
}

// titleCase capitalises the first letter of each word.
func titleCase(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	start := true
	for _, r := range s {
		if start && unicode.IsLetter(r) {
			r = unicode.ToUpper(r)
		}
		start = r == ' '
		b.WriteRune(r)
	}
	return b.String()
}
