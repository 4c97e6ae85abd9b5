package api

import (
	"fmt"
	"strconv"
	"strings"

	"bandoso/geocode"
)

// The geocoding routes in the OpenAPI document (geocode.go).

// openAPIGeocode adds /v1/geocode and /v1/autocomplete with add, /v1/geocode/batch with addPost.
func openAPIGeocode(add func([]obj, string, obj), addPost func(string, obj)) {
	query := func(name, desc string, schema obj) obj {
		return obj{"name": name, "in": "query", "description": desc, "schema": schema}
	}
	text := obj{"type": "string", "maxLength": maxQueryText}
	focus := []any{
		query(paramLon, "longitude (WGS84) of a focus point: among equally good candidates the nearest come first; with lat", obj{"type": "number", "minimum": -180, "maximum": 180}),
		query(paramLat, "latitude (WGS84) of the focus point; with lon", obj{"type": "number", "minimum": -90, "maximum": 90}),
		query(paramLimit, "the most candidates, "+strconv.Itoa(geocode.DefaultLimit)+" unless given",
			obj{"type": "integer", "minimum": 1, "maximum": geocode.MaxLimit}),
	}
	add(nil, "/v1/geocode", keyOptional(op("geocode",
		"Vietnamese address text, or its parts, to candidates, surest first: registered addresses, house numbers interpolated along their street, streets, wards, and named places (kind poi: markets, schools, pagodas, shops, found by name, e.g. \"Chợ Bến Thành\"; never for a house number on a known street, and after an exact address match). Diacritics, tone placement and abbreviations are optional; old (pre-2025) and new unit names both match. A candidate on another street than named, or in another province, is never returned; none under min_confidence is: then the answer has no features and says why in reason.", "Addresses",
		append([]any{
			query(paramQ, "free address text, e.g. \"123/45/6A Nguyễn Trãi, P. Bến Thành, Q.1, TP.HCM\"", text),
			query(paramHouse, "structured: the house number as written, with its alleys: 123/45/6A, 120 bis, 176-181, K448 H20/2, số 5 ngõ 12 ngách 3, Ngõ 100, Lô B2, Km 7+500; matched however the address registry writes it", text),
			query(paramStreet, "structured: the street", text),
			query(paramWard, "structured: the ward, of either system", text),
			query(paramDistrict, "structured: the district (before 2025)", text),
			query(paramProvince, "structured: the province", text),
			query(paramMinConf, fmt.Sprintf("the least confidence of a candidate returned, %.2f unless given; 0 shows every candidate that does not contradict the query", geocode.DefaultMinConfidence),
				obj{"type": "number", "minimum": 0, "maximum": 1}),
		}, focus...),
		ok200(mediaGeoJSON, ref("GeocodeAnswer")), errs(400))))
	add(nil, "/v1/autocomplete", keyOptional(op("autocomplete",
		"Suggestions for address text being typed: the street part is the start of a name; with a house number, the registered numbers starting with it; without one, the named places (kind poi) whose name starts with it too.", "Addresses",
		append([]any{query(paramQ, "the text typed so far", text)}, focus...),
		ok200(mediaGeoJSON, ref("GeocodeAnswer")), errs(400))))
	addPost(batchPath, batchOperation("geocodeBatch", "Geocodes a CSV file row by row", batchColumns))
}

// batchOperation is a batch route (batch.go) adding columns to each row of a CSV file.
func batchOperation(id, summary string, columns []string) obj {
	query := obj{"name": paramColumn, "in": "query", "description": "the header of the address column", "schema": obj{"type": "string"}}
	batch := keyOptional(op(id,
		summary+" and answers as CSV in the same order, streamed: the input's columns, then "+
			strings.Join(columns, ", ")+". The address column is named by column, or is the first headed address, dia_chi or q, or else the first. "+
			"A file cut short (too large, broken quoting) ends with a row whose status starts with \"error:\".", "Addresses",
		[]any{query}, ok200("text/csv", obj{"type": "string"}), errs(400, 413)))
	csvFile := obj{"type": "string", "description": "CSV with a header row, one address per row"}
	batch["requestBody"] = obj{"required": true, "content": obj{
		"text/csv":            obj{"schema": csvFile},
		"multipart/form-data": obj{"schema": obj{"type": "object", "required": []string{"file"}, "properties": obj{"file": obj{"type": "string", "format": "binary"}}}},
	}}
	return batch
}

// geocodeSchemas are the bodies of the geocoding routes.
func geocodeSchemas() obj {
	str := obj{"type": "string"}
	unit := obj{"type": "object", "required": []string{"code", "name"}, "properties": obj{"code": str, "name": str}}
	texts := obj{"type": "object", "additionalProperties": str}
	candidate := featureSchema(obj{"type": "object", "required": []string{"kind", "label", "score", "confidence", "matched", "codes"},
		"properties": obj{
			"kind": obj{"type": "string", "enum": []string{"address", "interpolated", "street", "ward", geocode.KindPOI},
				"description": "address: registered; interpolated: a house number placed along its street; street; ward; poi: a named place (name, category, class)"},
			"label": str,
			"score": obj{"type": "number", "minimum": 0, "maximum": 1},
			"confidence": obj{"type": "number", "minimum": 0, "maximum": 1,
				"description": "the chance that the candidate is where what was asked for is, at the precision asked; 0.8 and above are right 97% of the time or more (docs/api.md)"},
			"matched": obj{"type": "object", "additionalProperties": str,
				"description": "each part of the request the candidate truly matches (house, street, ward, district, province; name for a named place), with the text that asked for it"},
			"mismatch": obj{"type": "object", "additionalProperties": str,
				"description": "each part of the request the candidate disagrees with (ward, district), and how; candidates on another street or in another province are never returned"},
			"house_number": str, "street": str, "street_id": obj{"type": "integer"},
			"interpolated": obj{"type": "boolean"},
			"between":      obj{"type": "array", "items": str},
			"ward":         unit, "old_ward": unit, "old_district": unit, "province": unit,
			"parcel_id": obj{"type": "integer"},
			"name":      obj{"type": "string", "description": "a named place's name"},
			"poi_id":    obj{"type": "integer", "description": "a named place's feature id in the pois layer"},
			"category":  obj{"type": "string", "description": "what makes a named place one, as OpenStreetMap tags it: amenity, shop, tourism, office, …"},
			"class":     obj{"type": "string", "description": "a named place's kind within its category: marketplace, school, place_of_worship, cafe, …"},
			"codes": obj{"type": "object", "required": []string{"plus_code"},
				"properties": obj{"registry": str, "national": str, "plus_code": str}},
		}})
	return obj{
		"GeocodeAnswer": obj{"type": "object", "required": []string{"type", "query", "features"},
			"properties": obj{
				"type":     obj{"type": "string", "enum": []string{"FeatureCollection"}},
				"query":    obj{"type": "object", "properties": obj{"text": str, "parsed": texts, "ambiguities": obj{"type": "array", "items": str}}},
				"features": obj{"type": "array", "items": candidate},
				"reason":   obj{"type": "string", "description": "why there are no features, when there are none"},
			}},
	}
}
