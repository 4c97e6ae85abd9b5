package store

import (
	"context"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"bandoso/address"
)

// StreetMatch is a named street (not an alley) whose folded name matched a query, with the
// pg_trgm similarity of the names: 1 when they are equal.
type StreetMatch struct {
	ID         int64
	Name       string
	Similarity float64
	// Lon and Lat are the middle of the street's longest line (StreetsPrefixed only).
	Lon, Lat float64
	// IDs are the rows the street is stored as, ID first (StreetsNamed only): the segments of
	// one name in one ward, which a file imported without grouping keeps apart.
	IDs []int64
	// InWard, InDistrict and InProvince say the street runs through a unit of the names the
	// geocoder was given, and FocusDistance how far it is from its focus, in degrees, for
	// ordering (set by StreetsNear).
	InWard, InDistrict, InProvince bool
	FocusDistance                  float64
}

// sqlStreetMiddle is the middle of a street's longest line, as lon, lat.
const sqlStreetMiddle = `(SELECT ST_X(m), ST_Y(m) FROM (SELECT ST_LineInterpolatePoint(d.geom, 0.5) AS m
	FROM ST_Dump(geom) d ORDER BY ST_Length(d.geom) DESC LIMIT 1) mid)`

// Place is a located answer that is not a registered address: a house number interpolated
// along its street, a street, a ward, or a named place. The units are those under its point.
type Place struct {
	Kind        string // "interpolated", "street", "ward" or "poi"
	Name        string // the street's, ward's or named place's name
	StreetID    int64
	Street      string
	Ward        UnitRef
	OldWard     UnitRef
	OldDistrict UnitRef
	Province    UnitRef
	Lon, Lat    float64
	// Between names the registered numbers an interpolated number lies between; one when the
	// number lies beyond the last of its side.
	Between []string
	// POI is what a named place is (kind "poi" only).
	POI POIRef
}

// sqlUnitsAt joins the units under point "pt" of the lateral "at": the current ward (w) and
// its province (p), the ward before the reform (ow) and its district (od). On a boundary the
// ward first by code holds the point.
const sqlUnitsAt = `
LEFT JOIN LATERAL (SELECT code, name, parent_code FROM admin_units
	WHERE level = 'ward' AND valid_to IS NULL AND ST_Intersects(geom, at.pt) ORDER BY code LIMIT 1) w ON true
LEFT JOIN admin_units p ON p.level = 'province' AND p.code = w.parent_code AND p.valid_to IS NULL
LEFT JOIN LATERAL (SELECT code, name, parent_code FROM admin_units
	WHERE level = 'ward' AND valid_to = DATE '` + ReformDate + `' AND ST_Intersects(geom, at.pt) ORDER BY code LIMIT 1) ow ON true
LEFT JOIN admin_units od ON od.level = 'district' AND od.code = ow.parent_code AND od.valid_to = DATE '` + ReformDate + `'`

const sqlUnitsAtColumns = `coalesce(w.code, ''), coalesce(w.name, ''), coalesce(ow.code, ''), coalesce(ow.name, ''),
	coalesce(od.code, ''), coalesce(od.name, ''), coalesce(p.code, ''), coalesce(p.name, ''), ST_X(at.pt), ST_Y(at.pt)`

func placeDest(p *Place) []any {
	return []any{&p.Ward.Code, &p.Ward.Name, &p.OldWard.Code, &p.OldWard.Name,
		&p.OldDistrict.Code, &p.OldDistrict.Name, &p.Province.Code, &p.Province.Name, &p.Lon, &p.Lat}
}

// StreetNames returns every distinct name of a named street, for the address parser to
// recognise them in free text.
func (db *DB) StreetNames(ctx context.Context) ([]string, error) {
	rows, _ := db.pool.Query(ctx, `SELECT DISTINCT name FROM streets WHERE kind = 'street' ORDER BY name`)
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	return names, translate(err)
}

// sqlStreetsNamed finds streets by folded name: equal, or similar by trigrams (pg_trgm's %
// operator, threshold 0.3), which forgives a letter or two. The limit $2 counts names, and
// every row of each name comes back: a street is one name in one ward, but a file imported
// without grouping (or edits) may store it as many rows, which are joined here by name and
// ward; rows without a ward stay apart (the twins of a name in a city without wards).
const sqlStreetsNamed = `
WITH m AS (
	SELECT id, name, name_key, ward_code, CASE WHEN name_norm IN ($1, 'duong ' || $1) THEN 1 ELSE similarity(name_norm, $1) END AS sim
	FROM streets
	WHERE kind = 'street' AND (name_norm IN ($1, 'duong ' || $1) OR name_norm % $1)
), best AS (
	SELECT name_key, max(sim) AS sim FROM m GROUP BY name_key ORDER BY max(sim) DESC, name_key LIMIT $2
)
SELECT array_agg(m.id ORDER BY m.sim DESC, m.id), (array_agg(m.name ORDER BY m.sim DESC, m.id))[1], max(m.sim) AS street_sim
FROM m JOIN best b USING (name_key)
GROUP BY b.sim, m.name_key, coalesce(m.ward_code, 'row ' || m.id)
ORDER BY b.sim DESC, m.name_key, street_sim DESC, min(m.id)`

// StreetsNamed returns every named street of up to names names whose folded name is fold or
// close to it, each with all its rows, best name first. It gives no middle point: the
// geocoder places a street by its wards (StreetPlace) or not at all.
func (db *DB) StreetsNamed(ctx context.Context, fold string, names int) ([]StreetMatch, error) {
	return readOn(ctx, db, func(db *DB) ([]StreetMatch, error) { return db.streetsNamed(ctx, fold, names) })
}

// streetsNamed is StreetsNamed on the server db stands for.
func (db *DB) streetsNamed(ctx context.Context, fold string, names int) ([]StreetMatch, error) {
	rows, _ := db.pool.Query(ctx, sqlStreetsNamed, fold, names)
	m, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (StreetMatch, error) {
		var m StreetMatch
		if err := row.Scan(&m.IDs, &m.Name, &m.Similarity); err != nil {
			return m, err
		}
		m.ID = m.IDs[0]
		return m, nil
	})
	return m, translate(err)
}

// Near is where an address is said to be: the units it names, folded and without their kind
// ("" when not named), and a lon/lat to prefer (nil for none).
type Near struct {
	Ward, District, Province string
	Focus                    *orb.Point
}

// sqlStreetsNear tells, for each of the street rows $1, the levels of the units of either
// system it runs through that are named $2 (ward), $3 (district) or $4 (province), and its
// distance to the focus $5,$6 in degrees (0 without one). The units are matched by unit_key
// once each, then only their lines are tested.
const sqlStreetsNear = `
WITH asked AS MATERIALIZED (
	SELECT level, geom FROM admin_units
	WHERE geom IS NOT NULL AND (valid_to IS NULL OR valid_to = DATE '` + ReformDate + `')
		AND (level = 'ward' AND $2 <> '' AND regexp_replace(name_bare, '[^a-z0-9]+', '', 'g') = unit_key($2)
			OR level = 'district' AND $3 <> '' AND regexp_replace(name_bare, '[^a-z0-9]+', '', 'g') = unit_key($3)
			OR level = 'province' AND $4 <> '' AND regexp_replace(name_bare, '[^a-z0-9]+', '', 'g') = unit_key($4))
)
SELECT s.id, coalesce((SELECT array_agg(DISTINCT a.level) FROM asked a WHERE ST_Intersects(s.geom, a.geom)), '{}'),
	CASE WHEN $5::float8 IS NULL THEN 0 ELSE s.geom <-> ST_SetSRID(ST_MakePoint($5, $6), 4326) END
FROM streets s WHERE s.id = ANY($1)`

// StreetsNear sets InWard, InDistrict, InProvince and FocusDistance of each of streets: whether
// one of its rows runs through a unit named as near names it, and how far its nearest row is
// from near.Focus. Matching the units' names costs more than finding the streets: the
// geocoder asks only when a name stands for more streets than it looks at.
func (db *DB) StreetsNear(ctx context.Context, streets []StreetMatch, near Near) error {
	_, err := readOn(ctx, db, func(db *DB) (struct{}, error) { return struct{}{}, db.streetsNear(ctx, streets, near) })
	return err
}

// streetsNear is StreetsNear on the server db stands for.
func (db *DB) streetsNear(ctx context.Context, streets []StreetMatch, near Near) error {
	var ids []int64
	for _, s := range streets {
		ids = append(ids, s.IDs...)
	}
	lon, lat := focusArgs(near.Focus)
	rows, _ := db.pool.Query(ctx, sqlStreetsNear, ids, near.Ward, near.District, near.Province, lon, lat)
	type rowNear struct {
		levels []string
		dist   float64
	}
	byID := map[int64]rowNear{}
	var id int64
	var r rowNear
	if _, err := pgx.ForEachRow(rows, []any{&id, &r.levels, &r.dist}, func() error {
		byID[id] = rowNear{slices.Clone(r.levels), r.dist}
		return nil
	}); err != nil {
		return translate(err)
	}
	for i := range streets {
		s := &streets[i]
		for j, row := range s.IDs {
			r := byID[row]
			s.InWard = s.InWard || slices.Contains(r.levels, "ward")
			s.InDistrict = s.InDistrict || slices.Contains(r.levels, "district")
			s.InProvince = s.InProvince || slices.Contains(r.levels, "province")
			if j == 0 || r.dist < s.FocusDistance {
				s.FocusDistance = r.dist
			}
		}
	}
	return nil
}

// sqlStreetsPrefixed finds streets whose folded name starts with $1 or has a word that does
// ("tr" finds Trần Hưng Đạo and Nguyễn Trãi), nearest to the focus $3,$4 when one is given,
// else shortest name first.
const sqlStreetsPrefixed = `
SELECT id, name, CASE WHEN name_norm LIKE $1 || '%' THEN 1 ELSE 0.9 END AS sim, mid.*
FROM streets, LATERAL ` + sqlStreetMiddle + ` AS mid(lon, lat)
WHERE kind = 'street' AND (name_norm LIKE $1 || '%' OR name_norm LIKE '% ' || $1 || '%')
ORDER BY sim DESC,
	CASE WHEN $3::float8 IS NULL THEN 0 ELSE geom <-> ST_SetSRID(ST_MakePoint($3, $4), 4326) END,
	length(name), id
LIMIT $2`

// StreetsPrefixed returns up to limit named streets a user typing fold may be after. focus,
// when not nil, is a lon/lat the nearest streets are preferred to.
func (db *DB) StreetsPrefixed(ctx context.Context, fold string, focus *orb.Point, limit int) ([]StreetMatch, error) {
	return readOn(ctx, db, func(db *DB) ([]StreetMatch, error) { return db.streetsPrefixed(ctx, fold, focus, limit) })
}

// streetsPrefixed is StreetsPrefixed on the server db stands for.
func (db *DB) streetsPrefixed(ctx context.Context, fold string, focus *orb.Point, limit int) ([]StreetMatch, error) {
	lon, lat := focusArgs(focus)
	rows, _ := db.pool.Query(ctx, sqlStreetsPrefixed, escapeLike(fold), limit, lon, lat)
	m, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (StreetMatch, error) {
		var m StreetMatch
		err := row.Scan(&m.ID, &m.Name, &m.Similarity, &m.Lon, &m.Lat)
		return m, err
	})
	return m, translate(err)
}

// escapeLike makes s match itself in a LIKE pattern.
func escapeLike(s string) string {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '%' || c == '_' || c == '\\' {
			out = append(out, '\\')
		}
		out = append(out, s[i])
	}
	return string(out)
}

// AddressesNumbered returns the addresses on any of streets whose house number is number
// however either is written: by the canonical form ([address.NormHouseNumber]), so "25B" finds
// "25b" and "số 5 ngõ 12 ngách 3" finds "12/3/5". None when number is not a house number.
func (db *DB) AddressesNumbered(ctx context.Context, streets []int64, number string) ([]Address, error) {
	return readOn(ctx, db, func(db *DB) ([]Address, error) { return db.addressesNumbered(ctx, streets, number) })
}

// addressesNumbered is AddressesNumbered on the server db stands for.
func (db *DB) addressesNumbered(ctx context.Context, streets []int64, number string) ([]Address, error) {
	key := address.NormHouseNumber(number)
	if key == "" {
		return nil, nil
	}
	rows, _ := db.pool.Query(ctx, `SELECT `+sqlAddressColumns+sqlAddressFrom+`
		WHERE a.street_id = ANY($1) AND a.number_norm = $2 ORDER BY a.id`, streets, key)
	a, err := pgx.CollectRows(rows, scanAddress)
	return a, translate(err)
}

// AddressesPrefixed returns up to limit addresses on streets whose house number, in canonical
// form, starts with that of prefix, in the order of that form: "12" gives 12, 12/1, 12/3, …,
// 120, …, 120BIS, …, 12A. A prefix that is not yet a whole house number ("120 bi") is folded,
// upper-cased and stripped of spaces instead.
func (db *DB) AddressesPrefixed(ctx context.Context, streets []int64, prefix string, limit int) ([]Address, error) {
	return readOn(ctx, db, func(db *DB) ([]Address, error) { return db.addressesPrefixed(ctx, streets, prefix, limit) })
}

// addressesPrefixed is AddressesPrefixed on the server db stands for.
func (db *DB) addressesPrefixed(ctx context.Context, streets []int64, prefix string, limit int) ([]Address, error) {
	key := address.NormHouseNumber(prefix)
	if key == "" {
		key = strings.ToUpper(strings.ReplaceAll(address.Fold(prefix), " ", ""))
	}
	// the numbers first, alone, then their streets and units: so the planner sees a small
	// ordered index scan, not a join worth a parallel worker (whose start costs more than it)
	rows, _ := db.pool.Query(ctx, `SELECT `+sqlAddressColumns+`
		FROM (SELECT * FROM addresses WHERE street_id = ANY($1) AND number_norm LIKE $2 || '%'
			ORDER BY number_norm, id LIMIT $3) a`+sqlAddressJoins+`
		ORDER BY a.number_norm, a.id`, streets, escapeLike(key), limit)
	a, err := pgx.CollectRows(rows, scanAddress)
	return a, translate(err)
}

// interpolateSQL places house number $2 on a street between the registered numbers nearest
// to it on its side of the street (same parity), on the straight line between their points
// in proportion to the numbers; beyond the last number of its side, at that number's point.
// Only plain numbers on the street itself (12, 12A in canonical form) place it. The
// expressions match the partial index addresses_street_number (migration 00018). street is
// the condition on street_id ("street_id = $1"), first the row that names the street.
func interpolateSQL(street, first string) string {
	side := func(op, order string) string {
		return `
	SELECT house_number, geom, substring(number_norm FROM '^[0-9]+')::int AS v FROM addresses
	WHERE ` + street + ` AND number_norm ~ '^[0-9]+[A-Z]?$'
		AND substring(number_norm FROM '^[0-9]+')::int ` + op + ` $2 AND substring(number_norm FROM '^[0-9]+')::int % 2 = $2 % 2
	ORDER BY substring(number_norm FROM '^[0-9]+')::int` + order + ` LIMIT 1`
	}
	return `
WITH lo AS (` + side("<", " DESC") + `
), hi AS (` + side(">", "") + `
), at AS (
	SELECT CASE
		WHEN lo.geom IS NOT NULL AND hi.geom IS NOT NULL
			THEN ST_LineInterpolatePoint(ST_MakeLine(lo.geom, hi.geom), ($2 - lo.v)::float8 / (hi.v - lo.v))
		ELSE coalesce(lo.geom, hi.geom) END AS pt,
		array_remove(ARRAY[lo.house_number, hi.house_number], NULL) AS between
	FROM (SELECT 1) one LEFT JOIN lo ON true LEFT JOIN hi ON true
)
SELECT s.name, at.between, ` + sqlUnitsAtColumns + `
FROM at JOIN streets s ON s.id = ` + first + sqlUnitsAt + `
WHERE at.pt IS NOT NULL`
}

// sqlInterpolate places a number on street row $1, sqlInterpolateRows on the rows $1 of one
// street. Most streets are one row, and the plan of the first is the better one for them.
var (
	sqlInterpolate     = interpolateSQL("street_id = $1", "$1")
	sqlInterpolateRows = interpolateSQL("street_id = ANY($1)", "($1::bigint[])[1]")
)

// Interpolate places house number on a street when the registry lacks it, by the numbers of
// all the rows the street is stored as (StreetMatch.IDs), the first naming it; ErrNotFound
// when the street has no plain number on that side to place it by.
func (db *DB) Interpolate(ctx context.Context, street []int64, number int) (Place, error) {
	return readOn(ctx, db, func(db *DB) (Place, error) { return db.interpolate(ctx, street, number) })
}

// interpolate is Interpolate on the server db stands for.
func (db *DB) interpolate(ctx context.Context, street []int64, number int) (Place, error) {
	p := Place{Kind: "interpolated", StreetID: first(street)}
	var row pgx.Row
	if len(street) == 1 {
		row = db.pool.QueryRow(ctx, sqlInterpolate, street[0], number)
	} else {
		row = db.pool.QueryRow(ctx, sqlInterpolateRows, street, number)
	}
	err := row.Scan(append([]any{&p.Street, &p.Between}, placeDest(&p)...)...)
	p.Name = p.Street
	return p, translate(err)
}

// sqlStreetPlace is a point of the street of rows $1 (the first naming it) for answers naming
// the street alone: the middle of its stretch inside the wards $2 (codes of either system)
// when given and the street crosses them, else the middle of the whole street.
const sqlStreetPlace = `
WITH s AS (
	SELECT (SELECT name FROM streets WHERE id = ($1::bigint[])[1]) AS name, ST_LineMerge(ST_Collect(d.geom)) AS g
	FROM streets, ST_Dump(geom) d WHERE id = ANY($1) HAVING count(*) > 0
),
inside AS (
	SELECT ST_LineMerge(ST_Intersection(s.g, ST_Union(u.geom))) AS g FROM s, admin_units u
	WHERE cardinality($2::text[]) > 0 AND u.level = 'ward' AND u.code = ANY($2) AND ST_Intersects(u.geom, s.g)
	GROUP BY s.g
), line AS (
	SELECT (SELECT d.geom FROM ST_Dump(coalesce((SELECT g FROM inside WHERE NOT ST_IsEmpty(g)), s.g)) d
		ORDER BY ST_Length(d.geom) DESC LIMIT 1) AS g, s.name FROM s
), at AS (
	SELECT CASE WHEN GeometryType(g) = 'LINESTRING' THEN ST_LineInterpolatePoint(g, 0.5) ELSE ST_PointOnSurface(g) END AS pt, name
	FROM line
)
SELECT at.name, ` + sqlUnitsAtColumns + ` FROM at` + sqlUnitsAt

// StreetPlace is the point that stands for a street stored as rows street (StreetMatch.IDs),
// within the wards of wardCodes when it crosses them.
func (db *DB) StreetPlace(ctx context.Context, street []int64, wardCodes []string) (Place, error) {
	return readOn(ctx, db, func(db *DB) (Place, error) { return db.streetPlace(ctx, street, wardCodes) })
}

// streetPlace is StreetPlace on the server db stands for.
func (db *DB) streetPlace(ctx context.Context, street []int64, wardCodes []string) (Place, error) {
	p := Place{Kind: "street", StreetID: first(street)}
	err := db.pool.QueryRow(ctx, sqlStreetPlace, street, wardCodes).Scan(append([]any{&p.Street}, placeDest(&p)...)...)
	p.Name = p.Street
	return p, translate(err)
}

func first(ids []int64) int64 {
	if len(ids) == 0 {
		return 0
	}
	return ids[0]
}

// WardMatch is a ward of either system whose name matched a query.
type WardMatch struct {
	Code       string
	Name       string
	Current    bool    // of the system since the 2025 reform
	District   UnitRef // the old district, for old wards
	Province   UnitRef
	Similarity float64
	HasGeom    bool
}

// sqlWardsNamed finds wards by name as unit_key reads it ("ben nghe", "12" for Phường 12), or
// similar by trigrams to the name without its kind, with their district (old wards) and
// province. The stored name_bare and its key's index (migration 00022) make both a probe.
const sqlWardsNamed = `
SELECT u.code, u.name, u.valid_to IS NULL, coalesce(d.code, ''), coalesce(d.name, ''),
	coalesce(p.code, pd.code, ''), coalesce(p.name, pd.name, ''),
	CASE WHEN regexp_replace(u.name_bare, '[^a-z0-9]+', '', 'g') = unit_key($1) THEN 1 ELSE similarity(u.name_bare, $1) END AS sim, u.geom IS NOT NULL
FROM admin_units u
LEFT JOIN admin_units d ON u.valid_to IS NOT NULL AND d.level = 'district' AND d.code = u.parent_code AND d.valid_to = u.valid_to
LEFT JOIN admin_units p ON u.valid_to IS NULL AND p.level = 'province' AND p.code = u.parent_code AND p.valid_to IS NULL
LEFT JOIN admin_units pd ON d.code IS NOT NULL AND pd.level = 'province' AND pd.code = d.parent_code AND pd.valid_to = u.valid_to
WHERE u.level = 'ward' AND (u.valid_to IS NULL OR u.valid_to = DATE '` + ReformDate + `')
	AND (regexp_replace(u.name_bare, '[^a-z0-9]+', '', 'g') = unit_key($1) OR ($2 AND u.name_bare % $1))
ORDER BY sim DESC, u.geom IS NOT NULL DESC, u.valid_to IS NULL DESC, u.code
LIMIT $3`

// WardsNamed returns up to limit wards of either system named fold (folded, with or
// without the kind); similar names too when fuzzy.
func (db *DB) WardsNamed(ctx context.Context, fold string, fuzzy bool, limit int) ([]WardMatch, error) {
	return readOn(ctx, db, func(db *DB) ([]WardMatch, error) { return db.wardsNamed(ctx, fold, fuzzy, limit) })
}

// wardsNamed is WardsNamed on the server db stands for.
func (db *DB) wardsNamed(ctx context.Context, fold string, fuzzy bool, limit int) ([]WardMatch, error) {
	rows, _ := db.pool.Query(ctx, sqlWardsNamed, fold, fuzzy, limit)
	m, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (WardMatch, error) {
		var w WardMatch
		err := row.Scan(&w.Code, &w.Name, &w.Current, &w.District.Code, &w.District.Name,
			&w.Province.Code, &w.Province.Name, &w.Similarity, &w.HasGeom)
		return w, err
	})
	return m, translate(err)
}

// sqlWardPlace is a point inside ward $1 of the current system ($2) or the old one.
const sqlWardPlace = `
WITH at AS (SELECT ST_PointOnSurface(geom) AS pt, name FROM admin_units
	WHERE level = 'ward' AND code = $1 AND (CASE WHEN $2 THEN valid_to IS NULL ELSE valid_to = DATE '` + ReformDate + `' END)
		AND geom IS NOT NULL)
SELECT at.name, ` + sqlUnitsAtColumns + ` FROM at` + sqlUnitsAt

// WardPlace is a point inside the ward with code of the current system, or of the old one;
// ErrNotFound when the ward has no boundary.
func (db *DB) WardPlace(ctx context.Context, code string, current bool) (Place, error) {
	return readOn(ctx, db, func(db *DB) (Place, error) { return db.wardPlace(ctx, code, current) })
}

// wardPlace is WardPlace on the server db stands for.
func (db *DB) wardPlace(ctx context.Context, code string, current bool) (Place, error) {
	p := Place{Kind: "ward"}
	err := db.pool.QueryRow(ctx, sqlWardPlace, code, current).Scan(append([]any{&p.Name}, placeDest(&p)...)...)
	return p, translate(err)
}
