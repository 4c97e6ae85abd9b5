package store

import (
	"context"
	"time"

	"bandoso/geo"
)

// pastLeastSizePx is the least size, in pixels, of a feature drawn in a past tile where the
// current one draws a summary table.
const pastLeastSizePx = 4

// TileQueryAsOf builds the statement drawing layer l at zoom z as it was at a time, which
// TileAsOf passes as $4. It reads the layer's own rows from its table and history,
// transforming geom to Web Mercator per row (history keeps no geom_3857). A band over the
// layer's own table keeps its filters and generalization. A band drawn from another table
// (parcel_ward_totals, a summary of the current parcels) cannot say what was: there the
// layer's own rows are drawn with the band's simplification, dropping features under
// pastLeastSizePx, so that a past tile shows past parcels, never today's totals, and stays
// small (a zoom-14 tile of the 20,000-parcel city: 490 KB with a 1-pixel least size, under
// 1 KB with 4; parcels are then seen from zoom 15, as today).
func (db *DB) TileQueryAsOf(ctx context.Context, l LayerRow, z int) (TileQuery, error) {
	cols, err := db.asOfColumns(ctx, l.Table, l.IDColumn)
	if err != nil {
		return TileQuery{}, err
	}
	src := l.Tiles
	for _, b := range l.Bands {
		if !b.Covers(z) {
			continue
		}
		if b.Table == l.Table {
			src = b
		} else {
			src.SimplifyPx, src.MinSizePx = b.SimplifyPx, max(b.MinSizePx, pastLeastSizePx)
		}
		break
	}
	src.GeomColumn, src.SRID = l.GeomColumn, 4326
	return newTileQuery(l.Name, src, asOfFrom(l.Table, cols, "$4::timestamptz")), nil
}

// TileAsOf is Tile for statements made by TileQueryAsOf, as of time at.
func (db *DB) TileAsOf(ctx context.Context, qs []TileQuery, t geo.Tile, at time.Time) ([][]byte, error) {
	parts, _, err := db.tile(ctx, qs, t, at)
	return parts, err
}
