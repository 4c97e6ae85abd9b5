package glyphs

import (
	"math"

	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// point is a position in pixels at Size, y up from the baseline.
type point struct{ x, y float64 }

// edge is a straight piece of an outline, from a to b.
type edge struct{ a, b point }

// curveSteps is how many straight pieces a curve becomes: a glyph's curves at 24 px are a few
// pixels long, and 8 pieces stay within a few hundredths of a pixel of them.
const curveSteps = 8

func toPoint(p fixed.Point26_6) point { return point{float64(p.X) / 64, -float64(p.Y) / 64} }

// flatten turns a glyph's outline (y down, in 26.6 fixed point) into straight edges, y up,
// closing each contour.
func flatten(segments sfnt.Segments) []edge {
	var edges []edge
	var start, pen point
	lineTo := func(p point) {
		if p != pen {
			edges = append(edges, edge{pen, p})
		}
		pen = p
	}
	for _, s := range segments {
		switch s.Op {
		case sfnt.SegmentOpMoveTo:
			lineTo(start)
			start, pen = toPoint(s.Args[0]), toPoint(s.Args[0])
		case sfnt.SegmentOpLineTo:
			lineTo(toPoint(s.Args[0]))
		case sfnt.SegmentOpQuadTo:
			p0, c, p1 := pen, toPoint(s.Args[0]), toPoint(s.Args[1])
			for i := 1; i < curveSteps; i++ {
				t := float64(i) / curveSteps
				u := 1 - t
				lineTo(point{u*u*p0.x + 2*u*t*c.x + t*t*p1.x, u*u*p0.y + 2*u*t*c.y + t*t*p1.y})
			}
			lineTo(p1)
		case sfnt.SegmentOpCubeTo:
			p0, c0, c1, p1 := pen, toPoint(s.Args[0]), toPoint(s.Args[1]), toPoint(s.Args[2])
			for i := 1; i < curveSteps; i++ {
				t := float64(i) / curveSteps
				u := 1 - t
				a, b, c, d := u*u*u, 3*u*u*t, 3*u*t*t, t*t*t
				lineTo(point{a*p0.x + b*c0.x + c*c1.x + d*p1.x, a*p0.y + b*c0.y + c*c1.y + d*p1.y})
			}
			lineTo(p1)
		}
	}
	lineTo(start)
	return edges
}

// field computes the signed distance field of an outline over its box, whole pixels wide and
// high, and a Border around it: each pixel's value is level of the distance from its centre
// to the nearest edge, negative inside. An outline without area gives a glyph without bitmap.
func field(edges []edge) Glyph {
	minX, minY := math.Inf(1), math.Inf(1)
	maxX, maxY := math.Inf(-1), math.Inf(-1)
	for _, e := range edges {
		for _, p := range []point{e.a, e.b} {
			minX, maxX = min(minX, p.x), max(maxX, p.x)
			minY, maxY = min(minY, p.y), max(maxY, p.y)
		}
	}
	if len(edges) == 0 || maxX <= minX || maxY <= minY {
		return Glyph{}
	}
	left, bottom := math.Floor(minX), math.Floor(minY)
	right, top := math.Ceil(maxX), math.Ceil(maxY)
	g := Glyph{Left: int(left), Top: int(top), Width: int(right - left), Height: int(top - bottom)}
	w, h := g.Width+2*Border, g.Height+2*Border
	g.Bitmap = make([]byte, w*h)
	for row := range h {
		y := top + Border - float64(row) - 0.5
		for col := range w {
			p := point{left - Border + float64(col) + 0.5, y}
			d := distance(edges, p)
			if inside(edges, p) {
				d = -d
			}
			g.Bitmap[row*w+col] = level(d)
		}
	}
	return g
}

// level is the field's value at a signed distance d in pixels from the outline, negative
// inside: Edge on it, 256/Radius levels a pixel, 255 from 2 px inside, 0 from 6 px outside.
func level(d float64) byte {
	return byte(max(0, min(255, math.Round(Edge-d*256/Radius))))
}

// distance is the distance from p to the nearest edge.
func distance(edges []edge, p point) float64 {
	best := math.Inf(1)
	for _, e := range edges {
		dx, dy := e.b.x-e.a.x, e.b.y-e.a.y
		t := 0.0
		if l := dx*dx + dy*dy; l > 0 {
			t = max(0, min(1, ((p.x-e.a.x)*dx+(p.y-e.a.y)*dy)/l))
		}
		ex, ey := e.a.x+t*dx-p.x, e.a.y+t*dy-p.y
		best = min(best, ex*ex+ey*ey)
	}
	return math.Sqrt(best)
}

// inside tells whether p is inside the outline by the non-zero winding rule, TrueType's: the
// edges crossing a ray from p to the right, counted +1 upwards and −1 downwards, do not cancel.
func inside(edges []edge, p point) bool {
	winding := 0
	for _, e := range edges {
		side := (e.b.x-e.a.x)*(p.y-e.a.y) - (p.x-e.a.x)*(e.b.y-e.a.y) // > 0: p left of a→b
		switch {
		case e.a.y <= p.y && e.b.y > p.y && side > 0:
			winding++
		case e.a.y > p.y && e.b.y <= p.y && side < 0:
			winding--
		}
	}
	return winding != 0
}
