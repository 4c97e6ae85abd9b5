package cql2

import "bandoso/geo"

// Limits on a filter's spatial work, which Check applies: each spatial predicate costs a
// geometry test per candidate row, and a literal's vertices cost in every test, so that a
// filter within them stays within a request's time on a city's million parcels.
const (
	// MaxSpatialTerms bounds the spatial predicates (S_INTERSECTS, S_WITHIN, …, S_DWITHIN).
	MaxSpatialTerms = 20
	// MaxVertices bounds the positions of all the filter's geometry literals together.
	MaxVertices = 10000
	// MaxDistanceM is the largest distance of S_DWITHIN, in metres: a province's width.
	MaxDistanceM = 100000
)

// cost is what a filter asks of the database.
type cost struct {
	spatial, vertices int
}

// checkCost refuses a filter beyond the limits above, saying which and by how much.
func checkCost(e Expr) error {
	var c cost
	c.add(e)
	switch {
	case c.spatial > MaxSpatialTerms:
		return errCheck("the filter has %d spatial predicates (S_INTERSECTS, S_DWITHIN, …); at most %d are allowed", c.spatial, MaxSpatialTerms)
	case c.vertices > MaxVertices:
		return errCheck("the filter's geometries have %d vertices; at most %d are allowed", c.vertices, MaxVertices)
	}
	return nil
}

func (c *cost) add(e Expr) {
	switch e := e.(type) {
	case And:
		c.addAll(e.Args)
	case Or:
		c.addAll(e.Args)
	case Not:
		c.add(e.Arg)
	case Compare:
		c.addAll([]Expr{e.Left, e.Right})
	case Like:
		c.addAll([]Expr{e.Arg, e.Pattern})
	case Between:
		c.addAll([]Expr{e.Arg, e.Low, e.High})
	case In:
		c.addAll(append([]Expr{e.Arg}, e.List...))
	case IsNull:
		c.add(e.Arg)
	case Spatial:
		c.spatial++
		c.addAll([]Expr{e.Left, e.Right})
	case Call:
		if knownFunction(e.Name) {
			c.spatial++ // S_DWITHIN, the one function
		}
		c.addAll(e.Args)
	case Geometry:
		if e.Value != nil {
			c.vertices += geo.Positions(e.Value)
		}
	}
}

func (c *cost) addAll(es []Expr) {
	for _, e := range es {
		c.add(e)
	}
}
