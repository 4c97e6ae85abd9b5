package cql2

import (
	"math"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
)

// Check checks a parsed filter against a Schema: every property is a queryable, operands of
// a comparison can be compared, spatial functions get geometries, S_DWITHIN a distance within
// MaxDistanceM, and the whole stays within MaxSpatialTerms and MaxVertices. A tree Check
// accepts can be translated without further checks; errors are *Error.
func Check(e Expr, s Schema) error {
	if e == nil {
		return errCheck("empty filter")
	}
	if err := checkCost(e); err != nil {
		return err
	}
	return checker{s}.boolean(e, 0)
}

type checker struct{ schema Schema }

// boolean checks a predicate.
func (c checker) boolean(e Expr, depth int) error {
	if depth > MaxDepth {
		return errCheck("filter is nested deeper than %d levels", MaxDepth)
	}
	switch e := e.(type) {
	case And:
		return c.join(e.Args, "AND", depth)
	case Or:
		return c.join(e.Args, "OR", depth)
	case Not:
		return c.boolean(e.Arg, depth+1)
	case Compare:
		if !comparisonOps[e.Op] {
			return errCheck("unknown operator '%s'", e.Op)
		}
		return c.typed(e.Op, e.Left, e.Right)
	case Like:
		pat, ok := e.Pattern.(String)
		if !ok {
			return errCheck("LIKE needs a string pattern, not %s", describe(e.Pattern))
		}
		return c.typed("LIKE", e.Arg, pat)
	case Between:
		return c.typed("BETWEEN", e.Arg, e.Low, e.High)
	case In:
		if len(e.List) == 0 {
			return errCheck("IN needs at least one value")
		}
		return c.typed("IN", append([]Expr{e.Arg}, e.List...)...)
	case IsNull:
		_, err := c.operand(e.Arg)
		return err
	case Spatial:
		if !spatialOps[e.Op] {
			return errCheck("unknown spatial function '%s'", e.Op)
		}
		return c.geometries(strings.ToUpper(e.Op), e.Left, e.Right)
	case Call:
		if e.Name == "s_dwithin" {
			return c.dwithin(e)
		}
		return errCheck("unknown function '%s'", e.Name)
	case Bool:
		return nil
	}
	return errCheck("%s is not a predicate", describe(e))
}

func (c checker) join(args []Expr, op string, depth int) error {
	if len(args) == 0 {
		return errCheck("%s needs at least one argument", op)
	}
	for _, a := range args {
		if err := c.boolean(a, depth+1); err != nil {
			return err
		}
	}
	return nil
}

// operand checks a scalar or geometry operand and says its type.
func (c checker) operand(e Expr) (Type, error) {
	switch e := e.(type) {
	case Property:
		t, ok := c.schema.Properties[e.Name]
		if !ok {
			return 0, errCheck("unknown property '%s'", clip(e.Name))
		}
		return t, nil
	case String:
		return TypeString, nil
	case Number:
		if math.IsNaN(e.Value) || math.IsInf(e.Value, 0) {
			return 0, errCheck("number out of range")
		}
		return TypeNumber, nil
	case Bool:
		return TypeBoolean, nil
	case Date:
		return TypeDate, nil
	case Timestamp:
		return TypeTimestamp, nil
	case Geometry:
		if e.Value == nil {
			return 0, errCheck("empty geometry")
		}
		return TypeGeometry, nil
	case Call:
		return 0, errCheck("function '%s' cannot be used as a value", e.Name)
	}
	return 0, errCheck("%s cannot be used as a value", describe(e))
}

// typed checks the operands of a comparison and that they can be compared.
func (c checker) typed(op string, exprs ...Expr) error {
	var first Type
	var firstExpr Expr
	for i, e := range exprs {
		t, err := c.operand(e)
		if err != nil {
			return err
		}
		if t == TypeGeometry {
			return errCheck("%s cannot compare geometries; use S_EQUALS or S_INTERSECTS", op)
		}
		if i == 0 {
			first, firstExpr = t, e
		} else if t.family() != first.family() {
			return typeError(op, firstExpr, first, e, t)
		}
	}
	return nil
}

// geometries checks the operands of spatial function fn: geometry properties or literals.
func (c checker) geometries(fn string, exprs ...Expr) error {
	for _, e := range exprs {
		switch g := e.(type) {
		case Property:
			t, err := c.operand(g)
			if err != nil {
				return err
			}
			if t != TypeGeometry {
				return errCheck("%s needs geometries; property '%s' is a %s", fn, clip(g.Name), t)
			}
		case Geometry:
			if _, err := c.operand(g); err != nil {
				return err
			}
		default:
			return errCheck("%s needs geometries, not %s", fn, describe(e))
		}
	}
	return nil
}

// dwithin checks S_DWITHIN(a, b, metres): two geometries and a distance, with literals in
// longitude and latitude when the filter CRS is CRS84, since the distance is measured on
// the ellipsoid.
func (c checker) dwithin(e Call) error {
	if len(e.Args) != 3 {
		return errCheck("S_DWITHIN takes 3 arguments (geometry, geometry, metres), not %d", len(e.Args))
	}
	d, ok := e.Args[2].(Number)
	if !ok || !(d.Value >= 0) || d.Value > MaxDistanceM {
		return errCheck("S_DWITHIN's third argument must be a distance in metres, a number from 0 to %d", MaxDistanceM)
	}
	for _, a := range e.Args[:2] {
		if g, ok := a.(Geometry); ok && g.Value != nil && c.schema.filterSRID() == srid4326 && !inLonLat(g.Value) {
			return errCheck("S_DWITHIN's geometry must have longitudes from -180 to 180 and latitudes from -90 to 90")
		}
	}
	// The column side first, as the translation reads them.
	col, other := e.Args[0], e.Args[1]
	if _, ok := col.(Property); !ok {
		col, other = other, col
	}
	return c.geometries("S_DWITHIN", col, other)
}

func inLonLat(g orb.Geometry) bool {
	b := g.Bound()
	return b.Min[0] >= -180 && b.Max[0] <= 180 && b.Min[1] >= -90 && b.Max[1] <= 90
}

func typeError(op string, a Expr, at Type, b Expr, bt Type) *Error {
	if p, ok := a.(Property); ok {
		hint := ""
		if at.family() == TypeDate && bt == TypeString {
			hint = "; write DATE('YYYY-MM-DD') or TIMESTAMP('…')"
		}
		return errCheck("property '%s' is %s %s and cannot be compared with %s%s", clip(p.Name), article(at), at, describe(b), hint)
	}
	if p, ok := b.(Property); ok {
		return errCheck("property '%s' is %s %s and cannot be compared with %s", clip(p.Name), article(bt), bt, describe(a))
	}
	return errCheck("%s cannot compare %s with %s", op, describe(a), describe(b))
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
