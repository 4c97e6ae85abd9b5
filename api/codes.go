package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strings"

	"github.com/paulmach/orb/geojson"

	"bandoso/geo"
	"bandoso/store"
)

// Kinds of code GET /v1/codes/{code} tells apart, as its answers name them.
const (
	codeKindRegistry = "registry"
	codeKindNational = "national"
	codeKindPlus     = "plus_code"
)

// handleCode serves GET /v1/codes/{code}: a registry code (12 digits, spaces or hyphens
// allowed) or a national code (10 digits) resolves to its address; a full plus code, or a
// short one recovered near the city centre, to its cell with the nearest address.
func (s *Server) handleCode(w http.ResponseWriter, r *http.Request) error {
	raw := strings.TrimSpace(pathParam(r, paramCode))
	if strings.Contains(raw, "+") {
		return s.plusCode(w, r, raw)
	}
	digits := strings.NewReplacer(" ", "", "-", "").Replace(raw)
	if strings.Trim(digits, "0123456789") != "" || len(digits) != geo.RegistryCodeDigits && len(digits) != 10 {
		return &ParamError{paramCode, "want a registry code (12 digits), a national address code (10 digits) or a plus code"}
	}
	if err := s.needLayer(r, layerAddresses); err != nil {
		return err
	}
	var a store.Address
	var err error
	kind := codeKindRegistry
	if len(digits) == geo.RegistryCodeDigits {
		a, err = s.registryAddress(r, raw)
	} else {
		kind = codeKindNational
		a, err = s.nationalAddress(r, raw)
	}
	if err != nil {
		return err
	}
	hidden, err := s.hiddenLayers(r)
	if err != nil {
		return err
	}
	withoutHiddenFields(&a, hidden)
	f := addressFeature(a)
	f.Properties["code_kind"] = kind
	return writeJSON(w, mediaGeoJSON, f)
}

func (s *Server) registryAddress(r *http.Request, raw string) (store.Address, error) {
	serial, err := geo.ParseRegistryCode(raw)
	switch {
	case errors.Is(err, geo.ErrRegistryCodeCheck):
		return store.Address{}, &ParamError{paramCode, "the check digit does not match: a digit is wrong or two neighbouring digits are swapped"}
	case err != nil:
		return store.Address{}, &ParamError{paramCode, strings.TrimPrefix(err.Error(), "geo: ")}
	}
	code, _ := geo.RegistryCode(serial)
	a, err := s.DB.AddressByCode(r.Context(), code)
	if !errors.Is(err, store.ErrNotFound) {
		return a, err
	}
	at, retired, err := s.DB.RetiredCode(r.Context(), code)
	if err != nil {
		return a, err
	}
	if retired {
		return a, &RangeError{paramCode, fmt.Sprintf("registry code %s was retired on %s with its address; codes are never reused",
			geo.FormatRegistryCode(code), at.UTC().Format("2006-01-02"))}
	}
	return a, &NotFoundError{What: "registry code", Name: geo.FormatRegistryCode(code)}
}

func (s *Server) nationalAddress(r *http.Request, raw string) (store.Address, error) {
	nc, err := geo.ParseNationalAddressCode(raw)
	if err != nil {
		return store.Address{}, &ParamError{paramCode, strings.TrimPrefix(err.Error(), "geo: ")}
	}
	a, err := s.DB.AddressByNationalCode(r.Context(), nc.String())
	if errors.Is(err, store.ErrNotFound) {
		return a, &NotFoundError{What: "national address code", Name: nc.Postcode + " " + nc.Serial}
	}
	return a, err
}

// plusCodeFeature is a plus code's cell: its centre as the geometry, its bounds as bbox.
type plusCodeFeature struct {
	Type       string          `json:"type"`
	BBox       geojson.BBox    `json:"bbox"`
	Geometry   json.RawMessage `json:"geometry"`
	Properties map[string]any  `json:"properties"`
}

// plusCode answers a full plus code, or a short one ("QPG4+XX", perhaps followed by a
// locality, which is not read: the service knows one city) recovered near the city centre.
// The cell comes with what lies at its centre and the address nearest it within the cell or
// a little beyond.
func (s *Server) plusCode(w http.ResponseWriter, r *http.Request, raw string) error {
	given, _, _ := strings.Cut(raw, " ")
	code := strings.ToUpper(given)
	props := map[string]any{"kind": codeKindPlus, "code_kind": codeKindPlus}
	switch {
	case geo.IsFullOLC(code):
	case geo.IsShortOLC(code):
		centre := s.Config.Geocoding.CityCentre
		full, err := geo.RecoverNearestOLC(code, centre.Lat(), centre.Lon())
		if err != nil {
			return &ParamError{paramCode, "short plus code: " + strings.TrimPrefix(err.Error(), "geo: ")}
		}
		props["short_code"], props["reference"] = code, centre
		code = full
	default:
		return &ParamError{paramCode, "not a valid plus code (Open Location Code)"}
	}
	area, err := geo.DecodeOLC(code)
	if err != nil {
		return &ParamError{paramCode, strings.TrimPrefix(err.Error(), "geo: ")}
	}
	lat, lon := area.Center()
	// half the cell's diagonal in metres, plus a street's width
	dy := (area.LatHi - area.LatLo) * 111_320
	dx := (area.LngHi - area.LngLo) * 111_320 * math.Cos(lat*math.Pi/180)
	radius := min(math.Hypot(dx, dy)/2+20, maxReverseRadiusM)
	rev, err := s.reverse(r, lon, lat, radius, 1)
	if err != nil {
		return err
	}
	for k, v := range placeFeature(lon, lat, rev.Location).Properties {
		if k != "kind" {
			props[k] = v
		}
	}
	props["plus_code"], props["code_length"] = code, area.Len
	if len(rev.Addresses) > 0 {
		props["address"] = nearAddressFeature(rev.Addresses[0], rev.Location)
	}
	return writeJSON(w, mediaGeoJSON, plusCodeFeature{Type: "Feature", BBox: geojson.BBox{area.LngLo, area.LatLo, area.LngHi, area.LatHi},
		Geometry: pointGeometry(lon, lat), Properties: props})
}
