// Package mvt writes layers of Mapbox Vector Tiles (MVT 2.1) from features whose geometries
// are in Web Mercator metres: it brings each geometry into the tile's grid, clips it to the
// tile and its buffer, snaps it to whole units, orients its rings and writes the protocol
// buffer. PostGIS's ST_AsMVTGeom and ST_AsMVT do the same in the database; done here, the
// work falls on the instances, which scale out, rather than on the one primary.
package mvt

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"github.com/paulmach/orb"
	"slices"
	"sync"
)

// Field numbers of vector_tile.proto (MVT 2.1).
const (
	tileLayers = 3

	layerName, layerFeatures, layerKeys, layerValues, layerExtent, layerVersion = 1, 2, 3, 4, 5, 15

	featureID, featureTags, featureType, featureGeometry = 1, 2, 3, 4

	valueString, valueFloat, valueDouble, valueUint, valueSint, valueBool = 1, 2, 3, 5, 6, 7

	wireVarint, wireFixed64, wireBytes, wireFixed32 = 0, 1, 2, 5
)

// Layer gathers the features of one layer of one tile. It is not safe for concurrent use.
type Layer struct {
	name     string
	keys     []string
	grid     Grid
	features []feature
	// cmds and values hold every feature's commands and values, one after another.
	cmds    []uint32
	values  []Value
	strings map[string]string
	scratch drawing
	// vals, msg and tags are Bytes's scratch space.
	vals values
	msg  []byte
	tags []uint32
}

// layers keeps layers released, whose memory the next tiles reuse: a tile's layer is a few
// hundred kilobytes of slices, which growing anew for each tile made most of its garbage.
var layers = sync.Pool{New: func() any { return new(Layer) }}

// feature is a feature drawn, waiting for the layer to be written in id order: its commands
// are cmds[cmds:cmdsEnd] of the layer, its values values[values:values+len(keys)].
type feature struct {
	id            int64
	kind          byte
	cmds, cmdsEnd int
	values        int
}

// NewLayer returns an empty layer named name whose features have properties named keys, in
// the tile grid g.
func NewLayer(name string, keys []string, g Grid) *Layer {
	l := layers.Get().(*Layer)
	l.name, l.keys, l.grid = name, keys, g
	return l
}

// Release gives the layer's memory back for another layer; the layer must not be used after.
// The bytes Bytes returned stay the caller's.
func (l *Layer) Release() {
	l.features, l.cmds, l.values = l.features[:0], l.cmds[:0], l.values[:0]
	clear(l.strings)
	l.vals.list = l.vals.list[:0]
	clear(l.vals.seen)
	l.keys = nil
	layers.Put(l)
}

// AddWKB adds the feature id (none when negative: MVT ids are unsigned) whose geometry is the
// WKB geom, in Web Mercator metres, and whose properties are values, one per key (Null: the
// feature has none of that key). A geometry that leaves nothing in the tile once clipped and
// snapped is left out. Neither geom nor values is kept.
func (l *Layer) AddWKB(id int64, geom []byte, values []Value) error {
	return l.add(id, values, l.scratch.read, geom)
}

// AddTWKB is AddWKB for a geometry in TWKB.
func (l *Layer) AddTWKB(id int64, geom []byte, values []Value) error {
	return l.add(id, values, l.scratch.readTWKB, geom)
}

func (l *Layer) add(id int64, values []Value, read func([]byte, Grid) (orb.Geometry, orb.Bound, error), geom []byte) error {
	if len(values) != len(l.keys) {
		return fmt.Errorf("mvt: feature %d has %d values for %d keys", id, len(values), len(l.keys))
	}
	g, bound, err := read(geom, l.grid)
	if err != nil {
		return fmt.Errorf("mvt: feature %d: %w", id, err)
	}
	if g == nil {
		return nil
	}
	kind, cmds := l.scratch.draw(l.grid, g, bound)
	if kind == 0 {
		return nil
	}
	f := feature{id: id, kind: kind, cmds: len(l.cmds), values: len(l.values)}
	l.cmds = append(l.cmds, cmds...)
	f.cmdsEnd = len(l.cmds)
	l.values = append(l.values, values...)
	l.features = append(l.features, f)
	return nil
}

// Text is the string value of b, made once per layer however many features hold it.
func (l *Layer) Text(b []byte) Value {
	s, ok := l.strings[string(b)]
	if !ok {
		if l.strings == nil {
			l.strings = map[string]string{}
		}
		s = string(b)
		l.strings[s] = s
	}
	return String(s)
}

// Len is the number of features added and kept.
func (l *Layer) Len() int { return len(l.features) }

// Bytes returns the layer as one field of a tile (a tile is layers concatenated), or nil when
// it holds no features. Features go in id order and keys and values in the order features
// first use them, so that the bytes depend only on the features, not the order they came in.
func (l *Layer) Bytes() ([]byte, error) {
	if len(l.features) == 0 {
		return nil, nil
	}
	slices.SortFunc(l.features, func(a, b feature) int { return cmp.Compare(a.id, b.id) })
	// The layer's tag and length go in front once its length is known: headroom for them
	// saves copying the whole layer.
	const headroom = 1 + binary.MaxVarintLen32
	body := make([]byte, headroom, headroom+64+2*len(l.cmds)+16*len(l.features))
	body = appendString(body, layerName, l.name)
	vals := &l.vals
	for _, f := range l.features {
		l.tags = l.tags[:0]
		for k, v := range l.values[f.values : f.values+len(l.keys)] {
			if v.field != 0 {
				l.tags = append(l.tags, uint32(k), vals.index(v))
			}
		}
		msg := l.msg[:0]
		if f.id >= 0 {
			msg = appendVarintField(msg, featureID, uint64(f.id))
		}
		msg = appendPacked(msg, featureTags, l.tags)
		msg = appendVarintField(msg, featureType, uint64(f.kind))
		msg = appendPacked(msg, featureGeometry, l.cmds[f.cmds:f.cmdsEnd])
		body = appendBytes(body, layerFeatures, msg)
		l.msg = msg
	}
	for _, k := range l.keys {
		body = appendString(body, layerKeys, k)
	}
	for _, v := range vals.list {
		body = appendBytes(body, layerValues, v)
	}
	body = appendVarintField(body, layerExtent, uint64(l.grid.Extent))
	body = appendVarintField(body, layerVersion, 2)
	head := binary.AppendUvarint(appendTag(nil, tileLayers, wireBytes), uint64(len(body)-headroom))
	start := headroom - len(head)
	copy(body[start:], head)
	return body[start:], nil
}

// values is a layer's table of values, each once.
type values struct {
	list [][]byte // each value's message
	seen map[Value]uint32
}

// index returns the index of v in the table, adding it.
func (vs *values) index(v Value) uint32 {
	if i, found := vs.seen[v]; found {
		return i
	}
	if vs.seen == nil {
		vs.seen = map[Value]uint32{}
	}
	i := uint32(len(vs.list))
	vs.seen[v] = i
	vs.list = append(vs.list, v.message())
	return i
}

// message is the Value message holding k.
func (k Value) message() []byte {
	switch k.field {
	case valueString:
		return appendString(nil, valueString, k.s)
	case valueFloat:
		return binary.LittleEndian.AppendUint32(appendTag(nil, valueFloat, wireFixed32), uint32(k.bits))
	case valueDouble:
		return binary.LittleEndian.AppendUint64(appendTag(nil, valueDouble, wireFixed64), k.bits)
	}
	return appendVarintField(nil, k.field, k.bits)
}

func appendTag(b []byte, field, wire int) []byte {
	return binary.AppendUvarint(b, uint64(field<<3|wire))
}

func appendVarintField(b []byte, field int, v uint64) []byte {
	return binary.AppendUvarint(appendTag(b, field, wireVarint), v)
}

func appendBytes(b []byte, field int, v []byte) []byte {
	b = binary.AppendUvarint(appendTag(b, field, wireBytes), uint64(len(v)))
	return append(b, v...)
}

func appendString(b []byte, field int, v string) []byte {
	b = binary.AppendUvarint(appendTag(b, field, wireBytes), uint64(len(v)))
	return append(b, v...)
}

// appendPacked writes vs as a packed repeated uint32 field.
func appendPacked(b []byte, field int, vs []uint32) []byte {
	n := 0
	for _, v := range vs {
		n += uvarintLen(uint64(v))
	}
	b = binary.AppendUvarint(appendTag(b, field, wireBytes), uint64(n))
	for _, v := range vs {
		b = binary.AppendUvarint(b, uint64(v))
	}
	return b
}

func uvarintLen(v uint64) int {
	n := 1
	for v >= 0x80 {
		v >>= 7
		n++
	}
	return n
}
