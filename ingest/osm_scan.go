package ingest

import (
	"bufio"
	"bytes"
	"compress/bzip2"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"

	"github.com/paulmach/orb"
	"github.com/paulmach/osm"
	"github.com/paulmach/osm/osmpbf"
	"github.com/paulmach/osm/osmxml"
)

// osmPass says which objects a pass over the file reads.
type osmPass int

const (
	passRelations osmPass = iota // relations only (and the file's bounds)
	passMain                     // nodes and ways
)

// osmFile is one pass over an OSM file, PBF or XML (plain, gzip or bzip2), told apart by
// their first bytes rather than the file's name, which an upload may have lost.
type osmFile struct {
	f      *os.File
	sc     osm.Scanner
	pbf    *osmpbf.Scanner // sc, when the file is PBF
	gate   *pbfGate        // paces pbf in the main pass
	bounds *orb.Bound      // from the PBF header; XML has it as an object
}

func openOSMFile(path string, pass osmPass, progress func(int64)) (*osmFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	var r io.Reader = f
	if progress != nil {
		r = &countingReader{r: f, progress: progress}
	}
	br := bufio.NewReaderSize(r, 256<<10)
	head, _ := br.Peek(16)
	o := &osmFile{f: f}
	switch {
	case isPBF(head):
		var in io.Reader = br
		if pass == passMain {
			o.gate = newPBFGate(br)
			in = o.gate
		}
		sc := osmpbf.New(context.Background(), in, runtime.GOMAXPROCS(0))
		// The main pass is gated and so skips nothing (see pbfGate): relations are decoded and
		// ignored there, a small part of a file.
		sc.SkipNodes, sc.SkipWays = pass == passRelations, pass == passRelations
		o.sc, o.pbf = sc, sc
		h, err := sc.Header()
		if err != nil {
			o.close()
			return nil, fmt.Errorf("ingest: not an OSM PBF file: %w", err)
		}
		if h != nil && h.Bounds != nil {
			o.bounds = boundOf(h.Bounds)
		}
		return o, nil
	case bytes.HasPrefix(head, []byte{0x1f, 0x8b}):
		gz, err := gzip.NewReader(br)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("ingest: OSM XML: %w", err)
		}
		o.sc = osmxml.New(context.Background(), gz)
	case bytes.HasPrefix(head, []byte("BZh")):
		o.sc = osmxml.New(context.Background(), bzip2.NewReader(br))
	case bytes.HasPrefix(bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\xef\xbb\xbf")), " \t\r\n"), []byte("<")):
		o.sc = osmxml.New(context.Background(), br)
	default:
		f.Close()
		return nil, errors.New("ingest: not an OpenStreetMap file (.osm.pbf, or .osm XML plain, gzip or bzip2)")
	}
	return o, nil
}

// isPBF tells a PBF file by its first blob header: a 4-byte length, then field 1 (type)
// holding "OSMHeader" or "OSMData".
func isPBF(head []byte) bool {
	return len(head) >= 9 && head[4] == 0x0a && bytes.HasPrefix(head[6:], []byte("OSM"))
}

// boundOf returns b to OSM's precision, 1e-7 degrees: PBF headers hold nanodegrees.
func boundOf(b *osm.Bounds) *orb.Bound {
	round := func(deg float64) float64 { return math.Round(deg*1e7) / 1e7 }
	return &orb.Bound{Min: orb.Point{round(b.MinLon), round(b.MinLat)}, Max: orb.Point{round(b.MaxLon), round(b.MaxLat)}}
}

// scan returns the next object, nil at the end.
func (o *osmFile) scan() (osm.Object, error) {
	var ok bool
	if o.gate != nil {
		ok = o.gate.scan(o.pbf)
	} else {
		ok = o.sc.Scan()
	}
	if ok {
		return o.sc.Object(), nil
	}
	if err := o.sc.Err(); err != nil {
		return nil, fmt.Errorf("ingest: OSM: %w", err)
	}
	return nil, nil
}

func (o *osmFile) close() error {
	if o == nil {
		return nil
	}
	if o.gate != nil {
		o.gate.close()
	}
	return errors.Join(o.sc.Close(), o.f.Close())
}
