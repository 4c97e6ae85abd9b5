package api

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"bandoso/address"
	"bandoso/store"
)

// paramAddress is the free text of GET /v1/convert; ward, lon and lat are the parcel routes',
// district and province the geocoding routes'.
const paramAddress = "address"

// convertResult is the answer of GET /v1/convert.
type convertResult struct {
	Input convertInput `json:"input"`
	// Old is the old ward the input names; null when the name fits several (OldCandidates)
	// or none (the input is already of the new system).
	Old           *oldWard  `json:"old"`
	OldCandidates []oldWard `json:"old_candidates,omitempty"`
	New           []newUnit `json:"new"`
	Ambiguous     bool      `json:"ambiguous"`
	Reason        string    `json:"reason,omitempty"`
	Address       string    `json:"address,omitempty"`
	Notes         []string  `json:"notes,omitempty"`
}

// convertInput echoes the parts the input was read as.
type convertInput struct {
	Address  string   `json:"address,omitempty"`
	House    string   `json:"house,omitempty"`
	Street   string   `json:"street,omitempty"`
	Ward     string   `json:"ward"`
	District string   `json:"district,omitempty"`
	Province string   `json:"province,omitempty"`
	Lon      *float64 `json:"lon,omitempty"`
	Lat      *float64 `json:"lat,omitempty"`
}

type oldWard struct {
	Ward     store.Unit `json:"ward"`
	District store.Unit `json:"district"`
	Province store.Unit `json:"province"`
}

// newUnit is a unit in force since 2025-07-01; its code and name are the embedded Unit's.
type newUnit struct {
	store.Unit
	Kind          string     `json:"kind"`
	Province      store.Unit `json:"province"`
	From          string     `json:"from,omitempty"`
	Relation      string     `json:"relation"`
	Note          string     `json:"note,omitempty"`
	ContainsPoint *bool      `json:"contains_point,omitempty"`
}

// handleConvert serves GET /v1/convert: an address, or a ward with its district and province,
// of the system before the 2025 reform, under the units in force since 2025-07-01 by the
// official conversion table. An old ward split between new ones needs a location (lon, lat)
// to decide; without one, or when the location lies in none of them, every candidate is
// listed and the answer is ambiguous.
func (s *Server) handleConvert(w http.ResponseWriter, r *http.Request) error {
	parsed, q, err := convertQuery(r, s.Units)
	if err != nil {
		return err
	}
	// The names and the conversion table are the reform's, public; which unit holds a point
	// is read from the boundaries of the wards layers, not given while either is restricted.
	hidden, err := s.hiddenLayers(r)
	if err != nil {
		return err
	}
	if hidden[layerWards] || hidden[layerWards2024] {
		q.HasPoint = false
	}
	res := convertResult{Input: echoInput(r, parsed, q), New: []newUnit{}}
	olds, err := s.oldWards(r, parsed, q)
	if err != nil {
		return err
	}
	if len(olds) == 0 {
		return s.convertCurrent(w, r, parsed, q, res)
	}
	if len(olds) > 1 && q.HasPoint {
		olds = coveringOrAll(olds)
	}
	ids := make([]int64, len(olds))
	for i, o := range olds {
		ids[i] = o.ID
	}
	succ, err := s.DB.Successors(r.Context(), ids, q)
	if err != nil {
		return err
	}
	for _, u := range succ {
		res.New = append(res.New, newUnitOf(u))
	}
	if len(olds) > 1 {
		for _, o := range olds {
			res.OldCandidates = append(res.OldCandidates, oldWard{o.Ward, o.District, o.Province})
		}
		res.Ambiguous = true
		res.Reason = fmt.Sprintf("ward name matches %d old wards: district needed", len(olds))
		return writeJSON(w, mediaJSON, res)
	}
	o := olds[0]
	res.Old = &oldWard{o.Ward, o.District, o.Province}
	decideByPoint(&res, succ, q.HasPoint)
	if !res.Ambiguous && len(res.New) == 1 {
		res.Address = convertedText(parsed, res.New[0])
	}
	return writeJSON(w, mediaJSON, res)
}

// oldWards finds the old wards the input names: the one the parser decided, by its code,
// when the reference data hold it ("Thị trấn Yên Viên" of Gia Lâm is the township, not Xã
// Yên Viên beside it); else those named so in the district and province named.
func (s *Server) oldWards(r *http.Request, parsed address.Parsed, q store.WardQuery) ([]store.OldWard, error) {
	if w := parsed.Ward; w.Code != "" && w.Era == address.EraOld {
		byCode := store.WardQuery{Ward: w.Code, HasPoint: q.HasPoint, Lon: q.Lon, Lat: q.Lat}
		olds, err := s.DB.OldWardsNamed(r.Context(), byCode)
		if err != nil || len(olds) == 1 {
			return olds, err
		}
	}
	return s.DB.OldWardsNamed(r.Context(), q)
}

// convertCurrent answers for a ward no old ward is named after: one of the new system is
// answered unchanged; none is a 404 naming the parameter.
func (s *Server) convertCurrent(w http.ResponseWriter, r *http.Request, parsed address.Parsed, q store.WardQuery, res convertResult) error {
	cur, err := s.DB.CurrentWardsNamed(r.Context(), q)
	if err != nil {
		return err
	}
	if len(cur) == 0 {
		param := paramWard
		if r.URL.Query().Has(paramAddress) {
			param = paramAddress
		}
		where := ""
		if q.District != "" {
			where = " in district " + q.District
		}
		return &RangeError{param, fmt.Sprintf("no ward before or since the 2025 reform is named %q%s", q.Ward, where)}
	}
	for _, u := range cur {
		u.Relation = "current"
		res.New = append(res.New, newUnitOf(u))
	}
	res.Notes = append(res.Notes, "the ward is of the system in force since 2025-07-01: nothing to convert")
	if q.District != "" {
		res.Notes = append(res.Notes, "districts were abolished on 2025-07-01: "+q.District+" is ignored")
	}
	if len(cur) > 1 {
		res.Ambiguous = true
		res.Reason = fmt.Sprintf("ward name matches %d current wards: province needed", len(cur))
		return writeJSON(w, mediaJSON, res)
	}
	res.Address = convertedText(parsed, res.New[0])
	return writeJSON(w, mediaJSON, res)
}

// coveringOrAll keeps the old wards whose boundary holds the point, when any does.
func coveringOrAll(olds []store.OldWard) []store.OldWard {
	var in []store.OldWard
	for _, o := range olds {
		if o.Covers != nil && *o.Covers {
			in = append(in, o)
		}
	}
	if len(in) == 0 {
		return olds
	}
	return in
}

// decideByPoint settles a split old ward by the candidate holding the point; it never guesses.
func decideByPoint(res *convertResult, succ []store.NewUnit, hasPoint bool) {
	if len(succ) <= 1 {
		return
	}
	res.Ambiguous = true
	if !hasPoint {
		res.Reason = "split: location needed"
		return
	}
	var in []newUnit
	withGeom := 0
	for i, u := range succ {
		if u.HasGeom {
			withGeom++
		}
		if u.Covers != nil && *u.Covers {
			in = append(in, res.New[i])
		}
	}
	switch {
	case withGeom == 0:
		res.Reason = "split: the candidate units have no boundary here to place the location in"
	case len(in) == 0 && withGeom < len(succ):
		res.Reason = "split: the location lies in none of the candidate units with a boundary; the others have none"
	case len(in) == 0:
		res.Reason = "split: the location lies in none of the candidate units"
	case len(in) > 1:
		res.Reason = fmt.Sprintf("split: the location lies on the boundary of %d candidate units", len(in))
	default:
		res.Ambiguous, res.Reason, res.New = false, "", in
		res.Notes = append(res.Notes, "split: the location decided")
	}
}

func newUnitOf(u store.NewUnit) newUnit {
	return newUnit{Unit: u.Unit, Kind: u.Kind, Province: u.Province, From: u.From,
		Relation: u.Relation, Note: u.Note, ContainsPoint: u.Covers}
}

// convertedText writes the address under unit n: house, alley and street as given, the new
// ward and province, no district.
func convertedText(p address.Parsed, n newUnit) string {
	out := address.Parsed{Room: p.Room, Floor: p.Floor, Building: p.Building, House: p.House, Alley: p.Alley, Street: p.Street}
	out.Ward = address.Part{Label: n.Kind, Value: strings.TrimSpace(strings.TrimPrefix(n.Name, n.Kind))}
	if pk := provinceKind(n.Province.Name); pk != "" {
		out.Province = address.Part{Label: pk, Value: strings.TrimSpace(strings.TrimPrefix(n.Province.Name, pk))}
	}
	return out.String()
}

// provinceKind is the kind word a province's official name opens with.
func provinceKind(name string) string {
	for _, k := range []string{"Thành phố", "Tỉnh"} {
		if strings.HasPrefix(name, k+" ") {
			return k
		}
	}
	return ""
}

// convertQuery reads ?address= or ?ward=&district=&province=, and lon and lat; units are
// recognised by name with units.
func convertQuery(r *http.Request, units address.UnitMatcher) (address.Parsed, store.WardQuery, error) {
	qs := r.URL.Query()
	var q store.WardQuery
	var p address.Parsed
	text := strings.TrimSpace(qs.Get(paramAddress))
	ward := strings.TrimSpace(qs.Get(paramWard))
	switch {
	case text != "" && (ward != "" || qs.Has(paramDistrict) || qs.Has(paramProvince)):
		return p, q, &ParamError{paramAddress, "give either address or ward, district and province, not both"}
	case text != "":
		if len(text) > address.MaxInput {
			return p, q, &ParamError{paramAddress, fmt.Sprintf("longer than %d bytes", address.MaxInput)}
		}
		p = address.Parse(text, address.WithUnits(units))
		if p.Ward.IsZero() {
			return p, q, &ParamError{paramAddress, "no ward (phường, xã, thị trấn) found in the address"}
		}
	case ward != "":
		for _, f := range []struct{ name, v string }{{paramWard, ward}, {paramDistrict, qs.Get(paramDistrict)}, {paramProvince, qs.Get(paramProvince)}} {
			if len(f.v) > 100 {
				return p, q, &ParamError{f.name, "longer than 100 characters"}
			}
		}
		p = structured(ward, qs.Get(paramDistrict), qs.Get(paramProvince), units)
	default:
		return p, q, &ParamError{paramAddress, "required: an address, or ward with its district and province"}
	}
	q.Ward, q.District, q.Province = p.Ward.Value, p.District.Value, p.Province.Value
	if qs.Has(paramLon) || qs.Has(paramLat) {
		var err error
		if q.Lon, err = floatParam(qs.Get(paramLon), paramLon, 180); err != nil {
			return p, q, err
		}
		if q.Lat, err = floatParam(qs.Get(paramLat), paramLat, 90); err != nil {
			return p, q, err
		}
		q.HasPoint = true
	}
	return p, q, nil
}

// structured reads the parts given one per parameter as the parser reads them in an address
// ("P12", "Q.Tân Bình", "TP Thủ Đức"): together first, as "ward, district, province", so
// that the units are checked against one another and a name holding a word like a kind word
// ("Phuong Phuc Xa": phuong = phường, xa = xã) is read whole; when that reads no ward in the
// ward parameter, one by one; a part it does not recognise is taken as written.
func structured(ward, district, province string, units address.UnitMatcher) address.Parsed {
	ward, district, province = strings.TrimSpace(ward), strings.TrimSpace(district), strings.TrimSpace(province)
	part := func(s string, pick func(address.Parsed) address.Part) address.Part {
		if s == "" {
			return address.Part{}
		}
		if got := pick(address.Parse(s, address.WithUnits(units))); !got.IsZero() {
			return got
		}
		return address.Part{Text: s, Value: address.Normalize(s), Fold: address.Fold(s)}
	}
	p := address.Parsed{
		Ward:     part(ward, func(p address.Parsed) address.Part { return p.Ward }),
		District: part(district, func(p address.Parsed) address.Part { return p.District }),
		Province: part(province, func(p address.Parsed) address.Part { return p.Province }),
	}
	joined := ward
	for _, s := range []string{district, province} {
		if s != "" {
			joined += ", " + s
		}
	}
	ms := address.ReadUnits(joined, units)
	i := slices.IndexFunc(ms, func(m address.UnitMatch) bool {
		return m.Level == address.LevelWard && m.Part.Code != "" && m.Part.End <= len(ward)
	})
	if i < 0 {
		return p
	}
	p.Ward, p.Units = ms[i].Part, ms
	for _, m := range ms[i+1:] {
		if m.Level == address.LevelDistrict {
			p.District = m.Part
		} else if m.Level == address.LevelProvince {
			p.Province = m.Part
		}
	}
	return p
}

func echoInput(r *http.Request, p address.Parsed, q store.WardQuery) convertInput {
	in := convertInput{Address: r.URL.Query().Get(paramAddress), House: p.Number(), Street: p.Street.Value,
		Ward: p.Ward.Value, District: p.District.Value, Province: p.Province.Value}
	if q.HasPoint {
		in.Lon, in.Lat = &q.Lon, &q.Lat
	}
	return in
}
