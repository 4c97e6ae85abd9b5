package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"bandoso/ingest"
)

// constraintWords says in plain words what each CHECK and foreign key of the importable
// tables asks of a value, so that an import names the feature, field and value and what is
// wrong with it, never a constraint. An entry of checkedBefore marks a constraint the import's
// own checks cover (geometry validity, what it derives). TestConstraintWords fails when a
// constraint has no entry.
var constraintWords = map[string]string{
	"admin_units_check":       "the unit must end after it begins (valid_to after valid_from)",
	"admin_units_check1":      "a ward or district needs the code of the unit above it (parent_code), a province none",
	"admin_units_code_check":  "is not an official unit code (2 to 5 digits)",
	"admin_units_geom_check":  checkedBefore,
	"admin_units_level_check": "is not a level: province, district or ward",
	"admin_units_name_check":  "a unit needs a name",

	"streets_alley_no_check": `is not an alley number as written on the street, e.g. 123 or 123/45`,
	"streets_check":          "an alley needs its street (parent_id) and its number (alley_no), a street neither",
	"streets_geom_check":     checkedBefore,
	"streets_kind_check":     "is not a kind of street: street or alley",
	"streets_name_check":     "a street needs a name",
	"streets_parent_id_fkey": "is not a street of the layer streets",

	"parcels_area_m2_check":   "the legal area must be more than 0 m²",
	"parcels_geom_check":      checkedBefore,
	"parcels_land_use_fkey":   "is not a land-use code of the national list (ODT, ONT, CLN, LUA, TMD, SKC, DGT, DTL, …; table land_use_codes)",
	"parcels_parcel_no_check": "a parcel number (thửa đất số) is a whole number from 1",
	"parcels_sheet_no_check":  "a map sheet number (tờ bản đồ số) is a whole number from 1",
	"parcels_ward_code_check": "is not a ward code: 5 digits",

	"addresses_code_registry":        "is not a registry code: 12 digits with a good check digit",
	"addresses_house_number_check":   "is not a house number",
	"addresses_national_code_digits": "is not a national address code: 10 digits",
	"addresses_old_ward_code_check":  "is not a ward code: 5 digits",
	"addresses_parcel_id_fkey":       "is not a parcel of the layer parcels",
	"addresses_street_id_fkey":       "is not a street of the layer streets",
	"addresses_ward_code_check":      "is not a ward code: 5 digits",

	"plans_geom_check":  checkedBefore,
	"plans_name_check":  "a plan needs a name",
	"plans_scale_check": "is not a plan scale: 500, 1000, 2000, 5000 or 10000 (for 1/500 … 1/10000)",

	"planning_zones_check":              "the minimum floors must not exceed the maximum",
	"planning_zones_density_pct_check":  "building density is a share of the lot, from 0 to 100 %",
	"planning_zones_far_check":          "a floor area ratio (hệ số sử dụng đất) is not negative",
	"planning_zones_floors_max_check":   "a number of floors is not negative",
	"planning_zones_floors_min_check":   "a number of floors is not negative",
	"planning_zones_geom_check":         checkedBefore,
	"planning_zones_height_max_m_check": "a height must be more than 0 m",
	"planning_zones_plan_id_fkey":       "is not a plan of the layer plans",
	"planning_zones_zone_code_check":    "a zone needs a code",

	"road_boundaries_geom_check":     checkedBefore,
	"road_boundaries_plan_id_fkey":   "is not a plan of the layer plans",
	"road_boundaries_street_id_fkey": "is not a street of the layer streets",
	"road_boundaries_width_m_check":  "a planned road width (lộ giới) is more than 0 and at most 200 m",
}

// checkedBefore marks a constraint the import's own checks already cover.
const checkedBefore = "-"

// importConstraint is a CHECK or single-column foreign key of a layer's table.
type importConstraint struct {
	name, kind, def string
	columns         []string
	refTable        string
	refColumn       string
}

const sqlImportConstraints = `
SELECT c.conname, c.contype::text, pg_get_constraintdef(c.oid),
	ARRAY(SELECT a.attname FROM unnest(c.conkey) k JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k ORDER BY a.attnum)::text[],
	coalesce(c.confrelid::regclass::text, ''),
	coalesce((SELECT a.attname FROM pg_attribute a WHERE a.attrelid = c.confrelid AND a.attnum = c.confkey[1]), '')
FROM pg_constraint c
WHERE c.conrelid = $1::regclass AND (c.contype = 'c' OR c.contype = 'f' AND cardinality(c.conkey) = 1)
ORDER BY c.conname`

func loadConstraints(ctx context.Context, tx pgx.Tx, table string) ([]importConstraint, error) {
	rows, _ := tx.Query(ctx, sqlImportConstraints, table)
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (importConstraint, error) {
		var c importConstraint
		err := r.Scan(&c.name, &c.kind, &c.def, &c.columns, &c.refTable, &c.refColumn)
		return c, err
	})
}

// words is what a constraint asks in plain words; a constraint without any (one added to
// the schema since) still gets a sentence naming no constraint.
func (k importConstraint) words() string {
	if w, ok := constraintWords[k.name]; ok {
		return w
	}
	if k.kind == "f" {
		return "is not a row of " + k.refTable
	}
	return "is not allowed by the layer's rules"
}

// constraintChecks evaluates every CHECK and foreign key of the layer's table over the
// import's rows, before anything is written, so that a dry run finds what the real run would
// and every refusal names its feature, field and value.
func (c *importCheck) constraintChecks(ctx context.Context) ([]string, error) {
	cons, err := loadConstraints(ctx, c.tx, c.t.table)
	if err != nil {
		return nil, err
	}
	have := c.have()
	var out []string
	for _, k := range cons {
		if k.words() == checkedBefore || len(k.columns) == 0 || !all(k.columns, have) {
			continue
		}
		var values []string
		for _, col := range k.columns {
			// the value as the file wrote it, else as derived
			values = append(values, fmt.Sprintf(`%s || ' ' || coalesce(quote_literal(coalesce(s.vals->>%s, r.%s::text)), 'empty')`,
				quoteLiteral(col), quoteLiteral(col), pgx.Identifier{col}.Sanitize()))
		}
		detail := fmt.Sprintf(`concat_ws(', ', %s) || ': ' || %s`, strings.Join(values, ", "), quoteLiteral(k.words()))
		field := quoteLiteral(strings.Join(k.columns, ", "))
		if k.kind == "f" {
			col := pgx.Identifier{k.columns[0]}.Sanitize()
			out = append(out, constraintProblem(field, detail,
				fmt.Sprintf(`%s IS NOT NULL AND NOT EXISTS (SELECT 1 FROM %s x WHERE x.%s = import_rows.%s)`, col, k.refTable, pgx.Identifier{k.refColumn}.Sanitize(), col)))
			continue
		}
		expr, ok := strings.CutPrefix(strings.TrimSuffix(k.def, " NOT VALID"), "CHECK ")
		if !ok {
			continue
		}
		out = append(out, constraintProblem(field, detail, "NOT "+expr))
	}
	return out, nil
}

// constraintProblem is a rowProblem whose condition is evaluated over import_rows alone,
// where a constraint's unqualified column names can only mean the row's.
func constraintProblem(field, detail, where string) string {
	return rowProblem(ingest.BadValue, field, detail, ingest.Refused, `r.n IN (SELECT n FROM import_rows WHERE `+where+`)`)
}

func all(names []string, in map[string]bool) bool {
	for _, n := range names {
		if !in[n] {
			return false
		}
	}
	return true
}
