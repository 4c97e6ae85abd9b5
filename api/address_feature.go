package api

import (
	"fmt"
	"strings"

	"bandoso/geo"
	"bandoso/store"
)

// unitJSON is an administrative unit in an address answer; empty when the unit is unknown.
type unitJSON struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

func unitOf(u store.UnitRef) *unitJSON {
	if u.Code == "" {
		return nil
	}
	return &unitJSON{Code: u.Code, Name: u.Name}
}

// addressCodes are the codes of an address: its registry code grouped for reading aloud, the
// national code when it has one, and the plus code of its point.
type addressCodes struct {
	Registry string `json:"registry"`
	National string `json:"national,omitempty"`
	PlusCode string `json:"plus_code"`
}

// addressLabel writes a in the order a letter is addressed since the 2025 reform: number and
// street, ward, province; no district.
func addressLabel(a store.Address) string {
	parts := []string{strings.TrimSpace(a.HouseNumber + " " + a.Street)}
	for _, u := range []store.UnitRef{a.Ward, a.Province} {
		if u.Name != "" {
			parts = append(parts, u.Name)
		}
	}
	return strings.Join(parts, ", ")
}

// pointGeometry is a GeoJSON Point with coordinates to 1e-7 degrees (about 1 cm).
func pointGeometry(lon, lat float64) []byte {
	return fmt.Appendf(nil, `{"type":"Point","coordinates":[%.7f,%.7f]}`, lon, lat)
}

// addressProperties are the properties every answer that names an address carries; callers
// add their own (score, matched parts, distance).
func addressProperties(a store.Address) map[string]any {
	plus, _ := geo.EncodeOLC(a.Lat, a.Lon, geo.DefaultOLCLength)
	codes := addressCodes{Registry: a.Code, National: a.NationalCode, PlusCode: plus}
	if len(a.Code) == geo.RegistryCodeDigits {
		codes.Registry = geo.FormatRegistryCode(a.Code)
	}
	props := map[string]any{
		"kind":         "address",
		"label":        addressLabel(a),
		"house_number": a.HouseNumber,
		"street":       a.Street,
		"codes":        codes,
	}
	if a.StreetID != 0 {
		props["street_id"] = a.StreetID
	}
	if u := unitOf(a.Ward); u != nil {
		props["ward"] = u
	}
	if u := unitOf(a.OldWard); u != nil {
		props["old_ward"] = u
	}
	if u := unitOf(a.OldDistrict); u != nil {
		props["old_district"] = u
	}
	if u := unitOf(a.Province); u != nil {
		props["province"] = u
	}
	if a.ParcelID != 0 {
		props["parcel_id"] = a.ParcelID
	}
	return props
}

// withoutHiddenFields clears what an address holds of the restricted layers in hidden: the
// parcel it lies on (parcels) and its street's feature id (streets). The street's name is
// part of the address.
func withoutHiddenFields(a *store.Address, hidden map[string]bool) {
	if hidden[layerParcels] {
		a.ParcelID = 0
	}
	if hidden[layerStreets] {
		a.StreetID = 0
	}
}

// addressFeature is a as a GeoJSON Feature with the properties of addressProperties.
func addressFeature(a store.Address) feature {
	return feature{Type: "Feature", ID: a.ID, Geometry: pointGeometry(a.Lon, a.Lat), Properties: addressProperties(a)}
}
