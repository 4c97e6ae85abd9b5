package address

import (
	"fmt"
	"slices"
	"strings"
)

// placeUnits fills the parts of the units read at the end, once the words before them are
// read: those never take their place.
func (p *parser) placeUnits() {
	for i := len(p.tail) - 1; i >= 0; i-- {
		p.placeUnit(p.tail[i], p.tailPicks[i])
	}
}

// placeUnit fills the part of s's level with the unit decided, or notes the candidates.
func (p *parser) placeUnit(s segment, units []Unit) {
	start, end := p.tailToks[s.from].start, p.tailToks[s.end-1].end
	part := Part{Text: p.s[start:end], Start: start, End: end}
	m := UnitMatch{Candidates: units}
	u := units[0]
	if len(units) == 1 {
		part.Label, part.Value, part.Code, part.Era = u.Kind, u.Bare(), u.Code, u.Era
		m.Level = u.Level
	} else {
		for _, v := range units {
			if levelRank[v.Level] > levelRank[u.Level] {
				u = v
			}
		}
		m.Level = u.Level
		part.Label, part.Value = s.kind, titleCase(Normalize(p.s[p.tailToks[s.name].start:end]))
		if slices.IndexFunc(units, func(v Unit) bool { return v.Bare() != u.Bare() }) < 0 {
			part.Value = u.Bare()
		}
		if part.Label == "" {
			part.Label = u.Kind
		}
		names := make([]string, len(units))
		for i, v := range units {
			names[i] = fmt.Sprintf("%s %s (%s)", v.Code, v.Name, strings.TrimPrefix(v.Within+", "+eraWords[v.Era], ", "))
		}
		m.Reason = fmt.Sprintf("%s fits %d units equally: %s", part.Text, len(units), strings.Join(names, "; "))
		p.note(m.Reason)
	}
	part.Fold = Fold(part.Value)
	m.Part = part
	p.out.Units = append(p.out.Units, m)
	dst := map[string]*Part{LevelWard: &p.out.Ward, LevelDistrict: &p.out.District, LevelProvince: &p.out.Province}[m.Level]
	p.set(dst, part, m.Level)
}

var eraWords = map[string]string{EraOld: "before 2025", EraNew: "since 2025"}
