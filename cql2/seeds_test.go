package cql2_test

// textSeeds are filters on the parcels schema, accepted and refused ones, that seed the fuzz
// tests (and, through the corpus in testdata/fuzz, store's test that every accepted one
// must PREPARE).
var textSeeds = []string{
	`ward_code = '26740'`,
	`ward_code = '26740' AND sheet_no = 3 AND parcel_no = 12`,
	`land_use IN ('ODT', 'ONT') OR area_m2 > 500`,
	`NOT (land_use = 'ODT') AND area_m2 BETWEEN 50.5 AND 120`,
	`land_use NOT LIKE 'O%' AND ward_code LIKE '2674_'`,
	`ward_code NOT IN ('26740') AND sheet_no NOT BETWEEN 2 AND 4`,
	`area_m2 IS NOT NULL AND land_use IS NULL`,
	`sheet_no < parcel_no OR 3 >= sheet_no`,
	`valid_from < DATE('2025-07-01') OR updated >= TIMESTAMP('2025-07-01T07:00:00+07:00')`,
	`surveyed = TRUE AND true`,
	`"land_use" = 'CLN' AND "ward_code" <> 'x''y'`,
	`S_INTERSECTS(geometry, POINT(106.70 10.78))`,
	`S_WITHIN(geometry, BBOX(106.6, 10.7, 106.8, 10.9))`,
	`S_CONTAINS(geometry, POINT(106.7 10.78)) OR S_DISJOINT(geometry, LINESTRING(106 10, 107 11))`,
	`S_EQUALS(geometry, MULTIPOINT((1 2), (3 4))) OR S_TOUCHES(geometry, MULTILINESTRING((1 2, 3 4)))`,
	`S_CROSSES(geometry, POLYGON((106 10, 107 10, 107 11, 106 10), (106.1 10.1, 106.2 10.1, 106.2 10.2, 106.1 10.1)))`,
	`S_OVERLAPS(geometry, MULTIPOLYGON(((106 10, 107 10, 107 11, 106 10))))`,
	`S_INTERSECTS(geometry, GEOMETRYCOLLECTION(POINT(106.7 10.78), LINESTRING(106 10, 107 11)))`,
	`S_DWITHIN(geometry, POINT(106.7 10.78), 250) AND land_use = 'ODT'`,
	`s_dwithin(BBOX(106.69, 10.77, 106.71, 10.79), geometry, 0)`,
	`S_INTERSECTS(POINT(1 1), BBOX(0, 0, 2, 2))`,
	`sheet_no = 'x'`,
	`owner = 1`,
	`a = 1 AND (b = 2`,
	`land_use LIKEE 'O%'`,
	`S_INTERSECTS(geometry, POLYGON((0 0, 1 0, 1 1, 0 1)))`,
	`area_m2 > -1.5e2 AND area_m2 < .5e3`,
}

// jsonSeeds are the CQL2 JSON counterparts.
var jsonSeeds = []string{
	`{"op":"=","args":[{"property":"ward_code"},"26740"]}`,
	`{"op":"and","args":[{"op":"like","args":[{"property":"land_use"},"O%"]},{"op":"between","args":[{"property":"area_m2"},50,120.5]}]}`,
	`{"op":"or","args":[{"op":"in","args":[{"property":"land_use"},["ODT","ONT"]]},{"op":"not","args":[{"op":"isNull","args":[{"property":"area_m2"}]}]}]}`,
	`{"op":"<","args":[{"property":"valid_from"},{"date":"2025-07-01"}]}`,
	`{"op":">=","args":[{"property":"updated"},{"timestamp":"2025-07-01T00:00:00Z"}]}`,
	`{"op":"=","args":[{"property":"surveyed"},true]}`,
	`true`,
	`{"op":"s_intersects","args":[{"property":"geometry"},{"type":"Point","coordinates":[106.7,10.78]}]}`,
	`{"op":"s_within","args":[{"property":"geometry"},{"bbox":[106.6,10.7,106.8,10.9]}]}`,
	`{"op":"s_contains","args":[{"property":"geometry"},{"type":"MultiPoint","coordinates":[[106.7,10.78]]}]}`,
	`{"op":"s_crosses","args":[{"property":"geometry"},{"type":"LineString","coordinates":[[106,10],[107,11]]}]}`,
	`{"op":"s_overlaps","args":[{"property":"geometry"},{"type":"Polygon","coordinates":[[[106,10],[107,10],[107,11],[106,10]]]}]}`,
	`{"op":"s_touches","args":[{"property":"geometry"},{"type":"MultiPolygon","coordinates":[[[[106,10],[107,10],[107,11],[106,10]]]]}]}`,
	`{"op":"s_equals","args":[{"property":"geometry"},{"type":"MultiLineString","coordinates":[[[106,10],[107,11]]]}]}`,
	`{"op":"s_disjoint","args":[{"property":"geometry"},{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[1,2]}]}]}`,
	`{"op":"s_dwithin","args":[{"property":"geometry"},{"type":"Point","coordinates":[106.7,10.78]},250]}`,
	`{"op":"=","args":[{"property":"sheet_no"},"x"]}`,
	`{"op":"likee","args":[{"property":"land_use"},"x"]}`,
}
