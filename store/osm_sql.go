package store

// The set-based steps of an OpenStreetMap import, over osm_stage and osm_bounds. Each
// statement returns one row per row it touched, saying what it did: "inserted", "updated",
// "unchanged" or "deleted". A row is updated only when something in it changed.
//
// The rows to insert are set apart first (osm_street_new, osm_addr_new), never found by an
// anti join against the table being inserted into: planned on an empty table, that join
// scans the table again for every new row, the pages just added included (quadratic).

// upsertOSM is the upsert of one basemap table from the staged records src (a query with
// osm_id, kind, class, name, tags, geom) and the deletion of the rows of kinds that vanished
// inside the bounds.
func upsertOSM(table, kinds, src string) []string {
	return []string{`
WITH src AS (` + src + `),
up AS (
	INSERT INTO ` + table + ` AS t (osm_id, kind, class, name, tags, geom)
	SELECT osm_id, kind, class, name, tags, geom FROM src
	ON CONFLICT (kind, osm_id) DO UPDATE SET class = EXCLUDED.class, name = EXCLUDED.name, tags = EXCLUDED.tags, geom = EXCLUDED.geom
	WHERE (t.class, t.name, t.tags, t.geom) IS DISTINCT FROM (EXCLUDED.class, EXCLUDED.name, EXCLUDED.tags, EXCLUDED.geom)
	RETURNING CASE WHEN xmax = 0 THEN 'inserted' ELSE 'updated' END AS what
)
SELECT what FROM up
UNION ALL SELECT 'unchanged' FROM generate_series(1, (SELECT count(*) FROM src) - (SELECT count(*) FROM up))`, `
DELETE FROM ` + table + ` t USING osm_bounds b
WHERE t.kind IN (` + kinds + `) AND ST_Intersects(t.geom, b.g)
	AND NOT EXISTS (SELECT 1 FROM osm_stage s WHERE s.kind = t.kind AND s.osm_id = t.osm_id)
RETURNING 'deleted'`}
}

var sqlOSMLines = upsertOSMAnalyzed("osm_lines", `'road', 'railway', 'waterway'`, `
	SELECT DISTINCT ON (kind, osm_id) osm_id, kind, class, name, tags, ST_Multi(geom) AS geom
	FROM osm_stage
	WHERE kind IN ('road', 'railway', 'waterway') AND GeometryType(geom) IN ('LINESTRING', 'MULTILINESTRING')
	ORDER BY kind, osm_id, n`)

var sqlOSMAreas = upsertOSMAnalyzed("osm_areas", `'water', 'park', 'landuse', 'building'`, `
	SELECT DISTINCT ON (kind, osm_id) osm_id, kind, class, name, tags, ST_Multi(geom) AS geom
	FROM osm_stage
	WHERE kind IN ('water', 'park', 'landuse', 'building') AND GeometryType(geom) IN ('POLYGON', 'MULTIPOLYGON') AND ST_IsValid(geom)
	ORDER BY kind, osm_id, n`)

// sqlOSMPOIs: a place drawn as an area is its point on surface.
var sqlOSMPOIs = []string{`
WITH src AS (
	SELECT DISTINCT ON (osm_id) osm_id, key AS category, class, name, tags,
		CASE WHEN GeometryType(geom) = 'POINT' THEN geom ELSE ST_PointOnSurface(geom) END AS geom
	FROM osm_stage
	WHERE kind = 'poi' AND geom IS NOT NULL AND name IS NOT NULL
	ORDER BY osm_id, n
), up AS (
	INSERT INTO pois AS t (osm_id, category, class, name, tags, geom)
	SELECT osm_id, category, class, name, tags, geom FROM src
	ON CONFLICT (osm_id) DO UPDATE SET category = EXCLUDED.category, class = EXCLUDED.class, name = EXCLUDED.name,
		tags = EXCLUDED.tags, geom = EXCLUDED.geom
	WHERE (t.category, t.class, t.name, t.tags, t.geom) IS DISTINCT FROM (EXCLUDED.category, EXCLUDED.class, EXCLUDED.name, EXCLUDED.tags, EXCLUDED.geom)
	RETURNING CASE WHEN xmax = 0 THEN 'inserted' ELSE 'updated' END AS what
)
SELECT what FROM up
UNION ALL SELECT 'unchanged' FROM generate_series(1, (SELECT count(*) FROM src) - (SELECT count(*) FROM up))`, `
DELETE FROM pois t USING osm_bounds b
WHERE t.osm_id IS NOT NULL AND ST_Intersects(t.geom, b.g)
	AND NOT EXISTS (SELECT 1 FROM osm_stage s WHERE s.kind = 'poi' AND s.osm_id = t.osm_id)
RETURNING 'deleted'`}

// upsertOSMAnalyzed is upsertOSM followed by ANALYZE of the table, whose statistics the
// next steps plan by: an extract may have just multiplied its rows.
func upsertOSMAnalyzed(table, kinds, src string) []string {
	return append(upsertOSM(table, kinds, src), "ANALYZE "+table)
}

// roadRank orders highway classes from the most important, for a street's road_class.
const roadRank = `ARRAY['motorway', 'trunk', 'primary', 'secondary', 'tertiary', 'motorway_link', 'trunk_link', 'primary_link',
	'secondary_link', 'tertiary_link', 'unclassified', 'residential', 'living_street', 'road', 'service', 'pedestrian',
	'track', 'footway', 'path', 'cycleway', 'steps']`

// wardReachDeg is how far a road's middle may lie outside the ward it is put in, in degrees
// (about 50 m): a street along the edge of the loaded wards runs on their boundary, and its
// middle falls just outside by rounding.
const wardReachDeg = "0.0005"

// sqlOSMStreets derives the logical streets: the named roads of every name the extract holds
// (and of every OSM street inside its bounds) are grouped by name key and by the current
// ward their middle lies in; each group is one street, its geometry their union merged into
// lines, its name the spelling most of its ways have, its class the most important. Alleys
// ("Hẻm 12/4 Nguyễn Trãi") hang off their street or alley, found by name and nearness,
// outermost first.
var sqlOSMStreets = []string{`
CREATE TEMP TABLE osm_street_keys ON COMMIT DROP AS
SELECT name_key AS k FROM osm_lines l
WHERE l.kind = 'road' AND l.name IS NOT NULL AND EXISTS (SELECT 1 FROM osm_stage s WHERE s.kind = 'road' AND s.osm_id = l.osm_id)
UNION SELECT s.name_key FROM streets s, osm_bounds b WHERE s.source = 'osm' AND ST_Intersects(s.geom, b.g)`, `
CREATE TEMP TABLE osm_street_ways ON COMMIT DROP AS
SELECT l.osm_id, l.name, l.class, l.name_key AS k, d.geom,
	(SELECT u.code FROM admin_units u WHERE u.level = 'ward' AND u.valid_to IS NULL AND u.geom IS NOT NULL
		AND ST_DWithin(u.geom, m.pt, ` + wardReachDeg + `) ORDER BY ST_Distance(u.geom, m.pt), u.code LIMIT 1) AS ward_code
FROM osm_lines l JOIN osm_street_keys k ON k.k = l.name_key, ST_Dump(l.geom) d, ST_LineInterpolatePoint(d.geom, 0.5) m(pt)
WHERE l.kind = 'road' AND l.name IS NOT NULL AND l.name_key <> '' AND ST_Length(d.geom) > 0`, `
CREATE TEMP TABLE osm_street_groups ON COMMIT DROP AS
SELECT k, ward_code, mode() WITHIN GROUP (ORDER BY name) AS name,
	(array_agg(class ORDER BY array_position(` + roadRank + `, class) NULLS LAST, class))[1] AS road_class,
	ST_Multi(ST_LineMerge(ST_Collect(geom))) AS geom
FROM osm_street_ways GROUP BY k, ward_code`, `ANALYZE osm_street_groups`, `
SELECT 'unchanged' FROM osm_street_groups g JOIN streets t ON t.source = 'osm' AND t.name_key = g.k AND t.ward_code IS NOT DISTINCT FROM g.ward_code
WHERE (t.name, t.road_class, t.geom) IS NOT DISTINCT FROM (g.name, g.road_class, g.geom)`, `
UPDATE streets t SET name = g.name, road_class = g.road_class, geom = g.geom
FROM osm_street_groups g
WHERE t.source = 'osm' AND t.name_key = g.k AND t.ward_code IS NOT DISTINCT FROM g.ward_code
	AND (t.name, t.road_class, t.geom) IS DISTINCT FROM (g.name, g.road_class, g.geom)
RETURNING 'updated'`, `
CREATE TEMP TABLE osm_street_new ON COMMIT DROP AS
SELECT g.* FROM osm_street_groups g
WHERE NOT EXISTS (SELECT 1 FROM streets t WHERE t.source = 'osm' AND t.name_key = g.k AND t.ward_code IS NOT DISTINCT FROM g.ward_code)`,
	auditOff, `
INSERT INTO streets (name, kind, ward_code, road_class, source, geom)
SELECT name, 'street', ward_code, road_class, 'osm', geom FROM osm_street_new
RETURNING 'inserted'`, auditOn,
	`ANALYZE streets`, osmAlleys(1), osmAlleys(2), osmAlleys(3), osmAlleys(4)}

// osmAlleys makes the OSM streets named as alleys of depth levels ("Hẻm 12 X" is 1,
// "Hẻm 12/4 X" 2) alleys of the street or alley they open off, the nearest of that name: the
// street X, or the alley of the path's prefix on X, whatever its word (hẻm, ngõ, ngách, kiệt).
// It returns no rows (the counts are the streets').
func osmAlleys(depth int) string {
	path := `[0-9]+[A-Za-z]?`
	for range depth - 1 {
		path += `/[0-9]+[A-Za-z]?`
	}
	parent := `(SELECT p.id FROM streets p WHERE p.kind = 'street' AND p.name_key = m.rkey ORDER BY p.geom <-> m.geom LIMIT 1)`
	if depth > 1 {
		parent = `(SELECT p.id FROM streets p, lower(regexp_replace(m.no, '/[^/]+$', '')) pre(fix)
			WHERE p.kind = 'alley' AND p.name_key = ANY (ARRAY['hem' || pre.fix || m.rkey, 'ngo' || pre.fix || m.rkey,
				'ngach' || pre.fix || m.rkey, 'kiet' || pre.fix || m.rkey])
			ORDER BY ST_Distance(p.geom, m.geom), p.id LIMIT 1)`
	}
	return `
WITH m AS (
	SELECT s.id, s.geom, upper(x[2]) AS no, street_key(x[3]) AS rkey
	FROM streets s JOIN osm_street_groups g ON g.k = s.name_key AND g.ward_code IS NOT DISTINCT FROM s.ward_code,
		regexp_match(s.name, '^(hẻm|ngõ|ngách|kiệt)\s+(` + path + `)\s+(.+)$', 'i') x
	WHERE s.source = 'osm' AND s.kind = 'street'
), p AS (SELECT m.id, m.no, ` + parent + ` AS parent FROM m)
UPDATE streets a SET kind = 'alley', alley_no = p.no, parent_id = p.parent
FROM p WHERE a.id = p.id AND p.parent IS NOT NULL AND p.parent <> p.id
RETURNING 'none'`
}

// sqlOSMStreetsGone deletes the OSM streets of the names the import looked at that no road
// makes any more, unless something still refers to them. The streets gone are set apart
// first and counted: in one statement the planner, unable to tell that hardly any street
// is gone, read every address of the country to test them (150 s at 18 million).
var sqlOSMStreetsGone = []string{`
CREATE TEMP TABLE osm_streets_gone ON COMMIT DROP AS
SELECT t.id FROM streets t
WHERE t.source = 'osm' AND t.name_key IN (SELECT k FROM osm_street_keys)
	AND NOT EXISTS (SELECT 1 FROM osm_street_groups g WHERE g.k = t.name_key AND g.ward_code IS NOT DISTINCT FROM t.ward_code)`,
	`ANALYZE osm_streets_gone`, `
DELETE FROM streets t USING osm_streets_gone o
WHERE t.id = o.id
	AND NOT EXISTS (SELECT 1 FROM addresses a WHERE a.street_id = t.id)
	AND NOT EXISTS (SELECT 1 FROM road_boundaries r WHERE r.street_id = t.id)
	AND NOT EXISTS (SELECT 1 FROM streets c WHERE c.parent_id = t.id)
RETURNING 'deleted'`}

// sqlOSMAddresses places the extract's addresses: a point (a building's point on surface),
// the street of their addr:street nearest to them (within about a kilometre), or, without
// one, the nearest named street (within about 100 m), the wards under them and the parcel.
// What cannot be placed, or is another address already (the same number on a street of the
// same name within about 500 m: the city's register, or another object of the extract), goes
// to osm_address_problems. Then
// addresses that vanished inside the bounds go, changed ones are updated and new ones
// inserted.
var sqlOSMAddresses = []string{
	// Each address is placed as the table is written, not by an update after (which wrote
	// every row twice). The nearest street of the name walks the index of names and lines
	// (streets_name_geom); both wards under the point come from one probe of the index of
	// units.
	`
CREATE TEMP TABLE osm_addr ON COMMIT DROP AS
SELECT a.n, a.osm_id, a.house, a.street, a.pt,
	CASE WHEN a.street IS NOT NULL
	THEN (SELECT x.id FROM (SELECT st.id, st.geom FROM streets st WHERE st.name_key = street_key(a.street) ORDER BY st.geom <-> a.pt LIMIT 1) x
		WHERE ST_DWithin(x.geom, a.pt, 0.01))
	ELSE (SELECT st.id FROM streets st WHERE st.kind = 'street' AND ST_DWithin(st.geom, a.pt, 0.001)
		ORDER BY st.geom <-> a.pt LIMIT 1) END AS street_id,
	w.ward_code, w.old_ward_code,
	(SELECT p.id FROM parcels p WHERE ST_Covers(p.geom, a.pt) ORDER BY p.id LIMIT 1) AS parcel_id,
	NULL::text AS field, NULL::text AS code, NULL::text AS detail
FROM (
	SELECT DISTINCT ON (osm_id) n, osm_id, house, street,
		CASE WHEN GeometryType(geom) = 'POINT' THEN geom ELSE ST_PointOnSurface(geom) END AS pt
	FROM osm_stage WHERE kind = 'address' AND geom IS NOT NULL
	ORDER BY osm_id, n
) a, LATERAL (
	SELECT min(u.code) FILTER (WHERE u.valid_to IS NULL) AS ward_code,
		min(u.code) FILTER (WHERE u.valid_to = DATE '` + ReformDate + `') AS old_ward_code
	FROM admin_units u
	WHERE u.level = 'ward' AND (u.valid_to IS NULL OR u.valid_to = DATE '` + ReformDate + `') AND u.geom IS NOT NULL
		AND ST_Covers(u.geom, a.pt)
) w`, `ANALYZE osm_addr`, `
UPDATE osm_addr SET field = 'addr:street', code = 'unknown_street',
	detail = CASE WHEN street IS NOT NULL THEN format('no street named %L within about a kilometre', street)
		ELSE 'no addr:street, and no named street within about 100 m' END
WHERE street_id IS NULL`, `
UPDATE osm_addr SET field = 'geometry', code = 'out_of_bounds', detail = 'outside every ward: load the wards of the area first'
WHERE code IS NULL AND ward_code IS NULL`, `
UPDATE osm_addr a SET field = 'addr:housenumber', code = 'duplicate_key', detail = format('%s on this street is %s of the extract too', a.house, d.first)
FROM (SELECT osm_id, first_value(osm_id) OVER w AS first, row_number() OVER w AS k FROM osm_addr WHERE code IS NULL
	WINDOW w AS (PARTITION BY street_id, house_number_norm(house) ORDER BY n)) d
WHERE d.osm_id = a.osm_id AND d.k > 1`, `
CREATE TEMP TABLE osm_address_problems ON COMMIT DROP AS SELECT n, osm_id, field, code, detail FROM osm_addr WHERE code IS NOT NULL`, `
DELETE FROM addresses t USING osm_bounds b
WHERE t.osm_id IS NOT NULL AND ST_Intersects(t.geom, b.g)
	AND NOT EXISTS (SELECT 1 FROM osm_stage s WHERE s.kind = 'address' AND s.osm_id = t.osm_id)
RETURNING 'deleted'`, `
INSERT INTO osm_address_problems
SELECT DISTINCT ON (a.osm_id) a.n, a.osm_id, 'addr:housenumber', 'duplicate_key',
	format('%s %s is registered already (code %s)', a.house, ts.name, t.code)
FROM osm_addr a JOIN streets ts ON ts.name_key = (SELECT s.name_key FROM streets s WHERE s.id = a.street_id)
JOIN addresses t ON t.street_id = ts.id AND t.number_norm = house_number_norm(a.house)
WHERE a.code IS NULL AND t.osm_id IS DISTINCT FROM a.osm_id AND ST_DWithin(t.geom, a.pt, 0.005)
ORDER BY a.osm_id, t.id`, `
CREATE TEMP TABLE osm_addr_ok ON COMMIT DROP AS
SELECT a.* FROM osm_addr a WHERE a.code IS NULL AND NOT EXISTS (SELECT 1 FROM osm_address_problems p WHERE p.osm_id = a.osm_id)`, `
SELECT 'unchanged' FROM osm_addr_ok ok JOIN addresses t ON t.osm_id = ok.osm_id
WHERE (t.house_number, t.street_id, t.ward_code, t.old_ward_code, t.parcel_id, t.geom)
	IS NOT DISTINCT FROM (ok.house, ok.street_id, ok.ward_code, ok.old_ward_code, ok.parcel_id, ok.pt)`, `
UPDATE addresses t SET house_number = ok.house, street_id = ok.street_id, ward_code = ok.ward_code,
	old_ward_code = ok.old_ward_code, parcel_id = ok.parcel_id, geom = ok.pt
FROM osm_addr_ok ok
WHERE t.osm_id = ok.osm_id AND (t.house_number, t.street_id, t.ward_code, t.old_ward_code, t.parcel_id, t.geom)
	IS DISTINCT FROM (ok.house, ok.street_id, ok.ward_code, ok.old_ward_code, ok.parcel_id, ok.pt)
RETURNING 'updated'`,
	`
CREATE TEMP TABLE osm_addr_new ON COMMIT DROP AS
SELECT ok.* FROM osm_addr_ok ok WHERE NOT EXISTS (SELECT 1 FROM addresses t WHERE t.osm_id = ok.osm_id)`,
	auditOff, `
INSERT INTO addresses (house_number, street_id, ward_code, old_ward_code, parcel_id, osm_id, geom)
SELECT house, street_id, ward_code, old_ward_code, parcel_id, osm_id, pt FROM osm_addr_new ORDER BY n
RETURNING 'inserted'`, auditOn}

// The inserts of an import are not audited row by row: what it adds has its own record
// (osm_imports, and the rows' sys_from), and an audit row each would cost the import three
// times its time. Its updates and deletes, which replace what was there, are audited.
const (
	auditOff = `SELECT set_config('bandoso.audit', 'off', true)`
	auditOn  = `SELECT set_config('bandoso.audit', 'on', true)`
)

// sqlOSMCatalog: the layers an extract feeds say where their data comes from.
const sqlOSMCatalog = `
UPDATE layers SET updated_at = now(), synthetic = false,
	source = CASE WHEN table_name IN ('osm_lines', 'osm_areas', 'pois') THEN 'OpenStreetMap' ELSE source END,
	licence = CASE WHEN licence LIKE '%OpenStreetMap%' THEN licence WHEN licence = '' THEN $1 ELSE licence || '; ' || $1 END
WHERE table_name IN ('osm_lines', 'osm_areas', 'pois', 'streets', 'addresses')`
