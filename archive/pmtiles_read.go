package archive

import (
	"encoding/json"
	"fmt"
	"os"

	lru "github.com/hashicorp/golang-lru/v2"
	"github.com/paulmach/orb"
)

// pmtilesReader reads tiles of a PMTiles v3 file through its root directory, kept, and its
// leaf directories, the most recently used kept.
type pmtilesReader struct {
	f      *os.File
	header header
	root   []entry
	meta   Metadata
	leaves *lru.Cache[uint64, []entry]
}

// leavesKept is how many leaf directories a reader keeps decoded.
const leavesKept = 64

// maxDepth is the most directories a tile's look-up passes: the root and leaves below it
// (PMTiles v3 §5 allows at most three levels).
const maxDepth = 4

func openPMTiles(path string) (*pmtilesReader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	r := &pmtilesReader{f: f}
	if err := r.read(); err != nil {
		f.Close()
		return nil, fmt.Errorf("archive: %s: %w", path, err)
	}
	r.leaves, _ = lru.New[uint64, []entry](leavesKept) // the size is positive
	return r, nil
}

func (r *pmtilesReader) read() error {
	head := make([]byte, headerLen)
	if _, err := r.f.ReadAt(head, 0); err != nil {
		return err
	}
	h, err := parseHeader(head)
	if err != nil {
		return err
	}
	if h.TileType != tileTypeMVT || h.Compression != compressionGzip {
		return fmt.Errorf("not gzipped vector tiles (tile type %d, compression %d)", h.TileType, h.Compression)
	}
	r.header = h
	root, err := r.bytes(h.RootOffset, h.RootLength)
	if err != nil {
		return err
	}
	if r.root, err = decodeDirectory(root, h.InternalCompression); err != nil {
		return err
	}
	raw, err := r.bytes(h.MetadataOffset, h.MetadataLength)
	if err != nil {
		return err
	}
	meta, err := decompress(raw, h.InternalCompression)
	if err != nil {
		return fmt.Errorf("metadata: %w", err)
	}
	var j jsonMetadata
	if err := json.Unmarshal(meta, &j); err != nil {
		return fmt.Errorf("metadata: %w", err)
	}
	j.apply(&r.meta)
	r.meta.MinZoom, r.meta.MaxZoom, r.meta.CenterZoom = int(h.MinZoom), int(h.MaxZoom), int(h.CenterZoom)
	r.meta.Bounds = orb.Bound{Min: orb.Point{fromE7(h.MinLonE7), fromE7(h.MinLatE7)}, Max: orb.Point{fromE7(h.MaxLonE7), fromE7(h.MaxLatE7)}}
	r.meta.Center = orb.Point{fromE7(h.CenterLonE7), fromE7(h.CenterLatE7)}
	return nil
}

func (r *pmtilesReader) bytes(offset, length uint64) ([]byte, error) {
	b := make([]byte, length)
	_, err := r.f.ReadAt(b, int64(offset))
	return b, err
}

func (r *pmtilesReader) Metadata() Metadata { return r.meta }
func (r *pmtilesReader) Close() error       { return r.f.Close() }

func (r *pmtilesReader) Tile(z, x, y int) ([]byte, error) {
	if z < 0 || z > 31 || x < 0 || y < 0 || x >= 1<<z || y >= 1<<z {
		return nil, nil
	}
	id := zxyID(uint8(z), uint32(x), uint32(y))
	entries := r.root
	for range maxDepth {
		e, ok := findTile(entries, id)
		if !ok {
			return nil, nil
		}
		if e.RunLength > 0 {
			return r.bytes(r.header.DataOffset+e.Offset, uint64(e.Length))
		}
		leaf, err := r.leaf(r.header.LeafOffset+e.Offset, uint64(e.Length))
		if err != nil {
			return nil, err
		}
		entries = leaf
	}
	return nil, fmt.Errorf("archive: directories deeper than %d", maxDepth)
}

func (r *pmtilesReader) leaf(offset, length uint64) ([]entry, error) {
	if entries, ok := r.leaves.Get(offset); ok {
		return entries, nil
	}
	raw, err := r.bytes(offset, length)
	if err != nil {
		return nil, err
	}
	entries, err := decodeDirectory(raw, r.header.InternalCompression)
	if err != nil {
		return nil, err
	}
	r.leaves.Add(offset, entries)
	return entries, nil
}
