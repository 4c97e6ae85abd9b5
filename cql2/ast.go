package cql2

import (
	"time"

	"github.com/paulmach/orb"
)

// Expr is a node of a parsed CQL2 filter: a predicate (And, Or, Not, Compare, Like, Between,
// In, IsNull, Spatial, Call) or an operand (Property and the literals). CQL2 Text and CQL2
// JSON parse to the same tree for the same filter.
type Expr interface{ node() }

// And holds when every one of Args holds. Nested conjunctions are flattened.
type And struct{ Args []Expr }

// Or holds when any of Args holds. Nested disjunctions are flattened.
type Or struct{ Args []Expr }

// Not negates Arg. NOT LIKE, NOT IN, NOT BETWEEN and IS NOT NULL parse to Not around the
// positive predicate, as CQL2 JSON writes them.
type Not struct{ Arg Expr }

// Compare is a binary comparison; Op is one of = <> < <= > >=.
type Compare struct {
	Op          string
	Left, Right Expr
}

// Like matches Arg against Pattern, where % stands for any characters, _ for one, and a
// backslash escapes either.
type Like struct{ Arg, Pattern Expr }

// Between holds when Low <= Arg <= High.
type Between struct{ Arg, Low, High Expr }

// In holds when Arg equals one of List.
type In struct {
	Arg  Expr
	List []Expr
}

// IsNull holds when Arg is null.
type IsNull struct{ Arg Expr }

// Spatial is a spatial comparison function; Op is lower case: s_intersects, s_within,
// s_contains, s_disjoint, s_equals, s_touches, s_crosses, s_overlaps.
type Spatial struct {
	Op          string
	Left, Right Expr
}

// Call is a call of a function listed in Functions (or an unknown one, which Check
// rejects); Name is lower case.
type Call struct {
	Name string
	Args []Expr
}

// Property names a queryable of the collection; case matters.
type Property struct{ Name string }

// String is a character literal.
type String struct{ Value string }

// Number is a numeric literal.
type Number struct{ Value float64 }

// Bool is TRUE or FALSE.
type Bool struct{ Value bool }

// Date is DATE('YYYY-MM-DD'), at midnight UTC.
type Date struct{ Value time.Time }

// Timestamp is TIMESTAMP('…') in RFC 3339, in UTC.
type Timestamp struct{ Value time.Time }

// Geometry is a spatial literal in the filter CRS: a WKT geometry or BBOX(…) in text, a
// GeoJSON geometry or {"bbox": […]} in JSON. A bbox is an orb.Bound. Only two-dimensional
// coordinates are accepted.
type Geometry struct{ Value orb.Geometry }

func (And) node()       {}
func (Or) node()        {}
func (Not) node()       {}
func (Compare) node()   {}
func (Like) node()      {}
func (Between) node()   {}
func (In) node()        {}
func (IsNull) node()    {}
func (Spatial) node()   {}
func (Call) node()      {}
func (Property) node()  {}
func (String) node()    {}
func (Number) node()    {}
func (Bool) node()      {}
func (Date) node()      {}
func (Timestamp) node() {}
func (Geometry) node()  {}

// spatialOps are the CQL2 spatial comparison functions, in lower case.
var spatialOps = map[string]bool{
	"s_intersects": true, "s_within": true, "s_contains": true, "s_disjoint": true,
	"s_equals": true, "s_touches": true, "s_crosses": true, "s_overlaps": true,
}

var comparisonOps = map[string]bool{"=": true, "<>": true, "<": true, "<=": true, ">": true, ">=": true}

// newAnd builds a conjunction, flattening nested ones so that "(a AND b) AND c" and the
// JSON {"op":"and","args":[a,b,c]} give the same tree.
func newAnd(args []Expr) Expr {
	return And{Args: flatten(args, func(e Expr) ([]Expr, bool) { x, ok := e.(And); return x.Args, ok })}
}

func newOr(args []Expr) Expr {
	return Or{Args: flatten(args, func(e Expr) ([]Expr, bool) { x, ok := e.(Or); return x.Args, ok })}
}

func flatten(args []Expr, inner func(Expr) ([]Expr, bool)) []Expr {
	var out []Expr
	for _, a := range args {
		if sub, ok := inner(a); ok {
			out = append(out, sub...)
		} else {
			out = append(out, a)
		}
	}
	return out
}
