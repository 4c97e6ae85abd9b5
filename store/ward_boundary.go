package store

import (
	"context"

	"github.com/paulmach/orb"
	orbwkb "github.com/paulmach/orb/encoding/wkb"
)

// sqlWardBoundary is the boundary of the ward with code $1: of the current system when it
// has one by that code, else of the old one's latest.
const sqlWardBoundary = `
SELECT ST_AsBinary(geom) FROM admin_units
WHERE level = 'ward' AND code = $1 AND geom IS NOT NULL
ORDER BY valid_to IS NULL DESC, valid_to DESC LIMIT 1`

// WardBoundary is the boundary (a polygon or multipolygon, in degrees) of the ward with code,
// current or old, the current first; ErrNotFound when no ward by that code has one.
func (db *DB) WardBoundary(ctx context.Context, code string) (orb.Geometry, error) {
	var raw []byte
	if err := db.pool.QueryRow(ctx, sqlWardBoundary, code).Scan(&raw); err != nil {
		return nil, translate(err)
	}
	return orbwkb.Unmarshal(raw)
}
