package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// PlanningReport is what the city's plans say of one parcel (thông tin quy hoạch).
type PlanningReport struct {
	Parcel Parcel
	// OldWard is the parcel's cadastral ward, valid the day before the 2025 reform; nil when
	// admin_units lacks it.
	OldWard *Ward
	// NewWards are the current wards the parcel lies in, largest part first: usually one,
	// several where a new ward boundary crosses it.
	NewWards []WardPart
	// Zones are the planning zones the parcel overlaps, largest overlap first.
	Zones []ZoneOverlap
	// Roads are the road boundaries (lộ giới) whose reserve the parcel meets or comes within
	// FrontageToleranceM of.
	Roads []RoadFrontage
}

// WardPart is a current ward and how much of a parcel lies in it.
type WardPart struct {
	Ward
	// Succession is how the parcel's old ward went into this one (admin_succession.kind:
	// whole, part, unchanged, renamed), "" when the ward was found by overlap alone.
	Succession string
	// OverlapM2 is the area of the parcel inside the ward, on the ellipsoid; nil when the
	// ward has no geometry.
	OverlapM2 *float64
}

// ZoneOverlap is a planning zone's rules and the part of a parcel it covers.
type ZoneOverlap struct {
	ID           int64
	Code         string
	LandUse      string
	FunctionName string
	FAR          *float64
	DensityPct   *float64
	FloorsMin    *int
	FloorsMax    *int
	HeightMaxM   *float64
	PlanID       int64
	PlanName     string
	DecisionNo   string
	DecisionDate time.Time
	ApprovedBy   string
	Scale        int
	// OverlapM2 is the area of the parcel inside the zone on the WGS84 ellipsoid; SharePct
	// is that area as a percentage of the parcel's own (also on the ellipsoid).
	OverlapM2 float64
	SharePct  float64
}

// RoadFrontage is a road boundary a parcel meets: the street's planned width, the parcel's
// frontage on it and the part of the parcel inside the road reserve.
type RoadFrontage struct {
	ID         int64
	StreetID   *int64
	StreetName string
	WidthM     float64
	PlanID     *int64
	// FrontageM: see sqlReportRoads.
	FrontageM float64
	// ReserveAreaM2 is the area of the parcel inside the reserve, on the ellipsoid.
	ReserveAreaM2 float64
}

// FrontageToleranceM is how far a parcel may stand from a road reserve and still front it:
// about what a cadastral map at 1/200–1/500 is drawn to, so a parcel drawn a few decimetres
// off the planned line is not taken for an inland one.
const FrontageToleranceM = 0.5

// minOverlapM2 drops overlaps that are only shared edges or rounding slivers.
const minOverlapM2 = 0.01

const sqlReportOldWard = `
SELECT u.id, u.code, u.name, u.kind
FROM parcels p JOIN admin_units u ON u.level = 'ward' AND u.code = p.ward_code
	AND u.valid_from < $2::date AND (u.valid_to IS NULL OR u.valid_to >= $2::date)
WHERE p.id = $1`

// sqlReportNewWards lists the current wards that the old ward went into (admin_succession) or
// that the parcel overlaps, with the area of the parcel inside each.
const sqlReportNewWards = `
WITH p AS (SELECT geom, ward_code FROM parcels WHERE id = $1),
old AS (
	SELECT u.id FROM p JOIN admin_units u ON u.level = 'ward' AND u.code = p.ward_code
		AND u.valid_from < $2::date AND (u.valid_to IS NULL OR u.valid_to >= $2::date)
)
SELECT u.id, u.code, u.name, u.kind, coalesce(s.kind, ''),
	CASE WHEN u.geom IS NOT NULL THEN ST_Area(ST_Intersection(u.geom, p.geom)::geography) END AS overlap
FROM p CROSS JOIN admin_units u
LEFT JOIN admin_succession s ON s.new_unit_id = u.id AND s.old_unit_id IN (SELECT id FROM old)
WHERE u.level = 'ward' AND u.valid_to IS NULL AND u.valid_from >= $2::date
	AND (s.new_unit_id IS NOT NULL OR (u.geom && p.geom AND ST_Intersects(u.geom, p.geom)))
ORDER BY overlap DESC NULLS LAST, u.code`

// sqlReportZones: each zone's overlap with the parcel, on the ellipsoid (geography), and its
// share of the parcel's ellipsoidal area, so that zones covering a parcel add up to 100%.
const sqlReportZones = `
WITH p AS (SELECT geom, ST_Area(geom::geography) AS area FROM parcels WHERE id = $1)
SELECT z.id, z.zone_code, z.land_use, z.function_name, z.far::float8, z.density_pct::float8,
	z.floors_min::int, z.floors_max::int, z.height_max_m::float8,
	pl.id, pl.name, pl.decision_no, pl.decision_date, pl.approved_by, pl.scale,
	o.area, CASE WHEN p.area > 0 THEN o.area / p.area * 100 ELSE 0 END
FROM p JOIN planning_zones z ON z.geom && p.geom AND ST_Intersects(z.geom, p.geom)
JOIN plans pl ON pl.id = z.plan_id
CROSS JOIN LATERAL (SELECT ST_Area(ST_Intersection(z.geom, p.geom)::geography) AS area) o
WHERE o.area >= $2
ORDER BY o.area DESC, z.id`

// sqlReportRoads: the road boundaries whose reserve comes within $2 metres of the parcel.
//
// Frontage is the length, inside the parcel, of the reserve's edge moved $2 metres outward:
// the lộ giới line is where the street will end and the parcel begin once the plan is built,
// so the parcel's front is that line's chord across it. Where the reserve cuts into the
// parcel, the chord lies inside it anyway; where the parcel stops at the line, or up to $2
// short of it, the outward shift carries the line just inside the parcel, parallel to its
// front, so the chord has the front's length. Measuring "parcel boundary near the edge"
// instead would count nothing of a parcel the reserve cuts deep into (its front is then
// inside the reserve, away from the edge) and would add the side boundaries that cross the
// edge. The chord is exact for sides square to the road; a side slanted by θ adds $2·tan θ.
// A reserve's round end caps count as edges too, as they are on the plan.
//
// The reserve is clipped to about 20 m around the parcel before the shift (the clip's cut
// edges stay far from the parcel), read from its indexed pieces (road_reserve_parts), and lengths are taken in VN-2000 / TM-3 105°45'
// (EPSG:9210, metres, scale within 3e-5 of true over the city). Reserve areas are on the
// ellipsoid.
const sqlReportRoads = `
WITH p AS (SELECT geom, ST_Transform(geom, 9210) AS g, ST_Expand(geom, 0.0002) AS near FROM parcels WHERE id = $1),
-- each reserve near the parcel, made of its indexed pieces there: the same shape as the whole
-- reserve within the clip, at a fraction of the vertices
near AS (
	SELECT rp.road_boundary_id AS id, ST_Union(rp.geom) AS reserve
	FROM p JOIN road_reserve_parts rp ON rp.geom && p.near AND ST_Intersects(rp.geom, p.near)
	GROUP BY rp.road_boundary_id
)
SELECT r.id, r.street_id, r.street_name, r.width_m::float8, r.plan_id,
	ST_Length(ST_Intersection(
		ST_Boundary(ST_Buffer(ST_Transform(ST_Intersection(n.reserve, ST_Envelope(p.near)), 9210), $2)),
		p.g)),
	ST_Area(ST_Intersection(n.reserve, p.geom)::geography)
FROM p JOIN near n ON ST_DWithin(n.reserve::geography, p.geom::geography, $2)
JOIN road_boundaries r ON r.id = n.id
ORDER BY r.street_name, r.id`

// PlanningReport gathers what the plans say of parcel id in one round trip, from one
// snapshot. ErrNotFound when there is no such parcel.
func (db *DB) PlanningReport(ctx context.Context, id int64) (PlanningReport, error) {
	return readOn(ctx, db, func(db *DB) (PlanningReport, error) { return db.planningReport(ctx, id) })
}

// planningReport is PlanningReport on the server db stands for.
func (db *DB) planningReport(ctx context.Context, id int64) (PlanningReport, error) {
	var rep PlanningReport
	err := db.readTx(ctx, func(tx pgx.Tx) error {
		b := &pgx.Batch{}
		b.Queue(sqlParcelByID, id)
		b.Queue(sqlReportOldWard, id, ReformDate)
		b.Queue(sqlReportNewWards, id, ReformDate)
		b.Queue(sqlReportZones, id, minOverlapM2)
		b.Queue(sqlReportRoads, id, FrontageToleranceM)
		br := tx.SendBatch(ctx, b)
		defer br.Close()
		var err error
		if rep.Parcel, err = pgx.CollectExactlyOneRow(must(br.Query()), scanParcel); err != nil {
			return err
		}
		olds, err := pgx.CollectRows(must(br.Query()), pgx.RowToStructByPos[Ward])
		if err != nil {
			return err
		}
		if len(olds) > 0 {
			rep.OldWard = &olds[0]
		}
		if rep.NewWards, err = pgx.CollectRows(must(br.Query()), scanWardPart); err != nil {
			return err
		}
		if rep.Zones, err = pgx.CollectRows(must(br.Query()), scanZoneOverlap); err != nil {
			return err
		}
		if rep.Roads, err = pgx.CollectRows(must(br.Query()), pgx.RowToStructByPos[RoadFrontage]); err != nil {
			return err
		}
		return br.Close()
	})
	// drop wards that only touch the parcel
	parts := rep.NewWards[:0]
	for _, w := range rep.NewWards {
		if w.OverlapM2 == nil || *w.OverlapM2 >= minOverlapM2 {
			parts = append(parts, w)
		}
	}
	rep.NewWards = parts
	return rep, err
}

// must passes on rows whose error, if any, surfaces when they are collected.
func must(rows pgx.Rows, _ error) pgx.Rows { return rows }

func scanWardPart(row pgx.CollectableRow) (WardPart, error) {
	var w WardPart
	err := row.Scan(&w.ID, &w.Code, &w.Name, &w.Kind, &w.Succession, &w.OverlapM2)
	return w, err
}

func scanZoneOverlap(row pgx.CollectableRow) (ZoneOverlap, error) {
	var z ZoneOverlap
	err := row.Scan(&z.ID, &z.Code, &z.LandUse, &z.FunctionName, &z.FAR, &z.DensityPct, &z.FloorsMin,
		&z.FloorsMax, &z.HeightMaxM, &z.PlanID, &z.PlanName, &z.DecisionNo, &z.DecisionDate,
		&z.ApprovedBy, &z.Scale, &z.OverlapM2, &z.SharePct)
	return z, err
}
