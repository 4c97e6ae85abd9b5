package cql2_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"bandoso/cql2"
)

// TestCostLimits: filters at the limits pass, one step beyond is an *Error naming the limit.
func TestCostLimits(t *testing.T) {
	dwithin := func(n int, metres string) string {
		terms := make([]string, n)
		for i := range terms {
			terms[i] = fmt.Sprintf("S_DWITHIN(geometry, POINT(106.%03d 10.78), %s)", i, metres)
		}
		return strings.Join(terms, " OR ")
	}
	line := func(n int) string {
		pts := make([]string, n)
		for i := range pts {
			pts[i] = fmt.Sprintf("106.%05d 10.78", i)
		}
		return "S_INTERSECTS(geometry, LINESTRING(" + strings.Join(pts, ", ") + "))"
	}
	for _, c := range []struct {
		name, filter, want string
	}{
		{"terms at the limit", dwithin(cql2.MaxSpatialTerms, "100"), ""},
		{"330 terms", dwithin(330, "100000000"), "330 spatial predicates"},
		{"one term too many", dwithin(cql2.MaxSpatialTerms, "100") + " OR S_INTERSECTS(geometry, POINT(106 10))", "at most 20"},
		{"negated terms count too", "NOT (" + dwithin(cql2.MaxSpatialTerms+1, "1") + ")", "21 spatial predicates"},
		{"vertices at the limit", line(cql2.MaxVertices), ""},
		{"vertices beyond", line(cql2.MaxVertices + 1), "10001 vertices; at most 10000"},
		{"distance at the limit", dwithin(1, "100000"), ""},
		{"distance beyond", dwithin(1, "100001"), "from 0 to 100000"},
	} {
		t.Run(c.name, func(t *testing.T) {
			e, err := cql2.ParseText(c.filter)
			if err != nil {
				t.Fatal(err)
			}
			err = cql2.Check(e, parcels)
			var ce *cql2.Error
			switch {
			case c.want == "" && err != nil:
				t.Errorf("refused: %v", err)
			case c.want != "" && (!errors.As(err, &ce) || !strings.Contains(err.Error(), c.want)):
				t.Errorf("got %v, want an *cql2.Error saying %q", err, c.want)
			}
		})
	}
}
