package store

import (
	"context"
	"errors"
	"iter"

	"github.com/jackc/pgx/v5"

	"bandoso/demo"
)

// nullID is NULL for a zero reference.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func nullText(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func each[T any](items []T, row func(T) []any) iter.Seq[[]any] {
	return func(yield func([]any) bool) {
		for _, it := range items {
			if !yield(row(it)) {
				return
			}
		}
	}
}

// blockRows walks the city's blocks and yields the rows pick takes from each. Every table
// gets its own walk, so no more than one block is ever held in memory.
func blockRows(city *demo.City, pick func(*demo.Block, func([]any) bool) bool) iter.Seq[[]any] {
	return func(yield func([]any) bool) {
		_ = city.Blocks(func(b *demo.Block) error {
			if !pick(b, yield) {
				return errStopWalk
			}
			return nil
		})
	}
}

// errStopWalk ends a walk early when COPY stops pulling rows.
var errStopWalk = errors.New("store: walk stopped")

// sqlPlaceDemoUnits gives the official units the city's boundaries: every boundary goes, as
// do the units a previous city added, then the city's units are matched on level, code and
// system (old: valid_to 2025-07-01; new: current), and those the table lacks are added.
var sqlPlaceDemoUnits = []string{
	`UPDATE admin_units SET geom = NULL WHERE geom IS NOT NULL`,
	`DELETE FROM admin_units WHERE source IS NULL`,
	`CREATE TEMP TABLE demo_units ON COMMIT DROP AS
		SELECT code, name, level, kind, parent_code, valid_from, valid_to, geom FROM admin_units WITH NO DATA`,
}

var sqlMergeDemoUnits = []string{`
UPDATE admin_units u SET geom = d.geom FROM demo_units d
WHERE u.level = d.level AND u.code = d.code AND u.valid_to IS NOT DISTINCT FROM d.valid_to`, `
INSERT INTO admin_units (code, name, level, kind, parent_code, valid_from, valid_to, geom)
SELECT d.* FROM demo_units d
WHERE NOT EXISTS (SELECT 1 FROM admin_units u
	WHERE u.level = d.level AND u.code = d.code AND u.valid_to IS NOT DISTINCT FROM d.valid_to)`,
}

// placeDemoUnits loads the city's administrative units over the official ones.
func placeDemoUnits(ctx context.Context, tx pgx.Tx, city *demo.City, counts map[string]int64, progress func(string, int64)) error {
	for _, q := range sqlPlaceDemoUnits {
		if _, err := tx.Exec(ctx, q); err != nil {
			return err
		}
	}
	rows := each(city.AdminUnits(), func(u demo.AdminUnit) []any {
		var to, g any
		if !u.ValidTo.IsZero() {
			to = u.ValidTo
		}
		if u.Geom != nil {
			g = wkb(u.Geom)
		}
		return []any{u.Code, u.Name, u.Level, u.Kind, nullText(u.ParentCode), u.ValidFrom, to, g}
	})
	cols := []string{"code", "name", "level", "kind", "parent_code", "valid_from", "valid_to", "geom"}
	if err := copyRows(ctx, tx, "demo_units", cols, rows, counts, progress); err != nil {
		return err
	}
	counts["admin_units"] = counts["demo_units"]
	delete(counts, "demo_units")
	for _, q := range sqlMergeDemoUnits {
		if _, err := tx.Exec(ctx, q); err != nil {
			return err
		}
	}
	return nil
}

func streetRow(s demo.Street) []any {
	return []any{s.ID, s.Name, s.Kind, nullID(s.ParentID), nullText(s.AlleyNo), wkb(s.Geom)}
}

// copyDemo COPYs every table of the city, parents before children.
func copyDemo(ctx context.Context, tx pgx.Tx, city *demo.City, boundariesOnly bool, counts map[string]int64, progress func(string, int64)) error {
	if err := placeDemoUnits(ctx, tx, city, counts, progress); err != nil || boundariesOnly {
		return err
	}
	steps := []struct {
		table string
		cols  []string
		rows  iter.Seq[[]any]
	}{
		{"streets", []string{"id", "name", "kind", "parent_id", "alley_no", "geom"},
			func(yield func([]any) bool) {
				for _, s := range city.Streets() {
					if !yield(streetRow(s)) {
						return
					}
				}
				blockRows(city, func(b *demo.Block, y func([]any) bool) bool {
					for _, s := range b.Alleys {
						if !y(streetRow(s)) {
							return false
						}
					}
					return true
				})(yield)
			}},
		{"parcels", []string{"id", "ward_code", "sheet_no", "parcel_no", "land_use", "area_m2", "geom"},
			blockRows(city, func(b *demo.Block, y func([]any) bool) bool {
				for _, p := range b.Parcels {
					if !y([]any{p.ID, p.WardCode, p.SheetNo, p.ParcelNo, p.LandUse, p.AreaM2, wkb(p.Geom)}) {
						return false
					}
				}
				return true
			})},
		{"addresses", []string{"id", "code", "national_code", "house_number", "street_id", "ward_code", "old_ward_code", "parcel_id", "geom"},
			blockRows(city, func(b *demo.Block, y func([]any) bool) bool {
				for _, a := range b.Addresses {
					if !y([]any{a.ID, a.Code, nullText(a.NationalCode), a.HouseNumber, a.StreetID, a.WardCode, a.OldWardCode, nullID(a.ParcelID), wkb(a.Geom)}) {
						return false
					}
				}
				return true
			})},
		{"plans", []string{"id", "name", "decision_no", "decision_date", "approved_by", "scale", "geom"},
			each(city.Plans(), func(p demo.Plan) []any {
				return []any{p.ID, p.Name, p.DecisionNo, p.DecisionDate, p.ApprovedBy, p.Scale, wkb(p.Geom)}
			})},
		{"planning_zones", []string{"id", "plan_id", "zone_code", "land_use", "function_name", "far", "density_pct", "floors_min", "floors_max", "height_max_m", "geom"},
			blockRows(city, func(b *demo.Block, y func([]any) bool) bool {
				z := b.Zone
				return y([]any{z.ID, z.PlanID, z.ZoneCode, z.LandUse, z.FunctionName, z.FAR, z.DensityPct, z.FloorsMin, z.FloorsMax, z.HeightMaxM, wkb(z.Geom)})
			})},
		{"road_boundaries", []string{"id", "street_id", "street_name", "width_m", "plan_id", "geom"},
			each(city.RoadBoundaries(), func(r demo.RoadBoundary) []any {
				return []any{r.ID, r.StreetID, r.StreetName, r.WidthM, nullID(r.PlanID), wkb(r.Geom)}
			})},
	}
	for _, s := range steps {
		if err := copyRows(ctx, tx, s.table, s.cols, s.rows, counts, progress); err != nil {
			return err
		}
	}
	return nil
}
