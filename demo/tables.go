package demo

import (
	"errors"
	"iter"
)

// Identity is what a loader records of the city: its seed, its size in parcels and the
// GeneratorVersion that made it.
func (c *City) Identity() (seed uint64, size int, version string) {
	return c.Seed, c.Parcels, GeneratorVersion
}

// Rows returns the columns of table that the city fills and its rows in that order, for a
// loader that copies them in: admin_units, streets, parcels, addresses, plans,
// planning_zones, road_boundaries, and the basemap's osm_areas and osm_lines. Geometries are orb values; zero references, empty optional
// texts and missing boundaries are nil, that is NULL. A table the city does not fill has no
// columns. The bulk comes block by block, so no more than one block is held at a time.
func (c *City) Rows(table string) ([]string, iter.Seq[[]any]) {
	switch table {
	case "admin_units":
		return []string{"code", "name", "level", "kind", "parent_code", "valid_from", "valid_to", "geom"},
			each(c.Units(), func(u Unit) []any {
				var to, g any
				if !u.ValidTo.IsZero() {
					to = u.ValidTo
				}
				if u.Geom != nil {
					g = u.Geom
				}
				return []any{u.Code, u.Name, u.Level, u.Kind, nullText(u.ParentCode), u.ValidFrom, to, g}
			})
	case "streets":
		return []string{"id", "name", "kind", "parent_id", "alley_no", "geom"}, c.streetRows
	case "parcels":
		return []string{"id", "ward_code", "sheet_no", "parcel_no", "land_use", "area_m2", "geom"},
			c.blockRows(func(b *Block, yield func([]any) bool) bool {
				for _, p := range b.Parcels {
					if !yield([]any{p.ID, p.WardCode, p.SheetNo, p.ParcelNo, p.LandUse, p.AreaM2, p.Geom}) {
						return false
					}
				}
				return true
			})
	case "addresses":
		return []string{"id", "code", "national_code", "house_number", "street_id", "ward_code", "old_ward_code", "parcel_id", "geom"},
			c.blockRows(func(b *Block, yield func([]any) bool) bool {
				for _, a := range b.Addresses {
					if !yield([]any{a.ID, a.Code, nullText(a.NationalCode), a.HouseNumber, a.StreetID, a.WardCode, a.OldWardCode, nullID(a.ParcelID), a.Geom}) {
						return false
					}
				}
				return true
			})
	case "plans":
		return []string{"id", "name", "decision_no", "decision_date", "approved_by", "scale", "geom"},
			each(c.Plans(), func(p Plan) []any {
				return []any{p.ID, p.Name, p.DecisionNo, p.DecisionDate, p.ApprovedBy, p.Scale, p.Geom}
			})
	case "planning_zones":
		return []string{"id", "plan_id", "zone_code", "land_use", "function_name", "far", "density_pct", "floors_min", "floors_max", "height_max_m", "geom"},
			c.blockRows(func(b *Block, yield func([]any) bool) bool {
				z := b.Zone
				return yield([]any{z.ID, z.PlanID, z.ZoneCode, z.LandUse, z.FunctionName, z.FAR, z.DensityPct, z.FloorsMin, z.FloorsMax, z.HeightMaxM, z.Geom})
			})
	case "road_boundaries":
		return []string{"id", "street_id", "street_name", "width_m", "plan_id", "geom"},
			each(c.RoadBoundaries(), func(r RoadBoundary) []any {
				return []any{r.ID, r.StreetID, r.StreetName, r.WidthM, nullID(r.PlanID), r.Geom}
			})
	case "osm_areas":
		return basemapColumns, c.areaRows
	case "osm_lines":
		return basemapColumns, c.lineRows
	}
	return nil, nil
}

// streetRows yields the named streets, then every block's alleys.
func (c *City) streetRows(yield func([]any) bool) {
	for _, s := range c.Streets() {
		if !yield(streetRow(s)) {
			return
		}
	}
	c.blockRows(func(b *Block, y func([]any) bool) bool {
		for _, s := range b.Alleys {
			if !y(streetRow(s)) {
				return false
			}
		}
		return true
	})(yield)
}

func streetRow(s Street) []any {
	return []any{s.ID, s.Name, s.Kind, nullID(s.ParentID), nullText(s.AlleyNo), s.Geom}
}

// blockRows walks the city's blocks and yields the rows pick takes from each. Every table
// gets its own walk, so no more than one block is ever held in memory.
func (c *City) blockRows(pick func(*Block, func([]any) bool) bool) iter.Seq[[]any] {
	return func(yield func([]any) bool) {
		_ = c.Blocks(func(b *Block) error {
			if !pick(b, yield) {
				return errStopWalk
			}
			return nil
		})
	}
}

// errStopWalk ends a walk early when the loader stops pulling rows.
var errStopWalk = errors.New("demo: walk stopped")

func each[T any](items []T, row func(T) []any) iter.Seq[[]any] {
	return func(yield func([]any) bool) {
		for _, it := range items {
			if !yield(row(it)) {
				return
			}
		}
	}
}

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
