package archive

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/protomaps/go-pmtiles/pmtiles"
)

func theirEntries(es []entry) []pmtiles.EntryV3 {
	out := make([]pmtiles.EntryV3, len(es))
	for i, e := range es {
		out[i] = pmtiles.EntryV3{TileID: e.TileID, Offset: e.Offset, Length: e.Length, RunLength: e.RunLength}
	}
	return out
}

func ourEntries(es []pmtiles.EntryV3) []entry {
	out := make([]entry, len(es))
	for i, e := range es {
		out[i] = entry{TileID: e.TileID, Offset: e.Offset, Length: e.Length, RunLength: e.RunLength}
	}
	return out
}

// synthEntries is n entries of tiles as an export stores them: IDs rising with gaps, some
// runs, most tiles' bytes right after the previous ones, some pointing back at a tile
// stored before (deduplicated), lengths from 1 byte to 100 kB.
func synthEntries(rng *rand.Rand, n int) []entry {
	es := make([]entry, 0, n)
	var id, end uint64
	for i := range n {
		e := entry{TileID: id, Length: uint32(1 + rng.IntN(100_000)), RunLength: 1, Offset: end}
		if rng.IntN(10) == 0 {
			e.RunLength = uint32(2 + rng.IntN(50))
		}
		if i > 0 && rng.IntN(5) == 0 {
			back := es[rng.IntN(i)]
			e.Offset, e.Length = back.Offset, back.Length
		} else {
			end += uint64(e.Length)
		}
		es = append(es, e)
		id += uint64(e.RunLength) + uint64(rng.IntN(3))
	}
	return es
}

// TestDirectoryAgainstGoPMTiles: a directory written here reads in go-pmtiles as the same
// entries, and one go-pmtiles writes (gzipped or not) reads here as the same.
func TestDirectoryAgainstGoPMTiles(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 8))
	for _, n := range []int{1, 2, 7, 1000, 20_000} {
		es := synthEntries(rng, n)
		theirs := pmtiles.DeserializeEntries(bytes.NewBuffer(encodeDirectory(es)), pmtiles.Gzip)
		if !slices.Equal(theirs, theirEntries(es)) {
			t.Fatalf("%d entries: go-pmtiles reads others", n)
		}
		for _, c := range []compression{compressionGzip, compressionNone} {
			got, err := decodeDirectory(pmtiles.SerializeEntries(theirEntries(es), pmtiles.Compression(c)), c)
			if err != nil || !slices.Equal(got, es) {
				t.Fatalf("%d entries of go-pmtiles, compression %d: read others, %v", n, c, err)
			}
		}
	}
}

// TestDirectoryRefused: a directory cut short, or of more entries than bytes, is an
// error, not a panic or a list of zeros.
func TestDirectoryRefused(t *testing.T) {
	es := synthEntries(rand.New(rand.NewPCG(1, 1)), 100)
	raw, _ := decompress(encodeDirectory(es), compressionGzip)
	for name, b := range map[string][]byte{"cut": raw[:len(raw)-1], "huge count": {0xff, 0xff, 0xff, 0x0f, 1, 1, 1, 1}, "empty": nil} {
		if got, err := decodeDirectory(b, compressionNone); err == nil {
			t.Errorf("%s: read %d entries", name, len(got))
		}
	}
}

// theirWalk reads every tile entry of root and leaves, the leaf directories one
// after another, with go-pmtiles' own directory walk.
func theirWalk(t *testing.T, root, leaves []byte) []entry {
	t.Helper()
	file := append(append([]byte(nil), root...), leaves...)
	h := pmtiles.HeaderV3{RootLength: uint64(len(root)), LeafDirectoryOffset: uint64(len(root)), InternalCompression: pmtiles.Gzip}
	var got []pmtiles.EntryV3
	fetch := func(off, n uint64) ([]byte, error) { return file[off : off+n], nil }
	if err := pmtiles.IterateEntries(h, fetch, func(e pmtiles.EntryV3) { got = append(got, e) }); err != nil {
		t.Fatal(err)
	}
	return ourEntries(got)
}

// directories are a root directory and its leaves, read as the reader reads them, each
// leaf decoded once.
type directories struct {
	root    []entry
	leaves  []byte
	decoded map[uint64][]entry
}

func newDirectories(t *testing.T, root, leaves []byte) *directories {
	t.Helper()
	dir, err := decodeDirectory(root, compressionGzip)
	if err != nil {
		t.Fatal(err)
	}
	return &directories{dir, leaves, map[uint64][]entry{}}
}

// find is the tile entry of id through the root and the leaves.
func (d *directories) find(t *testing.T, id uint64) (entry, bool) {
	t.Helper()
	dir, err := d.root, error(nil)
	for err == nil {
		e, ok := findTile(dir, id)
		if !ok || e.RunLength > 0 {
			return e, ok
		}
		var known bool
		if dir, known = d.decoded[e.Offset]; !known {
			dir, err = decodeDirectory(d.leaves[e.Offset:e.Offset+uint64(e.Length)], compressionGzip)
			d.decoded[e.Offset] = dir
		}
	}
	t.Fatal(err)
	return entry{}, false
}

// TestLeafDirectoriesAgainstGoPMTiles: 100,000 entries too many for a root directory go
// into leaves that go-pmtiles walks to the same entries; go-pmtiles' own leaves read here
// to the same tiles; a look-up finds what go-pmtiles' FindTile finds.
func TestLeafDirectoriesAgainstGoPMTiles(t *testing.T) {
	rng := rand.New(rand.NewPCG(100, 0))
	es := synthEntries(rng, 100_000)
	root, leaves := buildDirectories(es)
	if len(leaves) == 0 || len(root) > rootMax {
		t.Fatalf("root of %d bytes (at most %d), leaves of %d", len(root), rootMax, len(leaves))
	}
	if got := theirWalk(t, root, leaves); !slices.Equal(got, es) {
		t.Fatalf("go-pmtiles walks %d entries, want the %d written", len(got), len(es))
	}
	theirRoot, theirLeaves, n := pmtiles.BuildDirectories(theirEntries(es), rootMax, pmtiles.Gzip)
	if n == 0 {
		t.Fatalf("go-pmtiles made no leaves")
	}
	all := theirEntries(es)
	dirs := []*directories{newDirectories(t, root, leaves), newDirectories(t, theirRoot, theirLeaves)}
	last := es[len(es)-1].TileID + uint64(es[len(es)-1].RunLength)
	found := 0
	for range 20_000 {
		id := rng.Uint64N(last + 10)
		want, wantOK := pmtiles.FindTile(all, id)
		if e, ok := findTile(es, id); ok != wantOK || theirEntries([]entry{e})[0] != want {
			t.Fatalf("tile %d in the entries: %+v %v, go-pmtiles %+v %v", id, e, ok, want, wantOK)
		}
		for _, d := range dirs {
			if e, ok := d.find(t, id); ok != wantOK || (ok && theirEntries([]entry{e})[0] != want) {
				t.Fatalf("tile %d through the directories: %+v %v, go-pmtiles %+v %v", id, e, ok, want, wantOK)
			}
		}
		if wantOK {
			found++
		}
	}
	if found < 5000 || found > 19_000 {
		t.Errorf("%d of 20,000 random IDs found: too few tiles or gaps to test look-ups", found)
	}
}

// TestReadGoPMTilesFile: a file go-pmtiles' pieces make, with leaf directories, reads
// here tile by tile.
func TestReadGoPMTilesFile(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	es := synthEntries(rng, 30_000)
	var data []byte
	for i := range es { // each tile's bytes name its entry; entries pointing back share them
		if i > 0 && rng.IntN(5) == 0 {
			back := es[rng.IntN(i)]
			es[i].Offset, es[i].Length = back.Offset, back.Length
			continue
		}
		es[i].Offset, es[i].Length = uint64(len(data)), uint32(len(tileBytes(i)))
		data = append(data, tileBytes(i)...)
	}
	root, leaves, n := pmtiles.BuildDirectories(theirEntries(es), rootMax, pmtiles.Gzip)
	meta, err := pmtiles.SerializeMetadata(map[string]any{"name": "ba-chieu"}, pmtiles.Gzip)
	if err != nil || n == 0 {
		t.Fatalf("metadata %v, %d leaves", err, n)
	}
	h := pmtiles.HeaderV3{SpecVersion: 3, RootOffset: headerLen, RootLength: uint64(len(root)), InternalCompression: pmtiles.Gzip,
		TileCompression: pmtiles.Gzip, TileType: pmtiles.Mvt, MaxZoom: 12}
	h.MetadataOffset, h.MetadataLength = h.RootOffset+h.RootLength, uint64(len(meta))
	h.LeafDirectoryOffset, h.LeafDirectoryLength = h.MetadataOffset+h.MetadataLength, uint64(len(leaves))
	h.TileDataOffset, h.TileDataLength = h.LeafDirectoryOffset+h.LeafDirectoryLength, uint64(len(data))
	path := filepath.Join(t.TempDir(), "theirs.pmtiles")
	if err := os.WriteFile(path, slices.Concat(pmtiles.SerializeHeader(h), root, meta, leaves, data), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := openPMTiles(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if r.Metadata().Name != "ba-chieu" || r.Metadata().MaxZoom != 12 {
		t.Errorf("metadata %+v", r.Metadata())
	}
	for _, e := range es {
		want := data[e.Offset : e.Offset+uint64(e.Length)]
		for id := e.TileID; id < e.TileID+uint64(e.RunLength); id++ {
			z, x, y := pmtiles.IDToZxy(id)
			if got, err := r.Tile(int(z), int(x), int(y)); err != nil || !bytes.Equal(got, want) {
				t.Fatalf("tile %d (%d/%d/%d): %q, %v; want %q", id, z, x, y, got, err, want)
			}
		}
		z, x, y := pmtiles.IDToZxy(e.TileID + uint64(e.RunLength))
		if _, ok := findTile(es, e.TileID+uint64(e.RunLength)); !ok {
			if got, err := r.Tile(int(z), int(x), int(y)); got != nil || err != nil {
				t.Fatalf("tile %d/%d/%d, in no entry: %q, %v", z, x, y, got, err)
			}
		}
	}
}

func tileBytes(i int) []byte { b, _ := json.Marshal(map[string]int{"tile": i}); return b }
