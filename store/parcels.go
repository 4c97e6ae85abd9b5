package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// ReformDate is the day the 2025 administrative reform took effect. Cadastral maps were drawn
// for the wards valid the day before it, so parcels name those wards ("old wards").
const ReformDate = "2025-07-01"

// ParcelKey names a parcel on the cadastral map: its old ward's code, its map sheet (tờ bản
// đồ số, numbered anew in each old ward) and its number on that sheet (thửa đất số).
type ParcelKey struct {
	Ward   string
	Sheet  int
	Number int
}

// Code is the planning portal's 12-digit parcel code: the 5-digit ward code, the sheet in 3
// digits and the parcel in 4, zero-padded; "" when the sheet or number has too many digits.
func (k ParcelKey) Code() string {
	if len(k.Ward) != 5 || k.Sheet <= 0 || k.Sheet > 999 || k.Number <= 0 || k.Number > 9999 {
		return ""
	}
	return fmt.Sprintf("%s%03d%04d", k.Ward, k.Sheet, k.Number)
}

// Parcel is a land parcel with its geometry as GeoJSON (EPSG:4326), built by PostGIS.
type Parcel struct {
	ID      int64
	Key     ParcelKey
	LandUse string
	// LandUseName is the land-use category's Vietnamese name.
	LandUseName string
	// AreaM2 is the legal area from the land register; MapAreaM2 is the polygon's area on the
	// WGS84 ellipsoid.
	AreaM2    float64
	MapAreaM2 float64
	Geometry  json.RawMessage
}

// Ward is a ward (phường, xã) as the planning answers name it.
type Ward struct {
	ID   int64
	Code string
	Name string
	Kind string
}

// sqlParcelColumns are the columns scanParcel reads, from parcels p joined to land_use_codes l.
const sqlParcelColumns = `p.id, p.ward_code, p.sheet_no, p.parcel_no, p.land_use, coalesce(l.name, ''),
	p.area_m2::float8, ST_Area(p.geom::geography), ST_AsGeoJSON(p.geom, 7)::text`

func scanParcel(row pgx.CollectableRow) (Parcel, error) {
	var p Parcel
	var geom string
	err := row.Scan(&p.ID, &p.Key.Ward, &p.Key.Sheet, &p.Key.Number, &p.LandUse, &p.LandUseName,
		&p.AreaM2, &p.MapAreaM2, &geom)
	p.Geometry = json.RawMessage(geom)
	return p, err
}

// sqlOldWards finds the wards valid the day before the reform by code, or by name as
// unit_key reads it, with or without its kind ("tan dinh" for Phường Tân Định).
const sqlOldWards = `
SELECT id, code, name, kind FROM admin_units
WHERE level = 'ward' AND valid_from < $2::date AND (valid_to IS NULL OR valid_to >= $2::date)
	AND (code = $1 OR unit_key(name) = unit_key($1))
ORDER BY code`

// OldWards returns the cadastral (pre-2025) wards whose code or name is q: none, one, or
// several when a name is ambiguous.
func (db *DB) OldWards(ctx context.Context, q string) ([]Ward, error) {
	return readOn(ctx, db, func(db *DB) ([]Ward, error) { return db.oldWards(ctx, q) })
}

// oldWards is OldWards on the server db stands for.
func (db *DB) oldWards(ctx context.Context, q string) ([]Ward, error) {
	rows, _ := db.pool.Query(ctx, sqlOldWards, q, ReformDate)
	units, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Ward])
	return units, translate(err)
}

const sqlParcelByKey = `
SELECT ` + sqlParcelColumns + `
FROM parcels p LEFT JOIN land_use_codes l ON l.code = p.land_use
WHERE p.ward_code = $1 AND p.sheet_no = $2 AND p.parcel_no = $3`

// ParcelByKey returns the parcel named by k, or ErrNotFound.
func (db *DB) ParcelByKey(ctx context.Context, k ParcelKey) (Parcel, error) {
	return readOn(ctx, db, func(db *DB) (Parcel, error) { return db.parcelByKey(ctx, k) })
}

// parcelByKey is ParcelByKey on the server db stands for.
func (db *DB) parcelByKey(ctx context.Context, k ParcelKey) (Parcel, error) {
	rows, _ := db.pool.Query(ctx, sqlParcelByKey, k.Ward, k.Sheet, k.Number)
	p, err := pgx.CollectExactlyOneRow(rows, scanParcel)
	return p, translate(err)
}

const sqlParcelByID = `
SELECT ` + sqlParcelColumns + `
FROM parcels p LEFT JOIN land_use_codes l ON l.code = p.land_use
WHERE p.id = $1`

// Parcel returns the parcel with id, or ErrNotFound.
func (db *DB) Parcel(ctx context.Context, id int64) (Parcel, error) {
	return readOn(ctx, db, func(db *DB) (Parcel, error) { return db.parcel(ctx, id) })
}

// parcel is Parcel on the server db stands for.
func (db *DB) parcel(ctx context.Context, id int64) (Parcel, error) {
	rows, _ := db.pool.Query(ctx, sqlParcelByID, id)
	p, err := pgx.CollectExactlyOneRow(rows, scanParcel)
	return p, translate(err)
}

// sqlParcelsAt finds the parcels whose polygon (boundary included) holds the point ($1, $2)
// given in SRID $3; PostGIS transforms VN-2000 input with the pinned parameters of the
// project's spatial_ref_sys rows (migration 00002).
const sqlParcelsAt = `
WITH pt AS (SELECT ST_Transform(ST_SetSRID(ST_MakePoint($1, $2), $3), 4326) AS g)
SELECT ` + sqlParcelColumns + `
FROM pt, parcels p LEFT JOIN land_use_codes l ON l.code = p.land_use
WHERE p.geom && pt.g AND ST_Intersects(p.geom, pt.g)
ORDER BY p.id`

// ParcelsAt returns the parcels holding the point (x, y) in the CRS srid, one of the crs
// table's; a point on a shared boundary is in each parcel it touches.
func (db *DB) ParcelsAt(ctx context.Context, x, y float64, srid int) ([]Parcel, error) {
	return readOn(ctx, db, func(db *DB) ([]Parcel, error) { return db.parcelsAt(ctx, x, y, srid) })
}

// parcelsAt is ParcelsAt on the server db stands for.
func (db *DB) parcelsAt(ctx context.Context, x, y float64, srid int) ([]Parcel, error) {
	rows, _ := db.pool.Query(ctx, sqlParcelsAt, x, y, srid)
	ps, err := pgx.CollectRows(rows, scanParcel)
	return ps, translate(err)
}
