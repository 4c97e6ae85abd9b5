package geocode

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"bandoso/address"
	"bandoso/gazetteer"
	"bandoso/store"
)

// Weights of the parts of an address in a candidate's score: the street and the house
// number say where; ward, district and province mostly confirm.
const (
	weightStreet   = 0.40
	weightHouse    = 0.35
	weightWard     = 0.15
	weightDistrict = 0.06
	weightProvince = 0.04
)

// toneMismatch scales the street's score when the user wrote diacritics and the candidate's
// differ (dương against đường): it still matches, after those that agree.
const toneMismatch = 0.9

// otherSystem scales a ward matched in the administrative system the rest of the address
// does not point to.
const otherSystem = 0.95

// query is a request as the geocoder reads it: folded parts, and the text each came from.
type query struct {
	parsed                   address.Parsed
	number                   string // the house number with its alley path as shown, "123/45/6A", "Ngõ 100"
	house                    address.HouseNumber
	key                      string // the house number's canonical form, "" when it is not one
	mouth                    int    // where the number meets the street: 123 of "123/45/6A"
	street                   string // folded
	streetTyped              string // the street as written, to compare diacritics
	ward, district, province string // folded, without their kind
	text                     map[string]string
	gaz                      *gazetteer.Gazetteer // converts a province written as before 2025
	nowhere                  map[string]bool      // the levels of units named that do not exist
	agreed                   map[string]float64   // how well each street name found agrees with the one asked
}

// read parses the request's text with the city's street names and the country's units, then
// lets its structured parts override what the text said.
func (g *Geocoder) read(ctx context.Context, r Request) (query, error) {
	parse, err := g.parser(ctx, r.Omit) // a restricted street list is not read for who may not see it
	if err != nil {
		return query{}, err
	}
	p := parse(r.Text)
	if r.House != "" {
		h := parse(r.House)
		p.House, p.Alley = h.House, h.Alley
		if p.House.IsZero() && len(p.Alley) == 0 {
			p.House = address.Part{Text: r.House, Value: strings.ToUpper(strings.TrimSpace(r.House))}
		}
	}
	if r.Street != "" {
		s := parse(r.Street).Street
		if s.IsZero() {
			s = address.Part{Text: r.Street, Value: address.Normalize(r.Street), Fold: address.Fold(r.Street)}
		}
		p.Street = s
	}
	if r.Ward != "" {
		p.Ward = unitPart(r.Ward, parse(r.Ward).Ward)
	}
	if r.District != "" {
		p.District = unitPart(r.District, parse(r.District).District)
	}
	if r.Province != "" {
		p.Province = unitPart(r.Province, parse(r.Province).Province)
	}
	return newQuery(p, r.House, g.units)
}

// newQuery is the query of parsed parts p; house, when not "", is the house number as asked
// apart from the text, and units the country's.
func newQuery(p address.Parsed, house string, units *gazetteer.Gazetteer) (query, error) {
	q := query{parsed: p, number: p.Number(), street: p.Street.Fold, streetTyped: p.Street.Text,
		ward: p.Ward.Fold, district: p.District.Fold, province: p.Province.Fold, text: map[string]string{}, gaz: units}
	if p.House.IsZero() && len(p.Alley) > 0 {
		q.number = p.Alley[0].Label + " " + q.number
	}
	number, herr := p.HouseNumber()
	if house != "" {
		// the house part alone reads as the database reads its house numbers
		if h, err := address.ParseHouseNumber(house); err == nil {
			number, herr = h, nil
		}
	}
	if herr == nil {
		q.house, q.key, q.mouth = number, number.String(), number.Mouth()
	}
	for part, v := range map[string]address.Part{"street": p.Street, "ward": p.Ward, "district": p.District, "province": p.Province} {
		if !v.IsZero() {
			q.text[part] = v.Text
		}
	}
	if q.number != "" {
		q.text["house"] = q.number
	}
	q.nowhere, q.agreed = nowhereUnits(p, units), map[string]float64{}
	if q.street == "" && q.ward == "" && p.Landmark.IsZero() { // a landmark is looked for by name
		return q, ErrEmpty
	}
	return q, nil
}

// unitPart is the part the parser read from s, or s itself without its kind when the parser
// found none (a ward's name given alone).
func unitPart(s string, parsed address.Part) address.Part {
	if !parsed.IsZero() {
		return parsed
	}
	return address.Part{Text: s, Value: address.Normalize(s), Fold: bare(s)}
}

// asked is the weight of the parts the request names.
func (q query) asked() float64 {
	w := q.unitsAsked()
	if q.street != "" {
		w += weightStreet
	}
	if q.number != "" {
		w += weightHouse
	}
	return w
}

// unitsAsked is the weight of the ward, district and province the request names.
func (q query) unitsAsked() float64 {
	return unitWeight(q.ward != "", q.district != "", q.province != "")
}

// unitWeight is the weight of a ward, district and province, of those that count.
func unitWeight(ward, district, province bool) float64 {
	w := 0.0
	for _, c := range []struct {
		has    bool
		weight float64
	}{{ward, weightWard}, {district, weightDistrict}, {province, weightProvince}} {
		if c.has {
			w += c.weight
		}
	}
	return w
}

// streetScore is how well street s answers the street asked for, diacritics included when
// the user wrote them.
func (q query) streetScore(s store.StreetMatch) float64 {
	typed := address.ToneFold(q.streetTyped)
	if typed == address.Fold(q.streetTyped) {
		return s.Similarity
	}
	// The name as typed follows its keyword ("Đ. Lê Lợi") and may be cut short ("Lê Lợ").
	name := address.ToneFold(s.Name)
	for i := 0; i < len(typed); i++ {
		if (i == 0 || typed[i-1] == ' ' || typed[i-1] == '.') && strings.HasPrefix(name, typed[i:]) {
			return s.Similarity
		}
	}
	return s.Similarity * toneMismatch
}

// likeliest orders streets by what a candidate on each may score before its point is known
// (the name, and the units asked that the street runs through), then by distance to the
// focus; the store's order breaks ties.
func (q query) likeliest(streets []store.StreetMatch) []store.StreetMatch {
	prior := func(s store.StreetMatch) float64 {
		return weightStreet*q.streetScore(s) + unitWeight(s.InWard, s.InDistrict, s.InProvince)
	}
	out := slices.Clone(streets)
	slices.SortStableFunc(out, func(a, b store.StreetMatch) int {
		return cmp.Or(cmp.Compare(prior(b), prior(a)), cmp.Compare(a.FocusDistance, b.FocusDistance))
	})
	return out
}

// units scores the ward, district and province asked for against a candidate's units and
// records which matched.
func (q query) units(matched map[string]string, ward, oldWard, oldDistrict, province string) float64 {
	got := 0.0
	if q.ward != "" {
		// A ward name of one system may be another ward's in the other (Phường Cầu Ông Lãnh
		// is an old ward and a new one). Since 2025 a ward written without its district is
		// the new one; with a district, the old one.
		sNew, sOld := nameScore(q.ward, bare(ward)), nameScore(q.ward, bare(oldWard))
		if q.district != "" {
			sNew *= otherSystem
		} else {
			sOld *= otherSystem
		}
		if s := max(sNew, sOld); s > 0 {
			got += weightWard * s
			matched["ward"] = q.text["ward"]
		}
	}
	if q.district != "" {
		if s := nameScore(q.district, bare(oldDistrict)); s > 0 {
			got += weightDistrict * s
			matched["district"] = q.text["district"]
		}
	}
	if q.province != "" {
		if s := nameScore(q.province, bare(province)); s > 0 {
			got += weightProvince * s
			matched["province"] = q.text["province"]
		}
	}
	return got
}

// scoreAddress scores a registered address found on street s with the number asked for.
func (q query) scoreAddress(a store.Address, s store.StreetMatch) Result {
	matched := map[string]string{"house": q.number, "street": q.text["street"]}
	got := weightStreet*q.streetScore(s) + weightHouse +
		q.units(matched, a.Ward.Name, a.OldWard.Name, a.OldDistrict.Name, a.Province.Name)
	return Result{Kind: "address", Address: a, Score: round(got / q.asked()), Matched: matched, lon: a.Lon, lat: a.Lat}
}

// Quality of a house number placed rather than found: between two registered neighbours,
// beside one, or only where its alley meets the street.
const (
	houseBetween = 0.6
	houseBeside  = 0.4
	houseMouth   = 0.3
)

// scorePlace scores an interpolated number or a street found on street s.
func (q query) scorePlace(p store.Place, s store.StreetMatch) Result {
	matched := map[string]string{"street": q.text["street"]}
	got := weightStreet * q.streetScore(s)
	if p.Kind == "interpolated" {
		house := houseBeside
		switch {
		case len(q.house.Path) > 1 || q.house.Kind == address.KindAlley:
			house = houseMouth
		case len(p.Between) == 2:
			house = houseBetween
		}
		got += weightHouse * house
	}
	got += q.units(matched, p.Ward.Name, p.OldWard.Name, p.OldDistrict.Name, p.Province.Name)
	res := Result{Kind: p.Kind, Place: p, Score: round(got / q.asked()), Matched: matched, lon: p.Lon, lat: p.Lat}
	if p.Kind == "interpolated" {
		res.Number = q.number
	}
	return res
}

// scoreWard scores ward w, found by name; when the request named no ward, the name was its
// street part, which then counts as a ward's name.
func (q query) scoreWard(p store.Place, w store.WardMatch, name string) Result {
	matched := map[string]string{}
	asked := q.asked()
	if q.ward == "" {
		q.ward, q.text["ward"] = name, q.text["street"]
		asked += weightWard - weightStreet
	}
	got := 0.0
	if w.Current {
		got = q.units(matched, w.Name, "", w.District.Name, w.Province.Name)
	} else {
		got = q.units(matched, "", w.Name, w.District.Name, w.Province.Name)
	}
	if w.Similarity < 1 && matched["ward"] == "" {
		got += weightWard * w.Similarity
		matched["ward"] = q.text["ward"]
	}
	p.Ward, p.OldWard = wardRefs(p, w)
	return Result{Kind: "ward", Place: p, Score: round(got / asked), Matched: matched, lon: p.Lon, lat: p.Lat}
}

// wardRefs names the ward found as the system it belongs to, with the other system's ward
// at its point.
func wardRefs(p store.Place, w store.WardMatch) (current, old store.UnitRef) {
	if w.Current {
		return store.UnitRef{Code: w.Code, Name: w.Name}, p.OldWard
	}
	return p.Ward, store.UnitRef{Code: w.Code, Name: w.Name}
}

// nameScore compares two folded names: 1 when equal, 0.7 when one letter apart in a name of
// four letters or more, else 0.
func nameScore(asked, name string) float64 {
	switch {
	case asked == "" || name == "":
		return 0
	case asked == name:
		return 1
	case len(asked) >= 4 && address.OneEditApart(asked, name):
		return 0.7
	}
	return 0
}

func round(x float64) float64 { return float64(int(x*1000+0.5)) / 1000 }

// Parse reads text as the geocoder reads a request's text: with the city's street names, so
// that a street the city has is named as the city writes it ("le loi" is Lê Lợi), and with the
// country's administrative units. With omit["street"] (the asker may not see the streets) the
// city's names are left out and only the parser's own list is used.
func (g *Geocoder) Parse(ctx context.Context, text string, omit map[string]bool) (address.Parsed, error) {
	parse, err := g.parser(ctx, omit)
	if err != nil {
		return address.Parsed{}, err
	}
	return parse(text), nil
}

// parser is the one way the geocoder parses text; see Parse.
func (g *Geocoder) parser(ctx context.Context, omit map[string]bool) (func(string) address.Parsed, error) {
	streets := address.DefaultStreets
	if !omit["street"] {
		m, err := g.streets.matcher(ctx)
		if err != nil {
			return nil, err
		}
		streets = m
	}
	return func(s string) address.Parsed {
		return address.Parse(s, address.WithStreets(streets), address.WithUnits(g.units))
	}, nil
}
