package store

import (
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
)

// SortKey orders features by a field; NULLs come last in either direction.
type SortKey struct {
	Field string
	Desc  bool
}

// Cursor is a position in a sorted layer: the sort values (as text, nil for NULL) and the
// id of a row. Pages start just after it (After) or end just before it (Before), so paging
// costs the same on the last page as on the first, and rows added meanwhile neither repeat
// nor vanish (keyset paging).
type Cursor struct {
	Values []*string
	ID     int64
}

// keyset writes ORDER BY and cursor conditions for q's sort keys, then the id.
type keyset struct {
	q     FeatureQuery
	types map[string]string
	param func(any) string
}

func (k keyset) col(f string) string { return "t." + pgx.Identifier{f}.Sanitize() }

// orderBy is the ORDER BY list; reversed for reading a page backwards.
func (k keyset) orderBy(reversed bool) string {
	var parts []string
	for _, s := range k.q.SortBy {
		desc := s.Desc != reversed
		nulls := "NULLS LAST"
		if reversed {
			nulls = "NULLS FIRST"
		}
		dir := "ASC"
		if desc {
			dir = "DESC"
		}
		parts = append(parts, fmt.Sprintf("%s %s %s", k.col(s.Field), dir, nulls))
	}
	dir := "ASC"
	if reversed {
		dir = "DESC"
	}
	return strings.Join(append(parts, "t."+pgx.Identifier{k.q.Layer.IDColumn}.Sanitize()+" "+dir), ", ")
}

// beyond is the condition for rows after c in the sort order (before it when back is set):
// for keys k1..kn, id: (k1 beyond) OR (k1 equal AND k2 beyond) OR … OR (all equal AND id
// beyond). The cursor's values are known here, so NULLs become plain IS [NOT] NULL tests.
func (k keyset) beyond(c Cursor, back bool) string {
	var terms []string
	var equal []string
	for i, s := range k.q.SortBy {
		col := k.col(s.Field)
		var v *string
		if i < len(c.Values) {
			v = c.Values[i]
		}
		var gt, eq string
		if v == nil {
			eq = col + " IS NULL"
			if back {
				gt = col + " IS NOT NULL" // non-NULL rows all come before a NULL
			}
		} else {
			p := k.param(*v) + "::" + k.types[s.Field]
			eq = col + " = " + p
			op := ">"
			if s.Desc != back {
				op = "<"
			}
			gt = fmt.Sprintf("%s %s %s", col, op, p)
			if !back {
				gt = "(" + gt + " OR " + col + " IS NULL)" // NULLs come last
			}
		}
		if gt != "" {
			terms = append(terms, strings.Join(append(append([]string(nil), equal...), gt), " AND "))
		}
		equal = append(equal, eq)
	}
	op := ">"
	if back {
		op = "<"
	}
	id := fmt.Sprintf("t.%s %s %s", pgx.Identifier{k.q.Layer.IDColumn}.Sanitize(), op, k.param(c.ID))
	terms = append(terms, strings.Join(append(equal, id), " AND "))
	return "(" + strings.Join(terms, ") OR (") + ")"
}

// keyColumns selects the sort values as text after the id, to make the next cursors.
func (k keyset) keyColumns() string {
	var b strings.Builder
	for _, s := range k.q.SortBy {
		b.WriteString(", " + k.col(s.Field) + "::text")
	}
	return b.String()
}
