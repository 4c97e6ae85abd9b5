package ingest

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// e7 is a location in 1e-7 degrees: exact, so that ways meet where they share a node.
type e7 [2]int32

func (p e7) point() orb.Point { return orb.Point{fromE7(p[0]), fromE7(p[1])} }

// mpMember is a multipolygon's member way: its role and its points.
type mpMember struct {
	role string
	pts  []e7
}

// ring is a closed chain of points with what containment tests need.
type ring struct {
	pts   []e7
	r     orb.Ring
	area  float64 // signed: > 0 counter-clockwise
	bound orb.Bound
	verts map[e7]bool // built on demand
	role  string
}

func newRing(pts []e7, role string) *ring {
	r := make(orb.Ring, len(pts))
	for i, p := range pts {
		r[i] = p.point()
	}
	return &ring{pts: pts, r: r, area: signedArea(r), bound: r.Bound(), role: role}
}

// inside tells whether ring a lies inside ring b. Rings of a valid multipolygon do not cross,
// so one vertex of a that is not also a vertex of b decides (rings may touch at shared nodes).
func (a *ring) inside(b *ring) bool {
	if math.Abs(a.area) >= math.Abs(b.area) || !b.bound.Contains(a.bound.Min) || !b.bound.Contains(a.bound.Max) {
		return false
	}
	if b.verts == nil {
		b.verts = make(map[e7]bool, len(b.pts))
		for _, p := range b.pts {
			b.verts[p] = true
		}
	}
	for i, p := range a.pts {
		if !b.verts[p] {
			return planar.RingContains(b.r, a.r[i])
		}
	}
	return false
}

// assembleMultipolygon builds a multipolygon relation's (Multi)Polygon from its member ways,
// as the OSM wiki's multipolygon algorithm does: ways join end to end into rings, in either
// direction and in any order; a ring is outer or inner by its members' role, or, for members
// without one, by how many rings contain it. Rings are joined within each role first, and
// across roles when that leaves ends open (roles set wrong). When ways still do not close
// into rings the geometry is nil and the problem says where, rather than a wrong shape.
func assembleMultipolygon(members []mpMember) (orb.Geometry, []Problem) {
	byRole := map[string][][]e7{}
	for _, m := range members {
		role := m.role
		if role != "outer" && role != "inner" {
			role = ""
		}
		byRole[role] = append(byRole[role], m.pts)
	}
	var rings []*ring
	var open [][]e7
	for _, role := range []string{"outer", "inner", ""} {
		closed, o := joinRings(byRole[role])
		for _, c := range closed {
			rings = append(rings, newRing(c, role))
		}
		open = append(open, o...)
	}
	var problems []Problem
	if len(open) > 0 && len(byRole) > 1 {
		all := make([][]e7, 0, len(members))
		for _, m := range members {
			all = append(all, m.pts)
		}
		closed, o := joinRings(all)
		if len(o) == 0 {
			rings, open = nil, nil
			for _, c := range closed {
				rings = append(rings, newRing(c, ""))
			}
			problems = append(problems, Problem{Field: "geometry", Problem: InvalidGeometry, Action: Warning,
				Detail: "the members' outer and inner roles do not make closed rings: rings joined regardless of role"})
		}
	}
	if len(open) > 0 {
		end := open[0][len(open[0])-1].point()
		return nil, append(problems, Problem{Field: "geometry", Problem: InvalidGeometry, Action: Refused,
			Detail: fmt.Sprintf("the member ways do not close into rings: %d chain(s) left open, one ending at %.7f %.7f", len(open), end[0], end[1])})
	}
	if len(rings) == 0 {
		return nil, append(problems, Problem{Field: "geometry", Problem: InvalidGeometry, Action: Refused,
			Detail: "the relation has no member ways with a location"})
	}
	return polygonsOf(rings, problems)
}

// polygonsOf makes polygons of closed rings: outers counter-clockwise, each inner clockwise
// in the smallest outer that contains it.
func polygonsOf(rings []*ring, problems []Problem) (orb.Geometry, []Problem) {
	if !slices.ContainsFunc(rings, func(r *ring) bool { return r.role != "inner" }) {
		for _, r := range rings {
			r.role = ""
		}
		problems = append(problems, Problem{Field: "geometry", Problem: InvalidGeometry, Action: Warning,
			Detail: "every member has the inner role: rings told outer from inner by containment"})
	}
	for _, r := range rings {
		if r.role != "" {
			continue
		}
		depth := 0
		for _, o := range rings {
			if o != r && r.inside(o) {
				depth++
			}
		}
		r.role = "outer"
		if depth%2 == 1 {
			r.role = "inner"
		}
	}
	var outers []*ring
	for _, r := range rings {
		if r.role == "outer" {
			outers = append(outers, r)
		}
	}
	slices.SortStableFunc(outers, func(a, b *ring) int { return cmp.Compare(math.Abs(a.area), math.Abs(b.area)) })
	polys := make([]orb.Polygon, len(outers))
	for i, o := range outers {
		polys[i] = orb.Polygon{oriented(o.r, o.area, true)}
	}
	dropped := 0
	for _, r := range rings {
		if r.role != "inner" {
			continue
		}
		i := slices.IndexFunc(outers, r.inside)
		if i < 0 {
			dropped++
			continue
		}
		polys[i] = append(polys[i], oriented(r.r, r.area, false))
	}
	if dropped > 0 {
		problems = append(problems, Problem{Field: "geometry", Problem: InvalidGeometry, Action: Warning,
			Detail: fmt.Sprintf("%d inner ring(s) lie in no outer ring: left out", dropped)})
	}
	if len(polys) == 1 {
		return polys[0], problems
	}
	return orb.MultiPolygon(polys), problems
}

// oriented returns r counter-clockwise (ccw) or clockwise, as RFC 7946 §3.1.6 wants
// exterior and interior rings.
func oriented(r orb.Ring, area float64, ccw bool) orb.Ring {
	if (area > 0) != ccw && area != 0 {
		r.Reverse()
	}
	return r
}

// joinRings joins lines end to end into closed rings; chains that cannot close are open.
// From a line's end it takes, among the unused lines touching there, one that closes the
// ring if there is one, then extends the chain's other end when the first is stuck.
func joinRings(lines [][]e7) (closed, open [][]e7) {
	ends := map[e7][]int{}
	for i, l := range lines {
		if len(l) >= 2 && l[0] != l[len(l)-1] { // a closed way is a ring by itself
			ends[l[0]] = append(ends[l[0]], i)
			ends[l[len(l)-1]] = append(ends[l[len(l)-1]], i)
		}
	}
	used := make([]bool, len(lines))
	for i, l := range lines {
		if used[i] || len(l) < 2 {
			continue
		}
		used[i] = true
		chain := slices.Clone(l)
		flipped := false
		for chain[0] != chain[len(chain)-1] {
			j := nextLine(lines, ends[chain[len(chain)-1]], used, chain[0])
			if j < 0 {
				if flipped {
					break
				}
				slices.Reverse(chain)
				flipped = true
				continue
			}
			used[j] = true
			next := lines[j]
			if next[0] != chain[len(chain)-1] {
				next = slices.Clone(next)
				slices.Reverse(next)
			}
			chain = append(chain, next[1:]...)
		}
		if chain[0] == chain[len(chain)-1] {
			closed = append(closed, chain)
		} else {
			open = append(open, chain)
		}
	}
	return closed, open
}

// nextLine picks an unused line among candidates, preferring one whose other end is start.
func nextLine(lines [][]e7, candidates []int, used []bool, start e7) int {
	pick := -1
	for _, j := range candidates {
		if used[j] {
			continue
		}
		if l := lines[j]; l[0] == start || l[len(l)-1] == start {
			return j
		}
		if pick < 0 {
			pick = j
		}
	}
	return pick
}
