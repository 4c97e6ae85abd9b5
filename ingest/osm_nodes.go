package ingest

import (
	"cmp"
	"container/heap"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"

	"github.com/hashicorp/golang-lru/v2/simplelru"
)

// The node store's sizes. A block of nodesPerBlock nodes is the unit read back; the index
// holds one entry per block (24 bytes: 0.1 byte per node), the cache cacheBlocks decoded
// blocks (4 KB each), the sort buffer sortChunk nodes (16 bytes each): about 30 MB in all
// whatever the number of nodes.
const (
	nodesPerBlock = 256
	cacheBlocks   = 4096
	sortChunk     = 1 << 18
)

// errNodeStoreClosed: nodes added after the first lookup (the file has nodes after ways).
var errNodeStoreClosed = errors.New("ingest: OSM file has nodes after ways: it is not sorted (osmium sort fixes it)")

// nodeLoc is a node's location in 1e-7 degrees, the precision of OSM itself.
type nodeLoc struct {
	id       int64
	lon, lat int32
}

// blockRef locates one block of the store's file: its first id, offset and encoded size.
type blockRef struct {
	first int64
	off   int64
	size  int32
}

// nodeBlock is a decoded block: ids ascending, coords as lon, lat pairs.
type nodeBlock struct {
	ids    []int64
	coords []int32
}

// nodeStore keeps node locations in a temporary file, so that ways can be built from a
// country's tens of millions of nodes with bounded memory. Nodes are added first, in any id
// order, then looked up. Added nodes are sorted in chunks of sortChunk and written as runs of
// blocks: nodes with ids delta-coded as varints, then their coordinates as int32. When the
// runs cover disjoint id ranges (any file sorted by id, as PBF files are), the index is just
// their blocks; otherwise (editors' XML with new, negative ids) the runs are merged once into
// one sorted run. Of a node given twice, the last one counts.
type nodeStore struct {
	chunk        int // sortChunk, smaller in tests
	blocksCached int // cacheBlocks, smaller in tests
	file         *spill
	pending      []nodeLoc
	runs         [][]blockRef // written runs, in the order they were written
	blocks       []blockRef   // after seal: all blocks, by first id
	cache        *simplelru.LRU[int, *nodeBlock]
	spare        *nodeBlock // the last evicted block, reused
	raw          []byte
	sealed       bool
}

func newNodeStore(dir string) (*nodeStore, error) {
	f, err := newSpill(dir, "bandoso-osm-nodes-*")
	if err != nil {
		return nil, err
	}
	return &nodeStore{file: f, chunk: sortChunk, blocksCached: cacheBlocks}, nil
}

// toE7 converts degrees to the store's units; ok is false for a value outside lim degrees or
// not a number.
func toE7(deg, lim float64) (int32, bool) {
	if !(deg >= -lim && deg <= lim) {
		return 0, false
	}
	return int32(math.Round(deg * 1e7)), true
}

func fromE7(v int32) float64 { return float64(v) / 1e7 }

// add stores a node's location.
func (s *nodeStore) add(id int64, lon, lat int32) error {
	if s.sealed {
		return errNodeStoreClosed
	}
	if s.pending == nil {
		s.pending = make([]nodeLoc, 0, 4096)
	}
	s.pending = append(s.pending, nodeLoc{id, lon, lat})
	if len(s.pending) == s.chunk {
		return s.writeRun()
	}
	return nil
}

// writeRun sorts the pending nodes and writes them as one run.
func (s *nodeStore) writeRun() error {
	if len(s.pending) == 0 {
		return nil
	}
	byID := func(a, b nodeLoc) int { return cmp.Compare(a.id, b.id) }
	if !slices.IsSortedFunc(s.pending, byID) {
		slices.SortStableFunc(s.pending, byID) // stable: the last of equal ids is the last given
	}
	w := blockWriter{file: s.file}
	for _, n := range s.pending {
		if err := w.put(n); err != nil {
			return err
		}
	}
	if err := w.flush(); err != nil {
		return err
	}
	s.runs = append(s.runs, w.refs)
	s.pending = s.pending[:0]
	return nil
}

// seal ends adding: later adds fail, lookups may start.
func (s *nodeStore) seal() error {
	if s.sealed {
		return nil
	}
	s.sealed = true
	if err := s.writeRun(); err != nil {
		return err
	}
	s.pending = nil
	runs := slices.Clone(s.runs)
	slices.SortStableFunc(runs, func(a, b []blockRef) int { return cmp.Compare(a[0].first, b[0].first) })
	disjoint := true
	for i := 1; i < len(runs) && disjoint; i++ {
		last, err := s.lastID(runs[i-1])
		if err != nil {
			return err
		}
		disjoint = last < runs[i][0].first
	}
	if disjoint {
		for _, r := range runs {
			s.blocks = append(s.blocks, r...)
		}
	} else if err := s.merge(); err != nil {
		return err
	}
	s.runs = nil
	cache, err := simplelru.NewLRU(s.blocksCached, func(_ int, b *nodeBlock) { s.spare = b })
	s.cache = cache
	return err
}

// lastID reads the last id of a run.
func (s *nodeStore) lastID(run []blockRef) (int64, error) {
	var b nodeBlock
	if err := s.read(run[len(run)-1], &b); err != nil {
		return 0, err
	}
	return b.ids[len(b.ids)-1], nil
}

// get returns a node's location; found is false for a node not added.
func (s *nodeStore) get(id int64) (lon, lat int32, found bool, err error) {
	if !s.sealed {
		if err := s.seal(); err != nil {
			return 0, 0, false, err
		}
	}
	i := sort.Search(len(s.blocks), func(i int) bool { return s.blocks[i].first > id }) - 1
	if i < 0 {
		return 0, 0, false, nil
	}
	b, ok := s.cache.Get(i)
	if !ok {
		b, s.spare = s.spare, nil
		if b == nil {
			b = &nodeBlock{}
		}
		if err := s.read(s.blocks[i], b); err != nil {
			return 0, 0, false, err
		}
		s.cache.Add(i, b)
	}
	j, found := slices.BinarySearch(b.ids, id)
	if !found {
		return 0, 0, false, nil
	}
	return b.coords[2*j], b.coords[2*j+1], true, nil
}

// read decodes the block at ref into b, reusing b's slices.
func (s *nodeStore) read(ref blockRef, b *nodeBlock) error {
	if cap(s.raw) < int(ref.size) {
		s.raw = make([]byte, ref.size)
	}
	raw := s.raw[:ref.size]
	if err := s.file.readAt(raw, ref.off); err != nil {
		return fmt.Errorf("ingest: reading the node store: %w", err)
	}
	return decodeBlock(raw, b)
}

func (s *nodeStore) close() error {
	if s == nil {
		return nil
	}
	return s.file.close()
}

// blockWriter writes ascending nodes as blocks; a node with the id of the one before replaces it.
type blockWriter struct {
	file *spill
	buf  []nodeLoc
	enc  []byte
	refs []blockRef
}

func (w *blockWriter) put(n nodeLoc) error {
	if k := len(w.buf); k > 0 && w.buf[k-1].id == n.id {
		w.buf[k-1] = n
		return nil
	}
	if len(w.buf) == nodesPerBlock {
		if err := w.flush(); err != nil {
			return err
		}
	}
	w.buf = append(w.buf, n)
	return nil
}

func (w *blockWriter) flush() error {
	if len(w.buf) == 0 {
		return nil
	}
	w.enc = encodeBlock(w.enc[:0], w.buf)
	off, err := w.file.append(w.enc)
	if err != nil {
		return fmt.Errorf("ingest: writing the node store: %w", err)
	}
	w.refs = append(w.refs, blockRef{first: w.buf[0].id, off: off, size: int32(len(w.enc))})
	w.buf = w.buf[:0]
	return nil
}

// encodeBlock appends the block of nodes: their count, the first id, the other ids as
// differences from the one before, then each lon and lat as 4 bytes little-endian.
func encodeBlock(dst []byte, nodes []nodeLoc) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(nodes)))
	dst = binary.AppendVarint(dst, nodes[0].id)
	for i := 1; i < len(nodes); i++ {
		dst = binary.AppendUvarint(dst, uint64(nodes[i].id-nodes[i-1].id))
	}
	for _, n := range nodes {
		dst = binary.LittleEndian.AppendUint32(dst, uint32(n.lon))
		dst = binary.LittleEndian.AppendUint32(dst, uint32(n.lat))
	}
	return dst
}

var errBadBlock = errors.New("ingest: the node store is corrupt")

func decodeBlock(raw []byte, b *nodeBlock) error {
	count, k := binary.Uvarint(raw)
	if k <= 0 || count == 0 || count > nodesPerBlock {
		return errBadBlock
	}
	raw = raw[k:]
	id, k := binary.Varint(raw)
	if k <= 0 {
		return errBadBlock
	}
	raw = raw[k:]
	b.ids = append(b.ids[:0], id)
	for range count - 1 {
		d, k := binary.Uvarint(raw)
		if k <= 0 {
			return errBadBlock
		}
		raw = raw[k:]
		id += int64(d)
		b.ids = append(b.ids, id)
	}
	if len(raw) != 8*int(count) {
		return errBadBlock
	}
	b.coords = b.coords[:0]
	for i := 0; i < len(raw); i += 4 {
		b.coords = append(b.coords, int32(binary.LittleEndian.Uint32(raw[i:])))
	}
	return nil
}

// merge merges the runs into one sorted run appended to the file, which becomes the index.
// Memory: one decoded block per run.
func (s *nodeStore) merge() error {
	h := make(runHeap, 0, len(s.runs))
	for i, r := range s.runs {
		c := &runCursor{refs: r, order: i}
		if err := c.next(s); err != nil {
			return err
		}
		h = append(h, c)
	}
	heap.Init(&h)
	w := blockWriter{file: s.file}
	for len(h) > 0 {
		c := h[0]
		if err := w.put(c.node()); err != nil {
			return err
		}
		c.i++
		if c.i == len(c.blk.ids) {
			c.i = 0
			c.refs = c.refs[1:]
			if len(c.refs) == 0 {
				heap.Pop(&h)
				continue
			}
			if err := c.next(s); err != nil {
				return err
			}
		}
		heap.Fix(&h, 0)
	}
	if err := w.flush(); err != nil {
		return err
	}
	s.blocks = w.refs
	return nil
}

// runCursor walks one run during a merge; order is the run's place in writing order, which
// breaks ties so that the node given last wins.
type runCursor struct {
	refs  []blockRef
	blk   nodeBlock
	i     int
	order int
}

func (c *runCursor) next(s *nodeStore) error { return s.read(c.refs[0], &c.blk) }

func (c *runCursor) node() nodeLoc {
	return nodeLoc{c.blk.ids[c.i], c.blk.coords[2*c.i], c.blk.coords[2*c.i+1]}
}

type runHeap []*runCursor

func (h runHeap) Len() int { return len(h) }
func (h runHeap) Less(i, j int) bool {
	a, b := h[i].blk.ids[h[i].i], h[j].blk.ids[h[j].i]
	return a < b || a == b && h[i].order < h[j].order
}
func (h runHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *runHeap) Push(x any)   { *h = append(*h, x.(*runCursor)) }
func (h *runHeap) Pop() any {
	old := *h
	c := old[len(old)-1]
	*h = old[:len(old)-1]
	return c
}
