package api_test

// How each route's answer shows which layers it carries: the readers of the leak cases in
// restricted_test.go.

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"slices"
	"strings"

	"github.com/paulmach/orb/encoding/mvt"
)

// parsedStreet: an answer of /v1/parse naming the street as the streets layer writes it.
func parsedStreet(street string) func(int, []byte) []string {
	return func(status int, body []byte) []string {
		var p struct{ Components struct{ Street string } }
		if status == http.StatusOK && json.Unmarshal(body, &p) == nil && p.Components.Street == street {
			return []string{"streets"}
		}
		return nil
	}
}

// batchParsedStreet: an answer of /v1/parse/batch naming the street as the layer writes it.
func batchParsedStreet(street string) func(int, []byte) []string {
	return func(status int, body []byte) []string {
		rows, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
		if status != http.StatusOK || err != nil || len(rows) < 2 {
			return nil
		}
		if i := slices.Index(rows[0], "street"); i >= 0 && i < len(rows[1]) && rows[1][i] == street {
			return []string{"streets"}
		}
		return nil
	}
}

// ifOK: a 200 answer carries layer name.
func ifOK(name string) func(int, []byte) []string {
	return func(status int, _ []byte) []string {
		if status == http.StatusOK {
			return []string{name}
		}
		return nil
	}
}

// mvtLayers are the layers of a vector tile that hold features.
func mvtLayers(status int, body []byte) []string {
	if status != http.StatusOK {
		return nil
	}
	layers, err := mvt.UnmarshalGzipped(body)
	if err != nil {
		if layers, err = mvt.Unmarshal(body); err != nil {
			return []string{"undecodable tile"}
		}
	}
	var out []string
	for _, l := range layers {
		if len(l.Features) > 0 {
			out = append(out, l.Name)
		}
	}
	return out
}

// mentioned finds the catalog's layer names in a JSON answer: as a string, as a collection
// or catalog entry in a link, or among the layers of a /tiles URL.
func mentioned(names []string) func(int, []byte) []string {
	return func(status int, body []byte) []string {
		if status != http.StatusOK {
			return nil
		}
		var v any
		if err := json.Unmarshal(body, &v); err != nil {
			return []string{"not JSON"}
		}
		found := map[string]bool{}
		walkStrings(v, func(s string) {
			for _, n := range names {
				for _, hint := range []string{"/collections/" + n + "/", "/v1/layers/" + n + "/"} {
					if s == n || strings.Contains(s+"/", hint) {
						found[n] = true
					}
				}
			}
			if _, rest, ok := strings.Cut(s, "/tiles/"); ok {
				list, _, _ := strings.Cut(strings.TrimSuffix(rest, ".json"), "/")
				for n := range strings.SplitSeq(list, ",") {
					found[n] = true
				}
			}
		})
		var out []string
		for _, n := range names {
			if found[n] {
				out = append(out, n)
			}
		}
		return out
	}
}

// walkStrings calls fn with every string of v, keys too, but for the names of a schema's
// properties (under "properties" and in "required"): a field named like a layer (the
// planning report's roads) is not the layer.
func walkStrings(v any, fn func(string)) {
	switch v := v.(type) {
	case string:
		fn(v)
	case []any:
		for _, x := range v {
			walkStrings(x, fn)
		}
	case map[string]any:
		for k, x := range v {
			switch props, isMap := x.(map[string]any); {
			case k == "required":
				continue
			case k == "properties" && isMap && v["type"] == "object":
				for _, p := range props {
					walkStrings(p, fn)
				}
				continue
			}
			fn(k)
			walkStrings(x, fn)
		}
	}
}

type leakFeatures struct {
	Features []struct {
		Properties map[string]any `json:"properties"`
	} `json:"features"`
	Properties map[string]any `json:"properties"`
}

func decodeFeatures(status int, body []byte) leakFeatures {
	var fc leakFeatures
	if status == http.StatusOK {
		_ = json.Unmarshal(body, &fc)
	}
	return fc
}

// featuresOf: any feature of a 200 FeatureCollection is layer name's.
func featuresOf(name string) func(int, []byte) []string {
	return func(status int, body []byte) []string {
		if len(decodeFeatures(status, body).Features) > 0 {
			return []string{name}
		}
		return nil
	}
}

// geocodeKinds are the layers each kind of geocoding result is drawn from.
var geocodeKinds = map[string][]string{
	"address": {"addresses"}, "street": {"streets"}, "interpolated": {"addresses", "streets"},
	"ward": {"wards", "wards_2024"}, "poi": {"pois"},
}

func geocoded(status int, body []byte) []string {
	var out []string
	for _, f := range decodeFeatures(status, body).Features {
		kind, _ := f.Properties["kind"].(string)
		out = append(out, geocodeKinds[kind]...)
		out = append(out, placeUnits(f.Properties)...)
		out = append(out, idFields(f.Properties)...)
	}
	return out
}

// idFields are the layers whose feature ids an answer's properties hold: an address's parcel
// and street.
func idFields(props map[string]any) []string {
	var out []string
	if props["parcel_id"] != nil {
		out = append(out, "parcels")
	}
	if props["street_id"] != nil {
		out = append(out, "streets")
	}
	return out
}

// codedAddress reads the address answer of GET /v1/codes/{registry code}.
func codedAddress(status int, body []byte) []string {
	if status != http.StatusOK {
		return nil
	}
	return append([]string{"addresses"}, idFields(decodeFeatures(status, body).Properties)...)
}

func batchGeocoded(status int, body []byte) []string {
	if status != http.StatusOK {
		return nil
	}
	rows, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil || len(rows) < 2 {
		return nil
	}
	if i := slices.Index(rows[0], "kind"); i >= 0 && i < len(rows[1]) {
		return geocodeKinds[rows[1][i]]
	}
	return nil
}

// placeUnits are the layers whose boundaries named a place's wards.
func placeUnits(props map[string]any) []string {
	if props["kind"] == "address" {
		return nil
	}
	var out []string
	if props["ward"] != nil {
		out = append(out, "wards")
	}
	if props["old_ward"] != nil || props["old_district"] != nil {
		out = append(out, "wards_2024")
	}
	return out
}

// reversed reads GET /v1/reverse, and the plus-code answer of /v1/codes, which has the
// place's members in its properties and the nearest address as "address".
func reversed(status int, body []byte) []string {
	fc := decodeFeatures(status, body)
	places := []map[string]any{}
	var out []string
	for _, f := range fc.Features {
		if f.Properties["kind"] == "place" {
			places = append(places, f.Properties)
		} else {
			out = append(out, "addresses")
			out = append(out, idFields(f.Properties)...)
		}
	}
	if fc.Properties != nil {
		places = append(places, fc.Properties)
		if a, ok := fc.Properties["address"].(map[string]any); ok {
			out = append(out, "addresses")
			props, _ := a["properties"].(map[string]any)
			out = append(out, idFields(props)...)
		}
	}
	for _, p := range places {
		out = append(out, placeUnits(p)...)
		if p["street"] != nil {
			out = append(out, "streets")
		}
		if p["parcel"] != nil {
			out = append(out, "parcels")
		}
	}
	return out
}

func planned(status int, body []byte) []string {
	if status != http.StatusOK {
		return nil
	}
	var rep struct {
		Ward  struct{ New []any }
		Zones []struct{ Plan any }
		Roads []any
	}
	if err := json.Unmarshal(body, &rep); err != nil {
		return []string{"not JSON"}
	}
	out := []string{"parcels"}
	if len(rep.Ward.New) > 0 {
		out = append(out, "wards")
	}
	if len(rep.Zones) > 0 {
		out = append(out, "planning_zones")
		if rep.Zones[0].Plan != nil {
			out = append(out, "plans")
		}
	}
	if len(rep.Roads) > 0 {
		out = append(out, "road_boundaries")
	}
	return out
}

// converted: a candidate that says whether it holds the point was placed by the boundaries.
func converted(status int, body []byte) []string {
	if status != http.StatusOK {
		return nil
	}
	if strings.Contains(string(body), `"contains_point"`) {
		return []string{"wards", "wards_2024"}
	}
	return []string{"conversion table"}
}
