package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"bandoso/address"
	"bandoso/geo"
	"bandoso/geocode"
	"bandoso/store"
)

// Parameters of the geocoding routes, named as Pelias and Photon name them.
const (
	paramQ        = "q"
	paramHouse    = "house"
	paramStreet   = "street"
	paramDistrict = "district"
	paramProvince = "province"
	paramMinConf  = "min_confidence"
)

// maxQueryText bounds each text parameter of a geocoding request, in bytes.
const maxQueryText = address.MaxInput

// geocodeAnswer is a FeatureCollection of candidates, best first, with the request as read.
type geocodeAnswer struct {
	Type     string    `json:"type"`
	Query    queryEcho `json:"query"`
	Features []feature `json:"features"`
	// Reason says why there are no features, when there are none.
	Reason string `json:"reason,omitempty"`
}

// queryEcho shows how the request was read, so a client can tell why it got what it got.
type queryEcho struct {
	Text        string            `json:"text,omitempty"`
	Parsed      map[string]string `json:"parsed"`
	Ambiguities []string          `json:"ambiguities,omitempty"`
}

// handleGeocode serves GET /v1/geocode: free text (q) or its parts (house, street, ward,
// district, province) to candidates, best first.
func (s *Server) handleGeocode(w http.ResponseWriter, r *http.Request) error {
	return s.geocode(w, r, true, s.Geocoder.Geocode)
}

// handleAutocomplete serves GET /v1/autocomplete: text being typed to suggestions.
func (s *Server) handleAutocomplete(w http.ResponseWriter, r *http.Request) error {
	return s.geocode(w, r, false, s.Geocoder.Autocomplete)
}

func (s *Server) geocode(w http.ResponseWriter, r *http.Request, structured bool,
	run func(context.Context, geocode.Request) (geocode.Answer, error)) error {
	req, err := geocodeRequest(r, structured)
	if err != nil {
		return err
	}
	hidden, err := s.hiddenLayers(r)
	if err != nil {
		return err
	}
	req.Omit = omittedKinds(hidden)
	ans, err := run(r.Context(), req)
	if errors.Is(err, geocode.ErrEmpty) {
		return &ParamError{paramQ, "nothing to look for: give a street or a ward, in q or in its own parameter"}
	}
	if err != nil {
		return err
	}
	out := geocodeAnswer{Type: "FeatureCollection", Query: echo(req.Text, ans.Parsed), Features: make([]feature, 0, len(ans.Results)),
		Reason: ans.Reason}
	for _, res := range ans.Results {
		out.Features = append(out.Features, resultFeature(withoutHiddenResult(res, hidden)))
	}
	return writeJSON(w, mediaGeoJSON, out)
}

// geocodeRequest reads the parameters; structured says whether the parts may be given alone.
func geocodeRequest(r *http.Request, structured bool) (geocode.Request, error) {
	q := r.URL.Query()
	var req geocode.Request
	type textParam struct {
		name string
		dst  *string
	}
	texts := []textParam{{paramQ, &req.Text}}
	if structured {
		texts = append(texts, textParam{paramHouse, &req.House}, textParam{paramStreet, &req.Street}, textParam{paramWard, &req.Ward},
			textParam{paramDistrict, &req.District}, textParam{paramProvince, &req.Province})
	}
	for _, t := range texts {
		v := q.Get(t.name)
		// plainQuery has refused text that is not UTF-8 already
		if len(v) > maxQueryText {
			return req, &ParamError{t.name, fmt.Sprintf("longer than %d bytes", maxQueryText)}
		}
		*t.dst = strings.TrimSpace(v)
	}
	if req.Text+req.House+req.Street+req.Ward+req.District+req.Province == "" {
		if structured {
			return req, &ParamError{paramQ, "required: the address text, or its parts in house, street, ward, district and province"}
		}
		return req, &ParamError{paramQ, "required: the text typed so far"}
	}
	if v := q.Get(paramLimit); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > geocode.MaxLimit {
			return req, &ParamError{paramLimit, fmt.Sprintf("want a whole number from 1 to %d", geocode.MaxLimit)}
		}
		req.Limit = n
	}
	if v := q.Get(paramMinConf); v != "" && structured {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || !(f >= 0 && f <= 1) {
			return req, &ParamError{paramMinConf, "want a number from 0 to 1"}
		}
		req.MinConfidence = &f
	}
	if q.Has(paramLon) || q.Has(paramLat) {
		lon, err := floatParam(q.Get(paramLon), paramLon, 180)
		if err != nil {
			return req, err
		}
		lat, err := floatParam(q.Get(paramLat), paramLat, 90)
		if err != nil {
			return req, err
		}
		req.Focus = &orb.Point{lon, lat}
	}
	return req, nil
}

// omittedKinds are the kinds of geocoding result drawn from a layer in hidden: addresses
// from addresses, streets from streets, numbers interpolated from both, wards (whose point
// names the units of both systems there) from wards or wards_2024, named places from pois.
func omittedKinds(hidden map[string]bool) map[string]bool {
	return map[string]bool{
		"address":       hidden[layerAddresses],
		"street":        hidden[layerStreets],
		"interpolated":  hidden[layerAddresses] || hidden[layerStreets],
		"ward":          hidden[layerWards] || hidden[layerWards2024],
		geocode.KindPOI: hidden[layerPOIs],
	}
}

// withoutHiddenResult clears what restricted layers in hidden hold: on a place, the wards found
// from its point and its street's id; on an address, its parcel and street ids
// (withoutHiddenFields). An address's wards are those it is registered in, part of the address.
func withoutHiddenResult(res geocode.Result, hidden map[string]bool) geocode.Result {
	if res.Kind == "address" {
		withoutHiddenFields(&res.Address, hidden)
		return res
	}
	if hidden[layerStreets] {
		res.Place.StreetID = 0
	}
	if hidden[layerWards] {
		res.Place.Ward = store.UnitRef{}
	}
	if hidden[layerWards2024] {
		res.Place.OldWard, res.Place.OldDistrict = store.UnitRef{}, store.UnitRef{}
	}
	return res
}

// echo lists the parts the parser read, by name.
func echo(text string, p address.Parsed) queryEcho {
	parts := map[string]string{}
	for name, part := range map[string]address.Part{"room": p.Room, "floor": p.Floor, "building": p.Building,
		"street": p.Street, "neighbourhood": p.Neighbourhood, "ward": p.Ward, "district": p.District, "province": p.Province,
		"qualifier": p.Qualifier, "landmark": p.Landmark} {
		if !part.IsZero() {
			parts[name] = strings.TrimSpace(part.Label + " " + part.Value)
		}
	}
	if n := p.Number(); n != "" {
		parts["house_number"] = n
	}
	return queryEcho{Text: text, Parsed: parts, Ambiguities: p.Ambiguities}
}

// judged adds how sure the geocoder is of a candidate and what of the request it
// contradicts.
func judged(props map[string]any, res geocode.Result) {
	props["confidence"] = res.Confidence
	if len(res.Mismatch) > 0 {
		props["mismatch"] = res.Mismatch
	}
}

// resultFeature is a candidate as GeoJSON: an address with its codes, or a place with the
// units under its point; a named place with its name and what it is.
func resultFeature(res geocode.Result) feature {
	if res.Kind == "address" {
		f := addressFeature(res.Address)
		f.Properties["score"], f.Properties["matched"] = res.Score, res.Matched
		judged(f.Properties, res)
		return f
	}
	p := res.Place
	plus, _ := geo.EncodeOLC(p.Lat, p.Lon, geo.DefaultOLCLength)
	props := map[string]any{"kind": p.Kind, "score": res.Score, "matched": res.Matched,
		"codes": addressCodes{PlusCode: plus}}
	label := []string{p.Name}
	if p.Kind == "interpolated" {
		number := res.Number
		props["interpolated"], props["house_number"], props["between"] = true, number, p.Between
		label[0] = number + " " + p.Street
	}
	if p.StreetID != 0 {
		props["street"], props["street_id"] = p.Street, p.StreetID
	}
	if p.Kind == geocode.KindPOI {
		props["name"], props["poi_id"], props["category"], props["class"] = p.Name, p.POI.ID, p.POI.Category, p.POI.Class
	}
	for key, u := range map[string]*unitJSON{"ward": unitOf(p.Ward), "old_ward": unitOf(p.OldWard),
		"old_district": unitOf(p.OldDistrict), "province": unitOf(p.Province)} {
		if u != nil {
			props[key] = u
		}
	}
	if p.Kind != "ward" && p.Ward.Name != "" {
		label = append(label, p.Ward.Name)
	}
	if p.Province.Name != "" {
		label = append(label, p.Province.Name)
	}
	props["label"] = strings.Join(label, ", ")
	judged(props, res)
	return feature{Type: "Feature", Geometry: pointGeometry(p.Lon, p.Lat), Properties: props}
}
