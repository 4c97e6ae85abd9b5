package demo

import (
	"math"
	"slices"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/osm"
	"golang.org/x/text/unicode/norm"
)

// osmSegment is a named street between two crossings with the other direction's centre
// lines: one OSM way. A vertical segment runs along v at u = fixed, a horizontal one along u
// at v = fixed; at[k] is the position of node ids[k] along it, the first and last being the
// crossings.
type osmSegment struct {
	street    int64
	main      bool
	vertical  bool
	fixed     float64
	at        []float64
	ids       []int64
	junctions []osmJunction // nodes of blocks where their alleys and tracks meet the street
}

type osmJunction struct {
	at float64
	id int64
}

// OSMStreetWays returns the number of ways WriteOSM writes for each named street: one per
// block side, a vertical street crossing every horizontal one and the reverse.
func (c *City) OSMStreetWays() map[string]int {
	ways := map[string]int{}
	for i := 0; i <= c.nx; i++ {
		ways[c.nameOf(c.colStreet(i))] += c.ny
	}
	for j := 0; j <= c.ny; j++ {
		ways[c.nameOf(c.rowStreet(j))] += c.nx
	}
	return ways
}

// crossing is the node id of the crossing of vertical line i and horizontal line j.
func (c *City) crossing(i, j int) int64 { return int64(1 + j*(c.nx+1) + i) }

// vSeg and hSeg index the segment of vertical line i between rows j and j+1, and of
// horizontal line j between columns i and i+1.
func (c *City) vSeg(i, j int) int { return i*c.ny + j }
func (c *City) hSeg(i, j int) int { return (c.nx+1)*c.ny + j*c.nx + i }

// streetNetwork lays out the segments and numbers their nodes: the crossings first, then the
// nodes between crossings segment by segment.
func (e *osmExport) streetNetwork() {
	c := e.c
	e.node = int64((c.nx + 1) * (c.ny + 1))
	e.segs = make([]osmSegment, (c.nx+1)*c.ny+(c.ny+1)*c.nx)
	add := func(k int, s osmSegment, first, last int64) {
		s.ids = make([]int64, len(s.at))
		s.ids[0], s.ids[len(s.at)-1] = first, last
		for n := 1; n < len(s.at)-1; n++ {
			s.ids[n] = e.newNode()
		}
		e.segs[k] = s
	}
	for i := 0; i <= c.nx; i++ {
		for j := range c.ny {
			add(c.vSeg(i, j), osmSegment{street: c.colStreet(i), main: mainLine(i), vertical: true, fixed: c.colX[i],
				at: steps(c.rowY[j], c.rowY[j+1], maxLineEdgeM)}, c.crossing(i, j), c.crossing(i, j+1))
		}
	}
	for j := 0; j <= c.ny; j++ {
		for i := range c.nx {
			add(c.hSeg(i, j), osmSegment{street: c.rowStreet(j), main: mainLine(j), fixed: c.rowY[j],
				at: steps(c.colX[i], c.colX[i+1], maxLineEdgeM)}, c.crossing(i, j), c.crossing(i+1, j))
		}
	}
}

// segPoint is the point at position at along segment s.
func (c *City) segPoint(s *osmSegment, at float64) orb.Point {
	if s.vertical {
		return c.point(s.fixed, at)
	}
	return c.point(at, s.fixed)
}

func (e *osmExport) writeStreetNodes() error {
	c := e.c
	for j := 0; j <= c.ny; j++ {
		for i := 0; i <= c.nx; i++ {
			p := c.point(c.colX[i], c.rowY[j])
			if err := e.w.Node(c.crossing(i, j), p[0], p[1], nil); err != nil {
				return err
			}
		}
	}
	for k := range e.segs {
		s := &e.segs[k]
		for n := 1; n < len(s.at)-1; n++ {
			p := c.segPoint(s, s.at[n])
			if err := e.w.Node(s.ids[n], p[0], p[1], nil); err != nil {
				return err
			}
		}
	}
	return nil
}

// junction returns the node where a block's way meets segment seg at position at: a node of
// the street within a metre, or a new node of the block, recorded for the street's way.
func (e *osmExport) junction(seg int, at float64) int64 {
	s := &e.segs[seg]
	k, _ := slices.BinarySearch(s.at, at)
	for _, n := range []int{k - 1, k} {
		if n >= 0 && n < len(s.at) && math.Abs(s.at[n]-at) < 1 {
			return s.ids[n]
		}
	}
	id := e.blk.newNode(e.c.segPoint(s, at), nil)
	if e.nodes {
		s.junctions = append(s.junctions, osmJunction{at, id})
	}
	return id
}

func (e *osmExport) writeStreetWays() error {
	for k := range e.segs {
		s := &e.segs[k]
		refs := slices.Clone(s.ids)
		if len(s.junctions) > 0 {
			nodes := make([]osmJunction, 0, len(s.at)+len(s.junctions))
			for n, at := range s.at {
				nodes = append(nodes, osmJunction{at, s.ids[n]})
			}
			nodes = append(nodes, s.junctions...)
			slices.SortStableFunc(nodes, func(a, b osmJunction) int { return cmpFloat(a.at, b.at) })
			refs = refs[:0]
			for _, n := range nodes {
				refs = append(refs, n.id)
			}
		}
		highway := "residential"
		if s.main {
			highway = "primary"
		}
		tags := osm.Tags{{Key: "highway", Value: highway}, {Key: "name", Value: e.c.streetWayName(k, e.c.nameOf(s.street))}}
		if err := e.writeWay(osmWay{refs: refs, tags: tags}); err != nil {
			return err
		}
	}
	return nil
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// streetWayName is the name on segment k's way: about one in four of the ways of a name
// with Đ spell it with Ð, as many OSM ways of Vietnam do; one in twenty-five is in NFD.
func (c *City) streetWayName(k int, name string) string {
	if strings.ContainsAny(name, "Đđ") && c.draw(drawStreetEth, int64(k)) < 0.25 {
		return withEth(name)
	}
	if c.draw(drawStreetNFD, int64(k)) < 0.04 {
		return norm.NFD.String(name)
	}
	return name
}

// withEth writes Đ and đ as the look-alikes Ð (U+00D0, Icelandic eth) and ð (U+00F0).
func withEth(s string) string { return ethReplacer.Replace(s) }

var ethReplacer = strings.NewReplacer("Đ", "\u00D0", "đ", "\u00F0")
