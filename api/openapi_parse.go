package api

// GET /v1/parse and POST /v1/parse/batch in the OpenAPI document (parse.go, parse_batch.go).

// openAPIParse adds /v1/parse with add and /v1/parse/batch with addPost; the schema is
// parseSchemas.
func openAPIParse(add func([]obj, string, obj), addPost func(string, obj)) {
	q := obj{"name": paramQ, "in": "query", "required": true, "schema": obj{"type": "string", "minLength": 1, "maxLength": maxQueryText},
		"description": "the address as written, e.g. \"12 le loi, p ben nghe, q1\" or \"357/28,Ng-T- Thuật,P1,Q3,TP.HồChíMinh.\""}
	add(nil, parsePath, keyOptional(op("parse",
		"Address standardisation (chuẩn hoá địa chỉ): the address read into its parts, its administrative units before and since the 2025 reform (old units converted by the official table), "+
			"and the address written in today's official form. Nothing is guessed: a split old ward, a unit that does not lie in the one named with it, or a name fitting several units is a warning, and the unit stays null.", "Addresses",
		[]any{q}, ok200(mediaJSON, ref("ParsedAddress")), errs(400))))
	addPost(parseBatchPath, batchOperation("parseBatch",
		"Standardises the addresses of a CSV file row by row as GET /v1/parse does (status ok, ambiguous when the ward of today is not decided, or invalid: …; warnings joined by \"; \")",
		parseBatchColumns))
}

// parseSchemas is the body of /v1/parse.
func parseSchemas() obj {
	text := obj{"type": "string", "nullable": true}
	unit := obj{"type": "object", "nullable": true, "required": []string{"code", "name"},
		"properties": obj{"code": obj{"type": "string"}, "name": obj{"type": "string", "description": "the official name, kind included"}}}
	componentNames := []string{"house_number", "street", "ward", "district", "province", "qualifier", "unit", "landmark",
		"building", "floor", "room", "neighbourhood"}
	components := obj{}
	for _, n := range componentNames {
		components[n] = text
	}
	components["house_number"] = obj{"type": "string", "nullable": true, "description": "with its alleys, outermost first: 123/45/6A"}
	components["unit"] = obj{"type": "string", "nullable": true, "description": "the part inside a building: room, floor and building together (Phòng 501, Tầng 5, Tòa nhà A)"}
	components["qualifier"] = obj{"type": "string", "nullable": true, "description": "where the place is from the address written: Đối diện, Cạnh, Gần …"}
	return obj{"ParsedAddress": obj{"type": "object", "required": []string{"input", "components", "units", "standard", "warnings"},
		"properties": obj{
			"input": obj{"type": "string"},
			"components": obj{"type": "object", "required": componentNames, "properties": components,
				"description": "the parts read, in canonical form with their keyword (Phường 1, Quận 3); the street as the city's street list writes it; null when not read"},
			"units": obj{"type": "object", "required": []string{"old", "new"}, "properties": obj{
				"old": obj{"type": "object", "required": []string{"ward", "district", "province"}, "description": "the units before 2025-07-01",
					"properties": obj{"ward": unit, "district": unit, "province": unit}},
				"new": obj{"type": "object", "required": []string{"ward", "province"}, "description": "the units since 2025-07-01",
					"properties": obj{"ward": unit, "province": unit}},
			}},
			"standard": obj{"type": "string", "nullable": true,
				"description": "house number and street, new ward and new province by their official names: 12 Lê Lợi, Phường Sài Gòn, Thành phố Hồ Chí Minh; null when the address names a ward whose unit of today is not decided"},
			"warnings": obj{"type": "array", "items": obj{"type": "object", "required": []string{"code", "message"}, "properties": obj{
				"code": obj{"type": "string", "enum": []string{warnNeedsLocation, "ward_not_in_district", "ward_not_in_province",
					"district_not_in_province", warnUnknownUnit, warnAmbiguousUnit, warnNotConverted, warnNoWard, warnAmbiguous}},
				"message": obj{"type": "string"},
			}}},
		}}}
}
