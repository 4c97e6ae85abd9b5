package api

// GET /v1/convert in the OpenAPI document (convert.go).

// openAPIConvert adds /v1/convert with add; its schema is convertSchemas.
func openAPIConvert(add func([]obj, string, obj)) {
	query := func(name, desc string, schema obj) obj {
		return obj{"name": name, "in": "query", "description": desc, "schema": schema}
	}
	str := func(max int) obj { return obj{"type": "string", "maxLength": max} }
	add(nil, "/v1/convert", keyOptional(op("convert",
		"An address (or ward, district and province) of the system before the 2025 reform under the units in force since 2025-07-01, by the statistics office's conversion table. "+
			"An old ward split between new ones needs a location to decide; without one every candidate is listed and the answer is ambiguous. A ward of the new system is answered unchanged.", "Addresses",
		[]any{
			query(paramAddress, "free address text, e.g. 12 Lê Lợi, P. Bến Nghé, Q1 or 12 le loi,P1,Q3,TP.HCM: the units at its end are read by name, with or without kind words, and must lie in one another; excludes ward, district and province", str(1024)),
			query(paramWard, "the old ward's name (with or without Phường, Xã; P12, F12) or 5-digit code", str(100)),
			query(paramDistrict, "the old ward's district: Quận 1, Q1, Tân Bình, TP Thủ Đức, or its code", str(100)),
			query(paramProvince, "the old province: Hồ Chí Minh, Hà Nội, Bình Dương, Bà Rịa - Vũng Tàu, or its code", str(100)),
			query(paramLon, "longitude (WGS84) of the place, with lat; decides a split ward", obj{"type": "number", "minimum": -180, "maximum": 180}),
			query(paramLat, "latitude (WGS84) of the place, with lon", obj{"type": "number", "minimum": -90, "maximum": 90}),
		},
		ok200(mediaJSON, ref("Conversion")), errs(400, 404))))
}

// convertSchemas is the body of /v1/convert.
func convertSchemas() obj {
	str := obj{"type": "string"}
	unit := obj{"type": "object", "required": []string{"code", "name"}, "properties": obj{"code": str, "name": str}}
	old := obj{"type": "object", "required": []string{"ward", "district", "province"},
		"properties": obj{"ward": unit, "district": unit, "province": unit}}
	return obj{"Conversion": obj{"type": "object", "required": []string{"input", "old", "new", "ambiguous"},
		"properties": obj{
			"input": obj{"type": "object", "description": "the parts the input was read as",
				"properties": obj{"address": str, "house": str, "street": str, "ward": str, "district": str, "province": str,
					"lon": obj{"type": "number"}, "lat": obj{"type": "number"}}},
			"old":            withDesc(orNull(old), "the old ward named; null when the name fits several or the ward is of the new system"),
			"old_candidates": obj{"type": "array", "items": old, "description": "the old wards the name fits, when several"},
			"new": obj{"type": "array", "description": "the new unit, or every candidate when ambiguous", "items": obj{"type": "object",
				"required": []string{"code", "name", "kind", "province", "relation"},
				"properties": obj{"code": str, "name": str, "kind": str, "province": unit,
					"from":           obj{"type": "string", "description": "the code of the old unit it came from"},
					"relation":       obj{"type": "string", "enum": []string{"whole", "part", "unchanged", "renamed", "current"}},
					"note":           obj{"type": "string", "description": "the conversion table's note, e.g. Nhập một phần"},
					"contains_point": obj{"type": "boolean", "description": "whether its boundary holds the location; absent without a location or a boundary"}}}},
			"ambiguous": obj{"type": "boolean"},
			"reason":    obj{"type": "string", "description": "why the answer is ambiguous, e.g. split: location needed"},
			"address":   obj{"type": "string", "description": "the address under the new unit: house and street, new ward, province; no district"},
			"notes":     obj{"type": "array", "items": str},
		}}}
}
