package units

import (
	"context"
	"database/sql"
	"strings"

	"bandoso/migrations"
)

// sqlOfficialLists holds the official lists of every unit of the country before and after
// the 2025 reform (migration 00019), apart from admin_units: they name what a unit is
// called, not where it lies, and an import checks a file's units against them.
// import_regions are the plausibility boxes of imports: each province of 2025 (its wards'
// label points grown by their size and a margin) and the country, Hoàng Sa and Trường Sa
// included.
var sqlOfficialLists = []string{`
CREATE TABLE admin_official (
	era text NOT NULL CHECK (era IN ('old', 'new')),
	level text NOT NULL CHECK (level IN ('province', 'district', 'ward')),
	code text NOT NULL,
	name text NOT NULL,
	kind text NOT NULL,
	parent_code text,
	province_code text NOT NULL,
	label geometry(Point, 4326),
	area_km2 numeric(9, 2),
	PRIMARY KEY (era, level, code)
)`,
	`COMMENT ON TABLE admin_official IS 'the official unit lists of the whole country: era old = before 2025-07-01 (GSO, 2025-01-04), new = from 2025-07-01; see migrations/reference/SOURCE.md'`, `
INSERT INTO admin_official (era, level, code, name, kind, parent_code, province_code, label, area_km2)
SELECT era, level, code, name, kind, nullif(parent, ''), province,
	CASE WHEN lon <> 0 THEN ST_SetSRID(ST_MakePoint(lon, lat), 4326) END, nullif(area, 0)
FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::float8[], $9::float8[], $10::float8[])
	AS u(era, level, code, name, kind, parent, province, lon, lat, area)`, `
CREATE TABLE import_regions (
	code text PRIMARY KEY,
	name text NOT NULL,
	bounds geometry(Polygon, 4326) NOT NULL
)`, `
INSERT INTO import_regions (code, name, bounds)
SELECT p.code, p.name, ST_Envelope(ST_Expand(ST_SetSRID(ST_Extent(w.label)::geometry, 4326),
	0.1 + 1.5 * max(sqrt(coalesce(w.area_km2, 0) / pi())) / 111))
FROM admin_official p JOIN admin_official w ON w.era = 'new' AND w.level = 'ward' AND w.parent_code = p.code AND w.label IS NOT NULL
WHERE p.era = 'new' AND p.level = 'province'
GROUP BY p.code, p.name`,
	// the archipelagos reach far beyond the label point of their đặc khu
	`UPDATE import_regions r SET bounds = ST_Envelope(ST_Collect(r.bounds, ST_MakeEnvelope(a.x0, a.y0, a.x1, a.y1, 4326)))
FROM (VALUES ('48', 111.0, 15.6, 113.0, 17.2), ('56', 111.4, 6.0, 117.9, 12.0)) AS a(code, x0, y0, x1, y1)
WHERE r.code = a.code`, `
INSERT INTO import_regions (code, name, bounds)
SELECT 'vn', 'Việt Nam', ST_Envelope(ST_SetSRID(ST_Extent(bounds)::geometry, 4326)) FROM import_regions`,
}

var sqlOfficialListsDown = []string{`DROP TABLE import_regions`, `DROP TABLE admin_official`}

func upOfficialLists(ctx context.Context, tx *sql.Tx) error {
	units, err := migrations.OfficialUnits()
	if err != nil {
		return err
	}
	var text [7][]string
	var nums [3][]float64
	for _, u := range units {
		for i, v := range []string{u.Era, u.Level, u.Code, u.Name, u.Kind, u.ParentCode, u.ProvinceCode} {
			text[i] = append(text[i], v)
		}
		for i, v := range []float64{u.LabelLon, u.LabelLat, u.AreaKM2} {
			nums[i] = append(nums[i], v)
		}
	}
	for _, q := range sqlOfficialLists {
		args := []any{}
		if strings.HasPrefix(strings.TrimSpace(q), "INSERT INTO admin_official") {
			args = []any{text[0], text[1], text[2], text[3], text[4], text[5], text[6], nums[0], nums[1], nums[2]}
		}
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return err
		}
	}
	return nil
}

func downOfficialLists(ctx context.Context, tx *sql.Tx) error {
	for _, q := range sqlOfficialListsDown {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	return nil
}
