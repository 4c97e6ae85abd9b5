package store

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"bandoso/cql2"
)

// GeometryQueryable is the name a filter gives a layer's geometry, whatever its column.
const GeometryQueryable = "geometry"

// queryable is where a name a filter may use lives in the layer's table.
type queryable struct {
	column string
	typ    cql2.Type
	// srid of a geometry column (EPSG code); 0 means 4326.
	srid int
}

// queryables are what a filter on layer l may name: its published fields and its geometry,
// which the catalog keeps in EPSG:4326. A field of a type filters cannot use compares as text.
func queryables(l LayerRow) map[string]queryable {
	qs := map[string]queryable{GeometryQueryable: {column: l.GeomColumn, typ: cql2.TypeGeometry, srid: 4326}}
	for i, f := range l.Fields {
		t, srid := filterType(l.FieldTypes[i])
		qs[f] = queryable{column: f, typ: t, srid: srid}
	}
	return qs
}

// filterType is the filter type of a PostgreSQL type (format_type), with a geometry's SRID
// from its typmod ("geometry(MultiPolygon,4326)"; plain geometry has none). Types a filter has
// no better use for compare as text.
func filterType(pgType string) (t cql2.Type, srid int) {
	switch ValueTypeOf(pgType) {
	case ValueInt32, ValueInt64:
		return cql2.TypeInteger, 0
	case ValueNumber:
		return cql2.TypeNumber, 0
	case ValueBoolean:
		return cql2.TypeBoolean, 0
	case ValueDate:
		return cql2.TypeDate, 0
	case ValueTimestamp:
		return cql2.TypeTimestamp, 0
	case ValueGeometry:
		_, mod, _ := strings.Cut(pgType, "(")
		if i := strings.LastIndexByte(mod, ','); i >= 0 {
			srid, _ = strconv.Atoi(strings.TrimSuffix(mod[i+1:], ")"))
		}
		return cql2.TypeGeometry, srid
	}
	return cql2.TypeString, 0
}

// CheckFilter checks q.Filter against q.Layer's queryables without reading any row, so that
// a caller can refuse a filter before it starts an answer; errors are *cql2.Error, which
// Features returns too for such a filter. A nil filter passes.
func (q FeatureQuery) CheckFilter() error {
	_, err := q.checkFilter()
	return err
}

// checkFilter checks q.Filter and returns the queryables it may name.
func (q FeatureQuery) checkFilter() (map[string]queryable, error) {
	qs := queryables(q.Layer)
	if q.Filter == nil {
		return qs, nil
	}
	types := make(map[string]cql2.Type, len(qs))
	for name, c := range qs {
		types[name] = c.typ
	}
	return qs, cql2.Check(q.Filter, cql2.Schema{Properties: types, FilterSRID: q.FilterSRID})
}

// filterSQL checks q.Filter as CheckFilter does and translates it to a boolean expression on
// the row alias t. Every literal becomes a parameter numbered from argOffset+1, in the order
// of args; columns come only from the layer's queryables and are quoted. A nil filter is "".
//
// Geometry literals are sent as WKT to ST_GeomFromText in q.FilterSRID and transformed to
// the column's SRID. S_DWITHIN measures metres on the WGS84 ellipsoid (geography) and adds a
// bounding-box test that a GiST index on the column can answer.
func (q FeatureQuery) filterSQL(argOffset int) (string, []any, error) {
	if q.Filter == nil {
		return "", nil, nil
	}
	qs, err := q.checkFilter()
	if err != nil {
		return "", nil, err
	}
	srid := q.FilterSRID
	if srid == 0 {
		srid = 4326
	}
	c := &filterCompiler{queryables: qs, filterSRID: srid, offset: argOffset}
	sql, err := c.boolean(q.Filter)
	if err != nil {
		return "", nil, err
	}
	return sql, c.args, nil
}

// filterCompiler writes a filter that cql2.Check accepted as SQL.
type filterCompiler struct {
	queryables map[string]queryable
	filterSRID int
	offset     int
	args       []any
}

// errUnchecked is a tree cql2.Check would have refused.
func errUnchecked(e cql2.Expr) error {
	return fmt.Errorf("store: filter: %T is not allowed here", e)
}

func (c *filterCompiler) param(v any) string {
	c.args = append(c.args, v)
	return "$" + strconv.Itoa(c.offset+len(c.args))
}

// boolean writes a predicate.
func (c *filterCompiler) boolean(e cql2.Expr) (string, error) {
	switch e := e.(type) {
	case cql2.And:
		return c.join(e.Args, " AND ")
	case cql2.Or:
		return c.join(e.Args, " OR ")
	case cql2.Not:
		x, err := c.boolean(e.Arg)
		if err != nil {
			return "", err
		}
		return "(NOT " + x + ")", nil
	case cql2.Compare:
		s, err := c.operands(e.Left, e.Right)
		if err != nil {
			return "", err
		}
		return "(" + s[0] + " " + e.Op + " " + s[1] + ")", nil
	case cql2.Like:
		s, err := c.operands(e.Arg, e.Pattern)
		if err != nil {
			return "", err
		}
		return "(" + s[0] + " LIKE " + s[1] + ")", nil
	case cql2.Between:
		s, err := c.operands(e.Arg, e.Low, e.High)
		if err != nil {
			return "", err
		}
		return "(" + s[0] + " BETWEEN " + s[1] + " AND " + s[2] + ")", nil
	case cql2.In:
		s, err := c.operands(append([]cql2.Expr{e.Arg}, e.List...)...)
		if err != nil {
			return "", err
		}
		return "(" + s[0] + " IN (" + strings.Join(s[1:], ", ") + "))", nil
	case cql2.IsNull:
		s, err := c.operands(e.Arg)
		if err != nil {
			return "", err
		}
		return "(" + s[0] + " IS NULL)", nil
	case cql2.Spatial:
		return c.spatial(e)
	case cql2.Call:
		if e.Name == "s_dwithin" {
			return c.dwithin(e)
		}
	case cql2.Bool:
		return "(" + c.param(e.Value) + "::boolean)", nil
	}
	return "", errUnchecked(e)
}

func (c *filterCompiler) join(args []cql2.Expr, op string) (string, error) {
	parts := make([]string, len(args))
	for i, a := range args {
		x, err := c.boolean(a)
		if err != nil {
			return "", err
		}
		parts[i] = x
	}
	return "(" + strings.Join(parts, op) + ")", nil
}

// operands writes exprs in order, so that their parameters are numbered as they read.
func (c *filterCompiler) operands(exprs ...cql2.Expr) ([]string, error) {
	out := make([]string, len(exprs))
	for i, e := range exprs {
		x, err := c.operand(e)
		if err != nil {
			return nil, err
		}
		out[i] = x
	}
	return out, nil
}

// operand writes a scalar or geometry operand.
func (c *filterCompiler) operand(e cql2.Expr) (string, error) {
	switch e := e.(type) {
	case cql2.Property:
		if q, ok := c.queryables[e.Name]; ok {
			return "t." + pgx.Identifier{q.column}.Sanitize(), nil
		}
	case cql2.String:
		return c.param(e.Value) + "::text", nil
	case cql2.Number:
		// Whole numbers go as bigint, which an integer column's index compares directly;
		// others as numeric, so that a numeric column compares exact decimals on its index.
		if e.Value == math.Trunc(e.Value) && math.Abs(e.Value) < 1<<62 {
			return c.param(int64(e.Value)) + "::bigint", nil
		}
		return c.param(e.Value) + "::numeric", nil
	case cql2.Bool:
		return c.param(e.Value) + "::boolean", nil
	case cql2.Date:
		return c.param(e.Value) + "::date", nil
	case cql2.Timestamp:
		return c.param(e.Value) + "::timestamptz", nil
	case cql2.Geometry:
		return c.geometry(e, 0)
	}
	return "", errUnchecked(e)
}
