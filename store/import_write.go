package store

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/paulmach/orb/encoding/ewkb"
	"github.com/paulmach/orb/geojson"

	"bandoso/ingest"
)

type writeResult struct {
	inserted, updated int
}

// maxWriteAttempts bounds how often a skipping import writes again after the database
// refused rows its checks let through.
const maxWriteAttempts = 3

// write applies the rows not refused to the layer's table: delete first (replace), update by
// natural key (upsert), insert the rest. Should the database refuse a row that the checks let
// through, every row is tried on its own to name the ones at fault, they become refused, and,
// when skipping, the others are written again.
func (c *importCheck) write(ctx context.Context, skip bool, log problemLog) (writeResult, error) {
	if c.mode == ModeReplace {
		if err := c.replace(ctx); err != nil {
			return writeResult{}, err
		}
	}
	for attempt := 1; ; attempt++ {
		res, err := c.writeOnce(ctx)
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) || !rowError(pgErr) {
			return res, err
		}
		if _, rerr := c.tx.Exec(ctx, "ROLLBACK TO SAVEPOINT import_write"); rerr != nil {
			return res, rerr
		}
		found, derr := c.diagnose(ctx)
		if derr != nil {
			return res, derr
		}
		if len(found) == 0 {
			return res, err
		}
		for _, p := range found {
			log.add(p)
		}
		if _, err := c.markRefused(ctx); err != nil {
			return res, err
		}
		if !skip {
			return writeResult{}, nil
		}
		if attempt == maxWriteAttempts {
			return res, fmt.Errorf("store: import: the database still refuses rows after %d attempts: %w", attempt, err)
		}
	}
}

// rowError: the database refused a row's values (a constraint, a bad value, a trigger), not
// the statement.
func rowError(e *pgconn.PgError) bool {
	return strings.HasPrefix(e.Code, "23") || strings.HasPrefix(e.Code, "22") || e.Code == "P0001"
}

func (c *importCheck) writeOnce(ctx context.Context) (writeResult, error) {
	var res writeResult
	if _, err := c.tx.Exec(ctx, "SAVEPOINT import_write"); err != nil {
		return res, err
	}
	if upd := c.updateSQL("NOT r.refused"); upd != "" {
		tag, err := c.tx.Exec(ctx, upd)
		if err != nil {
			return res, err
		}
		res.updated = int(tag.RowsAffected())
	}
	tag, err := c.tx.Exec(ctx, c.insertSQL("NOT r.refused"))
	res.inserted = int(tag.RowsAffected())
	// The ward totals behind low-zoom parcel tiles follow by themselves: the parcels
	// statements above recomputed the wards they touched (migration 00015).
	return res, err
}

func (c *importCheck) keyMatch() string {
	var m []string
	for _, k := range c.t.spec.key {
		id := pgx.Identifier{k}.Sanitize()
		m = append(m, "t."+id+" = r."+id)
	}
	return strings.Join(m, " AND ") + c.currentAnd()
}

func (c *importCheck) insertSQL(filter string) string {
	var cols, vals []string
	for _, col := range append(c.columns(), importColumn{name: "geom"}) {
		id := pgx.Identifier{col.name}.Sanitize()
		cols, vals = append(cols, id), append(vals, "r."+id)
	}
	table := pgx.Identifier{c.t.table}.Sanitize()
	q := fmt.Sprintf("INSERT INTO %s (%s) SELECT %s FROM import_rows r WHERE %s", table, strings.Join(cols, ", "), strings.Join(vals, ", "), filter)
	if c.mode == ModeUpsert {
		q += fmt.Sprintf(" AND NOT EXISTS (SELECT 1 FROM %s t WHERE %s)", table, c.keyMatch())
	}
	return q + " ORDER BY r.n"
}

// updateSQL sets the columns the file supplied, never the key or what the layer implies.
func (c *importCheck) updateSQL(filter string) string {
	if c.mode != ModeUpsert {
		return ""
	}
	skip := map[string]bool{}
	for _, k := range append(append([]string{}, c.t.spec.key...), c.t.spec.readOnly...) {
		skip[k] = true
	}
	var set []string
	for _, col := range append(c.columns(), importColumn{name: "geom"}) {
		if !skip[col.name] {
			id := pgx.Identifier{col.name}.Sanitize()
			set = append(set, id+" = r."+id)
		}
	}
	return fmt.Sprintf("UPDATE %s t SET %s FROM import_rows r WHERE %s AND %s", pgx.Identifier{c.t.table}.Sanitize(), strings.Join(set, ", "), c.keyMatch(), filter)
}

// replace deletes the layer's rows, refusing when other tables reference any of them: deleting
// would cascade into, or orphan, data the file does not carry.
func (c *importCheck) replace(ctx context.Context) error {
	rows, _ := c.tx.Query(ctx, `
SELECT c.conrelid::regclass::text, a.attname FROM pg_constraint c
JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
WHERE c.contype = 'f' AND c.confrelid = $1::regclass AND c.conrelid <> c.confrelid`, c.t.table)
	refs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) ([2]string, error) {
		var ref [2]string
		return ref, r.Scan(&ref[0], &ref[1])
	})
	if err != nil {
		return err
	}
	table := pgx.Identifier{c.t.table}.Sanitize()
	filter := "true"
	if c.t.rowFilter != "" {
		filter = c.t.rowFilter
	}
	for _, ref := range refs {
		var used bool
		q := fmt.Sprintf("SELECT EXISTS (SELECT 1 FROM %s x WHERE x.%s IN (SELECT id FROM %s WHERE %s))", ref[0], pgx.Identifier{ref[1]}.Sanitize(), table, filter)
		if err := c.tx.QueryRow(ctx, q).Scan(&used); err != nil {
			return err
		}
		if used {
			return &ImportParamError{Param: "mode", Reason: fmt.Sprintf("replace would delete rows of layer %s that %s.%s references: use upsert or append", c.t.layer, ref[0], ref[1])}
		}
	}
	_, err = c.tx.Exec(ctx, fmt.Sprintf("DELETE FROM %s WHERE %s", table, filter))
	return err
}

// sqlImportDiagnose writes each row on its own in a subtransaction and returns those the
// database refuses with what refused them.
const sqlImportDiagnose = `
CREATE FUNCTION pg_temp.import_diagnose(upd text, ins text)
RETURNS TABLE (feature integer, id text, state text, con text, col text, message text)
LANGUAGE plpgsql AS $$
DECLARE
	r record;
BEGIN
	FOR r IN SELECT i.n, i.src_id FROM import_rows i WHERE NOT i.refused ORDER BY i.n LOOP
		BEGIN
			IF upd <> '' THEN
				EXECUTE upd USING r.n;
			END IF;
			EXECUTE ins USING r.n;
		EXCEPTION WHEN integrity_constraint_violation OR data_exception OR raise_exception THEN
			feature := r.n; id := r.src_id;
			GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, con = CONSTRAINT_NAME, col = COLUMN_NAME, message = MESSAGE_TEXT;
			RETURN NEXT;
		END;
	END LOOP;
END $$`

// diagnose names the rows the database refuses, in plain words, records them as refused
// problems, then rolls the writes back.
func (c *importCheck) diagnose(ctx context.Context) ([]ingest.Problem, error) {
	if _, err := c.tx.Exec(ctx, `DROP FUNCTION IF EXISTS pg_temp.import_diagnose(text, text)`); err != nil {
		return nil, err
	}
	if _, err := c.tx.Exec(ctx, sqlImportDiagnose); err != nil {
		return nil, err
	}
	cons, err := loadConstraints(ctx, c.tx, c.t.table)
	if err != nil {
		return nil, err
	}
	byName := map[string]importConstraint{}
	for _, k := range cons {
		byName[k.name] = k
	}
	rows, _ := c.tx.Query(ctx, `SELECT feature, coalesce(id, ''), state, con, col, message FROM pg_temp.import_diagnose($1, $2)`,
		c.updateSQL("NOT r.refused AND r.n = $1"), c.insertSQL("NOT r.refused AND r.n = $1"))
	var out []ingest.Problem
	var state, con, col, msg string
	var p ingest.Problem
	_, err = pgx.ForEachRow(rows, []any{&p.Feature, &p.ID, &state, &con, &col, &msg}, func() error {
		p.Problem, p.Action = ingest.Rejected, ingest.Refused
		p.Field, p.Detail = refusalWords(state, con, col, msg, byName)
		out = append(out, p)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if _, err := c.tx.Exec(ctx, "ROLLBACK TO SAVEPOINT import_write"); err != nil {
		return nil, err
	}
	for _, p := range out {
		if _, err := c.tx.Exec(ctx, `INSERT INTO import_problems VALUES ($1, nullif($2, ''), $3, $4, $5, $6)`,
			p.Feature, p.ID, p.Field, p.Problem, p.Detail, p.Action); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// uniqueWords are the unique constraints a row can run into that the key check does not
// cover.
var uniqueWords = map[string]string{
	"addresses_code_key":   "this address code is another address's already",
	"addresses_number_key": "this house number is on this street already",
	"parcels_key":          "a parcel with this ward, sheet and number exists already",
	"planning_zones_key":   "this plan has a zone with this code already",
}

// refusalWords turns what the database said about a refused row into a field and plain
// words.
func refusalWords(state, con, col, msg string, cons map[string]importConstraint) (field, detail string) {
	k, known := cons[con]
	if known {
		field = strings.Join(k.columns, ", ")
	}
	switch {
	case state == "23502":
		return col, col + " is required and the feature has no value for it"
	case uniqueWords[con] != "":
		return field, uniqueWords[con]
	case known:
		return field, k.words()
	case strings.HasPrefix(state, "23"):
		return col, "the layer's rules refuse it"
	}
	return col, msg // a value the column cannot hold, or a trigger's own message
}

// rejects hands every refused feature, as the file had it, to fn in file order.
func (c *importCheck) rejects(ctx context.Context, problems []ingest.Problem, fn func(ingest.RejectedFeature) error) error {
	byFeature := map[int][]ingest.Problem{}
	for _, p := range problems {
		byFeature[p.Feature] = append(byFeature[p.Feature], p)
	}
	rows, _ := c.tx.Query(ctx, `
SELECT s.n, coalesce(s.src_id, ''), s.props, ST_AsEWKB(s.geom), s.raw_geom
FROM import_stage s
WHERE s.refused OR EXISTS (SELECT 1 FROM import_problems p WHERE p.n = s.n AND p.action = 'refused')
ORDER BY s.n`)
	var f ingest.RejectedFeature
	var geom []byte
	var raw *string
	_, err := pgx.ForEachRow(rows, []any{&f.N, &f.ID, &f.Props, &geom, &raw}, func() error {
		f.Geom = nil
		if geom != nil {
			g, _, err := ewkb.Unmarshal(geom)
			if err != nil {
				return err
			}
			f.Geom = g
		} else if raw != nil {
			g, err := geojson.UnmarshalGeometry([]byte(*raw))
			if err != nil {
				return err
			}
			f.Geom = g.Geometry()
		}
		f.Problems, f.SRID = byFeature[f.N], c.srid
		err := fn(f)
		f.Props = nil
		return err
	})
	return err
}
