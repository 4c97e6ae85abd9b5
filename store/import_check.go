package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"bandoso/ingest"
)

// importCheck runs the set-based checks over import_stage and writes it.
type importCheck struct {
	tx     pgx.Tx
	t      importTarget
	fm     *fieldMap
	mode   string
	fix    bool
	srid   int
	bounds importBounds
}

func (c *importCheck) geomKind() (dim int, allowed string) {
	switch c.t.geomType {
	case "Point":
		return 1, `'POINT'`
	case "LineString":
		return 2, `'LINESTRING', 'MULTILINESTRING'`
	}
	return 3, `'POLYGON', 'MULTIPOLYGON'`
}

// problem is an INSERT of the staged features matching where into import_problems.
func (c *importCheck) problem(code, field, detail, action, where string) string {
	return fmt.Sprintf(`INSERT INTO import_problems SELECT s.n, s.src_id, %s, '%s', %s, %s FROM import_stage s WHERE %s`,
		field, code, detail, action, where)
}

// rowProblem is an INSERT of the rows of import_rows (r, joined to its staged feature s)
// matching where into import_problems.
func rowProblem(code, field, detail, action, where string) string {
	return fmt.Sprintf(`INSERT INTO import_problems SELECT r.n, r.src_id, %s, '%s', %s, '%s'
FROM import_rows r JOIN import_stage s USING (n) WHERE %s`, field, code, detail, action, where)
}

// run computes the problems of every staged feature, set-based, into import_problems, and the
// values to write into import_rows.
func (c *importCheck) run(ctx context.Context) error {
	dim, allowed := c.geomKind()
	fixAction := `'refused'`
	if c.fix {
		fixAction = `'repaired'`
	}
	stmts := []string{
		// the pinned VN-2000 SRIDs transform by their own +towgs84, never PROJ's pick
		`UPDATE import_stage SET g = ST_Transform(geom, 4326) WHERE geom IS NOT NULL`,
		c.problem(ingest.OutOfBounds, `'geometry'`,
			`format('outside the import''s bounds, `+strings.ReplaceAll(c.bounds.name, "'", "''")+`: %s in WGS84, read from %s in EPSG:%s%s', ST_AsText(ST_SnapToGrid(ST_PointOnSurface(s.g), 0.00001)),
				ST_AsText(ST_SnapToGrid(ST_PointOnSurface(s.geom), 0.01)), ST_SRID(s.geom),
				CASE WHEN ST_SRID(s.geom) = 4326 AND abs(ST_X(ST_PointOnSurface(s.geom))) > 180 THEN ' (metres read as degrees: the file''s CRS is not given?)' ELSE '' END)`,
			`'refused'`, `s.g IS NOT NULL AND NOT ST_CoveredBy(s.g, `+c.bounds.envelope()+`)`),
		c.problem(ingest.WrongGeometryType, `'geometry'`,
			fmt.Sprintf(`format('a %%s where layer %s takes %s', GeometryType(s.g))`, c.t.layer, c.t.geomType+"s"),
			`'refused'`, `s.g IS NOT NULL AND GeometryType(s.g) NOT IN (`+allowed+`)`),
		c.problem(ingest.InvalidGeometry, `'geometry'`, `ST_IsValidReason(s.g) || CASE WHEN `+fixAction+` = 'repaired' THEN ' (repaired with ST_MakeValid)' ELSE '' END`,
			fixAction, `s.g IS NOT NULL AND GeometryType(s.g) IN (`+allowed+`) AND NOT ST_IsValid(s.g)`),
	}
	if c.fix {
		stmts = append(stmts,
			fmt.Sprintf(`UPDATE import_stage SET g = ST_CollectionExtract(ST_MakeValid(g), %d) WHERE g IS NOT NULL AND GeometryType(g) IN (%s) AND NOT ST_IsValid(g)`, dim, allowed),
			c.problem(ingest.InvalidGeometry, `'geometry'`, `'ST_MakeValid left nothing of this type'`, `'refused'`, `s.g IS NOT NULL AND ST_IsEmpty(s.g)`))
	}
	if dim > 1 {
		stmts = append(stmts, `UPDATE import_stage SET g = ST_Multi(g) WHERE g IS NOT NULL`)
	}
	stmts = append(stmts, c.rowsSQL())
	if c.t.spec.group {
		stmts = append(stmts, c.groupSQL()...)
	}
	if c.t.spec.rules != nil {
		stmts = append(stmts, c.t.spec.rules(c.have())...)
	}
	stmts = append(stmts, c.fieldChecks()...)
	constraints, err := c.constraintChecks(ctx)
	if err != nil {
		return err
	}
	stmts = append(stmts, constraints...)
	for _, q := range stmts {
		if _, err := c.tx.Exec(ctx, q); err != nil {
			return fmt.Errorf("import check: %w", err)
		}
	}
	return nil
}

// columns are the columns import writes: those some feature or --set supplied, the derived
// ones and the geometry.
func (c *importCheck) columns() []importColumn {
	var cols []importColumn
	for _, col := range c.t.columns {
		_, derived := c.t.spec.derived[col.name]
		if (col.writable && c.fm.supplied[col.name]) || derived {
			cols = append(cols, col)
		}
	}
	return cols
}

// have says which columns import_rows holds.
func (c *importCheck) have() map[string]bool {
	have := map[string]bool{"geom": true}
	for _, col := range c.columns() {
		have[col.name] = true
	}
	for name := range c.t.spec.computed {
		have[name] = true
	}
	return have
}

// rowsSQL builds import_rows: every staged feature's values cast to their columns' types,
// with derived values (ward at the point, street by name, plan around the zone) filled in,
// and whether it is refused (a problem found while reading it, or later).
func (c *importCheck) rowsSQL() string {
	sel := []string{"s.n", "s.src_id", "s.street", "s.reported", "s.g AS geom", "s.refused"}
	for _, col := range c.columns() {
		v := fmt.Sprintf("(s.vals->>%s)::%s", quoteLiteral(col.name), col.typ)
		if tmpl, ok := c.t.spec.derived[col.name]; ok {
			if strings.Contains(tmpl, "%") {
				v = fmt.Sprintf(tmpl, v)
			} else {
				v = tmpl
			}
		}
		sel = append(sel, v+" AS "+pgx.Identifier{col.name}.Sanitize())
	}
	for name, expr := range c.t.spec.computed {
		sel = append(sel, expr+" AS "+pgx.Identifier{name}.Sanitize())
	}
	return "CREATE TEMP TABLE import_rows ON COMMIT DROP AS SELECT " + strings.Join(sel, ", ") + " FROM import_stage s"
}

// groupSQL joins the features of one key into the first of them: its geometry becomes
// their lines merged, the others are said to join it and leave import_rows.
func (c *importCheck) groupSQL() []string {
	var keys []string
	for _, k := range c.t.spec.key {
		keys = append(keys, pgx.Identifier{k}.Sanitize())
	}
	part := strings.Join(keys, ", ")
	return []string{`
CREATE TEMP TABLE import_groups ON COMMIT DROP AS
SELECT n, first_value(n) OVER (PARTITION BY ` + part + ` ORDER BY n) AS first
FROM import_rows WHERE geom IS NOT NULL AND ` + strings.Join(keys, " IS NOT NULL AND ") + ` IS NOT NULL`, `
UPDATE import_rows r SET geom = m.geom
FROM (SELECT g.first, ST_Multi(ST_LineMerge(ST_Collect(d.geom ORDER BY r.n, d.path))) AS geom
	FROM import_groups g JOIN import_rows r USING (n), ST_Dump(r.geom) d GROUP BY g.first HAVING count(DISTINCT r.n) > 1) m
WHERE r.n = m.first`,
		rowProblem(ingest.Merged, `'geometry'`, `format('joins feature %s as one %s: the same %s', (SELECT g.first FROM import_groups g WHERE g.n = r.n), `+quoteLiteral(strings.TrimSuffix(c.t.layer, "s"))+`, `+quoteLiteral(c.t.spec.keyName)+`)`,
			ingest.Warning, `EXISTS (SELECT 1 FROM import_groups g WHERE g.n = r.n AND g.n <> g.first)`),
		`DELETE FROM import_rows r USING import_groups g WHERE g.n = r.n AND g.n <> g.first`,
	}
}

// fieldChecks: streets that no street matches, required values still missing, keys twice in
// the file or, appending, already in the layer.
func (c *importCheck) fieldChecks() []string {
	have := c.have()
	var out []string
	if c.t.isVirtual("street") && have["street_id"] {
		out = append(out, rowProblem(ingest.UnknownStreet, `'street'`, `format('no street named %L in the layer streets', r.street)`,
			ingest.Refused, `r.street_id IS NULL AND r.street IS NOT NULL`))
	}
	for _, col := range c.t.columns {
		if !col.required || !col.writable && c.t.spec.derived[col.name] == "" {
			continue
		}
		id := pgx.Identifier{col.name}.Sanitize()
		where := fmt.Sprintf(`NOT (%s = ANY(r.reported))`, quoteLiteral(col.name))
		if have[col.name] {
			where += " AND r." + id + " IS NULL"
		}
		if col.name == "street_id" {
			where += " AND r.street IS NULL"
		}
		out = append(out, rowProblem(ingest.MissingField, quoteLiteral(col.name), quoteLiteral(col.name+" is required and the feature has no value for it"), ingest.Refused, where))
	}
	if len(c.t.spec.key) == 0 {
		return out
	}
	for _, k := range c.t.spec.key {
		if !have[k] {
			// No feature gave this key column, so import_rows lacks it: no feature has a
			// whole key to be duplicated, and a required one is reported missing above.
			return out
		}
	}
	var keyCols, match, notNull []string
	for _, k := range c.t.spec.key {
		id := pgx.Identifier{k}.Sanitize()
		keyCols = append(keyCols, "r."+id)
		match = append(match, "t."+id+" = r."+id)
		notNull = append(notNull, "r."+id+" IS NOT NULL")
	}
	keyText := "concat_ws(', ', " + strings.Join(keyCols, ", ") + ")"
	keyName := quoteLiteral(strings.Join(c.t.spec.key, ", "))
	if c.t.spec.keyValue != "" {
		keyText, keyName = c.t.spec.keyValue, quoteLiteral(c.t.spec.keyName)
	}
	out = append(out, fmt.Sprintf(`INSERT INTO import_problems
SELECT d.n, d.src_id, %s, '%s', format('key (%%s) = (%%s) is also feature %%s of the file', %s, d.k, d.first), 'refused'
FROM (SELECT r.n, r.src_id, %s AS k, first_value(r.n) OVER (PARTITION BY %s ORDER BY r.n) AS first FROM import_rows r WHERE %s) d
WHERE d.n <> d.first`, keyName, ingest.DuplicateKey, keyName, keyText, strings.Join(keyCols, ", "), strings.Join(notNull, " AND ")))
	if c.mode == ModeAppend {
		out = append(out, rowProblem(ingest.DuplicateKey, keyName,
			fmt.Sprintf(`format('key (%%s) = (%%s) is in layer %s already (import in mode upsert to update it)', %s, %s)`, c.t.layer, keyName, keyText),
			ingest.Refused, fmt.Sprintf(`EXISTS (SELECT 1 FROM %s t WHERE %s%s)`, pgx.Identifier{c.t.table}.Sanitize(), strings.Join(match, " AND "), c.currentAnd())))
	}
	return out
}

// currentAnd restricts the table's rows (alias t) to those the natural key is unique among.
func (c *importCheck) currentAnd() string {
	if c.t.spec.current == "" {
		return ""
	}
	return " AND " + c.t.spec.current
}

// collect adds the SQL checks' problems to the report.
func (c *importCheck) collect(ctx context.Context, log problemLog) error {
	rows, _ := c.tx.Query(ctx, `SELECT n, coalesce(src_id, ''), coalesce(field, ''), code, coalesce(detail, ''), action FROM import_problems ORDER BY n, code`)
	var p ingest.Problem
	_, err := pgx.ForEachRow(rows, []any{&p.Feature, &p.ID, &p.Field, &p.Problem, &p.Detail, &p.Action}, func() error {
		log.add(p)
		return nil
	})
	return err
}

// markRefused flags in import_rows every feature with a refused problem, found while reading
// or by the checks, and counts them.
func (c *importCheck) markRefused(ctx context.Context) (int, error) {
	var n int
	err := c.tx.QueryRow(ctx, `
WITH refused AS (
	SELECT n FROM import_problems WHERE action = 'refused' UNION SELECT n FROM import_stage WHERE refused
), marked AS (
	UPDATE import_rows r SET refused = true FROM refused x WHERE x.n = r.n AND NOT r.refused
)
SELECT count(*) FROM refused`).Scan(&n)
	return n, err
}
