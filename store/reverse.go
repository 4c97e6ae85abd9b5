package store

import (
	"context"

	"github.com/jackc/pgx/v5"
)

// Location is what lies at a point, found from the point itself: the wards holding it now and
// before the 2025 reform (point in polygon, so a point across a ward line from its nearest
// address still gets its own wards), that old ward's district, the current province, the
// nearest street and the parcel holding it. Units, street and parcel are zero when none.
type Location struct {
	Ward, OldWard, OldDistrict, Province UnitRef
	Street                               NearStreet
	Parcel                               LocationParcel
}

// NearStreet is the street or alley nearest a point, with its distance in metres on the
// ellipsoid; ID is 0 when there is none.
type NearStreet struct {
	ID        int64
	Name      string
	Kind      string // "street" or "alley"
	DistanceM float64
}

// LocationParcel is the parcel holding a point; ID is 0 when there is none.
type LocationParcel struct {
	ID          int64
	Key         ParcelKey
	LandUse     string
	LandUseName string
}

// NearAddress is an address with its distance in metres on the ellipsoid from a point.
type NearAddress struct {
	Address
	DistanceM float64
}

// Reverse is the answer of DB.Reverse.
type Reverse struct {
	Location  Location
	Addresses []NearAddress // nearest first
}

// sqlPoint is the point of $1 (lon) and $2 (lat); sqlPointGeog the same on the ellipsoid.
const (
	sqlPoint     = `ST_SetSRID(ST_MakePoint($1, $2), 4326)`
	sqlPointGeog = sqlPoint + `::geography`
)

// sqlPlace finds what holds the point. Each unit is the first by code when the point lies
// on a boundary; the street is chosen among the few nearest in degrees (the GiST order) by
// its distance in metres, since a degree of longitude is shorter than one of latitude. That
// distance is measured to the street's closest point: the geodesic distance to a whole named
// street of hundreds of vertices took over a millisecond on the million-parcel city.
const sqlPlace = `
SELECT coalesce(w.code, ''), coalesce(w.name, ''), coalesce(p.code, ''), coalesce(p.name, ''),
	coalesce(ow.code, ''), coalesce(ow.name, ''), coalesce(od.code, ''), coalesce(od.name, ''),
	coalesce(st.id, 0), coalesce(st.name, ''), coalesce(st.kind, ''), coalesce(st.d, 0),
	coalesce(pa.id, 0), coalesce(pa.ward_code, ''), coalesce(pa.sheet_no, 0), coalesce(pa.parcel_no, 0),
	coalesce(pa.land_use, ''), coalesce(pa.land_use_name, '')
FROM (SELECT ` + sqlPoint + ` AS pt) at` + sqlUnitsAt + `
LEFT JOIN LATERAL (SELECT id, name, kind, d FROM (
		SELECT id, name, kind, ST_Distance(ST_ClosestPoint(geom, at.pt)::geography, at.pt::geography) AS d
		FROM streets ORDER BY geom <-> at.pt LIMIT 4) c
	ORDER BY d, id LIMIT 1) st ON true
LEFT JOIN LATERAL (SELECT pc.id, pc.ward_code, pc.sheet_no, pc.parcel_no, pc.land_use, lu.name AS land_use_name
	FROM parcels pc JOIN land_use_codes lu ON lu.code = pc.land_use
	WHERE ST_Intersects(pc.geom, at.pt) ORDER BY pc.id LIMIT 1) pa ON true`

// sqlNearAddresses takes 36 addresses in GiST order (degrees) and keeps the $4
// nearest in metres within $3 metres; the candidates exceed the most one may ask for by a
// margin that covers the difference between the two orders. The constant limit lets
// PostgreSQL keep one generic plan rather than plan each call.
const sqlNearAddresses = `SELECT ` + sqlAddressColumns + `, k.d` + sqlAddressFrom + `
JOIN (SELECT id, ST_Distance(geom::geography, ` + sqlPointGeog + `) AS d
	FROM addresses ORDER BY geom <-> ` + sqlPoint + ` LIMIT 36) k ON k.id = a.id
WHERE k.d <= $3
ORDER BY k.d, a.id
LIMIT $4`

// ReverseMaxLimit is the most addresses Reverse returns; sqlNearAddresses ranks 16 more.
const ReverseMaxLimit = 20

// Reverse returns what is at (lon, lat): the place (wards, street, parcel) and up to limit
// addresses within radiusM metres, nearest first; limit is at most ReverseMaxLimit. Both
// statements go in one round trip.
func (db *DB) Reverse(ctx context.Context, lon, lat, radiusM float64, limit int) (Reverse, error) {
	return readOn(ctx, db, func(db *DB) (Reverse, error) { return db.reverse(ctx, lon, lat, radiusM, limit) })
}

// reverse is Reverse on the server db stands for.
func (db *DB) reverse(ctx context.Context, lon, lat, radiusM float64, limit int) (Reverse, error) {
	var rev Reverse
	b := &pgx.Batch{}
	b.Queue(sqlPlace, lon, lat).QueryRow(func(row pgx.Row) error {
		p := &rev.Location
		return row.Scan(&p.Ward.Code, &p.Ward.Name, &p.Province.Code, &p.Province.Name,
			&p.OldWard.Code, &p.OldWard.Name, &p.OldDistrict.Code, &p.OldDistrict.Name,
			&p.Street.ID, &p.Street.Name, &p.Street.Kind, &p.Street.DistanceM,
			&p.Parcel.ID, &p.Parcel.Key.Ward, &p.Parcel.Key.Sheet, &p.Parcel.Key.Number,
			&p.Parcel.LandUse, &p.Parcel.LandUseName)
	})
	b.Queue(sqlNearAddresses, lon, lat, radiusM, min(limit, ReverseMaxLimit)).Query(func(rows pgx.Rows) error {
		var err error
		rev.Addresses, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (NearAddress, error) {
			var n NearAddress
			err := row.Scan(append(addressDest(&n.Address), &n.DistanceM)...)
			return n, err
		})
		return err
	})
	if err := db.pool.SendBatch(ctx, b).Close(); err != nil {
		return Reverse{}, translate(err)
	}
	return rev, nil
}
