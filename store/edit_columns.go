package store

import (
	"context"
	"slices"

	"github.com/jackc/pgx/v5"
)

// column is one column of a layer's table as edits and as-of reads see it.
type column struct {
	Name, Type string
	NotNull    bool
	// Writable columns take values from edits: not the id, not generated or identity-always,
	// not sys_from, not a geometry, not issued by the database.
	Writable bool
	// Geometry marks PostGIS geometry columns; InHistory those <table>_history also has.
	Geometry, InHistory bool
}

// tableColumns are a table's columns, in order.
type tableColumns struct {
	all []column
}

func (tc tableColumns) find(name string) (column, bool) {
	i := slices.IndexFunc(tc.all, func(c column) bool { return c.Name == name })
	if i < 0 {
		return column{}, false
	}
	return tc.all[i], true
}

// writable lists the writable columns.
func (tc tableColumns) writable() []column {
	return slices.DeleteFunc(slices.Clone(tc.all), func(c column) bool { return !c.Writable })
}

// historyNames lists the columns the table and its history share: what an as-of read
// selects from both.
func (tc tableColumns) historyNames() []string {
	var names []string
	for _, c := range tc.all {
		if c.InHistory {
			names = append(names, c.Name)
		}
	}
	return names
}

// issuedColumns are filled by the database and never by an edit: an address's registry
// code is issued on insert and is the address's for good (migration 00012).
var issuedColumns = map[string][]string{"addresses": {"code"}}

const sqlTableColumns = `
SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
	a.attgenerated <> '' OR a.attidentity = 'a', ty.typname = 'geometry',
	EXISTS (SELECT 1 FROM pg_attribute h WHERE h.attrelid = to_regclass($1 || '_history')
		AND h.attname = a.attname AND NOT h.attisdropped)
FROM pg_attribute a JOIN pg_type ty ON ty.oid = a.atttypid
WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum`

// columns returns the columns of table, whose id column is idColumn.
func (db *DB) columns(ctx context.Context, table, idColumn string) (tableColumns, error) {
	key := table + "/" + idColumn
	if v, ok := db.cols.Load(key); ok {
		return v.(tableColumns), nil
	}
	rows, _ := db.pool.Query(ctx, sqlTableColumns, table)
	var tc tableColumns
	var generated bool
	var c column
	_, err := pgx.ForEachRow(rows, []any{&c.Name, &c.Type, &c.NotNull, &generated, &c.Geometry, &c.InHistory}, func() error {
		c.Writable = c.Name != idColumn && !generated && c.Name != "sys_from" && !c.Geometry &&
			!slices.Contains(issuedColumns[table], c.Name)
		tc.all = append(tc.all, c)
		return nil
	})
	if err != nil {
		return tc, translate(err)
	}
	db.cols.Store(key, tc)
	return tc, nil
}
