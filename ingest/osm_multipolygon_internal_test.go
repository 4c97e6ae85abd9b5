package ingest

import (
	"math"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// member is a way of points given as whole units of 1e-3 degrees.
func member(role string, xy ...int32) mpMember {
	m := mpMember{role: role}
	for i := 0; i+1 < len(xy); i += 2 {
		m.pts = append(m.pts, e7{xy[i] * 10_000, xy[i+1] * 10_000})
	}
	return m
}

func TestAssembleMultipolygon(t *testing.T) {
	const u = 1e-3 // degrees per unit
	for _, c := range []struct {
		name     string
		members  []mpMember
		polygons int     // 0: no geometry
		rings    int     // in all polygons
		area     float64 // in square units
		action   string  // of the one problem expected, "" for none
	}{
		{"outer in four pieces, two reversed", []mpMember{
			member("outer", 0, 0, 10, 0),
			member("outer", 10, 10, 0, 10),
			member("outer", 10, 10, 10, 0),
			member("outer", 0, 0, 0, 10),
		}, 1, 1, 100, ""},
		{"two outers: a multipolygon", []mpMember{
			member("outer", 0, 0, 10, 0, 10, 10, 0, 10, 0, 0),
			member("outer", 20, 0, 30, 0, 30, 10, 20, 10, 20, 0),
		}, 2, 2, 200, ""},
		{"inner touching the outer at a node", []mpMember{
			member("outer", 0, 0, 10, 0, 10, 10, 0, 10, 0, 0),
			member("inner", 0, 0, 5, 2, 2, 5, 0, 0),
		}, 1, 2, 100 - 10.5, ""},
		{"no roles: an island in a lake in an island", []mpMember{
			member("", 2, 2, 8, 2, 8, 8, 2, 8, 2, 2),
			member("", 0, 0, 10, 0, 10, 10, 0, 10, 0, 0),
			member("", 4, 4, 6, 4, 6, 6, 4, 6, 4, 4),
		}, 2, 3, 100 - 36 + 4, ""},
		{"a ring of an outer way and a way without role", []mpMember{
			member("outer", 0, 0, 10, 0, 10, 10),
			member("", 10, 10, 0, 10, 0, 0),
		}, 1, 1, 100, Warning},
		{"an inner outside every outer is left out", []mpMember{
			member("outer", 0, 0, 10, 0, 10, 10, 0, 10, 0, 0),
			member("inner", 20, 0, 22, 0, 22, 2, 20, 0),
		}, 1, 1, 100, Warning},
		{"a gap", []mpMember{
			member("outer", 0, 0, 10, 0, 10, 10),
			member("outer", 10, 10, 0, 10, 0, 1),
		}, 0, 0, 0, Refused},
		{"every way inner", []mpMember{
			member("inner", 0, 0, 10, 0, 10, 10, 0, 0),
		}, 1, 1, 50, Warning},
		{"no ways", nil, 0, 0, 0, Refused},
	} {
		t.Run(c.name, func(t *testing.T) {
			g, problems := assembleMultipolygon(c.members)
			var polys orb.MultiPolygon
			switch g := g.(type) {
			case orb.Polygon:
				polys = orb.MultiPolygon{g}
			case orb.MultiPolygon:
				polys = g
				if len(g) < 2 {
					t.Errorf("a multipolygon of %d polygon", len(g))
				}
			}
			rings := 0
			for _, p := range polys {
				rings += len(p)
			}
			if len(polys) != c.polygons || rings != c.rings {
				t.Errorf("geometry %v: %d polygons of %d rings, want %d of %d", g, len(polys), rings, c.polygons, c.rings)
			}
			if got := planar.Area(polys) / (u * u); math.Abs(got-c.area) > 1e-6 {
				t.Errorf("area %g, want %g", got, c.area)
			}
			switch {
			case c.action == "" && len(problems) > 0:
				t.Errorf("problems %+v, want none", problems)
			case c.action != "" && (len(problems) != 1 || problems[0].Action != c.action):
				t.Errorf("problems %+v, want one %s", problems, c.action)
			}
		})
	}
}
