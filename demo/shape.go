package demo

import (
	"math"
	"slices"

	"github.com/paulmach/orb"
)

// Longest edge, in metres, left between vertices before warping: the warp bends straight
// edges, and neighbouring polygons that share an edge only partly (a T-junction) would
// otherwise overlap by the bend. At these lengths the bend stays under a millimetre.
const (
	maxLotEdgeM  = 8
	maxWardEdgeM = 40
	maxLineEdgeM = 25
)

// steps returns the values from lo to hi in equal steps of at most maxM, both ends included,
// always computed from lo upwards so that two polygons sharing an edge get identical points.
func steps(lo, hi, maxM float64) []float64 {
	n := max(1, int(math.Ceil((hi-lo)/maxM)))
	vs := make([]float64, n+1)
	for t := range n {
		vs[t] = lo + (hi-lo)*float64(t)/float64(n)
	}
	vs[n] = hi
	return vs
}

// through returns the values along the given breakpoints, each gap split by steps.
func through(breaks []float64, maxM float64) []float64 {
	vs := []float64{breaks[0]}
	for i := 1; i < len(breaks); i++ {
		vs = append(vs, steps(breaks[i-1], breaks[i], maxM)[1:]...)
	}
	return vs
}

// rectRing is the anticlockwise ring of the uv rectangle whose sides pass through xs (bottom
// and top) and ys (left and right), mapped to WGS84; it also returns the area in square
// metres of the warped shape.
func (c *City) rectRing(xs, ys []float64) (orb.Ring, float64) {
	x0, x1, y0, y1 := xs[0], xs[len(xs)-1], ys[0], ys[len(ys)-1]
	type uv struct{ u, v float64 }
	pts := make([]uv, 0, 2*(len(xs)+len(ys)))
	for _, x := range xs[:len(xs)-1] {
		pts = append(pts, uv{x, y0})
	}
	for _, y := range ys[:len(ys)-1] {
		pts = append(pts, uv{x1, y})
	}
	rx, ry := slices.Clone(xs), slices.Clone(ys)
	slices.Reverse(rx)
	slices.Reverse(ry)
	for _, x := range rx[:len(rx)-1] {
		pts = append(pts, uv{x, y1})
	}
	for _, y := range ry[:len(ry)-1] {
		pts = append(pts, uv{x0, y})
	}
	ring := make(orb.Ring, 0, len(pts)+1)
	var area, px0, py0, pxPrev, pyPrev float64
	for i, p := range pts {
		ring = append(ring, c.point(p.u, p.v))
		x, y := c.warpM(p.u, p.v)
		if i == 0 {
			px0, py0 = x, y
		} else {
			area += pxPrev*y - x*pyPrev
		}
		pxPrev, pyPrev = x, y
	}
	area += pxPrev*py0 - px0*pyPrev
	ring = append(ring, ring[0])
	return ring, area / 2
}

// lotPolygon is a lot's rectangle with edges split finely enough to stay flush with its
// neighbours after warping.
func (c *City) lotPolygon(x0, y0, x1, y1 float64) (orb.MultiPolygon, float64) {
	ring, a := c.rectRing(steps(x0, x1, maxLotEdgeM), steps(y0, y1, maxLotEdgeM))
	return orb.MultiPolygon{{ring}}, a
}

// cellsPolygon is the area between centre lines bx0..bx1 and by0..by1: a ward, a plan.
func (c *City) cellsPolygon(bx0, by0, bx1, by1 int) (orb.MultiPolygon, float64) {
	ring, a := c.rectRing(through(c.colX[bx0:bx1+1], maxWardEdgeM), through(c.rowY[by0:by1+1], maxWardEdgeM))
	return orb.MultiPolygon{{ring}}, a
}

// line maps a uv polyline, split into short edges, to WGS84.
func (c *City) line(us, vs []float64) orb.LineString {
	ls := make(orb.LineString, 0, len(us))
	for i := range us {
		ls = append(ls, c.point(us[i], vs[i]))
	}
	return ls
}

// hline and vline are straight uv lines at fixed v (u) from lo to hi.
func (c *City) hline(v, lo, hi float64) orb.LineString {
	us := steps(lo, hi, maxLineEdgeM)
	return c.line(us, fill(len(us), v))
}

func (c *City) vline(u, lo, hi float64) orb.LineString {
	vs := steps(lo, hi, maxLineEdgeM)
	return c.line(fill(len(vs), u), vs)
}

func fill(n int, v float64) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = v
	}
	return s
}
