package store

import (
	"context"
	"fmt"
	"strings"
)

// asOfFrom is a FROM item holding the rows of table as they were at the time in placeholder
// p: the current rows that began by then, and the past versions valid then. It selects the
// columns both the table and its history have, so derived copies such as geom_3857 are not
// there: readers transform geom themselves.
func asOfFrom(table string, cols []string, p string) string {
	quoted := make([]string, len(cols))
	for i, c := range cols {
		quoted[i] = ident(c)
	}
	list := strings.Join(quoted, ", ")
	return fmt.Sprintf("(SELECT %[1]s FROM %[2]s WHERE sys_from <= %[4]s UNION ALL "+
		"SELECT %[1]s FROM %[3]s WHERE sys_from <= %[4]s AND %[4]s < sys_to)",
		list, ident(table), ident(table+"_history"), p)
}

// asOfColumns are the columns an as-of read of table selects; ErrInvalid for a table
// without history.
func (db *DB) asOfColumns(ctx context.Context, table, idColumn string) ([]string, error) {
	tc, err := db.columns(ctx, table, idColumn)
	if err != nil {
		return nil, err
	}
	cols := tc.historyNames()
	if len(cols) == 0 {
		return nil, fmt.Errorf("%w: %s keeps no history", ErrInvalid, table)
	}
	return cols, nil
}
