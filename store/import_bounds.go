package store

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"bandoso/geo"
)

// An import refuses features outside a plausibility box that is configured, never derived
// from the rows already loaded: the answer must not depend on the order files arrive in (old
// wards first would shut out the new wards of the merged city). The box is a region of
// import_regions, a province of 2025 or the whole country, named by the import or, when it
// names none, by the catalog (dataset_info 'import_region'); or a box given outright.

// importBounds is the box an import checks features against, and how to name it.
type importBounds struct {
	name  string
	bound orb.Bound
}

// envelope is the box as SQL.
func (b importBounds) envelope() string {
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	return fmt.Sprintf("ST_MakeEnvelope(%s, %s, %s, %s, 4326)", f(b.bound.Min[0]), f(b.bound.Min[1]), f(b.bound.Max[0]), f(b.bound.Max[1]))
}

const sqlImportRegion = `
SELECT r.name || ' (' || r.code || ')', ST_XMin(r.bounds), ST_YMin(r.bounds), ST_XMax(r.bounds), ST_YMax(r.bounds)
FROM import_regions r
WHERE CASE WHEN $1 = '' THEN r.code = coalesce((SELECT value #>> '{}' FROM dataset_info WHERE key = 'import_region'), 'vn')
	ELSE r.code = $1 OR unit_key(r.name) = unit_key($1) OR lower($1) IN ('vietnam', 'viet nam') AND r.code = 'vn' END
ORDER BY r.code = $1 DESC, r.code
LIMIT 1`

// resolveBounds reads spec: "" (the catalog's region, else the country), a region's code or
// name ("79", "Hồ Chí Minh", "vn"), or "minlon,minlat,maxlon,maxlat" in WGS84.
func resolveBounds(ctx context.Context, tx pgx.Tx, spec string) (importBounds, error) {
	spec = strings.TrimSpace(spec)
	if parts := strings.Split(spec, ","); len(parts) == 4 {
		b := importBounds{name: "the box " + spec}
		for i, v := range []*float64{&b.bound.Min[0], &b.bound.Min[1], &b.bound.Max[0], &b.bound.Max[1]} {
			x, err := strconv.ParseFloat(strings.TrimSpace(parts[i]), 64)
			if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
				return importBounds{}, &ImportParamError{Param: "bounds", Reason: fmt.Sprintf("%q is not a number of minlon,minlat,maxlon,maxlat", parts[i])}
			}
			*v = x
		}
		if !geo.IsDegreesBox(b.bound) {
			return importBounds{}, &ImportParamError{Param: "bounds", Reason: fmt.Sprintf("%q is not a box minlon,minlat,maxlon,maxlat in degrees", spec)}
		}
		return b, nil
	}
	var b importBounds
	err := tx.QueryRow(ctx, sqlImportRegion, spec).Scan(&b.name, &b.bound.Min[0], &b.bound.Min[1], &b.bound.Max[0], &b.bound.Max[1])
	if err == pgx.ErrNoRows {
		return b, &ImportParamError{Param: "bounds", Reason: fmt.Sprintf("%q is neither vn, a province of 2025 (code or name, e.g. 79 or Hồ Chí Minh) nor minlon,minlat,maxlon,maxlat", spec)}
	}
	return b, err
}
