package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
)

// Import modes.
const (
	ModeAppend  = "append"  // insert every feature; a key already in the layer is a problem
	ModeUpsert  = "upsert"  // update rows with the same natural key, insert the others
	ModeReplace = "replace" // delete the layer's rows, then insert
)

// importTable is what import knows of a layer's table beyond the catalog: its natural key, the
// rows that key is unique among, the values a column takes when the file does not give one
// (SQL over the staged row s, with %s the file's value, already cast), and the layer's own
// checks (SQL inserting into import_problems, given the columns import_rows has).
type importTable struct {
	key      []string
	current  string            // filter on the table's rows (alias t) the key is unique among
	derived  map[string]string // column → SQL expression
	virtual  []string          // targets that are not columns (resolved in Go or SQL)
	upsert   bool              // the layer's default mode is upsert
	readOnly []string          // columns import never writes
	// computed are columns the table generates, computed in import_rows too (SQL over the
	// staged row s) for the key to compare, and never written
	computed map[string]string
	// keyName and keyValue say a key in words (SQL over the row r), where its columns do not
	keyName, keyValue string
	// group merges the file's features of one key into one row, their lines joined
	group bool
	rules func(have map[string]bool) []string
}

const wardAtPoint = `(SELECT u.code FROM admin_units u WHERE u.level = 'ward' AND %s AND u.geom IS NOT NULL
	AND ST_Covers(u.geom, ST_PointOnSurface(s.g)) ORDER BY u.code LIMIT 1)`

// wardKind is the kind word a ward's name starts with (Phường, Xã, Thị trấn, Đặc khu).
const wardKind = `(SELECT k FROM unnest(ARRAY['Phường', 'Xã', 'Thị trấn', 'Đặc khu']) k WHERE lower(%s) LIKE lower(k) || ' %%%%' LIMIT 1)`

func wardEra(current bool) string {
	if current {
		return "u.valid_to IS NULL"
	}
	return "u.valid_to = DATE '" + ReformDate + "'"
}

// importTables: by layer name where the layer decides (the two ward systems share a table),
// else by table name.
var importTables = map[string]importTable{
	"wards":      wardImport(true),
	"wards_2024": wardImport(false),
	"parcels": {key: []string{"ward_code", "sheet_no", "parcel_no"},
		// a parcel is named by its cadastral ward, the ward its map sheet was drawn for: one
		// of the wards before 2025, never the current one (27286 is both old Phường 3, Quận 4
		// and new Phường Vĩnh Hội)
		derived: map[string]string{"ward_code": "coalesce(%s, " + fmt.Sprintf(wardAtPoint, wardEra(false)) + ")"},
		rules:   parcelRules},
	// a house number is unique on its street by its canonical form ("25b" is "25B")
	"addresses": {key: []string{"street_id", "number_norm"}, virtual: []string{"address", "street"}, readOnly: []string{"code", "national_code"},
		computed: map[string]string{"number_norm": `house_number_norm(s.vals->>'house_number')`},
		keyName:  "street, house number",
		keyValue: `concat_ws(', ', (SELECT st.name FROM streets st WHERE st.id = r.street_id), r.house_number)`,
		derived: map[string]string{
			// the street of that name nearest to the address ("Đường Pasteur" is Pasteur), each
			// street being one name in one ward; the index of names and lines finds it
			"street_id":     `coalesce(%s, (SELECT st.id FROM streets st WHERE st.name_key = street_key(s.street) ORDER BY st.geom <-> s.g LIMIT 1))`,
			"ward_code":     "coalesce(%s, " + fmt.Sprintf(wardAtPoint, wardEra(true)) + ")",
			"old_ward_code": "coalesce(%s, " + fmt.Sprintf(wardAtPoint, wardEra(false)) + ")",
		}},
	// a street is one name in one ward: the file's segments of it become one street
	"streets": {key: []string{"name_key", "ward_code"}, group: true,
		computed: map[string]string{"name_key": `street_key(s.vals->>'name')`},
		derived: map[string]string{"ward_code": `coalesce(%s, (SELECT u.code FROM admin_units u, ST_LineInterpolatePoint(ST_GeometryN(s.g, 1), 0.5) m
			WHERE u.level = 'ward' AND u.valid_to IS NULL AND u.geom IS NOT NULL AND ST_DWithin(u.geom, m, ` + wardReachDeg + `)
			ORDER BY ST_Distance(u.geom, m), u.code LIMIT 1))`},
		keyName: "name, ward", keyValue: `concat_ws(', ', (SELECT vals->>'name' FROM import_stage x WHERE x.n = r.n), r.ward_code)`},
	"planning_zones": {key: []string{"plan_id", "zone_code"},
		derived: map[string]string{"plan_id": `coalesce(%s, (SELECT p.id FROM plans p WHERE ST_Covers(p.geom, ST_PointOnSurface(s.g)) ORDER BY ST_Area(p.geom), p.id LIMIT 1))`},
		rules:   zoneRules},
}

// wardImport: a boundary file's units are mostly known already: migration 00011 loads Hanoi's
// and Ho Chi Minh City's units without geometry, and the official lists of the whole country
// (admin_official, 00019) name every unit's code. So the ward layers update by code; the layer
// implies the level and the era; a unit in the official list keeps its official name, kind
// and parent whatever the file says (a differing value is a warning), and one that is not
// (abolished before 2025) takes the file's, its kind read from its name where not given.
func wardImport(current bool) importTable {
	era := strings.ReplaceAll(wardEra(current), "u.", "t.")
	existing := `(SELECT t.%[1]s FROM admin_units t WHERE t.level = 'ward' AND t.code = s.vals->>'code' AND ` + era + `)`
	official := `(SELECT o.%[1]s FROM admin_official o WHERE o.era = '` + officialEra(current) + `' AND o.level = 'ward' AND o.code = s.vals->>'code')`
	validFrom := `DATE '` + ReformDate + `'`
	validTo := `NULL::date`
	parent := `coalesce(` + fmt.Sprintf(official, "parent_code") + `, %s, ` + fmt.Sprintf(existing, "parent_code") + `)`
	if !current {
		validFrom = `coalesce(` + fmt.Sprintf(existing, "valid_from") + `, (SELECT min(t.valid_from) FROM admin_units t WHERE t.level = 'ward' AND ` + era + `), DATE '2021-01-01')`
		validTo = `DATE '` + ReformDate + `'`
		// a unit the lists do not know is placed in the district under it, where districts
		// have boundaries
		parent = `coalesce(` + fmt.Sprintf(official, "parent_code") + `, %s, ` + fmt.Sprintf(existing, "parent_code") + `,
			(SELECT d.code FROM admin_units d WHERE d.level = 'district' AND d.valid_to = DATE '` + ReformDate + `' AND d.geom IS NOT NULL
				AND ST_Covers(d.geom, ST_PointOnSurface(s.g)) ORDER BY d.code LIMIT 1))`
	}
	name := func(file string) string {
		return `coalesce(` + fmt.Sprintf(official, "name") + `, ` + file + `, ` + fmt.Sprintf(existing, "name") + `)`
	}
	return importTable{
		key: []string{"level", "code"}, current: era, upsert: true, readOnly: []string{"level", "valid_from", "valid_to", "source"},
		derived: map[string]string{
			"level":       `'ward'`,
			"valid_from":  validFrom,
			"valid_to":    validTo,
			"name":        name("%[1]s"),
			"kind":        `coalesce(` + fmt.Sprintf(official, "kind") + `, %[1]s, ` + fmt.Sprintf(wardKind, name(`nullif(s.vals->>'name', '')`)) + `, ` + fmt.Sprintf(existing, "kind") + `)`,
			"parent_code": parent,
		},
		rules: func(have map[string]bool) []string { return wardRules(current) },
	}
}

func officialEra(current bool) string {
	if current {
		return "new"
	}
	return "old"
}

// importColumn is a column of a layer's table as import sees it.
type importColumn struct {
	name     string
	typ      string // format_type: integer, numeric(4,2), text, date, …
	required bool   // NOT NULL without a default
	writable bool
}

// importTarget is a layer resolved for import.
type importTarget struct {
	layer, table, rowFilter, geomType string
	columns                           []importColumn
	spec                              importTable
}

const sqlImportLayer = `SELECT table_name, coalesce(row_filter, ''), geometry_type FROM layers WHERE name = $1`

const sqlImportColumns = `
SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull AND NOT a.atthasdef AND a.attidentity = '',
	a.attgenerated = '' AND a.attidentity <> 'a'
FROM pg_attribute a
WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum`

func loadImportTarget(ctx context.Context, tx pgx.Tx, layer string) (importTarget, error) {
	t := importTarget{layer: layer}
	if err := tx.QueryRow(ctx, sqlImportLayer, layer).Scan(&t.table, &t.rowFilter, &t.geomType); err != nil {
		if err == pgx.ErrNoRows {
			return t, fmt.Errorf("%w: layer %q", ErrNotFound, layer)
		}
		return t, err
	}
	t.spec = importTables[layer]
	if _, ok := importTables[layer]; !ok {
		t.spec = importTables[t.table]
	}
	rows, _ := tx.Query(ctx, sqlImportColumns, t.table)
	var err error
	t.columns, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (importColumn, error) {
		var c importColumn
		err := r.Scan(&c.name, &c.typ, &c.required, &c.writable)
		switch c.name {
		case "id", "sys_from", "geom":
			c.writable = false
		}
		for _, ro := range t.spec.readOnly {
			if c.name == ro {
				c.writable = false
			}
		}
		return c, err
	})
	return t, err
}

// column finds a writable column by name.
func (t importTarget) column(name string) (importColumn, bool) {
	for _, c := range t.columns {
		if c.name == name && c.writable {
			return c, true
		}
	}
	return importColumn{}, false
}

func (t importTarget) isVirtual(name string) bool {
	for _, v := range t.spec.virtual {
		if v == name {
			return true
		}
	}
	return false
}

// targets lists what --map and --set may name, for messages.
func (t importTarget) targets() string {
	var names []string
	for _, c := range t.columns {
		if c.writable {
			names = append(names, c.name)
		}
	}
	return strings.Join(append(names, t.spec.virtual...), ", ")
}
