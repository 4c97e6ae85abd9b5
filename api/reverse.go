package api

import (
	"fmt"
	"math"
	"net/http"

	"bandoso/geo"
	"bandoso/store"
)

// Parameters and limits of GET /v1/reverse.
const (
	paramRadius           = "radius"
	defaultReverseRadiusM = 100
	maxReverseRadiusM     = 1000
	maxReverseLimit       = store.ReverseMaxLimit
)

// handleReverse serves GET /v1/reverse?lon=&lat=: the addresses nearest the point within
// radius metres (best first, each with distance_m), then one "place" feature at the point with
// the wards holding the point now and before the 2025 reform, the old district, the province,
// the nearest street and the parcel holding it. The place is there even when no address is.
func (s *Server) handleReverse(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	lon, err := floatParam(q.Get(paramLon), paramLon, 180)
	if err != nil {
		return err
	}
	lat, err := floatParam(q.Get(paramLat), paramLat, 90)
	if err != nil {
		return err
	}
	radius := float64(defaultReverseRadiusM)
	if v := q.Get(paramRadius); v != "" {
		var ok bool
		radius, ok = parseNumber(v)
		if !ok || radius < 0 || radius > maxReverseRadiusM {
			return &ParamError{paramRadius, fmt.Sprintf("want metres from 0 to %d", maxReverseRadiusM)}
		}
	}
	limit := 1
	if q.Has(paramLimit) {
		if limit, err = positiveInt(q, paramLimit, maxReverseLimit); err != nil {
			return err
		}
	}
	rev, err := s.reverse(r, lon, lat, radius, limit)
	if err != nil {
		return err
	}
	fc := featureCollection{Type: "FeatureCollection", Features: make([]feature, 0, len(rev.Addresses)+1)}
	for _, n := range rev.Addresses {
		fc.Features = append(fc.Features, nearAddressFeature(n, rev.Location))
	}
	fc.Features = append(fc.Features, placeFeature(lon, lat, rev.Location))
	return writeJSON(w, mediaGeoJSON, fc)
}

// reverse is DB.Reverse without what restricted layers the request may not read hold: the
// addresses (addresses), the street (streets), the parcel (parcels), the current ward
// (wards), the old ward and its district (wards_2024). The province is no layer's.
func (s *Server) reverse(r *http.Request, lon, lat, radius float64, limit int) (store.Reverse, error) {
	hidden, err := s.hiddenLayers(r)
	if err != nil {
		return store.Reverse{}, err
	}
	rev, err := s.DB.Reverse(r.Context(), lon, lat, radius, limit)
	if err != nil {
		return rev, err
	}
	loc := &rev.Location
	if hidden[layerAddresses] {
		rev.Addresses = nil
	}
	for i := range rev.Addresses {
		withoutHiddenFields(&rev.Addresses[i].Address, hidden)
	}
	if hidden[layerStreets] {
		loc.Street = store.NearStreet{}
	}
	if hidden[layerParcels] {
		loc.Parcel = store.LocationParcel{}
	}
	if hidden[layerWards] {
		loc.Ward = store.UnitRef{}
	}
	if hidden[layerWards2024] {
		loc.OldWard, loc.OldDistrict = store.UnitRef{}, store.UnitRef{}
	}
	return rev, nil
}

// nearAddressFeature is an address found near a point. Its ward and old_ward are those it is
// registered in; in_point_ward says whether the point's own current ward (the place
// feature's) is the same, which it is not when the point is across a ward line; it is absent
// when the point's ward is not known.
func nearAddressFeature(n store.NearAddress, at store.Location) feature {
	f := addressFeature(n.Address)
	f.Properties["distance_m"] = math.Round(n.DistanceM*100) / 100
	if at.Ward.Code != "" {
		f.Properties["in_point_ward"] = n.Ward.Code == at.Ward.Code
	}
	return f
}

// placeFeature is what lies at (lon, lat), found from the point itself.
func placeFeature(lon, lat float64, p store.Location) feature {
	plus, _ := geo.EncodeOLC(lat, lon, geo.DefaultOLCLength)
	props := map[string]any{"kind": "place", "wards_from": "point", "plus_code": plus}
	for k, u := range map[string]store.UnitRef{"ward": p.Ward, "old_ward": p.OldWard, "old_district": p.OldDistrict, "province": p.Province} {
		if j := unitOf(u); j != nil {
			props[k] = j
		}
	}
	if p.Street.ID != 0 {
		props["street"] = map[string]any{"id": p.Street.ID, "name": p.Street.Name, "kind": p.Street.Kind,
			"distance_m": math.Round(p.Street.DistanceM*100) / 100}
	}
	if p.Parcel.ID != 0 {
		parcel := map[string]any{"id": p.Parcel.ID, "ward_code": p.Parcel.Key.Ward, "sheet_no": p.Parcel.Key.Sheet,
			"parcel_no": p.Parcel.Key.Number, "land_use": p.Parcel.LandUse, "land_use_name": p.Parcel.LandUseName}
		if c := p.Parcel.Key.Code(); c != "" {
			parcel["code"] = c
		}
		props["parcel"] = parcel
	}
	return feature{Type: "Feature", Geometry: pointGeometry(lon, lat), Properties: props}
}
