package archive

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"sort"
)

// entry is one entry of a PMTiles directory. With a run length it is RunLength tiles of
// consecutive IDs from TileID, all of the bytes at Offset in the tile data; with none, a
// leaf directory at Offset in the leaf directories whose first tile ID is TileID.
type entry struct {
	TileID    uint64
	Offset    uint64
	Length    uint32
	RunLength uint32
}

// rootMax is how long the root directory may be: with the header it fits the first
// 16,384 bytes, which readers fetch at once.
const rootMax = 16384 - headerLen

// leafMin is the fewest entries a leaf directory is made with.
const leafMin = 4096

// buildDirectories encodes entries as one root directory of at most rootMax bytes, or, when
// they do not fit, as leaf directories of equal numbers of entries (leaves, one after
// another) and a root of the entries pointing at them. Leaves grow until the root fits.
func buildDirectories(entries []entry) (root, leaves []byte) {
	if root := encodeDirectory(entries); len(root) <= rootMax {
		return root, nil
	}
	for size := max(leafMin, len(entries)/2000); ; size += size / 2 {
		leaves = leaves[:0]
		var pointers []entry
		for from := 0; from < len(entries); from += size {
			leaf := encodeDirectory(entries[from:min(from+size, len(entries))])
			pointers = append(pointers, entry{TileID: entries[from].TileID, Offset: uint64(len(leaves)), Length: uint32(len(leaf))})
			leaves = append(leaves, leaf...)
		}
		if root := encodeDirectory(pointers); len(root) <= rootMax {
			return root, leaves
		}
	}
}

// encodeDirectory is entries as the spec stores a directory, gzipped: their number, then
// column by column tile IDs (each the difference from the one before), run lengths,
// lengths and offsets (0 for an offset right after the previous entry's bytes, else the
// offset + 1), every number an unsigned varint.
func encodeDirectory(entries []entry) []byte {
	b := binary.AppendUvarint(nil, uint64(len(entries)))
	var last uint64
	for _, e := range entries {
		b = binary.AppendUvarint(b, e.TileID-last)
		last = e.TileID
	}
	for _, e := range entries {
		b = binary.AppendUvarint(b, uint64(e.RunLength))
	}
	for _, e := range entries {
		b = binary.AppendUvarint(b, uint64(e.Length))
	}
	for i, e := range entries {
		if i > 0 && e.Offset == entries[i-1].Offset+uint64(entries[i-1].Length) {
			b = append(b, 0)
		} else {
			b = binary.AppendUvarint(b, e.Offset+1)
		}
	}
	return gzipBytes(b)
}

// decodeDirectory reads a directory encodeDirectory wrote, or any writer following the
// spec, compressed by c.
func decodeDirectory(raw []byte, c compression) ([]entry, error) {
	b, err := decompress(raw, c)
	if err != nil {
		return nil, err
	}
	r := varints{r: bytes.NewReader(b)}
	n := r.next(math.MaxInt)
	if n > uint64(len(b))/4 { // each entry takes at least four bytes
		return nil, fmt.Errorf("archive: directory of %d entries in %d bytes", n, len(b))
	}
	entries := make([]entry, n)
	var id uint64
	for i := range entries {
		id += r.next(math.MaxUint64)
		entries[i].TileID = id
	}
	for i := range entries {
		entries[i].RunLength = uint32(r.next(math.MaxUint32))
	}
	for i := range entries {
		entries[i].Length = uint32(r.next(math.MaxUint32))
	}
	for i := range entries {
		switch off := r.next(math.MaxUint64); {
		case off > 0:
			entries[i].Offset = off - 1
		case i > 0:
			entries[i].Offset = entries[i-1].Offset + uint64(entries[i-1].Length)
		case r.err == nil:
			r.err = fmt.Errorf("first entry's offset follows none")
		}
	}
	if r.err != nil {
		return nil, fmt.Errorf("archive: directory: %w", r.err)
	}
	return entries, nil
}

// varints reads unsigned varints until the first error, which it keeps.
type varints struct {
	r   *bytes.Reader
	err error
}

// next is the next varint, which must be at most limit.
func (v *varints) next(limit uint64) uint64 {
	if v.err != nil {
		return 0
	}
	x, err := binary.ReadUvarint(v.r)
	if err == nil && x > limit {
		err = fmt.Errorf("%d out of range", x)
	}
	v.err = err
	return x
}

// findTile is the entry of entries (in tile ID order) that holds tile id: the one whose
// run covers it, or the leaf directory that would.
func findTile(entries []entry, id uint64) (entry, bool) {
	i := sort.Search(len(entries), func(i int) bool { return entries[i].TileID > id }) - 1
	if i < 0 {
		return entry{}, false
	}
	e := entries[i]
	if e.RunLength == 0 || id-e.TileID < uint64(e.RunLength) {
		return e, true
	}
	return entry{}, false
}

// gzipBytes is b gzipped, as directories and metadata are stored.
func gzipBytes(b []byte) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression) // the level is valid
	zw.Write(b)                                              // a bytes.Buffer takes every write
	zw.Close()
	return buf.Bytes()
}

// decompress undoes a header's internal compression c.
func decompress(b []byte, c compression) ([]byte, error) {
	switch c {
	case compressionNone:
		return b, nil
	case compressionGzip:
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			return nil, err
		}
		return io.ReadAll(zr)
	}
	return nil, fmt.Errorf("archive: internal compression %d not supported", c)
}
