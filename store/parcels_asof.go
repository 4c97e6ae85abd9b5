package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// sqlParcelsAsOf are the parcels as they were at time $4, with the columns scanParcel reads.
var sqlParcelsAsOf = asOfFrom("parcels",
	[]string{"id", "ward_code", "sheet_no", "parcel_no", "land_use", "area_m2", "geom"}, "$4::timestamptz")

var sqlParcelByKeyAsOf = `
SELECT ` + sqlParcelColumns + `
FROM ` + sqlParcelsAsOf + ` p LEFT JOIN land_use_codes l ON l.code = p.land_use
WHERE p.ward_code = $1 AND p.sheet_no = $2 AND p.parcel_no = $3
ORDER BY p.id LIMIT 1`

// ParcelByKeyAsOf returns the parcel named by k as it was at time at, or ErrNotFound when
// no parcel had that key then.
func (db *DB) ParcelByKeyAsOf(ctx context.Context, k ParcelKey, at time.Time) (Parcel, error) {
	rows, _ := db.pool.Query(ctx, sqlParcelByKeyAsOf, k.Ward, k.Sheet, k.Number, at)
	p, err := pgx.CollectExactlyOneRow(rows, scanParcel)
	return p, translate(err)
}

var sqlParcelsAtAsOf = `
WITH pt AS (SELECT ST_Transform(ST_SetSRID(ST_MakePoint($1, $2), $3), 4326) AS g)
SELECT ` + sqlParcelColumns + `
FROM pt, ` + sqlParcelsAsOf + ` p LEFT JOIN land_use_codes l ON l.code = p.land_use
WHERE p.geom && pt.g AND ST_Intersects(p.geom, pt.g)
ORDER BY p.id`

// ParcelsAtAsOf is ParcelsAt as the parcels were at time at.
func (db *DB) ParcelsAtAsOf(ctx context.Context, x, y float64, srid int, at time.Time) ([]Parcel, error) {
	rows, _ := db.pool.Query(ctx, sqlParcelsAtAsOf, x, y, srid, at)
	ps, err := pgx.CollectRows(rows, scanParcel)
	return ps, translate(err)
}
