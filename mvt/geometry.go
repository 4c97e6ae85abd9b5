package mvt

import (
	"math"
	"slices"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"
	"github.com/paulmach/orb/simplify"
)

// Geometry types of vector_tile.proto.
const (
	typePoint, typeLineString, typePolygon = 1, 2, 3
)

// Commands of MVT 2.1 §4.3.
const (
	cmdMoveTo, cmdLineTo, cmdClosePath = 1, 2, 7
)

// Grid is where a tile's features are drawn: the tile's Bound in Web Mercator metres is
// Extent units across, and features are kept Buffer units beyond each edge. Simplify, when
// above 0, is a Douglas–Peucker tolerance in units, applied before clipping and snapping.
type Grid struct {
	Bound          orb.Bound
	Extent, Buffer int
	Simplify       float64
}

// drawing is the scratch space for reading and drawing one geometry after another.
type drawing struct {
	reader
	lineParts    []orb.LineString
	ringParts    []orb.Ring
	polygonParts []orb.Polygon
	inside       bool // the geometry drawn lies inside the tile and its buffer

	cmds   []uint32
	ring   []point
	cx, cy int32
	// rpoints holds a polygon's rings one after another, each starting at its index in rings.
	rpoints []point
	rings   []int
}

// point is a position on the grid.
type point struct{ x, y int32 }

// draw draws geom, in grid g's units and changed in place, and returns its MVT type and
// commands, or type 0 when nothing of it is left in the tile. The commands are scratch
// space, valid until the next call.
func (d *drawing) draw(g Grid, geom orb.Geometry, bound orb.Bound) (kind byte, cmds []uint32) {
	d.cmds, d.cx, d.cy = d.cmds[:0], 0, 0
	b := float64(g.Buffer)
	box := orb.Bound{Min: orb.Point{-b, -b}, Max: orb.Point{float64(g.Extent) + b, float64(g.Extent) + b}}
	// Most features lie inside the tile and its buffer: nothing to clip.
	d.inside = box.Contains(bound.Min) && box.Contains(bound.Max)
	// Snapping moves points by up to half a unit: one just beyond the buffer may stay.
	if !d.inside && !box.Pad(1).Intersects(bound) {
		return 0, nil
	}
	switch geom := geom.(type) {
	case orb.Point:
		return d.pointsIn(box, orb.MultiPoint{geom})
	case orb.MultiPoint:
		return d.pointsIn(box, geom)
	case orb.LineString:
		return d.lines(g, box, orb.MultiLineString{geom})
	case orb.MultiLineString:
		return d.lines(g, box, geom)
	case orb.Polygon:
		return d.polygons(g, box, orb.MultiPolygon{geom})
	case orb.MultiPolygon:
		return d.polygons(g, box, geom)
	}
	// Collections have no MVT type: the catalog's layers hold one kind of geometry.
	return 0, nil
}

func (d *drawing) pointsIn(box orb.Bound, ps orb.MultiPoint) (byte, []uint32) {
	d.ring = d.ring[:0]
	for _, p := range ps {
		// Snapped first, as PostGIS does: a point less than half a unit beyond the buffer stays.
		if q := snap(p); box.Contains(orb.Point{float64(q.x), float64(q.y)}) {
			d.ring = append(d.ring, q)
		}
	}
	if len(d.ring) == 0 {
		return 0, nil
	}
	d.moveTo(d.ring)
	return typePoint, d.cmds
}

func (d *drawing) lines(g Grid, box orb.Bound, mls orb.MultiLineString) (byte, []uint32) {
	if g.Simplify > 0 {
		mls = simplify.DouglasPeucker(g.Simplify).MultiLineString(mls)
	}
	for _, ls := range mls {
		rounded(ls)
	}
	if !d.inside {
		mls = clip.MultiLineString(box, mls)
	}
	for _, ls := range mls {
		d.snapped(ls, false)
		if len(d.ring) < 2 {
			continue
		}
		d.moveTo(d.ring[:1])
		d.lineTo(d.ring[1:])
	}
	if len(d.cmds) == 0 {
		return 0, nil
	}
	return typeLineString, d.cmds
}

func (d *drawing) polygons(g Grid, box orb.Bound, mp orb.MultiPolygon) (byte, []uint32) {
	for _, p := range mp {
		if len(p) == 0 {
			continue
		}
		if g.Simplify > 0 {
			p = simplify.DouglasPeucker(g.Simplify).Polygon(p)
		}
		for _, r := range p {
			rounded(r)
		}
		if !d.inside {
			if p = clip.Polygon(box, p); p == nil {
				continue
			}
		}
		d.polygon(p)
	}
	if len(d.cmds) == 0 {
		return 0, nil
	}
	return typePolygon, d.cmds
}

// polygon draws p's rings, unless they leave no area: clipped ring by ring, a tile that lies
// in a hole is the outer ring and the hole both clipped to the same square.
func (d *drawing) polygon(p orb.Polygon) {
	d.rings, d.rpoints = d.rings[:0], d.rpoints[:0]
	var net int64
	for i, r := range p {
		area, ok := d.ringOf(r, i == 0)
		if !ok {
			if i == 0 {
				return // without its outer ring, the polygon is gone
			}
			continue
		}
		net += area
		d.rings = append(d.rings, len(d.rpoints))
		d.rpoints = append(d.rpoints, d.ring...)
	}
	// net is twice the area: under one square unit (a corner of the buffer clipped off) the
	// polygon is gone, as PostGIS drops it.
	if net < 2 {
		return
	}
	for i, start := range d.rings {
		end := len(d.rpoints)
		if i+1 < len(d.rings) {
			end = d.rings[i+1]
		}
		d.closedRing(d.rpoints[start:end])
	}
}

// closedRing writes ring r (without its closing point) starting at the point that makes it
// fewest bytes: the step to the first point is written, and the step back to it, from the
// last, is left to ClosePath. So the ring starts where the step from the cursor is short and
// the step into the start is long. PostGIS starts rings where GEOS left them; the shapes are
// the same (MVT 2.1 §4.3.4.4 asks only the winding).
func (d *drawing) closedRing(r []point) {
	best, bestCost := 0, math.MaxInt
	for i, p := range r {
		prev := r[(i+len(r)-1)%len(r)]
		if c := stepLen(d.cx, d.cy, p) - stepLen(prev.x, prev.y, p); c < bestCost {
			best, bestCost = i, c
		}
	}
	d.moveTo(r[best : best+1])
	d.cmds = append(d.cmds, command(cmdLineTo, len(r)-1))
	d.to(r[best+1:])
	d.to(r[:best])
	d.cmds = append(d.cmds, command(cmdClosePath, 1))
}

// stepLen is how many bytes the step from (x, y) to p takes as two zigzagged varints.
func stepLen(x, y int32, p point) int {
	return zigzagLen(p.x-x) + zigzagLen(p.y-y)
}

func zigzagLen(v int32) int {
	return uvarintLen(uint64(uint32(v<<1 ^ v>>31)))
}

// ringOf snaps ring r into d.ring, without its closing point, wound as MVT 2.1 §4.3.4.4 wants
// it: an outer ring's area positive by the surveyor's formula in grid units (clockwise on the
// screen, y pointing down), an inner ring's negative. It returns twice its area so wound, and
// false when the ring has no area left.
func (d *drawing) ringOf(r orb.Ring, outer bool) (int64, bool) {
	d.snapped(orb.LineString(r), true)
	if len(d.ring) < 3 {
		return 0, false
	}
	var area int64
	for i, p := range d.ring {
		q := d.ring[(i+1)%len(d.ring)]
		area += int64(p.x)*int64(q.y) - int64(q.x)*int64(p.y)
	}
	if area == 0 {
		return 0, false
	}
	if (area > 0) != outer {
		// The first point stays first, as when PostGIS reverses a ring with its closing
		// point: where rings start matters to how well tiles compress.
		slices.Reverse(d.ring[1:])
		area = -area
	}
	return area, true
}

// rounded rounds ps to whole units, in place, as PostGIS does before it clips.
func rounded(ps []orb.Point) {
	for i, p := range ps {
		ps[i] = orb.Point{math.RoundToEven(p[0]), math.RoundToEven(p[1])}
	}
}

// snapped puts ls's points, rounded before clipping, into d.ring, without repeats; closed
// drops a last point equal to the first. Where clipping made new points, they are cut to whole
// units towards zero, as ST_AsMVT writes the points ST_AsMVTGeom clipped.
func (d *drawing) snapped(ls orb.LineString, closed bool) {
	d.ring = d.ring[:0]
	for _, p := range ls {
		q := point{int32(p[0]), int32(p[1])}
		if n := len(d.ring); n > 0 && d.ring[n-1] == q {
			continue
		}
		d.ring = append(d.ring, q)
	}
	if n := len(d.ring); closed && n > 1 && d.ring[0] == d.ring[n-1] {
		d.ring = d.ring[:n-1]
	}
	d.ring = straightened(d.ring, closed)
}

// straightened drops from ps, in place, the points that lie on a straight line between their
// neighbours, as PostGIS does after snapping (a simplification of tolerance 0): they add
// bytes and draw nothing. The first point stays.
func straightened(ps []point, closed bool) []point {
	out := ps[:0]
	for _, p := range ps {
		for n := len(out); n >= 2 && onLine(out[n-2], out[n-1], p); n = len(out) {
			out = out[:n-1]
		}
		out = append(out, p)
	}
	if n := len(out); closed && n >= 3 && onLine(out[n-2], out[n-1], out[0]) {
		out = out[:n-1]
	}
	return out
}

// onLine reports whether b lies on the segment from a to c, going on in the same direction.
func onLine(a, b, c point) bool {
	ux, uy := int64(b.x-a.x), int64(b.y-a.y)
	vx, vy := int64(c.x-b.x), int64(c.y-b.y)
	return ux*vy == uy*vx && ux*vx+uy*vy > 0
}

// snap rounds p to the grid as PostGIS does (rint: halves to even).
func snap(p orb.Point) point {
	return point{int32(math.RoundToEven(p[0])), int32(math.RoundToEven(p[1]))}
}

func command(id, count int) uint32 { return uint32(count<<3 | id) }

func (d *drawing) moveTo(ps []point) {
	d.cmds = append(d.cmds, command(cmdMoveTo, len(ps)))
	d.to(ps)
}

func (d *drawing) lineTo(ps []point) {
	if len(ps) == 0 {
		return
	}
	d.cmds = append(d.cmds, command(cmdLineTo, len(ps)))
	d.to(ps)
}

// to appends ps as parameters: each the zigzagged step from the cursor, which moves there.
func (d *drawing) to(ps []point) {
	for _, p := range ps {
		dx, dy := p.x-d.cx, p.y-d.cy
		d.cmds = append(d.cmds, uint32(dx<<1^dx>>31), uint32(dy<<1^dy>>31))
		d.cx, d.cy = p.x, p.y
	}
}
