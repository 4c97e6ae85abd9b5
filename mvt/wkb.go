package mvt

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"github.com/paulmach/orb"
)

// WKB geometry types (OGC 06-103r4 §8.2.3); ISO WKB adds 1000 for Z, 2000 for M, 3000 for
// both, and PostGIS's EWKB sets flag bits instead.
const (
	wkbPoint, wkbLineString, wkbPolygon, wkbMultiPoint, wkbMultiLineString, wkbMultiPolygon = 1, 2, 3, 4, 5, 6

	ewkbZ, ewkbM, ewkbSRID = 0x80000000, 0x40000000, 0x20000000
)

var errShortWKB = errors.New("WKB ends early")

// reader reads WKB into grid units, into the scratch space of a drawing: a tile's thousand
// features are read without allocating each one's points, rings and polygons anew.
type reader struct {
	b      []byte
	k      float64 // grid units per metre
	x0, y0 float64 // the tile's top left corner, in metres
	bound  orb.Bound

	pts   []orb.Point
	parts []part
}

// part is a run of points (a ring, a line) that reader read, with the polygon it belongs to.
type part struct {
	start, end, polygon int
}

// read reads WKB b, moved into grid g, y pointing down, and returns it with its bound in grid
// units. The geometry lives in the scratch space until the next read.
func (d *drawing) read(b []byte, g Grid) (orb.Geometry, orb.Bound, error) {
	r := d.reader.reset(b, g)
	typ, err := r.geometry(0, true)
	if err != nil {
		return nil, r.bound, err
	}
	return d.assemble(typ), r.bound, nil
}

// geometry reads one geometry and returns its type; polygon numbers the polygons of a
// multipolygon, and top is false inside a multi-geometry.
func (r *reader) geometry(polygon int, top bool) (int, error) {
	if len(r.b) < 5 {
		return 0, errShortWKB
	}
	var order binary.ByteOrder = binary.LittleEndian
	if r.b[0] == 0 {
		order = binary.BigEndian
	}
	raw := order.Uint32(r.b[1:])
	r.b = r.b[5:]
	dims := 2
	if raw&ewkbZ != 0 {
		dims++
	}
	if raw&ewkbM != 0 {
		dims++
	}
	if raw&ewkbSRID != 0 {
		if len(r.b) < 4 {
			return 0, errShortWKB
		}
		r.b = r.b[4:]
	}
	typ := int(raw & 0x0fffffff)
	switch typ / 1000 {
	case 1, 2:
		dims++
	case 3:
		dims += 2
	}
	typ %= 1000
	if !top && typ > wkbPolygon {
		return 0, fmt.Errorf("WKB: a geometry of type %d inside a multi-geometry", typ)
	}
	switch typ {
	case wkbPoint:
		return typ, r.points(1, dims, polygon, order)
	case wkbLineString:
		n, err := r.count(order)
		if err != nil {
			return 0, err
		}
		return typ, r.points(n, dims, polygon, order)
	case wkbPolygon:
		rings, err := r.count(order)
		if err != nil {
			return 0, err
		}
		for range rings {
			n, err := r.count(order)
			if err != nil {
				return 0, err
			}
			if err := r.points(n, dims, polygon, order); err != nil {
				return 0, err
			}
		}
		return typ, nil
	case wkbMultiPoint, wkbMultiLineString, wkbMultiPolygon:
		n, err := r.count(order)
		if err != nil {
			return 0, err
		}
		for i := range n {
			if _, err := r.geometry(i, false); err != nil {
				return 0, err
			}
		}
		return typ, nil
	}
	return 0, fmt.Errorf("WKB: geometry type %d has no vector tile type", typ)
}

// reset makes r read b into grid g from the start of its scratch space.
func (r *reader) reset(b []byte, g Grid) *reader {
	r.b, r.pts, r.parts = b, r.pts[:0], r.parts[:0]
	r.k = float64(g.Extent) / (g.Bound.Max[0] - g.Bound.Min[0])
	r.x0, r.y0 = g.Bound.Min[0], g.Bound.Max[1]
	r.bound = orb.Bound{Min: orb.Point{math.Inf(1), math.Inf(1)}, Max: orb.Point{math.Inf(-1), math.Inf(-1)}}
	return r
}

// add adds point q, in grid units, to the scratch space and the bound.
func (r *reader) add(q orb.Point) {
	r.pts = append(r.pts, q)
	r.bound.Min[0], r.bound.Max[0] = min(r.bound.Min[0], q[0]), max(r.bound.Max[0], q[0])
	r.bound.Min[1], r.bound.Max[1] = min(r.bound.Min[1], q[1]), max(r.bound.Max[1], q[1])
}

func (r *reader) count(order binary.ByteOrder) (int, error) {
	if len(r.b) < 4 {
		return 0, errShortWKB
	}
	n := int(order.Uint32(r.b))
	r.b = r.b[4:]
	return n, nil
}

// points reads n points of dims coordinates (the first two are x and y) as one part.
func (r *reader) points(n, dims, polygon int, order binary.ByteOrder) error {
	size := 8 * dims
	if n < 0 || len(r.b) < n*size {
		return errShortWKB
	}
	start := len(r.pts)
	for i := range n {
		p := r.b[i*size:]
		x := math.Float64frombits(order.Uint64(p))
		y := math.Float64frombits(order.Uint64(p[8:]))
		r.add(orb.Point{(x - r.x0) * r.k, (r.y0 - y) * r.k})
	}
	r.b = r.b[n*size:]
	r.parts = append(r.parts, part{start: start, end: len(r.pts), polygon: polygon})
	return nil
}

// assemble makes the geometry of type typ that read left in the scratch space, out of slices
// of it.
func (d *drawing) assemble(typ int) orb.Geometry {
	r := &d.reader
	switch typ {
	case wkbPoint:
		if len(r.pts) == 0 {
			return nil
		}
		return r.pts[0]
	case wkbMultiPoint:
		return orb.MultiPoint(r.pts)
	case wkbLineString:
		return orb.LineString(r.pts)
	case wkbMultiLineString:
		d.lineParts = d.lineParts[:0]
		for _, p := range r.parts {
			d.lineParts = append(d.lineParts, orb.LineString(r.pts[p.start:p.end]))
		}
		return orb.MultiLineString(d.lineParts)
	}
	d.ringParts, d.polygonParts = d.ringParts[:0], d.polygonParts[:0]
	for _, p := range r.parts {
		d.ringParts = append(d.ringParts, orb.Ring(r.pts[p.start:p.end]))
	}
	if typ == wkbPolygon {
		return orb.Polygon(d.ringParts)
	}
	for i := 0; i < len(r.parts); {
		j := i + 1
		for j < len(r.parts) && r.parts[j].polygon == r.parts[i].polygon {
			j++
		}
		d.polygonParts = append(d.polygonParts, orb.Polygon(d.ringParts[i:j]))
		i = j
	}
	return orb.MultiPolygon(d.polygonParts)
}

// TWKB geometry types and header flags (TWKB 0.23 specification).
const (
	twkbBBox, twkbSize, twkbIDList, twkbExtended, twkbEmpty = 1, 2, 4, 8, 16
)

// readTWKB reads TWKB b (https://github.com/TWKB/Specification), moved into grid g like read.
// TWKB holds coordinates as integers at a precision: PostGIS writes a tile's rows a third of
// the bytes of WKB, with less work.
func (d *drawing) readTWKB(b []byte, g Grid) (orb.Geometry, orb.Bound, error) {
	r := d.reader.reset(b, g)
	if len(b) < 2 {
		return nil, r.bound, errShortWKB
	}
	typ, precision := int(b[0]&0x0f), zigzag(uint64(b[0]>>4))
	flags := b[1]
	r.b = b[2:]
	dims := 2
	if flags&twkbExtended != 0 {
		if len(r.b) < 1 {
			return nil, r.bound, errShortWKB
		}
		dims += int(r.b[0] & 1)
		dims += int(r.b[0] >> 1 & 1)
		r.b = r.b[1:]
	}
	if flags&twkbEmpty != 0 {
		return nil, r.bound, nil
	}
	if flags&twkbSize != 0 {
		if _, err := r.uvarint(); err != nil {
			return nil, r.bound, err
		}
	}
	if flags&twkbBBox != 0 {
		for range 2 * dims {
			if _, err := r.uvarint(); err != nil {
				return nil, r.bound, err
			}
		}
	}
	t := twkb{reader: r, dims: dims, scale: math.Pow10(-int(precision))}
	if err := t.body(typ, flags&twkbIDList != 0); err != nil {
		return nil, r.bound, fmt.Errorf("TWKB: %w", err)
	}
	return d.assemble(typ), r.bound, nil
}

// twkb reads the body of a TWKB geometry: every coordinate is a step from the one before.
type twkb struct {
	*reader
	dims   int
	scale  float64
	cursor [4]int64
}

func (t *twkb) body(typ int, ids bool) error {
	switch typ {
	case wkbPoint:
		return t.points(1, 0)
	case wkbLineString:
		return t.counted(0)
	case wkbPolygon:
		return t.polygon(0)
	case wkbMultiPoint, wkbMultiLineString, wkbMultiPolygon:
		n, err := t.uvarint()
		if err != nil {
			return err
		}
		if ids {
			for range n {
				if _, err := t.uvarint(); err != nil {
					return err
				}
			}
		}
		for i := range int(n) {
			switch typ {
			case wkbMultiPoint:
				err = t.points(1, i)
			case wkbMultiLineString:
				err = t.counted(i)
			default:
				err = t.polygon(i)
			}
			if err != nil {
				return err
			}
		}
		return nil
	}
	return fmt.Errorf("geometry type %d has no vector tile type", typ)
}

func (t *twkb) polygon(polygon int) error {
	rings, err := t.uvarint()
	if err != nil {
		return err
	}
	for range rings {
		if err := t.counted(polygon); err != nil {
			return err
		}
	}
	return nil
}

// counted reads a count of points and the points, as one part.
func (t *twkb) counted(polygon int) error {
	n, err := t.uvarint()
	if err != nil {
		return err
	}
	return t.points(int(n), polygon)
}

func (t *twkb) points(n, polygon int) error {
	if n < 0 || n > len(t.b) {
		return errShortWKB
	}
	start := len(t.pts)
	for range n {
		for i := range t.dims {
			v, err := t.uvarint()
			if err != nil {
				return err
			}
			t.cursor[i] += zigzag(v)
		}
		x, y := float64(t.cursor[0])*t.scale, float64(t.cursor[1])*t.scale
		t.add(orb.Point{(x - t.x0) * t.k, (t.y0 - y) * t.k})
	}
	t.parts = append(t.parts, part{start: start, end: len(t.pts), polygon: polygon})
	return nil
}

func (r *reader) uvarint() (uint64, error) {
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		return 0, errShortWKB
	}
	r.b = r.b[n:]
	return v, nil
}

func zigzag(v uint64) int64 { return int64(v>>1) ^ -int64(v&1) }
