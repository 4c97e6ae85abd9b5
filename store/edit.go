package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// Edit is one change to a feature of a layer, made by Actor for Reason (both go to the audit
// log and the feature's history).
type Edit struct {
	Layer         LayerRow
	Actor, Reason string
	// Geometry is a GeoJSON geometry in WGS84; nil keeps the feature's (PatchFeature only).
	Geometry json.RawMessage
	// Properties are JSON values by property name. JSON null is NULL; PatchFeature leaves
	// the properties absent here as they are, ReplaceFeature sets them to NULL or their default.
	Properties map[string]json.RawMessage
	// Expect is the version the change is based on: a feature at any other version is a
	// StaleError. nil changes whatever version is current.
	Expect *Version
}

// Saved is a feature as it now is: its id, version and GeoJSON Feature (WGS84), whose
// properties are the layer's fields and every writable column, so that it can be edited
// and sent back whole.
type Saved struct {
	ID      int64
	Version Version
	Feature json.RawMessage
}

// EditableFeature returns feature id of layer l, or ErrNotFound.
func (db *DB) EditableFeature(ctx context.Context, l LayerRow, id int64) (Saved, error) {
	var s Saved
	err := db.readTx(ctx, func(tx pgx.Tx) error {
		tc, err := db.columns(ctx, l.Table, l.IDColumn)
		if err != nil {
			return err
		}
		s, err = readSaved(ctx, tx, l, tc, id)
		return err
	})
	return s, translate(err)
}

// CreateFeature inserts a feature into layer l's table and returns it. Properties left out
// take their column's default.
func (db *DB) CreateFeature(ctx context.Context, e Edit) (Saved, error) {
	return db.edit(ctx, e, func(tx pgx.Tx, tc tableColumns, vals []value, args *sqlArgs) (int64, error) {
		geom, err := geometryExpr(ctx, tx, e.Layer, geomColumn(tc, e.Layer), e.Geometry, args.add(string(e.Geometry)))
		if err != nil {
			return 0, err
		}
		var cols, exprs []string
		for _, v := range vals {
			cols = append(cols, ident(v.col.Name))
			exprs = append(exprs, args.add(v.text)+"::"+v.col.Type)
		}
		cols, exprs = append(cols, ident(e.Layer.GeomColumn)), append(exprs, geom)
		var id int64
		err = tx.QueryRow(ctx, fmt.Sprintf("INSERT INTO %s (%s) VALUES (%s) RETURNING %s", ident(e.Layer.Table),
			strings.Join(cols, ", "), strings.Join(exprs, ", "), ident(e.Layer.IDColumn)), args.list...).Scan(&id)
		return id, err
	})
}

// ReplaceFeature replaces feature id's geometry and all its writable properties: those left
// out become NULL or their column's default.
func (db *DB) ReplaceFeature(ctx context.Context, id int64, e Edit) (Saved, error) {
	return db.update(ctx, id, e, true)
}

// PatchFeature applies a JSON merge patch (RFC 7396) to feature id's properties: members set
// their property, null clears it, absent ones stay; a geometry, if given, replaces the
// feature's.
func (db *DB) PatchFeature(ctx context.Context, id int64, e Edit) (Saved, error) {
	return db.update(ctx, id, e, false)
}

func (db *DB) update(ctx context.Context, id int64, e Edit, replace bool) (Saved, error) {
	return db.edit(ctx, e, func(tx pgx.Tx, tc tableColumns, vals []value, args *sqlArgs) (int64, error) {
		var sets []string
		if e.Geometry != nil || replace {
			geom, err := geometryExpr(ctx, tx, e.Layer, geomColumn(tc, e.Layer), e.Geometry, args.add(string(e.Geometry)))
			if err != nil {
				return 0, err
			}
			sets = append(sets, ident(e.Layer.GeomColumn)+" = "+geom)
		}
		given := map[string]bool{}
		for _, v := range vals {
			given[v.col.Name] = true
			sets = append(sets, ident(v.col.Name)+" = "+args.add(v.text)+"::"+v.col.Type)
		}
		if replace {
			for _, c := range tc.writable() {
				if !given[c.Name] {
					sets = append(sets, ident(c.Name)+" = DEFAULT")
				}
			}
		}
		if len(sets) == 0 { // an empty patch changes nothing and makes no version
			return id, currentVersion(ctx, tx, e, id)
		}
		sql := fmt.Sprintf("UPDATE %s AS t SET %s WHERE %s RETURNING t.%s", ident(e.Layer.Table),
			strings.Join(sets, ", "), target(e, id, args), ident(e.Layer.IDColumn))
		err := tx.QueryRow(ctx, sql, args.list...).Scan(&id)
		if errors.Is(err, pgx.ErrNoRows) {
			return 0, whyNoRow(ctx, tx, e, id)
		}
		return id, err
	})
}

// DeleteFeature deletes feature id; its versions stay in its history.
func (db *DB) DeleteFeature(ctx context.Context, id int64, e Edit) error {
	_, err := db.edit(ctx, e, func(tx pgx.Tx, _ tableColumns, _ []value, args *sqlArgs) (int64, error) {
		tag, err := tx.Exec(ctx, fmt.Sprintf("DELETE FROM %s AS t WHERE %s", ident(e.Layer.Table), target(e, id, args)), args.list...)
		if err == nil && tag.RowsAffected() == 0 {
			err = whyNoRow(ctx, tx, e, id)
		}
		return 0, err
	})
	return err
}

// edit runs one change in one transaction that names its actor and reason for the audit
// trigger, then checks that the row is still in the layer and reads it back (id 0: deleted).
func (db *DB) edit(ctx context.Context, e Edit, write func(pgx.Tx, tableColumns, []value, *sqlArgs) (int64, error)) (Saved, error) {
	var s Saved
	tc, err := db.columns(ctx, e.Layer.Table, e.Layer.IDColumn)
	if err != nil {
		return s, err
	}
	vals, err := editValues(e.Layer, tc, e.Properties)
	if err != nil {
		return s, err
	}
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT set_config('bandoso.actor', $1, true), set_config('bandoso.reason', $2, true)",
			e.Actor, e.Reason); err != nil {
			return err
		}
		if err := checkValues(ctx, tx, vals); err != nil {
			return err
		}
		id, err := write(tx, tc, vals, &sqlArgs{})
		if err != nil || id == 0 {
			return err
		}
		if err := checkInLayer(ctx, tx, e.Layer, id); err != nil {
			return err
		}
		s, err = readSaved(ctx, tx, e.Layer, tc, id)
		return err
	})
	if err != nil {
		var pe *PropertyError
		var ce *ConstraintError
		var se *StaleError
		if errors.As(err, &pe) || errors.As(err, &ce) || errors.As(err, &se) || errors.Is(err, ErrNotFound) {
			return s, err
		}
		return s, editError(err)
	}
	return s, nil
}

// target is the WHERE condition of an update or delete of feature id: the row, if it is in
// the layer and, when the edit expects a version, at that version. Under READ COMMITTED a
// concurrent change that commits first makes PostgreSQL re-check this condition on the new
// row, so the version test can never let a change overwrite another unseen.
func target(e Edit, id int64, args *sqlArgs) string {
	cond := fmt.Sprintf("t.%s = %s", ident(e.Layer.IDColumn), args.add(id))
	for _, f := range conjuncts(nil, e.Layer.RowFilter) {
		cond += " AND (" + f + ")"
	}
	if e.Expect != nil {
		cond += " AND t.sys_from = " + args.add(e.Expect.Time())
	}
	return cond
}

// whyNoRow tells an update or delete that matched no row: ErrNotFound when feature id is
// not in the layer, else a StaleError with its current version.
func whyNoRow(ctx context.Context, tx pgx.Tx, e Edit, id int64) error {
	var at time.Time
	err := tx.QueryRow(ctx, fmt.Sprintf("SELECT t.sys_from FROM %s t WHERE t.%s = $1%s", ident(e.Layer.Table),
		ident(e.Layer.IDColumn), whereAll(conjuncts(nil, e.Layer.RowFilter))), id).Scan(&at)
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("%s %d: %w", e.Layer.Name, id, ErrNotFound)
	}
	if err != nil {
		return err
	}
	return &StaleError{Current: VersionOf(at)}
}

// currentVersion checks the edit's expected version against feature id's without changing it.
func currentVersion(ctx context.Context, tx pgx.Tx, e Edit, id int64) error {
	err := whyNoRow(ctx, tx, e, id)
	var se *StaleError
	if errors.As(err, &se) && (e.Expect == nil || *e.Expect == se.Current) {
		return nil
	}
	return err
}

// checkInLayer refuses a written row that the layer's row filter leaves out: an edit through
// layer wards must leave a current ward.
func checkInLayer(ctx context.Context, tx pgx.Tx, l LayerRow, id int64) error {
	filters := conjuncts(nil, l.RowFilter)
	if len(filters) == 0 {
		return nil
	}
	var in bool
	err := tx.QueryRow(ctx, fmt.Sprintf("SELECT true%s FROM %s t WHERE t.%s = $1", whereAll(filters),
		ident(l.Table), ident(l.IDColumn)), id).Scan(&in)
	if err != nil {
		return err
	}
	if !in {
		return &ConstraintError{Reason: fmt.Sprintf("the feature would not be in layer %s, whose rows satisfy %s",
			l.Name, strings.Join(filters, " AND ")), err: ErrInvalid}
	}
	return nil
}

// readSaved reads feature id as edits return it.
func readSaved(ctx context.Context, tx pgx.Tx, l LayerRow, tc tableColumns, id int64) (Saved, error) {
	s := Saved{ID: id}
	var at time.Time
	sql := fmt.Sprintf("SELECT %s, t.sys_from FROM %s t WHERE t.%s = $1%s", editFeatureJSON(l, tc),
		ident(l.Table), ident(l.IDColumn), whereAll(conjuncts(nil, l.RowFilter)))
	err := tx.QueryRow(ctx, sql, id).Scan(&s.Feature, &at)
	s.Version = VersionOf(at)
	return s, err
}

// editFields are the properties of an editable feature: the layer's fields, then the other
// writable columns; only those its history keeps too, so that past versions read alike.
func editFields(l LayerRow, tc tableColumns) []string {
	fields := []string{}
	add := func(name string) {
		c, ok := tc.find(name)
		if ok && !c.Geometry && (c.InHistory || len(tc.historyNames()) == 0) && !slices.Contains(fields, name) {
			fields = append(fields, name)
		}
	}
	for _, f := range l.Fields {
		add(f)
	}
	for _, c := range tc.writable() {
		add(c.Name)
	}
	return fields
}

// editFeatureJSON is the GeoJSON Feature of a row of t with editFields as properties.
func editFeatureJSON(l LayerRow, tc tableColumns) string {
	var props []string
	for _, f := range editFields(l, tc) {
		props = append(props, quoteLiteral(f)+", t."+ident(f))
	}
	return fmt.Sprintf(`json_build_object('type', 'Feature', 'id', t.%s,
		'geometry', ST_AsGeoJSON(t.%s, 9, 0)::json, 'properties', json_build_object(%s))`,
		ident(l.IDColumn), ident(l.GeomColumn), strings.Join(props, ", "))
}

func geomColumn(tc tableColumns, l LayerRow) column {
	c, _ := tc.find(l.GeomColumn)
	return c
}

func ident(name string) string { return pgx.Identifier{name}.Sanitize() }

// sqlArgs collects a statement's arguments and names their placeholders.
type sqlArgs struct{ list []any }

func (a *sqlArgs) add(v any) string {
	a.list = append(a.list, v)
	return fmt.Sprintf("$%d", len(a.list))
}
