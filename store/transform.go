package store

import "context"

// sqlTransform moves the point ($1, $2) of SRID $3 to SRID $4; PostGIS transforms VN-2000
// with the pinned parameters of the project's spatial_ref_sys rows (migration 00002).
const sqlTransform = `
SELECT ST_X(g), ST_Y(g) FROM ST_Transform(ST_SetSRID(ST_MakePoint($1, $2), $3::int), $4::int) AS g`

// Transform returns the coordinates in the CRS to of the point (x, y) of the CRS from, both
// rows of the crs table; x is the easting or longitude whatever the CRS's axis order. The
// caller keeps the point inside from's domain (geo.CRS.Domain): far outside a projection's
// zone PostGIS fails.
func (db *DB) Transform(ctx context.Context, x, y float64, from, to int) (float64, float64, error) {
	var ox, oy float64
	err := db.pool.QueryRow(ctx, sqlTransform, x, y, from, to).Scan(&ox, &oy)
	return ox, oy, translate(err)
}
