package osmwrite

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"io"

	"github.com/paulmach/orb"
	"github.com/paulmach/osm"
	"google.golang.org/protobuf/encoding/protowire"
)

// Limits of a block. 8000 elements is what osmium and osmosis write; the byte limit keeps a
// block of long ways or large relations well under the format's 16 MiB advice for an
// uncompressed blob (fileformat.proto; readers refuse 32 MiB).
const (
	blockElements = 8000
	blockBytes    = 8 << 20
)

// Field numbers of fileformat.proto and osmformat.proto
// (https://github.com/openstreetmap/OSM-binary/tree/master/osmpbf).
const (
	blobHeaderType     = 1
	blobHeaderDatasize = 3
	blobRawSize        = 2
	blobZlibData       = 3

	headerBBox             = 1
	headerRequiredFeatures = 4
	headerOptionalFeatures = 5
	headerWritingProgram   = 16
	bboxLeft, bboxRight    = 1, 2
	bboxTop, bboxBottom    = 3, 4

	blockStringTable = 1
	blockGroup       = 2
	blockGranularity = 17
	stringTableS     = 1

	groupDense     = 2
	groupWays      = 3
	groupRelations = 4

	denseID, denseLat, denseLon, denseKeysVals = 1, 8, 9, 10

	elementID, elementKeys, elementVals = 1, 2, 3
	wayRefs                             = 8
	relationRoles, relationMemIDs       = 8, 9
	relationTypes                       = 10
)

// granularity is the block's coordinate unit in nanodegrees: 100, the default, which makes a
// coordinate unit 1e-7 degrees.
const granularity = 100

// pbfEncoder writes the PBF format: a header blob, then one data blob per block, each block
// holding one primitive group of a single element type.
type pbfEncoder struct {
	out     io.Writer
	blk     pbfBlock
	raw     []byte // the block being encoded
	scratch []byte // a packed field being encoded
	zbuf    bytes.Buffer
	zw      *zlib.Writer
	frame   []byte
}

func newPBF(out io.Writer, b orb.Bound) (*pbfEncoder, error) {
	e := &pbfEncoder{out: out}
	e.blk.strings.reset()
	e.zw = zlib.NewWriter(&e.zbuf)
	minLon, minLat, _ := units(b.Min[0], b.Min[1])
	maxLon, maxLat, _ := units(b.Max[0], b.Max[1])
	var bbox []byte // nanodegrees, not granularity units
	bbox = appendSint64(bbox, bboxLeft, minLon*100)
	bbox = appendSint64(bbox, bboxRight, maxLon*100)
	bbox = appendSint64(bbox, bboxTop, maxLat*100)
	bbox = appendSint64(bbox, bboxBottom, minLat*100)
	var h []byte
	h = protowire.AppendTag(h, headerBBox, protowire.BytesType)
	h = protowire.AppendBytes(h, bbox)
	for _, f := range []string{"OsmSchema-V0.6", "DenseNodes"} {
		h = protowire.AppendTag(h, headerRequiredFeatures, protowire.BytesType)
		h = protowire.AppendString(h, f)
	}
	h = protowire.AppendTag(h, headerOptionalFeatures, protowire.BytesType)
	h = protowire.AppendString(h, "Sort.Type_then_ID")
	h = protowire.AppendTag(h, headerWritingProgram, protowire.BytesType)
	h = protowire.AppendString(h, Generator)
	return e, e.writeBlob("OSMHeader", h)
}

func (e *pbfEncoder) node(id, lon7, lat7 int64, tags osm.Tags) error {
	if err := e.room(nodeKind, tags, 0); err != nil {
		return err
	}
	b := &e.blk
	b.addElement(id, tags)
	b.lats = append(b.lats, lat7)
	b.lons = append(b.lons, lon7)
	return nil
}

func (e *pbfEncoder) way(id int64, refs []int64, tags osm.Tags) error {
	if err := e.room(wayKind, tags, len(refs)); err != nil {
		return err
	}
	b := &e.blk
	b.addElement(id, tags)
	b.refs = append(b.refs, refs...)
	b.refEnd = append(b.refEnd, len(b.refs))
	return nil
}

func (e *pbfEncoder) relation(id int64, members osm.Members, tags osm.Tags) error {
	if err := e.room(relationKind, tags, len(members)); err != nil {
		return err
	}
	b := &e.blk
	b.addElement(id, tags)
	for _, m := range members {
		b.refs = append(b.refs, m.Ref)
		b.roles = append(b.roles, b.strings.add(m.Role))
		b.memberTypes = append(b.memberTypes, memberType(m.Type))
	}
	b.refEnd = append(b.refEnd, len(b.refs))
	return nil
}

func (e *pbfEncoder) close() error { return e.flush() }

// room flushes the block when the next element would not belong in it: another type, or a
// block full by count or size.
func (e *pbfEncoder) room(k kind, tags osm.Tags, items int) error {
	b := &e.blk
	size := 16 + 10*items
	for _, t := range tags {
		size += len(t.Key) + len(t.Value) + 4
	}
	if b.kind != k || len(b.ids) == blockElements || b.size+size > blockBytes {
		if err := e.flush(); err != nil {
			return err
		}
		b.kind = k
	}
	b.size += size
	return nil
}

// flush encodes and writes the block, if it holds anything, and empties it.
func (e *pbfEncoder) flush() error {
	b := &e.blk
	if len(b.ids) == 0 {
		return nil
	}
	table, index := b.strings.byFrequency()
	var st []byte
	for _, s := range table {
		st = protowire.AppendTag(st, stringTableS, protowire.BytesType)
		st = protowire.AppendString(st, s)
	}
	raw := protowire.AppendTag(e.raw[:0], blockStringTable, protowire.BytesType)
	raw = protowire.AppendBytes(raw, st)
	group := e.group(index)
	raw = protowire.AppendTag(raw, blockGroup, protowire.BytesType)
	raw = protowire.AppendBytes(raw, group)
	raw = protowire.AppendTag(raw, blockGranularity, protowire.VarintType)
	raw = protowire.AppendVarint(raw, granularity)
	e.raw = raw
	b.reset()
	return e.writeBlob("OSMData", raw)
}

// group encodes the block's PrimitiveGroup, with string ids through index.
func (e *pbfEncoder) group(index []uint32) []byte {
	b := &e.blk
	var g []byte
	switch b.kind {
	case nodeKind:
		var d []byte
		d = e.packedDelta(d, denseID, b.ids)
		d = e.packedDelta(d, denseLat, b.lats)
		d = e.packedDelta(d, denseLon, b.lons)
		if len(b.kv) > 0 {
			s := e.scratch[:0]
			for i := range b.ids {
				for _, x := range b.kv[b.kvEnd[i]:b.kvEnd[i+1]] {
					s = protowire.AppendVarint(s, uint64(index[x]))
				}
				s = protowire.AppendVarint(s, 0) // the end of a node's tags
			}
			e.scratch = s
			d = protowire.AppendTag(d, denseKeysVals, protowire.BytesType)
			d = protowire.AppendBytes(d, s)
		}
		g = protowire.AppendTag(g, groupDense, protowire.BytesType)
		g = protowire.AppendBytes(g, d)
	case wayKind, relationKind:
		field := protowire.Number(groupWays)
		if b.kind == relationKind {
			field = groupRelations
		}
		var m []byte
		for i, id := range b.ids {
			m = protowire.AppendTag(m[:0], elementID, protowire.VarintType)
			m = protowire.AppendVarint(m, uint64(id))
			kv := b.kv[b.kvEnd[i]:b.kvEnd[i+1]]
			m = e.packedStrings(m, elementKeys, kv, 0, index)
			m = e.packedStrings(m, elementVals, kv, 1, index)
			from, to := 0, b.refEnd[i]
			if i > 0 {
				from = b.refEnd[i-1]
			}
			if b.kind == wayKind {
				m = e.packedDelta(m, wayRefs, b.refs[from:to])
			} else {
				m = e.packedRoles(m, b.roles[from:to], index)
				m = e.packedDelta(m, relationMemIDs, b.refs[from:to])
				m = e.packedTypes(m, b.memberTypes[from:to])
			}
			g = protowire.AppendTag(g, field, protowire.BytesType)
			g = protowire.AppendBytes(g, m)
		}
	}
	return g
}

// packedDelta appends a packed sint64 field of vs delta-coded; nothing when vs is empty.
func (e *pbfEncoder) packedDelta(b []byte, field protowire.Number, vs []int64) []byte {
	if len(vs) == 0 {
		return b
	}
	s := e.scratch[:0]
	var prev int64
	for _, v := range vs {
		s = protowire.AppendVarint(s, protowire.EncodeZigZag(v-prev))
		prev = v
	}
	e.scratch = s
	b = protowire.AppendTag(b, field, protowire.BytesType)
	return protowire.AppendBytes(b, s)
}

// packedStrings appends the keys (odd 0) or values (odd 1) of key-value pairs kv.
func (e *pbfEncoder) packedStrings(b []byte, field protowire.Number, kv []uint32, odd int, index []uint32) []byte {
	if len(kv) == 0 {
		return b
	}
	s := e.scratch[:0]
	for i := odd; i < len(kv); i += 2 {
		s = protowire.AppendVarint(s, uint64(index[kv[i]]))
	}
	e.scratch = s
	b = protowire.AppendTag(b, field, protowire.BytesType)
	return protowire.AppendBytes(b, s)
}

func (e *pbfEncoder) packedRoles(b []byte, roles []uint32, index []uint32) []byte {
	if len(roles) == 0 {
		return b
	}
	s := e.scratch[:0]
	for _, r := range roles {
		s = protowire.AppendVarint(s, uint64(index[r]))
	}
	e.scratch = s
	b = protowire.AppendTag(b, relationRoles, protowire.BytesType)
	return protowire.AppendBytes(b, s)
}

func (e *pbfEncoder) packedTypes(b []byte, types []byte) []byte {
	if len(types) == 0 {
		return b
	}
	s := e.scratch[:0]
	for _, t := range types {
		s = protowire.AppendVarint(s, uint64(t))
	}
	e.scratch = s
	b = protowire.AppendTag(b, relationTypes, protowire.BytesType)
	return protowire.AppendBytes(b, s)
}

// writeBlob writes one file block: the BlobHeader's length (4 bytes, network order), the
// BlobHeader, and the Blob holding data compressed with zlib.
func (e *pbfEncoder) writeBlob(typ string, data []byte) error {
	e.zbuf.Reset()
	e.zw.Reset(&e.zbuf)
	if _, err := e.zw.Write(data); err != nil {
		return err
	}
	if err := e.zw.Close(); err != nil {
		return err
	}
	var blob []byte
	blob = protowire.AppendTag(blob, blobRawSize, protowire.VarintType)
	blob = protowire.AppendVarint(blob, uint64(len(data)))
	blob = protowire.AppendTag(blob, blobZlibData, protowire.BytesType)
	blob = protowire.AppendBytes(blob, e.zbuf.Bytes())
	var header []byte
	header = protowire.AppendTag(header, blobHeaderType, protowire.BytesType)
	header = protowire.AppendString(header, typ)
	header = protowire.AppendTag(header, blobHeaderDatasize, protowire.VarintType)
	header = protowire.AppendVarint(header, uint64(len(blob)))
	frame := binary.BigEndian.AppendUint32(e.frame[:0], uint32(len(header)))
	frame = append(frame, header...)
	frame = append(frame, blob...)
	e.frame = frame
	if _, err := e.out.Write(frame); err != nil {
		return fmt.Errorf("osmwrite: %w", err)
	}
	return nil
}

func appendSint64(b []byte, field protowire.Number, v int64) []byte {
	b = protowire.AppendTag(b, field, protowire.VarintType)
	return protowire.AppendVarint(b, protowire.EncodeZigZag(v))
}

// memberType is a member's Relation.MemberType: NODE 0, WAY 1, RELATION 2.
func memberType(t osm.Type) byte {
	switch t {
	case osm.TypeWay:
		return 1
	case osm.TypeRelation:
		return 2
	}
	return 0
}
