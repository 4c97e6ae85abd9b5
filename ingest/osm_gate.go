package ingest

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/paulmach/osm/osmpbf"

	"google.golang.org/protobuf/encoding/protowire"
)

// gateAhead is how many blobs the PBF scanner may read beyond the one being consumed: enough
// to keep its decoders busy.
const gateAhead = 4

// gateStall is how long the gate waits for a consumer stuck in one Scan call before it lets
// one more blob through (see pbfGate): long enough that decoders slowed by a busy machine do
// not set it off. A variable for tests.
var gateStall = time.Second

var errGateClosed = errors.New("ingest: OSM reader closed")

// pbfGate paces paulmach's PBF scanner. Its decoders read ahead as far as their channels let
// them, some fifteen blocks of 8000 objects: 100 MB and more of decoded ways that nobody has
// asked for yet. The gate passes the file on blob by blob (PBF framing: a 4-byte length, a
// BlobHeader giving the blob's size, the blob) and lets a new blob start only while fewer than
// gateAhead blobs begun lie beyond the one the consumer reads, as Scanner.FullyScannedBytes
// tells after each Scan. A blob that yields no object (a type skipped, an empty block) moves
// the scanner on without the consumer seeing it: when the consumer stays in one Scan call for
// gateStall while the gate waits, such blobs may be what it waits behind, and one more blob
// goes through. Memory then grows at worst to the scanner's own read-ahead, never to a hang.
type pbfGate struct {
	r    io.Reader
	pos  int64  // bytes passed on
	end  int64  // end of the blob being passed on
	head []byte // its length and header, read to find its end, not yet passed on
	err  error  // of the underlying reader between blobs (io.EOF at the end), returned again

	scansBegun, scansEnded atomic.Int64 // the consumer's Scan calls

	mu      sync.Mutex
	moved   chan struct{} // closed when the consumer moves on or the gate closes
	begun   []int64       // start offsets of the blobs begun after the one being consumed
	reading int64         // start offset of the blob being consumed
	closed  bool
}

func newPBFGate(r io.Reader) *pbfGate {
	return &pbfGate{r: r, moved: make(chan struct{})}
}

// Read is called by the scanner's reading goroutine only.
func (g *pbfGate) Read(p []byte) (int, error) {
	if g.pos == g.end {
		if err := g.begin(); err != nil {
			return 0, err
		}
	}
	if len(g.head) > 0 {
		n := copy(p, g.head)
		g.head = g.head[n:]
		g.pos += int64(n)
		return n, nil
	}
	if rest := g.end - g.pos; int64(len(p)) > rest {
		p = p[:rest]
	}
	n, err := g.r.Read(p)
	g.pos += int64(n)
	if errors.Is(err, io.EOF) && g.pos < g.end {
		err = io.ErrUnexpectedEOF
	}
	return n, err
}

// begin waits for the consumer, then reads the next blob's length and header.
func (g *pbfGate) begin() error {
	if g.err != nil {
		return g.err
	}
	g.mu.Lock()
	for !g.closed && len(g.begun) >= gateAhead {
		moved, begun, ended := g.moved, g.scansBegun.Load(), g.scansEnded.Load()
		g.mu.Unlock()
		stall := time.NewTimer(gateStall)
		select {
		case <-moved:
		case <-stall.C:
		}
		stall.Stop()
		g.mu.Lock()
		if begun == ended+1 && g.scansBegun.Load() == begun && g.scansEnded.Load() == ended {
			break // the consumer has waited in one Scan call all along
		}
	}
	closed := g.closed
	g.begun = append(g.begun, g.pos)
	g.mu.Unlock()
	if closed {
		return errGateClosed
	}
	var size [4]byte
	if _, err := io.ReadFull(g.r, size[:]); err != nil {
		g.err = err // io.EOF between blobs: the end of the file
		return err
	}
	n := binary.BigEndian.Uint32(size[:])
	if n >= 64<<10 {
		return fmt.Errorf("ingest: OSM PBF: a blob header of %d bytes", n)
	}
	head := make([]byte, 4+n)
	copy(head, size[:])
	if _, err := io.ReadFull(g.r, head[4:]); err != nil {
		return noEOF(err)
	}
	datasize, err := blobDatasize(head[4:])
	if err != nil {
		return err
	}
	g.head, g.end = head, g.pos+int64(len(head))+datasize
	return nil
}

// blobDatasize reads field 3 (datasize) of a BlobHeader.
func blobDatasize(b []byte) (int64, error) {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			break
		}
		b = b[n:]
		if num == 3 && typ == protowire.VarintType {
			v, n := protowire.ConsumeVarint(b)
			if n < 0 || v >= 32<<20 {
				break
			}
			return int64(v), nil
		}
		if n = protowire.ConsumeFieldValue(num, typ, b); n < 0 {
			break
		}
		b = b[n:]
	}
	return 0, errors.New("ingest: OSM PBF: a blob header without its size")
}

func noEOF(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}

// scan runs the consumer's sc.Scan, telling the gate where it reads after it.
func (g *pbfGate) scan(sc *osmpbf.Scanner) bool {
	g.scansBegun.Add(1)
	ok := sc.Scan()
	g.scansEnded.Add(1)
	if off := sc.FullyScannedBytes(); ok && off > g.reading { // g.reading is written here only
		g.mu.Lock()
		g.reading = off
		i := sort.Search(len(g.begun), func(i int) bool { return g.begun[i] > off })
		g.begun = append(g.begun[:0], g.begun[i:]...)
		g.wakeUp()
		g.mu.Unlock()
	}
	return ok
}

func (g *pbfGate) wakeUp() {
	close(g.moved)
	g.moved = make(chan struct{})
}

// close lets a waiting Read return, so that the scanner can close.
func (g *pbfGate) close() {
	g.mu.Lock()
	if !g.closed {
		g.closed = true
		g.wakeUp()
	}
	g.mu.Unlock()
}
