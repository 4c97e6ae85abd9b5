package store

import (
	"fmt"

	"bandoso/ingest"
)

// The layers' own checks: what the official lists say of a unit, and values that are allowed
// but implausible (a FAR of 60 is a misplaced decimal point, not a plan). They warn; the file
// is still written.

// wardRules compare a ward file with the official list of its era.
func wardRules(current bool) []string {
	official := `(SELECT o FROM admin_official o WHERE o.era = '` + officialEra(current) + `' AND o.level = 'ward' AND o.code = r.code)`
	list := "the official list of wards before 1 July 2025"
	if current {
		list = "the official list of wards from 1 July 2025"
	}
	var out []string
	for _, f := range []string{"name", "kind", "parent_code"} {
		out = append(out, rowProblem(ingest.OfficialValue, quoteLiteral(f),
			fmt.Sprintf(`format('the file has %%L; %s gives %%L, which is kept', s.vals->>%s, (%s).%s)`, list, quoteLiteral(f), official, f),
			ingest.Warning, fmt.Sprintf(`s.vals ? %s AND (%s).code IS NOT NULL AND s.vals->>%s <> (%s).%s`, quoteLiteral(f), official, quoteLiteral(f), official, f)))
	}
	out = append(out, rowProblem(ingest.NotOfficial, `'code'`,
		fmt.Sprintf(`format('code %%s is not in %s (a unit abolished before then?): written as the file names it, %%L', r.code, r.name)`, list),
		ingest.Warning, `r.code IS NOT NULL AND (`+official+`).code IS NULL`))
	return out
}

// parcelRules: a cadastral ward found by location is said, and a legal area far from the
// polygon's.
func parcelRules(have map[string]bool) []string {
	out := []string{rowProblem(ingest.Derived, `'ward_code'`,
		`format('no cadastral ward in the file: %s (%s) found by location among the wards before 2025', r.ward_code,
			(SELECT u.name FROM admin_units u WHERE u.level = 'ward' AND u.code = r.ward_code AND u.valid_to = DATE '`+ReformDate+`'))`,
		ingest.Warning, `NOT s.vals ? 'ward_code' AND r.ward_code IS NOT NULL`)}
	if have["area_m2"] {
		out = append(out, rowProblem(ingest.Implausible, `'area_m2'`,
			`format('the legal area, %s m², is %s %% off the polygon''s %s m²', r.area_m2,
				round(100 * abs(r.area_m2 / ST_Area(r.geom::geography)::numeric - 1)), round(ST_Area(r.geom::geography)::numeric, 1))`,
			ingest.Warning, `r.area_m2 > 0 AND r.geom IS NOT NULL AND ST_Area(r.geom::geography) > 0
				AND abs(r.area_m2 / ST_Area(r.geom::geography)::numeric - 1) > 0.2`))
	}
	return out
}

// zoneLimits are the values of a planning zone past which it is implausible: no plan in
// Vietnam allows a FAR over 13 or over 100 floors.
var zoneLimits = []struct{ column, limit, words string }{
	{"far", "13", "a floor area ratio over 13, more than any plan allows (a misplaced decimal point?)"},
	{"floors_max", "100", "over 100 floors"},
	{"floors_min", "100", "over 100 floors"},
	{"height_max_m", "500", "a height over 500 m"},
}

func zoneRules(have map[string]bool) []string {
	var out []string
	for _, z := range zoneLimits {
		if !have[z.column] {
			continue
		}
		out = append(out, rowProblem(ingest.Implausible, quoteLiteral(z.column),
			fmt.Sprintf(`format('%%s %%s: %s', %s, r.%s)`, z.words, quoteLiteral(z.column), z.column),
			ingest.Warning, fmt.Sprintf(`r.%s > %s`, z.column, z.limit)))
	}
	return out
}
