package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// ParcelQuery selects parcels by an area a client posts.
type ParcelQuery struct {
	// Geometry is a GeoJSON geometry in WGS84 longitude, latitude.
	Geometry []byte
	// BufferM widens the geometry by this many metres (on the ellipsoid) first; 0 keeps it.
	BufferM float64
	// Within selects the parcels inside the area; otherwise those meeting it.
	Within bool
	// After is the keyset cursor: only parcels with a greater id make the page.
	After int64
	// Limit is the page size.
	Limit int
	// MaxAreaM2 refuses larger areas (after the buffer) with an AreaError; 0 means no limit.
	MaxAreaM2 float64
}

// AreaError is a query area PostGIS finds invalid (self-intersecting rings, …) or one larger
// than the query allows.
type AreaError struct {
	Reason string
}

func (e *AreaError) Error() string { return "store: query area: " + e.Reason }

// LandUseTotal counts the matching parcels of one land-use code and adds up their areas: the
// legal areas of the land register and the polygons' areas on the ellipsoid.
type LandUseTotal struct {
	LandUse   string
	Count     int64
	AreaM2    float64
	MapAreaM2 float64
}

// ParcelPage is one page of a parcel query with totals over every match.
type ParcelPage struct {
	Parcels []Parcel
	// Matched counts every matching parcel, Totals groups them by land use.
	Matched int64
	Totals  []LandUseTotal
	// AreaM2 is the query area's, on the ellipsoid.
	AreaM2 float64
	// Next is the cursor of the next page, 0 on the last.
	Next int64
}

// sqlQueryArea turns the posted GeoJSON ($1) into the query area, widened by $2 metres on
// the ellipsoid (geography's buffer) when $2 > 0.
const sqlQueryArea = `
SELECT CASE WHEN $2::float8 > 0 THEN ST_Buffer(g::geography, $2::float8)::geometry ELSE g END AS a
FROM (SELECT ST_SetSRID(ST_GeomFromGeoJSON($1::text), 4326) AS g) s`

const sqlQueryAreaCheck = `
SELECT ST_IsValid(a), coalesce(ST_IsValidReason(a), ''), coalesce(ST_Area(a::geography), 0)
FROM (` + sqlQueryArea + `) q`

// sqlFmtQueryMatch selects the matching parcels; its verb is one of the two predicates below,
// never request text.
const sqlFmtQueryMatch = `
WITH q AS MATERIALIZED (` + sqlQueryArea + `)
SELECT p.* FROM q, parcels p WHERE p.geom && q.a AND %s(p.geom, q.a)`

// queryStatements are the totals and page statements, by ParcelQuery.Within.
var queryStatements = map[bool]struct{ totals, page string }{
	false: queryStatementsFor(fmt.Sprintf(sqlFmtQueryMatch, "ST_Intersects")),
	true:  queryStatementsFor(fmt.Sprintf(sqlFmtQueryMatch, "ST_Within")),
}

func queryStatementsFor(match string) struct{ totals, page string } {
	return struct{ totals, page string }{fmt.Sprintf(sqlFmtQueryTotals, match), fmt.Sprintf(sqlFmtQueryPage, match)}
}

const sqlFmtQueryTotals = `
SELECT m.land_use, count(*), sum(m.area_m2)::float8, sum(ST_Area(m.geom::geography))
FROM (%s) m GROUP BY m.land_use ORDER BY m.land_use`

const sqlFmtQueryPage = `
SELECT ` + sqlParcelColumns + `
FROM (%s) p LEFT JOIN land_use_codes l ON l.code = p.land_use
WHERE p.id > $3 ORDER BY p.id LIMIT $4`

// QueryParcels answers q: one page of matching parcels in id order and totals of all of
// them, from one snapshot. An invalid or too large area is an *AreaError.
func (db *DB) QueryParcels(ctx context.Context, q ParcelQuery) (ParcelPage, error) {
	return readOn(ctx, db, func(db *DB) (ParcelPage, error) { return db.queryParcels(ctx, q) })
}

// queryParcels is QueryParcels on the server db stands for.
func (db *DB) queryParcels(ctx context.Context, q ParcelQuery) (ParcelPage, error) {
	stmt := queryStatements[q.Within]
	var page ParcelPage
	err := db.readTx(ctx, func(tx pgx.Tx) error {
		var valid bool
		var reason string
		if err := tx.QueryRow(ctx, sqlQueryAreaCheck, q.Geometry, q.BufferM).Scan(&valid, &reason, &page.AreaM2); err != nil {
			return err
		}
		switch {
		case !valid:
			return &AreaError{Reason: "invalid geometry: " + reason}
		case q.MaxAreaM2 > 0 && page.AreaM2 > q.MaxAreaM2:
			return &AreaError{Reason: fmt.Sprintf("%.0f m² is larger than the %.0f m² a query may cover", page.AreaM2, q.MaxAreaM2)}
		}
		b := &pgx.Batch{}
		b.Queue(stmt.totals, q.Geometry, q.BufferM)
		b.Queue(stmt.page, q.Geometry, q.BufferM, q.After, q.Limit+1)
		br := tx.SendBatch(ctx, b)
		defer br.Close()
		var err error
		if page.Totals, err = pgx.CollectRows(must(br.Query()), pgx.RowToStructByPos[LandUseTotal]); err != nil {
			return err
		}
		if page.Parcels, err = pgx.CollectRows(must(br.Query()), scanParcel); err != nil {
			return err
		}
		return br.Close()
	})
	if err != nil {
		return ParcelPage{}, err
	}
	for _, t := range page.Totals {
		page.Matched += t.Count
	}
	if len(page.Parcels) > q.Limit {
		page.Parcels = page.Parcels[:q.Limit]
		page.Next = page.Parcels[q.Limit-1].ID
	}
	return page, nil
}
