// Package osmwrite writes OpenStreetMap files, streamed: the binary PBF format
// (https://wiki.openstreetmap.org/wiki/PBF_Format, `.osm.pbf`) and OSM XML 0.6 (`.osm`).
//
// Elements go out in the canonical order of OSM extracts (all nodes, then ways, then
// relations, ids ascending within a type), which readers may rely on and which the PBF header
// announces as Sort.Type_then_ID; a call out of that order is refused with ErrOrder. Elements
// carry no metadata (version, timestamp, user), as extracts written with osmium's
// add_metadata=false do. Memory stays bounded: the PBF writer holds one block of at most 8000
// elements, the XML writer one element.
package osmwrite

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"unicode/utf8"

	"github.com/paulmach/orb"
	"github.com/paulmach/osm"
)

// Format is a file format.
type Format int

// The formats.
const (
	PBF Format = iota + 1 // .osm.pbf
	XML                   // .osm
)

// Generator names the writing program in both formats.
const Generator = "bandoso"

// Errors of the writer.
var (
	ErrOrder   = errors.New("osmwrite: element out of order")
	ErrInvalid = errors.New("osmwrite: invalid element")
	ErrClosed  = errors.New("osmwrite: writer closed")
	ErrFormat  = errors.New("osmwrite: unknown format")
)

// FormatFor chooses the format from a file name: `.osm.pbf` or `.pbf` is PBF, `.osm` XML.
func FormatFor(name string) (Format, error) {
	lower := strings.ToLower(name)
	switch {
	case strings.HasSuffix(lower, ".pbf"):
		return PBF, nil
	case strings.HasSuffix(lower, ".osm"):
		return XML, nil
	}
	return 0, fmt.Errorf("%w: %q is neither .osm.pbf, .pbf nor .osm", ErrFormat, name)
}

// kind is an element type, in the order a file holds them.
type kind int

const (
	none kind = iota
	nodeKind
	wayKind
	relationKind
)

func (k kind) String() string { return [...]string{"nothing", "node", "way", "relation"}[k] }

// encoder is one format's output. Coordinates come in units of 1e-7 degrees, the precision
// of OSM and of the PBF granularity 100 nanodegrees.
type encoder interface {
	node(id, lon7, lat7 int64, tags osm.Tags) error
	way(id int64, refs []int64, tags osm.Tags) error
	relation(id int64, members osm.Members, tags osm.Tags) error
	close() error
}

// Counts are the elements written so far.
type Counts struct {
	Nodes, Ways, Relations int64
}

// Writer writes one OSM file. Its methods must not be called concurrently. An invalid or
// out-of-order element is refused and the writer stays usable; an error of the underlying
// writer is final and returned by every later call.
type Writer struct {
	enc    encoder
	last   kind
	lastID int64
	counts Counts
	err    error // sticky: an output error, or ErrClosed
}

// New starts a file on out in the given format, with bounds as the file's bounding box
// (the PBF header's bbox, the XML <bounds>). Close finishes the file; it does not close out.
func New(out io.Writer, f Format, bounds orb.Bound) (*Writer, error) {
	if err := checkBounds(bounds); err != nil {
		return nil, err
	}
	var enc encoder
	var err error
	switch f {
	case PBF:
		enc, err = newPBF(out, bounds)
	case XML:
		enc, err = newXML(out, bounds)
	default:
		return nil, fmt.Errorf("%w: %d", ErrFormat, f)
	}
	if err != nil {
		return nil, err
	}
	return &Writer{enc: enc}, nil
}

// Node writes a node at lon, lat (degrees, WGS84), rounded to 1e-7 degrees.
func (w *Writer) Node(id int64, lon, lat float64, tags osm.Tags) error {
	if err := w.check(nodeKind, id, tags); err != nil {
		return err
	}
	lon7, lat7, err := units(lon, lat)
	if err != nil {
		return fmt.Errorf("%w: node %d: %w", ErrInvalid, id, err)
	}
	return w.done(nodeKind, id, w.enc.node(id, lon7, lat7, tags))
}

// Way writes a way through the nodes refs, in order.
func (w *Writer) Way(id int64, refs []int64, tags osm.Tags) error {
	if err := w.check(wayKind, id, tags); err != nil {
		return err
	}
	if len(refs) == 0 {
		return fmt.Errorf("%w: way %d has no nodes", ErrInvalid, id)
	}
	return w.done(wayKind, id, w.enc.way(id, refs, tags))
}

// Relation writes a relation with its members, in order. A member's type is node, way or
// relation; its role may be empty.
func (w *Writer) Relation(id int64, members osm.Members, tags osm.Tags) error {
	if err := w.check(relationKind, id, tags); err != nil {
		return err
	}
	for _, m := range members {
		if m.Type != osm.TypeNode && m.Type != osm.TypeWay && m.Type != osm.TypeRelation {
			return fmt.Errorf("%w: relation %d: member type %q", ErrInvalid, id, m.Type)
		}
		if err := checkText(m.Role); err != nil {
			return fmt.Errorf("%w: relation %d: member role: %w", ErrInvalid, id, err)
		}
	}
	return w.done(relationKind, id, w.enc.relation(id, members, tags))
}

// Close writes what remains and the end of the file. Later calls return ErrClosed.
func (w *Writer) Close() error {
	if w.err != nil {
		if w.err == ErrClosed {
			return nil
		}
		return w.err
	}
	err := w.enc.close()
	w.err = ErrClosed
	return err
}

// Counts returns the elements written so far.
func (w *Writer) Counts() Counts { return w.counts }

// check refuses an element out of the canonical order or with invalid tags.
func (w *Writer) check(k kind, id int64, tags osm.Tags) error {
	if w.err != nil {
		return w.err
	}
	switch {
	case k < w.last:
		return fmt.Errorf("%w: %s %d after the %ss", ErrOrder, k, id, w.last)
	case k == w.last && id <= w.lastID:
		return fmt.Errorf("%w: %s %d after %s %d", ErrOrder, k, id, k, w.lastID)
	}
	for i, t := range tags {
		if t.Key == "" {
			return fmt.Errorf("%w: %s %d: empty tag key", ErrInvalid, k, id)
		}
		for _, u := range tags[:i] {
			if u.Key == t.Key {
				return fmt.Errorf("%w: %s %d: tag %q twice", ErrInvalid, k, id, t.Key)
			}
		}
		if err := checkText(t.Key); err != nil {
			return fmt.Errorf("%w: %s %d: tag key: %w", ErrInvalid, k, id, err)
		}
		if err := checkText(t.Value); err != nil {
			return fmt.Errorf("%w: %s %d: tag %q: %w", ErrInvalid, k, id, t.Key, err)
		}
	}
	return nil
}

func (w *Writer) done(k kind, id int64, err error) error {
	if err != nil {
		w.err = err
		return err
	}
	w.last, w.lastID = k, id
	switch k {
	case nodeKind:
		w.counts.Nodes++
	case wayKind:
		w.counts.Ways++
	default:
		w.counts.Relations++
	}
	return nil
}

// checkText refuses what one of the formats cannot carry, so that both hold the same data:
// text that is not UTF-8 (PBF strings are UTF-8) or holds a character XML 1.0 forbids.
func checkText(s string) error {
	if !utf8.ValidString(s) {
		return errors.New("not UTF-8")
	}
	for _, r := range s {
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0xFFFE || r == 0xFFFF {
			return fmt.Errorf("character %U is not allowed in XML", r)
		}
	}
	return nil
}

// units converts degrees to units of 1e-7 degrees.
func units(lon, lat float64) (lon7, lat7 int64, err error) {
	if !(lon >= -180 && lon <= 180 && lat >= -90 && lat <= 90) { // also refuses NaN
		return 0, 0, fmt.Errorf("coordinates (%v, %v) out of range", lon, lat)
	}
	return int64(math.Round(lon * 1e7)), int64(math.Round(lat * 1e7)), nil
}

func checkBounds(b orb.Bound) error {
	if _, _, err := units(b.Min[0], b.Min[1]); err != nil {
		return fmt.Errorf("%w: bounds: %w", ErrInvalid, err)
	}
	if _, _, err := units(b.Max[0], b.Max[1]); err != nil {
		return fmt.Errorf("%w: bounds: %w", ErrInvalid, err)
	}
	if b.Min[0] > b.Max[0] || b.Min[1] > b.Max[1] {
		return fmt.Errorf("%w: bounds: minimum above maximum", ErrInvalid)
	}
	return nil
}
