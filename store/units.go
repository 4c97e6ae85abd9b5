package store

import (
	"context"

	"github.com/jackc/pgx/v5"
)

// Unit is an administrative unit named by its official code and name.
type Unit struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// OldWard is a ward of the system before the 2025 reform with its district and province.
type OldWard struct {
	ID       int64
	Ward     Unit
	Kind     string
	District Unit
	Province Unit
	// Covers says whether the ward's boundary holds the point asked about; nil without a
	// point or a boundary.
	Covers *bool
}

// NewUnit is a unit of the system in force since 2025-07-01, and, when reached from an old
// ward, how that ward went into it.
type NewUnit struct {
	From     string // the old ward's (or district's) code; "" when asked for directly
	Unit     Unit
	Kind     string
	Province Unit
	Relation string // admin_succession.kind: whole, part, unchanged, renamed
	Note     string // the conversion table's note, verbatim
	HasGeom  bool
	Covers   *bool // as OldWard.Covers
}

// WardQuery names a ward as written. Ward is a name, with or without its kind word, or a
// code; District and Province narrow it when not empty. With HasPoint, Lon and Lat (WGS84)
// are tested against the units' boundaries.
type WardQuery struct {
	Ward, District, Province string
	HasPoint                 bool
	Lon, Lat                 float64
}

// point is the query's point as arguments, NULLs without one.
func (q WardQuery) point() (lon, lat any) {
	if !q.HasPoint {
		return nil, nil
	}
	return q.Lon, q.Lat
}

// sqlOldWardsNamed finds the old wards named $1 (or coded $1) in the district and province
// named $2, $3 (” for any), names matched with unit_key (migration 00011).
const sqlOldWardsNamed = `
SELECT w.id, w.code, w.name, w.kind, d.code, d.name, p.code, p.name,
	CASE WHEN w.geom IS NOT NULL AND pt.g IS NOT NULL THEN ST_Covers(w.geom, pt.g) END
FROM (SELECT ST_SetSRID(ST_MakePoint($4::float8, $5::float8), 4326) AS g) pt, admin_units w
JOIN admin_units d ON d.level = 'district' AND d.code = w.parent_code AND d.valid_to = DATE '2025-07-01'
JOIN admin_units p ON p.level = 'province' AND p.code = d.parent_code AND p.valid_to = DATE '2025-07-01'
WHERE w.level = 'ward' AND w.valid_to = DATE '2025-07-01'
	AND (unit_key(w.name) = unit_key($1) OR w.code = $1)
	AND ($2 = '' OR unit_key(d.name) = unit_key($2) OR d.code = $2)
	AND ($3 = '' OR unit_key(p.name) = unit_key($3) OR p.code = $3)
ORDER BY p.code, d.code, w.code`

// OldWardsNamed returns the wards valid before the 2025 reform that q names: none, one, or
// several when the name is ambiguous ("Phường 12" without its district).
func (db *DB) OldWardsNamed(ctx context.Context, q WardQuery) ([]OldWard, error) {
	return readOn(ctx, db, func(db *DB) ([]OldWard, error) { return db.oldWardsNamed(ctx, q) })
}

// oldWardsNamed is OldWardsNamed on the server db stands for.
func (db *DB) oldWardsNamed(ctx context.Context, q WardQuery) ([]OldWard, error) {
	lon, lat := q.point()
	rows, _ := db.pool.Query(ctx, sqlOldWardsNamed, q.Ward, q.District, q.Province, lon, lat)
	ws, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (OldWard, error) {
		var w OldWard
		err := row.Scan(&w.ID, &w.Ward.Code, &w.Ward.Name, &w.Kind, &w.District.Code, &w.District.Name,
			&w.Province.Code, &w.Province.Name, &w.Covers)
		return w, err
	})
	return ws, translate(err)
}

// sqlNewUnitColumns are the columns scanNewUnit reads from new unit n, its province p,
// succession row s (or NULLs) and point pt.
const sqlNewUnitColumns = `coalesce(s.old_code, ''), n.code, n.name, n.kind, coalesce(p.code, ''), coalesce(p.name, ''),
	coalesce(s.kind, ''), coalesce(s.note, ''), n.geom IS NOT NULL,
	CASE WHEN n.geom IS NOT NULL AND pt.g IS NOT NULL THEN ST_Covers(n.geom, pt.g) END`

func scanNewUnit(row pgx.CollectableRow) (NewUnit, error) {
	var u NewUnit
	err := row.Scan(&u.From, &u.Unit.Code, &u.Unit.Name, &u.Kind, &u.Province.Code, &u.Province.Name,
		&u.Relation, &u.Note, &u.HasGeom, &u.Covers)
	return u, err
}

// sqlSuccessors lists the current units old units $1 went into.
const sqlSuccessors = `
SELECT ` + sqlNewUnitColumns + `
FROM (SELECT ST_SetSRID(ST_MakePoint($2::float8, $3::float8), 4326) AS g) pt,
	admin_succession s JOIN admin_units n ON n.id = s.new_unit_id
LEFT JOIN admin_units p ON p.level = 'province' AND p.code = n.parent_code AND p.valid_to IS NULL
WHERE s.old_unit_id = ANY($1) AND n.valid_to IS NULL
ORDER BY s.old_code, n.code`

// Successors returns the current units that the old units ids went into, by the official
// conversion table, each tested against q's point when it has one.
func (db *DB) Successors(ctx context.Context, ids []int64, q WardQuery) ([]NewUnit, error) {
	return readOn(ctx, db, func(db *DB) ([]NewUnit, error) { return db.successors(ctx, ids, q) })
}

// successors is Successors on the server db stands for.
func (db *DB) successors(ctx context.Context, ids []int64, q WardQuery) ([]NewUnit, error) {
	lon, lat := q.point()
	rows, _ := db.pool.Query(ctx, sqlSuccessors, ids, lon, lat)
	us, err := pgx.CollectRows(rows, scanNewUnit)
	return us, translate(err)
}

// sqlCurrentWardsNamed finds the current wards named (or coded) $1 in the province named $2
// (” for any); s stands in for the succession row there is not.
const sqlCurrentWardsNamed = `
SELECT ` + sqlNewUnitColumns + `
FROM (SELECT ST_SetSRID(ST_MakePoint($3::float8, $4::float8), 4326) AS g) pt,
	(SELECT NULL::text AS old_code, NULL::text AS kind, NULL::text AS note) s, admin_units n
LEFT JOIN admin_units p ON p.level = 'province' AND p.code = n.parent_code AND p.valid_to IS NULL
WHERE n.level = 'ward' AND n.valid_to IS NULL
	AND (unit_key(n.name) = unit_key($1) OR n.code = $1)
	AND ($2 = '' OR unit_key(p.name) = unit_key($2) OR p.code = $2)
ORDER BY p.code, n.code`

// CurrentWardsNamed returns the wards in force since 2025-07-01 that q names, ignoring its
// district.
func (db *DB) CurrentWardsNamed(ctx context.Context, q WardQuery) ([]NewUnit, error) {
	return readOn(ctx, db, func(db *DB) ([]NewUnit, error) { return db.currentWardsNamed(ctx, q) })
}

// currentWardsNamed is CurrentWardsNamed on the server db stands for.
func (db *DB) currentWardsNamed(ctx context.Context, q WardQuery) ([]NewUnit, error) {
	lon, lat := q.point()
	rows, _ := db.pool.Query(ctx, sqlCurrentWardsNamed, q.Ward, q.Province, lon, lat)
	us, err := pgx.CollectRows(rows, scanNewUnit)
	return us, translate(err)
}
