package api

import (
	"maps"
	"strconv"
)

// The /v1 address routes in the OpenAPI document (reverse.go, codes.go).

// openAPIAddresses adds the reverse geocoding and code routes; their schemas are addressSchemas.
func openAPIAddresses(add func([]obj, string, obj)) {
	add(nil, "/v1/reverse", keyOptional(op("reverse",
		"What is at a point: the nearest addresses within radius, best first with distance_m, then a place feature with the wards holding the point now and before the 2025 reform (point in polygon), the old district, the province, the nearest street and the parcel holding it.", "Addresses",
		[]any{
			obj{"name": paramLon, "in": "query", "required": true, "description": "longitude, WGS84", "schema": num(-180, 180)},
			obj{"name": paramLat, "in": "query", "required": true, "description": "latitude, WGS84", "schema": num(-90, 90)},
			query(paramRadius, "how far to look for addresses, in metres; "+strconv.Itoa(defaultReverseRadiusM)+" unless given", num(0, maxReverseRadiusM)),
			query(paramLimit, "the most addresses, 1 unless given", obj{"type": "integer", "minimum": 1, "maximum": maxReverseLimit}),
		},
		ok200(mediaGeoJSON, ref("ReverseResult")), errs(400))))
	add(nil, "/v1/codes/{code}", keyOptional(op("code",
		"Resolves a code: a registry code (12 digits, shown XXXX XXXX XXXX, last a Damm check digit; a wrong check digit is 400) or a national address code (5-digit postcode and 5-digit serial) to its address; a full plus code, or a short one recovered near the city centre, to its cell with the nearest address.", "Addresses",
		[]any{obj{"name": paramCode, "in": "path", "required": true, "schema": obj{"type": "string", "maxLength": 100},
			"description": "e.g. 1234 5678 9018, 7000012345, 7P28QPG4+XX or QPG4+XX; a plus code's '+' as is or escaped %2B (encodeURIComponent)"}},
		ok200(mediaGeoJSON, obj{"oneOf": []obj{ref("Address"), ref("PlusCodeArea")}}), errs(400, 404))))
}

// addressSchemas are the bodies of the address routes. An answer may be one of several
// features, told apart by their members: an address has an id (its row), a place and a plus
// code's cell have none and nothing beyond their own members, and only the cell has a bbox.
func addressSchemas() obj {
	str, num, integer := obj{"type": "string"}, obj{"type": "number"}, obj{"type": "integer"}
	unit := obj{"type": "object", "required": []string{"code", "name"}, "properties": obj{"code": str, "name": str}}
	place := obj{"kind": obj{"type": "string", "enum": []string{"place"}}, "wards_from": str, "plus_code": str, "ward": unit, "old_ward": unit, "old_district": unit, "province": unit,
		"street": obj{"type": "object", "properties": obj{"id": integer, "name": str, "kind": str, "distance_m": num}},
		"parcel": obj{"type": "object", "properties": obj{"id": integer, "ward_code": str, "sheet_no": integer, "parcel_no": integer,
			"code": str, "land_use": str, "land_use_name": str}}}
	address := featureSchema(obj{"type": "object", "required": []string{"kind", "label", "house_number", "street", "codes"},
		"properties": obj{"kind": obj{"type": "string", "enum": []string{"address"}}, "label": str, "house_number": str, "street": str, "street_id": integer,
			"ward": unit, "old_ward": unit, "old_district": unit, "province": unit, "parcel_id": integer,
			"codes": obj{"type": "object", "required": []string{"registry", "plus_code"},
				"properties": obj{"registry": str, "national": str, "plus_code": str}},
			"code_kind":     obj{"type": "string", "enum": []string{codeKindRegistry, codeKindNational}},
			"distance_m":    num,
			"in_point_ward": obj{"type": "boolean", "description": "whether the address's ward is the one holding the point asked about"}}})
	address["required"] = append(address["required"].([]string), "id")
	plusProps := maps.Clone(place)
	maps.Copy(plusProps, obj{"kind": obj{"type": "string", "enum": []string{"plus_code"}}, "code_kind": str, "code_length": integer,
		"short_code": str, "reference": obj{"type": "array", "items": num}, "address": ref("Address")})
	return obj{
		"Address": address,
		"Place": obj{"type": "object", "required": []string{"type", "geometry", "properties"}, "additionalProperties": false,
			"properties": obj{"type": obj{"type": "string", "enum": []string{"Feature"}}, "geometry": ref("Geometry"),
				"properties": obj{"type": "object", "required": []string{"kind", "plus_code"}, "properties": place}}},
		"ReverseResult": obj{"type": "object", "required": []string{"type", "features"},
			"properties": obj{"type": obj{"type": "string", "enum": []string{"FeatureCollection"}},
				"features": obj{"type": "array", "items": obj{"oneOf": []obj{ref("Address"), ref("Place")}}}}},
		"PlusCodeArea": obj{"type": "object", "required": []string{"type", "bbox", "geometry", "properties"}, "additionalProperties": false,
			"properties": obj{"type": obj{"type": "string", "enum": []string{"Feature"}}, "bbox": obj{"type": "array", "items": num, "minItems": 4, "maxItems": 4},
				"geometry": ref("Geometry"), "properties": obj{"type": "object", "properties": plusProps}}},
	}
}
