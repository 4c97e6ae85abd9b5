package api

import "strconv"

// The /v1 parcel and planning routes in the OpenAPI document (parcels.go, planning.go).

// openAPIParcels adds the /v1 paths, with add for GET and post for POST; their schemas are
// parcelSchemas.
func openAPIParcels(add func([]obj, string, obj), post func(string, obj)) {
	add(nil, "/v1/parcels/lookup", keyOptional(op("parcelLookup",
		"One parcel by its cadastral name: ward, sheet and parcel, or the planning portal's 12-digit code.", "Planning",
		[]any{
			query(paramCode, "the portal's code: 5 digits of the pre-2025 ward's code, 3 of the sheet, 4 of the parcel, zero-padded; excludes ward, sheet and parcel",
				obj{"type": "string", "pattern": "^[0-9]{12}$"}),
			query(paramWard, "the cadastral (pre-2025) ward: its 5-digit code or its name", obj{"type": "string", "maxLength": 100}),
			query(paramSheet, "the map sheet (tờ bản đồ) number within the ward", obj{"type": "integer", "minimum": 1, "maximum": 999}),
			query(paramParcel, "the parcel (thửa) number within the sheet", obj{"type": "integer", "minimum": 1, "maximum": 9999}),
			asOfParam,
		},
		ok200(mediaGeoJSON, ref("Parcel")), errs(400, 404))))
	add(nil, "/v1/parcels/at", keyOptional(op("parcelsAt",
		"The parcels holding a point, given as lon and lat (WGS84) or as x, y and crs; x is the easting or longitude whatever the CRS's axis order.", "Planning",
		append(pointQuery(), asOfParam),
		ok200(mediaGeoJSON, ref("ParcelCollection")), errs(400))))
	add(nil, "/v1/transform", anyone(op("transform",
		"A point in WGS84 and in the CRS to: a VN-2000 coordinate of a survey on a web map, or a point of the map in VN-2000. Given as lon and lat or as x, y and crs; x is the easting or longitude whatever the CRS's axis order (Vietnamese documents call the northing X).", "Planning",
		append(pointQuery(), query(paramTo, "the CRS to write x and y in; the point's own unless given", obj{"type": "string"})),
		ok200(mediaJSON, ref("Transformed")), errs(400))))
	add(nil, "/v1/parcels/{id}/planning", keyOptional(op("parcelPlanning",
		"A parcel's planning: its old and new wards, the zones it overlaps with area and share, their rules and plans, and the road boundaries it fronts.", "Planning",
		[]any{obj{"name": paramID, "in": "path", "required": true, "schema": obj{"type": "integer", "format": "int64", "minimum": 1}}},
		ok200(mediaJSON, ref("PlanningReport")), errs(400, 404))))
	search := keyOptional(op("parcelQuery",
		"The parcels meeting (or within) a GeoJSON geometry, optionally buffered, a page at a time in id order, with count and area totals by land use over every match.", "Planning",
		nil, ok200(mediaGeoJSON, ref("ParcelQueryResult")), errs(400, 413)))
	search["requestBody"] = obj{"required": true, "content": obj{mediaJSON: obj{"schema": ref("ParcelQuery")}}}
	post("/v1/parcels/query", search)
}

// pointQuery are the parameters of a point read by pointParams: lon and lat, or x, y and crs.
func pointQuery() []any {
	return []any{
		query(paramLon, "longitude, WGS84", num(-180, 180)),
		query(paramLat, "latitude, WGS84", num(-90, 90)),
		query(paramX, "easting (or longitude) in crs", num(-1e8, 1e8)),
		query(paramY, "northing (or latitude) in crs", num(-1e8, 1e8)),
		query(paramCRS, "the CRS of x and y, as a URI or EPSG:n, e.g. EPSG:9210 (VN-2000 / TM-3 105-45)", obj{"type": "string"}),
	}
}

// query is a query parameter; num a number schema within [lo, hi].
func query(name, desc string, schema obj) obj {
	return obj{"name": name, "in": "query", "description": desc, "schema": schema}
}

func num(lo, hi float64) obj { return obj{"type": "number", "minimum": lo, "maximum": hi} }

// parcelSchemas are the bodies of the /v1 routes.
func parcelSchemas() obj {
	str, num, integer := obj{"type": "string"}, obj{"type": "number"}, obj{"type": "integer"}
	nullable := func(t string) obj { return obj{"type": t, "nullable": true} }
	unit := obj{"type": "object", "required": []string{"code", "name", "kind"},
		"properties": obj{"code": str, "name": str, "kind": str, "succession": str, "overlap_m2": num, "share_pct": num}}
	return obj{
		"Parcel": featureSchema(obj{"type": "object",
			"required": []string{"ward_code", "sheet_no", "parcel_no", "land_use", "area_m2", "map_area_m2"},
			"properties": obj{"ward_code": str, "sheet_no": integer, "parcel_no": integer, "land_use": str,
				"land_use_name": str, "area_m2": num, "map_area_m2": num,
				"code": obj{"type": "string", "pattern": "^[0-9]{12}$"}}}),
		"ParcelCollection": obj{"type": "object", "required": []string{"type", "features"},
			"properties": obj{"type": obj{"type": "string", "enum": []string{"FeatureCollection"}},
				"features": obj{"type": "array", "items": ref("Parcel")}}},
		"ParcelQuery": obj{"type": "object", "required": []string{"geometry"}, "additionalProperties": false,
			"properties": obj{
				"geometry": ref("Geometry"),
				"buffer_m": obj{"type": "number", "minimum": 0, "maximum": maxQueryBufferM, "description": "a buffer around the geometry, in metres"},
				"relation": obj{"type": "string", "enum": []string{"intersects", "within"}, "description": "intersects unless given"},
				"limit": obj{"type": "integer", "minimum": 1, "maximum": maxQueryLimit,
					"description": "the most parcels in a page, " + strconv.Itoa(defaultQueryLimit) + " unless given; a larger value is served " + strconv.Itoa(maxQueryLimit)},
				"cursor": obj{"type": "string", "description": "next_cursor of the previous page, with the same query"},
			}},
		"ParcelQueryResult": obj{"type": "object", "required": []string{"type", "features", "numberMatched", "numberReturned", "totals"},
			"properties": obj{"type": obj{"type": "string", "enum": []string{"FeatureCollection"}},
				"features":      obj{"type": "array", "items": ref("Parcel")},
				"numberMatched": integer, "numberReturned": integer, "query_area_m2": num,
				"totals": obj{"type": "array", "items": obj{"type": "object", "required": []string{"land_use", "count", "area_m2"},
					"properties": obj{"land_use": str, "count": integer, "area_m2": num, "map_area_m2": num}}},
				"next_cursor": str}},
		"PlanningReport": obj{"type": "object", "description": "Areas in m² on the WGS84 ellipsoid, lengths in metres, shares in % of the parcel's map area.",
			"required": []string{"parcel", "ward", "zones", "zones_share_pct", "roads"},
			"properties": obj{
				"parcel": ref("Parcel"),
				"ward": obj{"type": "object", "required": []string{"old", "new"}, "properties": obj{
					"old": orNull(unit),
					"new": obj{"type": "array", "items": unit}}},
				"zones": obj{"type": "array", "items": obj{"type": "object",
					"required": []string{"zone_id", "zone_code", "land_use", "overlap_m2", "share_pct", "plan"},
					"properties": obj{"zone_id": integer, "zone_code": str, "land_use": str, "function": str,
						"far": nullable("number"), "density_pct": nullable("number"), "floors_min": nullable("integer"),
						"floors_max": nullable("integer"), "height_max_m": nullable("number"), "overlap_m2": num, "share_pct": num,
						"plan": obj{"type": "object", "required": []string{"id", "name", "decision_no"},
							"properties": obj{"id": integer, "name": str, "decision_no": str,
								"decision_date": obj{"type": "string", "format": "date"}, "approved_by": str, "scale": str}}}}},
				"zones_share_pct": num,
				"roads": obj{"type": "array", "items": obj{"type": "object",
					"required": []string{"id", "street", "width_m", "frontage_m", "reserve_area_m2", "share_pct"},
					"properties": obj{"id": integer, "street_id": nullable("integer"), "street": str, "width_m": num,
						"plan_id": nullable("integer"), "frontage_m": num, "reserve_area_m2": num,
						"share_pct": obj{"type": "number", "description": "the share of the parcel inside the road reserve (lộ giới)"}}}},
			}},
		"Transformed": obj{"type": "object", "required": []string{"lon", "lat", "x", "y", "crs"},
			"properties": obj{"lon": num, "lat": num,
				"x":   obj{"type": "number", "description": "easting, or longitude, in crs"},
				"y":   obj{"type": "number", "description": "northing, or latitude, in crs"},
				"crs": obj{"type": "string", "description": "the CRS of x and y, as an OGC URI"}}},
	}
}
