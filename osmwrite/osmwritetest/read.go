// Package osmwritetest reads OSM files back for tests, with paulmach/osm's readers: a
// reader other than the writer's own code, so that a round trip checks the format.
package osmwritetest

import (
	"context"
	"io"
	"testing"

	"github.com/paulmach/osm"
	"github.com/paulmach/osm/osmpbf"
	"github.com/paulmach/osm/osmxml"

	"bandoso/osmwrite"
)

// File is an OSM file's content.
type File struct {
	Header    *osmpbf.Header // PBF only
	Bounds    *osm.Bounds
	Nodes     []*osm.Node
	Ways      []*osm.Way
	Relations []*osm.Relation
	Order     []osm.ObjectID // every element, in file order
}

// Read reads a whole file of format f, failing the test on any error.
func Read(tb testing.TB, f osmwrite.Format, r io.Reader) *File {
	tb.Helper()
	out := &File{}
	var sc osm.Scanner
	if f == osmwrite.PBF {
		s := osmpbf.New(context.Background(), r, 2)
		h, err := s.Header()
		if err != nil {
			tb.Fatalf("osmwritetest: PBF header: %v", err)
		}
		out.Header, out.Bounds, sc = h, h.Bounds, s
	} else {
		sc = osmxml.New(context.Background(), r)
	}
	defer sc.Close()
	for sc.Scan() {
		switch o := sc.Object().(type) {
		case *osm.Bounds:
			out.Bounds = o
			continue
		case *osm.Node:
			out.Nodes = append(out.Nodes, o)
		case *osm.Way:
			out.Ways = append(out.Ways, o)
		case *osm.Relation:
			out.Relations = append(out.Relations, o)
		}
		out.Order = append(out.Order, sc.Object().ObjectID())
	}
	if err := sc.Err(); err != nil {
		tb.Fatalf("osmwritetest: read: %v", err)
	}
	return out
}
