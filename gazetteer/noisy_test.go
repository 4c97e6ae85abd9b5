package gazetteer_test

import (
	"fmt"
	"strings"
	"testing"

	"bandoso/address"
	"bandoso/gazetteer"
)

// TestNoisyAddresses writes every ward of before 2025 as OCR-like text, the way of
// "357/28,Ng-T- Thuật,P1,Q3,TP.HồChíMinh.": a house and alley, a mangled street, and ward,
// district and province abbreviated and run together, without spaces after commas, half of
// them without diacritics, a dot at the end; and checks the parser reads all three units'
// codes for at least 99% of them (those a namesake of their district shares the text with
// left out: they are reported ambiguous).
func TestNoisyAddresses(t *testing.T) {
	g := gazetteer.Official()
	opt := address.WithUnits(g)
	tw := newTwins(g)
	ok, all, twins := 0, 0, 0
	var failed []string
	for _, u := range g.Units() {
		if u.Era != address.EraOld || u.Level != address.LevelWard {
			continue
		}
		parents := parentNames(g, u)
		plain := u.Code[len(u.Code)-1]%2 == 1
		w := ways[0]
		if plain {
			w = ways[1] // Xã Minh Quán and Xã Minh Quân of Huyện Trấn Yên are twins without diacritics
		}
		if len(parents) != 2 {
			continue
		}
		if tw.twin(u, parents, w) {
			twins++
			continue
		}
		d, _ := g.Unit(u.In[0])
		p, _ := g.Unit(u.In[1])
		text := fmt.Sprintf("%s/%s,Ng-T- Thuật,%s,%s,%s.", u.Code[:3], u.Code[3:], squeeze(u), squeeze(d), squeeze(p))
		if plain {
			text = strip(text)
		}
		all++
		got := address.Parse(text, opt)
		if got.Ward.Code == u.Code && got.District.Code == d.Code && got.Province.Code == p.Code {
			ok++
		} else if len(failed) < 8 {
			failed = append(failed, fmt.Sprintf("%q: %s %s %s %q", text, got.Ward.Code, got.District.Code, got.Province.Code, got.Ambiguities))
		}
	}
	rate := float64(ok) / float64(all)
	t.Logf("%d / %d = %.2f%% with ward, district and province right (left out: %d sharing a name in their parents)", ok, all, 100*rate, twins)
	if rate < 0.99 {
		t.Errorf("%.2f%% right, want 99%%; e.g. %q", 100*rate, failed)
	}
}

// squeeze writes a unit abbreviated and run together: P.BếnNghé, P1, Q3, H.CủChi,
// TP.HồChíMinh; a province without its kind word.
func squeeze(u address.Unit) string {
	name := strings.ReplaceAll(u.Bare(), " ", "")
	a, ok := abbreviations[u.Kind]
	switch {
	case u.Level == address.LevelProvince && u.Kind != "Thành phố" || !ok:
		return name
	case numbered(u):
		return a + name
	}
	return a + "." + name
}
