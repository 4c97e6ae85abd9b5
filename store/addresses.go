package store

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
)

// UnitRef names an administrative unit: its code and official name ("Phường Sài Gòn").
type UnitRef struct {
	Code string
	Name string
}

// Address is a registered address with what a geocoding answer shows of it: its street, its
// ward now and before the 2025 reform (with that ward's district), its province and its codes.
type Address struct {
	ID           int64
	Code         string // registry code, as stored
	NationalCode string // the national "địa chỉ số" when imported data carried it, else ""
	HouseNumber  string // as written: "123/45/6A"
	StreetID     int64
	Street       string // the street's name, without the alley
	Ward         UnitRef
	OldWard      UnitRef
	OldDistrict  UnitRef
	Province     UnitRef
	ParcelID     int64 // 0 when the address has no parcel
	Lon, Lat     float64
}

// sqlAddressFrom joins an address (a) to its street (s), its current ward and province (cu:
// wn, pc, pn), and its old ward and district (ou: own, odc, odn). Units missing from
// admin_units leave their names empty rather than dropping the address. The units are two
// lateral subqueries kept apart (OFFSET 0) rather than four joins: the statement is planned
// on every call (its street array makes a generic plan look dear), and six relations cost
// the planner twice the time of the address lookup itself.
const sqlAddressFrom = `
FROM addresses a` + sqlAddressJoins

// sqlAddressJoins join the street and units of an address a (sqlAddressFrom).
const sqlAddressJoins = `
JOIN streets s ON s.id = a.street_id
LEFT JOIN LATERAL (SELECT w.name AS wn, p.code AS pc, p.name AS pn FROM admin_units w
	LEFT JOIN admin_units p ON p.level = 'province' AND p.code = w.parent_code AND p.valid_to IS NULL
	WHERE w.level = 'ward' AND w.code = a.ward_code AND w.valid_to IS NULL OFFSET 0) cu ON true
LEFT JOIN LATERAL (SELECT ow.name AS own, od.code AS odc, od.name AS odn FROM admin_units ow
	LEFT JOIN admin_units od ON od.level = 'district' AND od.code = ow.parent_code AND od.valid_to = DATE '` + ReformDate + `'
	WHERE ow.level = 'ward' AND ow.code = a.old_ward_code AND ow.valid_to = DATE '` + ReformDate + `' OFFSET 0) ou ON true`

// sqlAddressColumns are the columns scanAddress reads, in its order.
const sqlAddressColumns = `a.id, a.code, coalesce(a.national_code, ''), a.house_number, a.street_id, s.name,
	a.ward_code, coalesce(cu.wn, ''), coalesce(a.old_ward_code, ''), coalesce(ou.own, ''),
	coalesce(ou.odc, ''), coalesce(ou.odn, ''), coalesce(cu.pc, ''), coalesce(cu.pn, ''),
	coalesce(a.parcel_id, 0), ST_X(a.geom), ST_Y(a.geom)`

// addressDest lists where each of sqlAddressColumns goes; callers that select more columns
// append their own destinations.
func addressDest(a *Address) []any {
	return []any{&a.ID, &a.Code, &a.NationalCode, &a.HouseNumber, &a.StreetID, &a.Street,
		&a.Ward.Code, &a.Ward.Name, &a.OldWard.Code, &a.OldWard.Name,
		&a.OldDistrict.Code, &a.OldDistrict.Name, &a.Province.Code, &a.Province.Name,
		&a.ParcelID, &a.Lon, &a.Lat}
}

func scanAddress(row pgx.CollectableRow) (Address, error) {
	var a Address
	err := row.Scan(addressDest(&a)...)
	return a, err
}

// AddressesByID returns the addresses with these ids, in the order of ids; ids that name no
// address are left out.
func (db *DB) AddressesByID(ctx context.Context, ids []int64) ([]Address, error) {
	return readOn(ctx, db, func(db *DB) ([]Address, error) { return db.addressesByID(ctx, ids) })
}

// addressesByID is AddressesByID on the server db stands for.
func (db *DB) addressesByID(ctx context.Context, ids []int64) ([]Address, error) {
	rows, _ := db.pool.Query(ctx, `SELECT `+sqlAddressColumns+sqlAddressFrom+`
		JOIN unnest($1::bigint[]) WITH ORDINALITY AS q(id, n) ON q.id = a.id ORDER BY q.n`, ids)
	return pgx.CollectRows(rows, scanAddress)
}

// AddressByCode returns the address holding registry code code (12 digits, as stored), or
// ErrNotFound; RetiredCode tells a code that was issued and retired from one never issued.
func (db *DB) AddressByCode(ctx context.Context, code string) (Address, error) {
	return readOn(ctx, db, func(db *DB) (Address, error) { return db.addressByCode(ctx, code) })
}

// addressByCode is AddressByCode on the server db stands for.
func (db *DB) addressByCode(ctx context.Context, code string) (Address, error) {
	return db.addressWhere(ctx, `a.code = $1`, code)
}

// AddressByNationalCode returns the address holding national code code (10 digits), or
// ErrNotFound.
func (db *DB) AddressByNationalCode(ctx context.Context, code string) (Address, error) {
	return readOn(ctx, db, func(db *DB) (Address, error) { return db.addressByNationalCode(ctx, code) })
}

// addressByNationalCode is AddressByNationalCode on the server db stands for.
func (db *DB) addressByNationalCode(ctx context.Context, code string) (Address, error) {
	return db.addressWhere(ctx, `a.national_code = $1`, code)
}

func (db *DB) addressWhere(ctx context.Context, where string, arg any) (Address, error) {
	rows, _ := db.pool.Query(ctx, `SELECT `+sqlAddressColumns+sqlAddressFrom+` WHERE `+where, arg)
	a, err := pgx.CollectExactlyOneRow(rows, scanAddress)
	return a, translate(err)
}

// RetiredCode reports when registry code code was retired, with its address deleted; ok is
// false for a code that is live or was never issued.
func (db *DB) RetiredCode(ctx context.Context, code string) (retired time.Time, ok bool, err error) {
	err = db.pool.QueryRow(ctx, `SELECT retired_at FROM address_codes WHERE code = $1 AND retired_at IS NOT NULL`, code).Scan(&retired)
	if errors.Is(err, pgx.ErrNoRows) {
		return time.Time{}, false, nil
	}
	return retired, err == nil, translate(err)
}
