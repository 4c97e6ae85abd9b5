package geocode

import (
	"fmt"
	"slices"
	"strings"

	"github.com/paulmach/orb"
	orbgeo "github.com/paulmach/orb/geo"

	"bandoso/address"
	"bandoso/gazetteer"
	"bandoso/store"
)

// A candidate's confidence is the chance that it is where the thing asked for is, at the
// precision asked: a registered address found with its street, number and units is 1; a
// number placed along its street, a street for an address, or a ward for a street are
// approximations and never reach the 0.8 above which answers are right nearly always
// (docs/api.md, "Confidence"). A candidate that contradicts the query (another street name,
// another province) is no answer at all; one in another ward or district than written keeps
// a reduced confidence, as people get their ward wrong more often than the data does.

// DefaultMinConfidence is the least confidence of a candidate returned when the request names
// none: below it a guess is more often wrong than right (see the reliability table).
const DefaultMinConfidence = 0.3

// Confidence of an answer coarser than asked, or placed rather than found.
const (
	confBetween   = 0.6  // a number between two registered neighbours
	confBeside    = 0.4  // a number beyond the last registered one of its side
	confMouth     = 0.3  // an alley's number, placed where the alley meets the street
	confStreetFor = 0.5  // the street of an address whose number it cannot place
	confWardFor   = 0.25 // the ward of an address or street not in the data
)

// Factors for what agrees only nearly, or disagrees but may be the writer's slip.
const (
	agreeTone        = 0.9  // the street's diacritics differ from those written
	agreeTypo        = 0.8  // the street's name is one letter from the one written
	agreeUnknown     = 0.9  // the candidate lies where no unit of that level is known
	agreeNowhere     = 0.6  // the query names a unit that does not exist
	disagreeWard     = 0.5  // the candidate is in another ward than written
	disagreeDistr    = 0.5  // in another district
	disagreeProvince = 0.5  // in no province the data knows, when one is asked
	nearlyAt         = 50.0 // metres within which two candidates are the same answer
)

// judge sets each result's confidence and mismatches and drops those that contradict the
// query. With prefix (autocomplete) the street was asked by its start, so its name is not
// held against the candidate.
func (q query) judge(results []Result, prefix bool) (kept []Result, dropped []string) {
	for _, res := range results {
		c, why := q.confidence(&res, prefix)
		if c == 0 {
			dropped = append(dropped, why)
			continue
		}
		res.Confidence, res.sure = c, c
		kept = append(kept, res)
	}
	ambiguous(kept)
	return kept, dropped
}

// confidence is res's confidence before ambiguity is counted, with its mismatches recorded;
// 0 and the reason when res contradicts the query.
func (q query) confidence(res *Result, prefix bool) (float64, string) {
	c, partial := q.base(*res)
	res.Partial = partial
	if res.Kind != "ward" && res.Kind != KindPOI && q.street != "" && !prefix {
		f, why := q.streetAgreement(res.streetName())
		if f == 0 {
			return 0, why
		}
		c *= f
	}
	ward, oldWard, district, province := res.units()
	mismatch := map[string]string{}
	for _, level := range []string{"ward", "district", "province"} {
		// a place's name may hold the word (placeNames)
		if q.nowhere[level] && res.Kind != KindPOI {
			// a word read as a unit that no unit of the country is named: the candidate
			// leaves part of the text unexplained ("Lê Lợi Coffee" is no street in ward Coffee)
			c *= agreeNowhere
			mismatch[level] = fmt.Sprintf("no %s of the country is named %s", level, q.text[level])
		}
	}
	if q.province != "" && !q.nowhere["province"] {
		switch {
		case province.Code == "":
			// the candidate lies outside every province the data knows: nothing confirms it
			// is in the one asked, of all the country's
			c *= disagreeProvince
			mismatch["province"] = fmt.Sprintf("outside the provinces the data holds, not known to be in %s", q.text["province"])
		case !q.provinceAgrees(province):
			return 0, fmt.Sprintf("%s is in %s, not in %s", res.label(), province.Name, q.text["province"])
		}
	}
	if q.district != "" && res.Kind != "ward" && !q.nowhere["district"] {
		switch {
		case district.Code == "":
			c *= agreeUnknown
		case !q.unitAgrees(q.parsed.District, district, address.EraOld):
			c *= disagreeDistr
			mismatch["district"] = fmt.Sprintf("in %s, not in %s", district.Name, q.text["district"])
		}
	}
	if q.ward != "" && res.Kind != "ward" && !q.nowhere["ward"] {
		switch {
		case ward.Code == "" && oldWard.Code == "":
			c *= agreeUnknown
		case !q.unitAgrees(q.parsed.Ward, ward, address.EraNew) && !q.unitAgrees(q.parsed.Ward, oldWard, address.EraOld):
			c *= disagreeWard
			mismatch["ward"] = fmt.Sprintf("in %s (%s before 2025), not in %s", ward.Name, oldWard.Name, q.text["ward"])
		}
	}
	if len(mismatch) > 0 {
		res.Mismatch = mismatch
	}
	return c, ""
}

// base is what a candidate of res's kind is worth when all it names agrees, and whether it
// is coarser than what was asked.
func (q query) base(res Result) (float64, bool) {
	switch res.Kind {
	case "address":
		return 1, false
	case "interpolated":
		switch {
		case len(q.house.Path) > 1 || q.house.Kind == address.KindAlley:
			return confMouth, false
		case len(res.Place.Between) == 2:
			return confBetween, false
		}
		return confBeside, false
	case "street":
		if q.number != "" {
			return confStreetFor, true
		}
		return 1, false
	case "ward":
		if q.number != "" || q.street != "" && q.ward != "" {
			return confWardFor, true
		}
		return res.Score, false // the share of the ward, district and province asked that matched
	case KindPOI:
		return res.Score, false
	}
	return 0, false
}

// streetAgreement is how well a candidate's street name agrees with the one asked: 1 when
// the same, less when only nearly, 0 and why when it is another street.
func (q query) streetAgreement(name string) (float64, string) {
	if f, ok := q.agreed[name]; ok {
		return f, ""
	}
	f, why := q.streetAgreementOf(name)
	if f > 0 && q.agreed != nil {
		q.agreed[name] = f // the candidates of one street are judged once
	}
	return f, why
}

func (q query) streetAgreementOf(name string) (float64, string) {
	asked := q.parsed.Street.Value
	a, b := address.StreetKey(asked), address.StreetKey(name)
	switch {
	case a == b || foldedAlike(asked, name):
		return q.streetScore(store.StreetMatch{Name: name, Similarity: 1}), ""
	case sameSounds(a, b):
		return agreeTone, ""
	case len(a) >= 6 && address.OneEditApart(a, b):
		return agreeTypo, ""
	}
	return 0, fmt.Sprintf("the data has no street %s (%s is another)", asked, name)
}

// foldedAlike says two names are one without diacritics, "Đường" read either as the type
// word or as the surname Dương: what the database's search finds them by.
func foldedAlike(a, b string) bool {
	fa, fb := address.Fold(a), address.Fold(b)
	return fa == fb || "duong "+fa == fb || fa == "duong "+fb
}

// sameSounds says two street keys differ only by i and y, which Vietnamese spelling swaps
// freely (Lê Văn Sỹ, Lê Văn Sĩ).
func sameSounds(a, b string) bool {
	return len(a) == len(b) && strings.ReplaceAll(a, "y", "i") == strings.ReplaceAll(b, "y", "i")
}

// provinceAgrees says the candidate's province (of today) is the one written, or the one the
// province written went into in 2025.
func (q query) provinceAgrees(got store.UnitRef) bool {
	p := q.parsed.Province
	if nameScore(q.province, bare(got.Name)) > 0 || p.Code == got.Code && p.Era != address.EraOld {
		return true
	}
	if p.Code == "" || p.Era != address.EraOld || q.gaz == nil {
		return p.Code == "" && p.Fold == "" // a province the parser could not read is not held against it
	}
	old, ok := q.gaz.Unit(address.UnitRef{Era: address.EraOld, Level: address.LevelProvince, Code: p.Code})
	return ok && slices.Contains(old.In, address.UnitRef{Era: address.EraNew, Level: address.LevelProvince, Code: got.Code})
}

// unitAgrees says a ward or district written is unit got of era, by name (within a letter)
// or by the code the parser gave it (a code names a unit only with its era).
func (q query) unitAgrees(asked address.Part, got store.UnitRef, era string) bool {
	if got.Name == "" {
		return false
	}
	if asked.Code != "" && asked.Code == got.Code && asked.Era == era {
		return true
	}
	return nameScore(asked.Fold, bare(got.Name)) > 0 || nameScore(asked.Fold, address.UnitKey(got.Name)) > 0
}

// ambiguous divides the confidence of each result by the number of results as good as it
// that lie elsewhere: two registered "21 Nguyễn Du" in two wards are each a coin toss.
func ambiguous(results []Result) {
	conf := make([]float64, len(results))
	for i, a := range results {
		n := 1
		for j, b := range results {
			if i != j && b.Score >= a.Score-0.005 && b.Confidence >= a.Confidence*0.999 && metresApart(a, b) > nearlyAt {
				n++
			}
		}
		conf[i] = a.Confidence / float64(n)
	}
	for i := range results {
		results[i].Confidence = round(conf[i])
	}
}

// metresApart is the distance between two results' points on the sphere.
func metresApart(a, b Result) float64 {
	return orbgeo.Distance(orb.Point{a.lon, a.lat}, orb.Point{b.lon, b.lat})
}

// streetName is the name of the street a candidate lies on.
func (r Result) streetName() string {
	if r.Kind == "address" {
		return r.Address.Street
	}
	return r.Place.Street
}

// units are the candidate's ward of today, ward and district before 2025, and province.
func (r Result) units() (ward, oldWard, district, province store.UnitRef) {
	if r.Kind == "address" {
		a := r.Address
		return a.Ward, a.OldWard, a.OldDistrict, a.Province
	}
	p := r.Place
	return p.Ward, p.OldWard, p.OldDistrict, p.Province
}

// label names a candidate in a reason.
func (r Result) label() string {
	if r.Kind == "address" {
		return strings.TrimSpace(r.Address.HouseNumber + " " + r.Address.Street)
	}
	return r.Place.Name
}

// nowhereUnits are the levels of the units the query names that no unit of the country is
// named, as written or within a letter.
func nowhereUnits(p address.Parsed, gaz *gazetteer.Gazetteer) map[string]bool {
	out := map[string]bool{}
	for level, part := range map[string]address.Part{"ward": p.Ward, "district": p.District, "province": p.Province} {
		if part.IsZero() || part.Code != "" || gaz == nil {
			continue
		}
		key := address.UnitKey(part.Value)
		out[level] = len(gaz.MatchUnit(key, false)) == 0 && len(gaz.MatchUnit(key, true)) == 0
	}
	return out
}
