package ingest

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sort"
	"sync"

	"google.golang.org/protobuf/encoding/protowire"
)

// gateAhead is how many blobs the PBF scanner may read beyond the one being consumed: enough
// to keep its decoders busy.
const gateAhead = 4

var errGateClosed = errors.New("ingest: OSM reader closed")

// pbfGate paces paulmach's PBF scanner. Its decoders read ahead as far as their channels let
// them, some fifteen blocks of 8000 objects: 100 MB and more of decoded ways that nobody has
// asked for yet. The gate passes the file on blob by blob (PBF framing: a 4-byte length, a
// BlobHeader giving the blob's size, the blob) and lets a new blob start only while fewer than
// gateAhead blobs begun lie beyond the one the consumer reads, as Scanner.FullyScannedBytes
// tells. The consumer moves on only when the scanner hands it objects, so the gated pass must
// skip no type: a blob yielding nothing would not move it.
type pbfGate struct {
	r    io.Reader
	pos  int64  // bytes passed on
	end  int64  // end of the blob being passed on
	head []byte // its length and header, read to find its end, not yet passed on
	err  error  // of the underlying reader between blobs (io.EOF at the end), returned again

	mu      sync.Mutex
	wake    sync.Cond
	begun   []int64 // start offsets of the blobs begun after reading
	reading int64   // start offset of the blob being consumed
	closed  bool
}

func newPBFGate(r io.Reader) *pbfGate {
	g := &pbfGate{r: r}
	g.wake.L = &g.mu
	return g
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
		g.wake.Wait()
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

// consumed tells the gate the consumer reads the blob starting at off.
func (g *pbfGate) consumed(off int64) {
	g.mu.Lock()
	if off > g.reading {
		g.reading = off
		i := sort.Search(len(g.begun), func(i int) bool { return g.begun[i] > off })
		g.begun = append(g.begun[:0], g.begun[i:]...)
		g.wake.Broadcast()
	}
	g.mu.Unlock()
}

// close lets a waiting Read return, so that the scanner can close.
func (g *pbfGate) close() {
	g.mu.Lock()
	g.closed = true
	g.wake.Broadcast()
	g.mu.Unlock()
}
