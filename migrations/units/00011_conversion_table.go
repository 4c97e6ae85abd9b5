package units

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"bandoso/migrations"
)

// sqlConversionSchema marks reference rows and keeps the ward layers to units with a
// boundary: the table has none, and 2,600 empty features would flood tiles and items.
var sqlConversionSchema = []string{
	`ALTER TABLE admin_units ADD COLUMN source text`,
	`ALTER TABLE admin_succession ADD COLUMN source text`,
	`COMMENT ON COLUMN admin_units.source IS 'where the row comes from: nso-2025 for the official conversion table of the 2025 reform; NULL for the demo city and edits'`,
	`UPDATE layers SET row_filter = row_filter || ' AND geom IS NOT NULL' WHERE name IN ('wards', 'wards_2024')`,
	// unit_key matches a unit's name as people write it: folded, without the kind word, and
	// without spaces and punctuation ("Bà Rịa - Vũng Tàu" = "ba ria vung tau"; "Phường 12" =
	// "12", but not "012").
	`CREATE FUNCTION unit_key(name text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN regexp_replace(regexp_replace(norm_text(name),
		'^(phuong|xa|thi tran|dac khu|quan|huyen|thi xa|thanh pho|tinh) ', ''), '[^a-z0-9]+', '', 'g')`,
	`CREATE TEMP TABLE admin_reference (era text, level text, code text, name text, kind text, parent_code text) ON COMMIT DROP`,
}

const sqlConversionStage = `
INSERT INTO admin_reference
SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])`

// sqlConversionUnits updates the units a database already holds (the demo city's, with
// their boundaries) and inserts the others. Old units are told from new ones by valid_to, since
// the reform reused codes. The table gives no start dates: 2021-01-01 is a placeholder, the
// demo's.
var sqlConversionUnits = []string{`
UPDATE admin_units u SET name = r.name, kind = r.kind, parent_code = nullif(r.parent_code, ''), source = '` + ReferenceSource + `'
FROM admin_reference r
WHERE u.level = r.level AND u.code = r.code
	AND CASE r.era WHEN 'old' THEN u.valid_to = DATE '2025-07-01' ELSE u.valid_to IS NULL END`, `
INSERT INTO admin_units (code, name, level, kind, parent_code, valid_from, valid_to, source)
SELECT r.code, r.name, r.level, r.kind, nullif(r.parent_code, ''),
	CASE r.era WHEN 'old' THEN DATE '2021-01-01' ELSE DATE '2025-07-01' END,
	CASE r.era WHEN 'old' THEN DATE '2025-07-01' END, '` + ReferenceSource + `'
FROM admin_reference r
WHERE NOT EXISTS (SELECT 1 FROM admin_units u WHERE u.level = r.level AND u.code = r.code
	AND CASE r.era WHEN 'old' THEN u.valid_to = DATE '2025-07-01' ELSE u.valid_to IS NULL END)`,
	// The table is the truth for relations: what a demo city derived from its grid goes.
	`DELETE FROM admin_succession s USING admin_units o WHERE o.id = s.old_unit_id AND o.source = '` + ReferenceSource + `'`,
}

// sqlConversionSuccession inserts one row per pair of the table. $1: old level, $2 old
// code, $3 new code, $4 kind, $5 note.
const sqlConversionSuccession = `
INSERT INTO admin_succession (old_unit_id, new_unit_id, old_code, new_code, kind, area_share, effective, note, source)
SELECT o.id, n.id, r.old_code, r.new_code, r.kind, CASE WHEN r.kind IN ('whole', 'unchanged') THEN 1 END,
	DATE '2025-07-01', r.note, '` + ReferenceSource + `'
FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS r(old_level, old_code, new_code, kind, note)
JOIN admin_units o ON o.level = r.old_level AND o.code = r.old_code AND o.valid_to = DATE '2025-07-01'
JOIN admin_units n ON n.level = 'ward' AND n.code = r.new_code AND n.valid_to IS NULL`

// upConversionTable loads the official conversion table (reference/SOURCE.md).
func upConversionTable(ctx context.Context, tx *sql.Tx) error {
	rows, err := migrations.ConversionTable()
	if err != nil {
		return err
	}
	units, err := referenceUnits(rows)
	if err != nil {
		return err
	}
	for _, q := range sqlConversionSchema {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, sqlConversionStage, units[0], units[1], units[2], units[3], units[4], units[5]); err != nil {
		return err
	}
	for _, q := range sqlConversionUnits {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	var s [5][]string
	for _, r := range rows {
		level, old := "ward", r.Old.Code
		if old == "" { // a whole district became the unit
			level, old = "district", r.OldDistrict.Code
		}
		kind, err := successionKind(r.Note)
		if err != nil {
			return err
		}
		for i, v := range []string{level, old, r.New.Code, kind, r.Note} {
			s[i] = append(s[i], v)
		}
	}
	res, err := tx.ExecContext(ctx, sqlConversionSuccession, s[0], s[1], s[2], s[3], s[4])
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != int64(len(rows)) {
		return fmt.Errorf("units: conversion table: %d of %d succession rows found their units", n, len(rows))
	}
	return nil
}

// successionKind reads how the old unit went in from the table's note.
func successionKind(note string) (string, error) {
	switch {
	case note == "Nhập toàn bộ", strings.HasPrefix(note, "Sắp xếp toàn bộ"):
		return "whole", nil
	case strings.HasPrefix(note, "Nhập một phần"):
		return "part", nil
	case note == "Giữ nguyên":
		return "unchanged", nil
	case strings.HasPrefix(note, "Đổi tên"):
		return "renamed", nil
	}
	return "", fmt.Errorf("units: conversion table: unknown note %q", note)
}

// referenceUnits lists every unit the table names, once, as columns era, level, code, name,
// kind, parent code. A code named twice with different names is an error.
func referenceUnits(rows []migrations.ConversionRow) ([6][]string, error) {
	var cols [6][]string
	seen := map[[3]string]string{}
	add := func(era, level string, u migrations.Unit, parent string) error {
		key := [3]string{era, level, u.Code}
		if name, ok := seen[key]; ok {
			if name != u.Name {
				return fmt.Errorf("units: conversion table: %s %s %s is %q and %q", era, level, u.Code, name, u.Name)
			}
			return nil
		}
		seen[key] = u.Name
		for i, v := range []string{era, level, u.Code, u.Name, migrations.Kind(u.Name), parent} {
			cols[i] = append(cols[i], v)
		}
		return nil
	}
	for _, r := range rows {
		steps := []struct {
			era, level string
			u          migrations.Unit
			parent     string
		}{
			{"old", "province", r.OldProvince, ""},
			{"new", "province", r.NewProvince, ""},
			{"old", "district", r.OldDistrict, r.OldProvince.Code},
			{"old", "ward", r.Old, r.OldDistrict.Code},
			{"new", "ward", r.New, r.NewProvince.Code},
		}
		for _, s := range steps {
			if s.u.Code == "" {
				continue
			}
			if err := add(s.era, s.level, s.u, s.parent); err != nil {
				return cols, err
			}
		}
	}
	return cols, nil
}

// sqlConversionDown removes the reference rows that have no boundary; units a demo city
// placed keep their rows, as they had before the migration.
var sqlConversionDown = []string{
	`DELETE FROM admin_succession WHERE source = '` + ReferenceSource + `'`,
	`DELETE FROM admin_units WHERE source = '` + ReferenceSource + `' AND geom IS NULL`,
	`UPDATE layers SET row_filter = replace(row_filter, ' AND geom IS NOT NULL', '') WHERE name IN ('wards', 'wards_2024')`,
	`DROP FUNCTION unit_key(text)`,
	`ALTER TABLE admin_succession DROP COLUMN source`,
	`ALTER TABLE admin_units DROP COLUMN source`,
}

func downConversionTable(ctx context.Context, tx *sql.Tx) error {
	for _, q := range sqlConversionDown {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	return nil
}
