package api

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"bandoso/address"
	"bandoso/gazetteer"
)

// Address standardisation (chuẩn hoá địa chỉ): GET /v1/parse?q= reads one address into its
// parts, its units of both systems and its official form of today; POST /v1/parse/batch does
// so for each row of a CSV file.
const (
	parsePath      = "/v1/parse"
	parseBatchPath = "/v1/parse/batch"
)

// parseAnswer is the answer of GET /v1/parse. Members unknown are null, never guessed.
type parseAnswer struct {
	Input      string          `json:"input"`
	Components parseComponents `json:"components"`
	Units      parseUnits      `json:"units"`
	// Standard is the address as written today: unit, house number and street, neighbourhood,
	// the ward and province since 2025-07-01 by their official names. Null when a unit named
	// is not decided, or the ward of today is not (the warnings say why).
	Standard *string        `json:"standard"`
	Warnings []parseWarning `json:"warnings"`
}

// parseComponents are the parts read, each in canonical form, keyword included ("Phường 1").
// Unit is the part inside a building, room, floor and building together ("Phòng 501, Tầng 5,
// Tòa nhà A"); Room, Floor and Building are its pieces.
type parseComponents struct {
	HouseNumber   *string `json:"house_number"`
	Street        *string `json:"street"`
	Ward          *string `json:"ward"`
	District      *string `json:"district"`
	Province      *string `json:"province"`
	Qualifier     *string `json:"qualifier"`
	Unit          *string `json:"unit"`
	Landmark      *string `json:"landmark"`
	Building      *string `json:"building"`
	Floor         *string `json:"floor"`
	Room          *string `json:"room"`
	Neighbourhood *string `json:"neighbourhood"`
}

// parseUnits are the administrative units of the address before and since the 2025 reform.
type parseUnits struct {
	Old struct {
		Ward     *unitJSON `json:"ward"`
		District *unitJSON `json:"district"`
		Province *unitJSON `json:"province"`
	} `json:"old"`
	New struct {
		Ward     *unitJSON `json:"ward"`
		Province *unitJSON `json:"province"`
	} `json:"new"`
}

// parseWarning is one thing the reading could not settle; Code is one of the warning codes.
type parseWarning struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// The warning codes of /v1/parse; a unit named that does not lie in the one named after it
// is ward_not_in_district, ward_not_in_province or district_not_in_province.
const (
	warnNeedsLocation = "needs_location" // an old ward split between new ones
	warnUnknownUnit   = "unknown_unit"   // no unit of that level bears the name
	warnAmbiguousUnit = "ambiguous_unit" // the name fits several units equally
	warnNotConverted  = "not_converted"  // the conversion table has no row for the old ward
	warnNoWard        = "no_ward"        // the address names no ward
	warnAmbiguous     = "ambiguous"      // anything else the parser was unsure of
)

// handleParse serves GET /v1/parse.
func (s *Server) handleParse(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query().Get(paramQ) // plainQuery has refused text that is not UTF-8 already
	if len(q) > maxQueryText {
		return &ParamError{paramQ, fmt.Sprintf("longer than %d bytes", maxQueryText)}
	}
	if strings.TrimSpace(q) == "" {
		return &ParamError{paramQ, "required: the address text"}
	}
	hidden, err := s.hiddenLayers(r)
	if err != nil {
		return err
	}
	ans, err := s.standardize(r.Context(), strings.TrimSpace(q), hidden)
	if err != nil {
		return err
	}
	return writeJSON(w, mediaJSON, ans)
}

// standardize parses text as the geocoder does (the city's street names, unless the streets
// layer is hidden) and places it in the units of both systems by the official table.
func (s *Server) standardize(ctx context.Context, text string, hidden map[string]bool) (parseAnswer, error) {
	p, err := s.Geocoder.Parse(ctx, text, omittedKinds(hidden))
	if err != nil {
		return parseAnswer{}, err
	}
	return standardized(p, gazetteer.Official()), nil
}

// standardized is the answer for p, its units read with g (as the geocoder reads them).
func standardized(p address.Parsed, g *gazetteer.Gazetteer) parseAnswer {
	ans := parseAnswer{Input: p.Input, Components: components(p), Warnings: []parseWarning{}}
	u := placeUnits(p, g)
	ans.Warnings = append(ans.Warnings, u.warnings...)
	ans.Warnings = append(ans.Warnings, parserWarnings(p)...)
	undecided := slices.ContainsFunc(ans.Warnings, func(w parseWarning) bool { return w.Code != warnAmbiguous })
	ans.Units.Old.Ward, ans.Units.Old.District, ans.Units.Old.Province = officialUnit(u.oldWard), officialUnit(u.oldDistrict), officialUnit(u.oldProvince)
	ans.Units.New.Ward, ans.Units.New.Province = officialUnit(u.newWard), officialUnit(u.newProvince)
	if p.Ward.IsZero() {
		ans.Warnings = append(ans.Warnings, parseWarning{warnNoWard, "no ward (phường, xã, đặc khu): an address of today names one"})
	}
	if !undecided && (p.Ward.IsZero() || u.newWard != nil) {
		ans.Standard = nonEmpty(standardLine(p, u))
	}
	return ans
}

// components are p's parts in canonical form.
func components(p address.Parsed) parseComponents {
	c := parseComponents{Ward: written(p.Ward), District: written(p.District), Province: written(p.Province),
		Qualifier: written(p.Qualifier), Landmark: written(p.Landmark), Building: written(p.Building),
		Floor: written(p.Floor), Room: written(p.Room), Neighbourhood: written(p.Neighbourhood)}
	if n := p.Number(); n != "" {
		c.HouseNumber = &n
	}
	if !p.Street.IsZero() {
		c.Street = nonEmpty(address.Parsed{Street: p.Street}.String())
	}
	c.Unit = nonEmpty(address.Parsed{Room: p.Room, Floor: p.Floor, Building: p.Building}.String())
	return c
}

// written is a part as the canonical form writes it, its keyword first ("Phường Bến Nghé",
// "Đối diện"); nil when it was not read.
func written(p address.Part) *string {
	v := p.Value
	if p.Label != "" && !strings.HasPrefix(strings.ToLower(v), strings.ToLower(p.Label)) {
		v = p.Label + " " + v
	}
	return nonEmpty(strings.TrimSpace(v))
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// standardLine writes the address of today: the qualifier, the unit, the landmark, house
// number and street, neighbourhood, then the new ward and province by their official names.
func standardLine(p address.Parsed, u unitsRead) string {
	var out []string
	add := func(s *string) {
		if s != nil {
			out = append(out, *s)
		}
	}
	add(nonEmpty(address.Parsed{Room: p.Room, Floor: p.Floor, Building: p.Building}.String()))
	add(written(p.Landmark))
	add(nonEmpty(address.Parsed{House: p.House, Alley: p.Alley, Street: p.Street}.String()))
	add(written(p.Neighbourhood))
	for _, unit := range []*address.Unit{u.newWard, u.newProvince} {
		if unit != nil {
			out = append(out, unit.Name)
		}
	}
	line := strings.Join(out, ", ")
	if q := written(p.Qualifier); q != nil {
		line = strings.TrimSpace(*q + " " + line)
	}
	return line
}

// parserWarnings are the parser's doubts: a unit name fitting several units, or another.
func parserWarnings(p address.Parsed) []parseWarning {
	unitReasons := map[string]bool{}
	for _, m := range p.Units {
		if m.Reason != "" {
			unitReasons[m.Reason] = true
		}
	}
	var out []parseWarning
	for _, a := range p.Ambiguities {
		code := warnAmbiguous
		if unitReasons[a] {
			code = warnAmbiguousUnit
		}
		out = append(out, parseWarning{code, a})
	}
	return out
}
