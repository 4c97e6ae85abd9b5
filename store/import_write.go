package store

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"bandoso/ingest"
)

type writeResult struct {
	inserted, updated int
	rejected          []ingest.Problem // rows the database refused, when validation missed it
	moreRejected      int              // refused rows beyond those listed
}

// write applies import_rows to the layer's table: delete first (replace), update by natural
// key (upsert), insert the rest. Should the database refuse a row that the checks let through
// (a CHECK or foreign key), every row is tried on its own to name the ones at fault, and all
// is rolled back.
func (c importCheck) write(ctx context.Context) (writeResult, error) {
	var res writeResult
	if c.mode == ModeReplace {
		if err := c.replace(ctx); err != nil {
			return res, err
		}
	}
	if _, err := c.tx.Exec(ctx, "SAVEPOINT import_write"); err != nil {
		return res, err
	}
	upd, ins := c.updateSQL("true"), c.insertSQL("true")
	err := func() error {
		if upd != "" {
			tag, err := c.tx.Exec(ctx, upd)
			if err != nil {
				return err
			}
			res.updated = int(tag.RowsAffected())
		}
		tag, err := c.tx.Exec(ctx, ins)
		res.inserted = int(tag.RowsAffected())
		return err
	}()
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && (pgErr.Code[:2] == "23" || pgErr.Code[:2] == "22" || pgErr.Code == "P0001") {
		if _, rerr := c.tx.Exec(ctx, "ROLLBACK TO SAVEPOINT import_write"); rerr != nil {
			return res, rerr
		}
		if res.rejected, res.moreRejected, err = c.diagnose(ctx, err); err != nil {
			return res, err
		}
		return res, nil
	}
	if err != nil {
		return res, err
	}
	// The ward totals behind low-zoom parcel tiles follow by themselves: the parcels
	// statements above recomputed the wards they touched (migration 00015).
	// The layer now holds the city's records, which `bandoso demo` must not overwrite.
	_, err = c.tx.Exec(ctx, `UPDATE layers SET updated_at = now(), synthetic = false WHERE name = $1`, c.t.layer)
	return res, err
}

func (c importCheck) keyMatch() string {
	var m []string
	for _, k := range c.t.spec.key {
		id := pgx.Identifier{k}.Sanitize()
		m = append(m, "t."+id+" = r."+id)
	}
	return strings.Join(m, " AND ") + c.currentAnd()
}

func (c importCheck) insertSQL(filter string) string {
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
func (c importCheck) updateSQL(filter string) string {
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
func (c importCheck) replace(ctx context.Context) error {
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

const sqlImportDiagnose = `
CREATE FUNCTION pg_temp.import_diagnose(upd text, ins text) RETURNS TABLE (feature integer, id text, detail text)
LANGUAGE plpgsql AS $$
DECLARE
	r record;
BEGIN
	FOR r IN SELECT i.n, i.src_id FROM import_rows i ORDER BY i.n LOOP
		BEGIN
			IF upd <> '' THEN
				EXECUTE upd USING r.n;
			END IF;
			EXECUTE ins USING r.n;
		EXCEPTION WHEN integrity_constraint_violation OR data_exception OR raise_exception THEN
			feature := r.n; id := r.src_id; detail := SQLERRM;
			RETURN NEXT;
		END;
	END LOOP;
END $$`

// diagnose writes each row on its own, in subtransactions, to name those the database refuses,
// then rolls the lot back. cause is returned when no single row fails.
func (c importCheck) diagnose(ctx context.Context, cause error) ([]ingest.Problem, int, error) {
	if _, err := c.tx.Exec(ctx, sqlImportDiagnose); err != nil {
		return nil, 0, err
	}
	rows, _ := c.tx.Query(ctx, `SELECT feature, coalesce(id, ''), detail FROM pg_temp.import_diagnose($1, $2)`,
		c.updateSQL("r.n = $1"), c.insertSQL("r.n = $1"))
	var out []ingest.Problem
	more := 0
	var p ingest.Problem
	_, err := pgx.ForEachRow(rows, []any{&p.Feature, &p.ID, &p.Detail}, func() error {
		p.Problem, p.Action = ingest.Rejected, ingest.Refused
		if len(out) < MaxListedProblems {
			out = append(out, p)
		} else {
			more++
		}
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	if _, err := c.tx.Exec(ctx, "ROLLBACK TO SAVEPOINT import_write"); err != nil {
		return nil, 0, err
	}
	if len(out) == 0 {
		return nil, 0, cause
	}
	return out, more, nil
}
