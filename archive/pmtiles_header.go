package archive

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// The PMTiles v3 format (github.com/protomaps/PMTiles, spec/v3/spec.md) is written and read
// here from its specification: the header in this file, tile IDs in pmtiles_tileid.go,
// directories in pmtiles_dir.go.

// compression is a PMTiles compression code, of directories and metadata (internal) or of
// tiles. Brotli (3) and Zstd (4) are not read here.
type compression uint8

const (
	compressionNone compression = 1
	compressionGzip compression = 2
)

// tileType is a PMTiles tile type code.
type tileType uint8

// tileTypeMVT is Mapbox Vector Tiles.
const tileTypeMVT tileType = 1

// headerLen is the fixed size of a PMTiles v3 header, the first bytes of the file.
const headerLen = 127

// pmtilesMagic starts every PMTiles file; the spec version follows it.
const pmtilesMagic = "PMTiles"

// errNotPMTiles is a file without the PMTiles magic.
var errNotPMTiles = errors.New("archive: not a PMTiles file")

// header is a PMTiles v3 header. Offsets are from the start of the file, except that
// entries' offsets count from DataOffset (tiles) and LeafOffset (leaf directories).
type header struct {
	Version                          uint8
	RootOffset, RootLength           uint64
	MetadataOffset, MetadataLength   uint64
	LeafOffset, LeafLength           uint64
	DataOffset, DataLength           uint64
	AddressedTiles                   uint64 // the sum of the run lengths
	TileEntries                      uint64 // entries with a run length, in every directory
	TileContents                     uint64 // distinct offsets in the tile data
	Clustered                        bool   // tile data in tile ID order
	InternalCompression, Compression compression
	TileType                         tileType
	MinZoom, MaxZoom                 uint8
	// Bounds and centre in degrees × 10⁷.
	MinLonE7, MinLatE7, MaxLonE7, MaxLatE7 int32
	CenterZoom                             uint8
	CenterLonE7, CenterLatE7               int32
}

// counts are the header's eleven 8-byte fields, at bytes 8 to 95, in their order.
func (h *header) counts() []*uint64 {
	return []*uint64{&h.RootOffset, &h.RootLength, &h.MetadataOffset, &h.MetadataLength, &h.LeafOffset, &h.LeafLength,
		&h.DataOffset, &h.DataLength, &h.AddressedTiles, &h.TileEntries, &h.TileContents}
}

// bounds are the 4-byte bounds at bytes 102 to 117, in their order.
func (h *header) bounds() []*int32 {
	return []*int32{&h.MinLonE7, &h.MinLatE7, &h.MaxLonE7, &h.MaxLatE7}
}

func (h header) marshal() []byte {
	le := binary.LittleEndian
	b := append(make([]byte, 0, headerLen), pmtilesMagic...)
	b = append(b, h.Version)
	for _, v := range h.counts() {
		b = le.AppendUint64(b, *v)
	}
	var clustered byte
	if h.Clustered {
		clustered = 1
	}
	b = append(b, clustered, byte(h.InternalCompression), byte(h.Compression), byte(h.TileType), h.MinZoom, h.MaxZoom)
	for _, v := range h.bounds() {
		b = le.AppendUint32(b, uint32(*v))
	}
	b = append(b, h.CenterZoom)
	b = le.AppendUint32(b, uint32(h.CenterLonE7))
	return le.AppendUint32(b, uint32(h.CenterLatE7))
}

// parseHeader reads a version 3 header from the first headerLen bytes of b.
func parseHeader(b []byte) (header, error) {
	var h header
	if len(b) < headerLen || string(b[:len(pmtilesMagic)]) != pmtilesMagic {
		return h, errNotPMTiles
	}
	if h.Version = b[7]; h.Version != 3 {
		return h, fmt.Errorf("archive: PMTiles version %d, want 3", h.Version)
	}
	le := binary.LittleEndian
	for i, v := range h.counts() {
		*v = le.Uint64(b[8+8*i:])
	}
	h.Clustered = b[96] == 1
	h.InternalCompression, h.Compression, h.TileType = compression(b[97]), compression(b[98]), tileType(b[99])
	h.MinZoom, h.MaxZoom = b[100], b[101]
	for i, v := range h.bounds() {
		*v = int32(le.Uint32(b[102+4*i:]))
	}
	h.CenterZoom = b[118]
	h.CenterLonE7, h.CenterLatE7 = int32(le.Uint32(b[119:])), int32(le.Uint32(b[123:]))
	return h, nil
}
