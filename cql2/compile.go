package cql2

import (
	"math"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
)

// Compile turns a parsed filter into a PostgreSQL boolean expression for a WHERE clause.
// Every literal becomes a parameter numbered from argOffset+1 ($1 when argOffset is 0), in
// the order of args; columns come only from s.Properties and are quoted. Errors are *Error:
// an unknown property or function, operands of types that cannot be compared, or a filter
// beyond MaxSpatialTerms or MaxVertices.
//
// Geometry literals are sent as WKT to ST_GeomFromText in s.FilterSRID and transformed to the
// column's SRID. S_DWITHIN measures metres on the WGS84 ellipsoid (geography) and adds a
// bounding-box test that a GiST index on the column can answer.
func Compile(e Expr, s Schema, argOffset int) (where string, args []any, err error) {
	if e == nil {
		return "", nil, errCompile("empty filter")
	}
	if err := checkCost(e); err != nil {
		return "", nil, err
	}
	c := &compiler{schema: s, offset: argOffset}
	sql, err := c.boolean(e, 0)
	if err != nil {
		return "", nil, err
	}
	return sql, c.args, nil
}

type compiler struct {
	schema Schema
	offset int
	args   []any
}

func (c *compiler) param(v any) string {
	c.args = append(c.args, v)
	return "$" + strconv.Itoa(c.offset+len(c.args))
}

// boolean compiles a predicate.
func (c *compiler) boolean(e Expr, depth int) (string, error) {
	if depth > MaxDepth {
		return "", errCompile("filter is nested deeper than %d levels", MaxDepth)
	}
	switch e := e.(type) {
	case And:
		return c.join(e.Args, " AND ", depth)
	case Or:
		return c.join(e.Args, " OR ", depth)
	case Not:
		x, err := c.boolean(e.Arg, depth+1)
		if err != nil {
			return "", err
		}
		return "(NOT " + x + ")", nil
	case Compare:
		if !comparisonOps[e.Op] {
			return "", errCompile("unknown operator '%s'", e.Op)
		}
		return c.comparison(e.Op, e.Left, e.Right)
	case Like:
		return c.like(e)
	case Between:
		return c.between(e)
	case In:
		return c.in(e)
	case IsNull:
		x, _, err := c.operand(e.Arg)
		if err != nil {
			return "", err
		}
		return "(" + x + " IS NULL)", nil
	case Spatial:
		return c.spatial(e)
	case Call:
		if e.Name == "s_dwithin" {
			return c.dwithin(e)
		}
		return "", errCompile("unknown function '%s'", e.Name)
	case Bool:
		return "(" + c.param(e.Value) + "::boolean)", nil
	}
	return "", errCompile("%s is not a predicate", describe(e))
}

func (c *compiler) join(args []Expr, op string, depth int) (string, error) {
	if len(args) == 0 {
		return "", errCompile("%s needs at least one argument", strings.TrimSpace(op))
	}
	parts := make([]string, len(args))
	for i, a := range args {
		x, err := c.boolean(a, depth+1)
		if err != nil {
			return "", err
		}
		parts[i] = x
	}
	return "(" + strings.Join(parts, op) + ")", nil
}

// operand compiles a scalar or geometry operand and says its type.
func (c *compiler) operand(e Expr) (string, Type, error) {
	switch e := e.(type) {
	case Property:
		col, ok := c.schema.Properties[e.Name]
		if !ok {
			return "", 0, errCompile("unknown property '%s'", clip(e.Name))
		}
		return c.column(col), col.Type, nil
	case String:
		return c.param(e.Value) + "::text", TypeString, nil
	case Number:
		if math.IsNaN(e.Value) || math.IsInf(e.Value, 0) {
			return "", 0, errCompile("number out of range")
		}
		// Whole numbers go as bigint, which an integer column's index compares directly;
		// others as numeric, so that a numeric column compares exact decimals on its index.
		if e.Value == math.Trunc(e.Value) && math.Abs(e.Value) < 1<<62 {
			return c.param(int64(e.Value)) + "::bigint", TypeNumber, nil
		}
		return c.param(e.Value) + "::numeric", TypeNumber, nil
	case Bool:
		return c.param(e.Value) + "::boolean", TypeBoolean, nil
	case Date:
		return c.param(e.Value) + "::date", TypeDate, nil
	case Timestamp:
		return c.param(e.Value) + "::timestamptz", TypeTimestamp, nil
	case Geometry:
		sql, _, err := c.geometry(e, 0)
		return sql, TypeGeometry, err
	case Call:
		return "", 0, errCompile("function '%s' cannot be used as a value", e.Name)
	}
	return "", 0, errCompile("%s cannot be used as a value", describe(e))
}

func (c *compiler) column(col Column) string {
	if c.schema.Table != "" {
		return pgx.Identifier{c.schema.Table, col.Name}.Sanitize()
	}
	return pgx.Identifier{col.Name}.Sanitize()
}

// typed compiles both sides of a comparison and checks they can be compared.
func (c *compiler) typed(op string, exprs ...Expr) ([]string, error) {
	out := make([]string, len(exprs))
	var first Type
	var firstExpr Expr
	for i, e := range exprs {
		sql, t, err := c.operand(e)
		if err != nil {
			return nil, err
		}
		if t == TypeGeometry {
			return nil, errCompile("%s cannot compare geometries; use S_EQUALS or S_INTERSECTS", op)
		}
		if i == 0 {
			first, firstExpr = t, e
		} else if t.family() != first.family() {
			return nil, typeError(op, firstExpr, first, e, t)
		}
		out[i] = sql
	}
	return out, nil
}

func typeError(op string, a Expr, at Type, b Expr, bt Type) *Error {
	if p, ok := a.(Property); ok {
		hint := ""
		if at.family() == TypeDate && bt == TypeString {
			hint = "; write DATE('YYYY-MM-DD') or TIMESTAMP('…')"
		}
		return errCompile("property '%s' is %s %s and cannot be compared with %s%s", clip(p.Name), article(at), at, describe(b), hint)
	}
	if p, ok := b.(Property); ok {
		return errCompile("property '%s' is %s %s and cannot be compared with %s", clip(p.Name), article(bt), bt, describe(a))
	}
	return errCompile("%s cannot compare %s with %s", op, describe(a), describe(b))
}

func article(t Type) string {
	if t == TypeInteger {
		return "an"
	}
	return "a"
}

// describe names an operand in an error message.
func describe(e Expr) string {
	switch e := e.(type) {
	case Property:
		return "property '" + clip(e.Name) + "'"
	case String:
		return "string '" + clip(e.Value) + "'"
	case Number:
		return "number " + strconv.FormatFloat(e.Value, 'g', -1, 64)
	case Bool:
		return "boolean " + strings.ToUpper(strconv.FormatBool(e.Value))
	case Date:
		return "date " + e.Value.Format("2006-01-02")
	case Timestamp:
		return "timestamp " + e.Value.Format("2006-01-02T15:04:05.999999999Z07:00")
	case Geometry:
		return "geometry"
	case Call:
		return "function '" + e.Name + "'"
	case Spatial:
		return strings.ToUpper(e.Op)
	}
	return "a predicate"
}

func (c *compiler) comparison(op string, l, r Expr) (string, error) {
	s, err := c.typed(op, l, r)
	if err != nil {
		return "", err
	}
	return "(" + s[0] + " " + op + " " + s[1] + ")", nil
}

func (c *compiler) like(e Like) (string, error) {
	pat, ok := e.Pattern.(String)
	if !ok {
		return "", errCompile("LIKE needs a string pattern, not %s", describe(e.Pattern))
	}
	s, err := c.typed("LIKE", e.Arg, pat)
	if err != nil {
		return "", err
	}
	return "(" + s[0] + " LIKE " + s[1] + ")", nil
}

func (c *compiler) between(e Between) (string, error) {
	s, err := c.typed("BETWEEN", e.Arg, e.Low, e.High)
	if err != nil {
		return "", err
	}
	return "(" + s[0] + " BETWEEN " + s[1] + " AND " + s[2] + ")", nil
}

func (c *compiler) in(e In) (string, error) {
	if len(e.List) == 0 {
		return "", errCompile("IN needs at least one value")
	}
	s, err := c.typed("IN", append([]Expr{e.Arg}, e.List...)...)
	if err != nil {
		return "", err
	}
	return "(" + s[0] + " IN (" + strings.Join(s[1:], ", ") + "))", nil
}

// geomOperand compiles a geometry operand in target SRID (0: its own) and returns its SRID.
func (c *compiler) geomOperand(e Expr, target int, fn string) (string, int, error) {
	switch g := e.(type) {
	case Property:
		col, ok := c.schema.Properties[g.Name]
		if !ok {
			return "", 0, errCompile("unknown property '%s'", clip(g.Name))
		}
		if col.Type != TypeGeometry {
			return "", 0, errCompile("%s needs geometries; property '%s' is a %s", fn, clip(g.Name), col.Type)
		}
		srid := col.SRID
		if srid == 0 {
			srid = srid4326
		}
		sql := c.column(col)
		if target != 0 && target != srid {
			return "ST_Transform(" + sql + ", " + strconv.Itoa(target) + ")", target, nil
		}
		return sql, srid, nil
	case Geometry:
		return c.geometry(g, target)
	}
	return "", 0, errCompile("%s needs geometries, not %s", fn, describe(e))
}

// geometry sends a literal as WKT (or a bbox as four numbers) in the filter CRS and
// transforms it to target when that differs.
func (c *compiler) geometry(g Geometry, target int) (string, int, error) {
	if g.Value == nil {
		return "", 0, errCompile("empty geometry")
	}
	src := c.schema.filterSRID()
	var sql string
	if b, ok := g.Value.(orb.Bound); ok {
		sql = "ST_MakeEnvelope(" + c.param(b.Min[0]) + "::float8, " + c.param(b.Min[1]) + "::float8, " +
			c.param(b.Max[0]) + "::float8, " + c.param(b.Max[1]) + "::float8, " + strconv.Itoa(src) + ")"
	} else {
		sql = "ST_GeomFromText(" + c.param(wktString(g.Value)) + "::text, " + strconv.Itoa(src) + ")"
	}
	if target != 0 && target != src {
		return "ST_Transform(" + sql + ", " + strconv.Itoa(target) + ")", target, nil
	}
	return sql, src, nil
}

func (c *compiler) spatial(e Spatial) (string, error) {
	fn := spatialOps[e.Op]
	if fn == "" {
		return "", errCompile("unknown spatial function '%s'", e.Op)
	}
	name := strings.ToUpper(e.Op)
	// Literals are brought to the column's SRID, never the column to the literal's, so that
	// the column's index stays usable.
	target := 0
	for _, a := range []Expr{e.Left, e.Right} {
		if p, ok := a.(Property); ok {
			if col, ok := c.schema.Properties[p.Name]; ok && col.Type == TypeGeometry {
				target = col.SRID
				if target == 0 {
					target = srid4326
				}
				break
			}
		}
	}
	if target == 0 {
		target = c.schema.filterSRID()
	}
	l, _, err := c.geomOperand(e.Left, target, name)
	if err != nil {
		return "", err
	}
	r, _, err := c.geomOperand(e.Right, target, name)
	if err != nil {
		return "", err
	}
	return fn + "(" + l + ", " + r + ")", nil
}
