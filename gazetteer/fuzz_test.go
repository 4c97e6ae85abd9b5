package gazetteer_test

import (
	"testing"
	"unicode/utf8"

	"bandoso/address"
	"bandoso/gazetteer"
)

// FuzzParseWithUnits checks Parse with the national gazetteer on any text: no panic, every
// unit part's span in the input holding its text, a code only with the official unit's name,
// every unit read with a candidate. Seeds: the noisy addresses of the benchmark.
func FuzzParseWithUnits(f *testing.F) {
	for _, s := range noisy {
		f.Add(s)
	}
	g := gazetteer.Official()
	opt := address.WithUnits(g)
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > address.MaxInput {
			s = s[:address.MaxInput]
		}
		p := address.Parse(s, opt)
		for _, part := range []address.Part{p.Street, p.Ward, p.District, p.Province} {
			if part.IsZero() {
				continue
			}
			if part.Start < 0 || part.End > len(s) || part.Start > part.End || s[part.Start:part.End] != part.Text || !utf8.ValidString(part.Value) {
				t.Fatalf("%q: part %+v outside the input", s, part)
			}
		}
		for level, part := range map[string]address.Part{address.LevelWard: p.Ward, address.LevelDistrict: p.District, address.LevelProvince: p.Province} {
			if part.Code == "" {
				continue
			}
			u, ok := g.Unit(address.UnitRef{Era: part.Era, Level: level, Code: part.Code})
			if !ok || u.Bare() != part.Value || u.Kind != part.Label {
				t.Fatalf("%q: %s %+v is not the unit %+v", s, level, part, u)
			}
		}
		for _, m := range p.Units {
			if len(m.Candidates) == 0 || (len(m.Candidates) > 1) != (m.Reason != "") {
				t.Fatalf("%q: %+v", s, m)
			}
		}
	})
}
