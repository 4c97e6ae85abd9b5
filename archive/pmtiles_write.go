package archive

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"

	"bandoso/geo"
)

// pmtilesWriter writes a PMTiles v3 archive: tile data goes to a temporary file as it
// comes, the directories are built at the end (pmtiles_dir.go) and header, directories,
// metadata and data are written to a second temporary file renamed to path.
// A tile equal to one stored before points at it; a run of equal tiles with consecutive
// IDs is one entry (PMTiles v3 §4 run length). At each checkpoint the data is synced and a
// journal beside it records the entries so far, so that an export of the same plan run
// again continues from there (pmtiles_resume.go).
type pmtilesWriter struct {
	path    string
	data    *os.File
	journal *os.File
	offset  uint64
	entries []entry
	stored  map[[sha256.Size]byte]entry // offset and length by content
	tiles   int
	// resumeAt is how many tiles of the plan the journal says are done; logged how many
	// entries it holds.
	resumeAt, logged int
}

func (w *pmtilesWriter) done() int { return w.resumeAt }

func (w *pmtilesWriter) put(t geo.Tile, gz []byte) error {
	id := tileID(t)
	w.tiles++
	sum := sha256.Sum256(gz)
	if at, ok := w.stored[sum]; ok {
		last := &w.entries[len(w.entries)-1]
		if last.Offset == at.Offset && id == last.TileID+uint64(last.RunLength) && last.RunLength < math.MaxUint32 {
			last.RunLength++
			return nil
		}
		w.entries = append(w.entries, entry{TileID: id, Offset: at.Offset, Length: at.Length, RunLength: 1})
		return nil
	}
	if _, err := w.data.Write(gz); err != nil {
		return err
	}
	e := entry{TileID: id, Offset: w.offset, Length: uint32(len(gz)), RunLength: 1}
	w.stored[sum] = e
	w.entries = append(w.entries, e)
	w.offset += uint64(len(gz))
	return nil
}

// abort closes the temporary files, kept for a rerun to resume.
func (w *pmtilesWriter) abort() {
	w.data.Close()
	w.journal.Close()
}

func (w *pmtilesWriter) finish(m Metadata) (tiles, unique int, err error) {
	defer func() {
		w.abort()
		os.Remove(w.data.Name())
		os.Remove(w.journal.Name())
	}()
	meta, err := pmtilesMetadata(m)
	if err != nil {
		return 0, 0, err
	}
	root, leaves := buildDirectories(w.entries)
	h := pmtilesHeader(m)
	h.AddressedTiles = uint64(w.tiles)
	h.TileEntries = uint64(len(w.entries))
	h.TileContents = uint64(len(w.stored))
	h.RootOffset = headerLen
	h.RootLength = uint64(len(root))
	h.MetadataOffset = h.RootOffset + h.RootLength
	h.MetadataLength = uint64(len(meta))
	h.LeafOffset = h.MetadataOffset + h.MetadataLength
	h.LeafLength = uint64(len(leaves))
	h.DataOffset = h.LeafOffset + h.LeafLength
	h.DataLength = w.offset

	tmp := w.path + ".tmp"
	out, err := os.Create(tmp)
	if err != nil {
		return 0, 0, err
	}
	defer os.Remove(tmp) // after the rename, nothing to remove
	if _, err := w.data.Seek(0, io.SeekStart); err != nil {
		out.Close()
		return 0, 0, err
	}
	for _, part := range [][]byte{h.marshal(), root, meta, leaves} {
		if _, err := out.Write(part); err != nil {
			out.Close()
			return 0, 0, err
		}
	}
	if _, err := io.Copy(out, w.data); err != nil {
		out.Close()
		return 0, 0, err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return 0, 0, err
	}
	if err := out.Close(); err != nil {
		return 0, 0, err
	}
	if err := os.Rename(tmp, w.path); err != nil {
		return 0, 0, err
	}
	return w.tiles, len(w.stored), nil
}

// pmtilesHeader is the header's description of m: vector tiles, gzipped, clustered (data
// in tile ID order), its zooms, bounds and centre.
func pmtilesHeader(m Metadata) header {
	return header{Version: 3, Clustered: true, InternalCompression: compressionGzip, Compression: compressionGzip,
		TileType: tileTypeMVT, MinZoom: uint8(m.MinZoom), MaxZoom: uint8(m.MaxZoom),
		MinLonE7: e7(m.Bounds.Min[0]), MinLatE7: e7(m.Bounds.Min[1]), MaxLonE7: e7(m.Bounds.Max[0]), MaxLatE7: e7(m.Bounds.Max[1]),
		CenterZoom: uint8(m.CenterZoom), CenterLonE7: e7(m.Center[0]), CenterLatE7: e7(m.Center[1])}
}

// pmtilesMetadata is m as PMTiles metadata: JSON, gzipped.
func pmtilesMetadata(m Metadata) ([]byte, error) {
	raw, err := json.Marshal(m.json())
	if err != nil {
		return nil, fmt.Errorf("archive: metadata: %w", err)
	}
	return gzipBytes(raw), nil
}

func e7(deg float64) int32   { return int32(math.Round(deg * 1e7)) }
func fromE7(v int32) float64 { return float64(v) / 1e7 }
