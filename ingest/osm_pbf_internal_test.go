package ingest

import (
	"bufio"
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"runtime/metrics"
	"slices"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
	"github.com/paulmach/osm"
	"google.golang.org/protobuf/encoding/protowire"

	"bandoso/osmwrite"
)

// writePBF writes the extract as PBF, its elements sorted as the format wants them.
func writePBF(t testing.TB, o *osm.OSM) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "extract.osm.pbf")
	writeFile(t, path, osmwrite.PBF, func(w *osmwrite.Writer) error {
		nodes := slices.SortedFunc(slices.Values(o.Nodes), func(a, b *osm.Node) int { return cmp.Compare(a.ID, b.ID) })
		for _, n := range nodes {
			if err := w.Node(int64(n.ID), n.Lon, n.Lat, n.Tags); err != nil {
				return err
			}
		}
		ways := slices.SortedFunc(slices.Values(o.Ways), func(a, b *osm.Way) int { return cmp.Compare(a.ID, b.ID) })
		for _, way := range ways {
			refs := make([]int64, len(way.Nodes))
			for i, n := range way.Nodes {
				refs[i] = int64(n.ID)
			}
			if err := w.Way(int64(way.ID), refs, way.Tags); err != nil {
				return err
			}
		}
		rels := slices.SortedFunc(slices.Values(o.Relations), func(a, b *osm.Relation) int { return cmp.Compare(a.ID, b.ID) })
		for _, r := range rels {
			if err := w.Relation(int64(r.ID), r.Members, r.Tags); err != nil {
				return err
			}
		}
		return nil
	}, *boundOf(o.Bounds))
	return path
}

// writeFile writes an OSM file at path with what write puts in it.
func writeFile(t testing.TB, path string, format osmwrite.Format, write func(*osmwrite.Writer) error, bounds orb.Bound) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	buf := bufio.NewWriterSize(f, 1<<20)
	w, err := osmwrite.New(buf, format, bounds)
	if err != nil {
		t.Fatal(err)
	}
	if err := write(w); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := buf.Flush(); err != nil {
		t.Fatal(err)
	}
}

// The same extract as PBF yields the same records as XML (numbered in another order: PBF
// has its nodes sorted).
func TestOSMPBFSameAsXML(t *testing.T) {
	f := newHCMC()
	xmlPath, pbfPath := writeXML(t, &f.OSM, "hcmc.osm"), writePBF(t, &f.OSM)
	for _, bbox := range []*orb.Bound{nil, {Min: orb.Point{106.6995, 10.769}, Max: orb.Point{106.7025, 10.772}}} {
		xmlRecs, xr := readOSM(t, xmlPath, OSMOptions{BBox: bbox})
		pbfRecs, pr := readOSM(t, pbfPath, OSMOptions{BBox: bbox})
		want, got := byKey(t, xmlRecs), byKey(t, pbfRecs)
		if len(got) != len(want) || len(want) < 5 {
			t.Errorf("bbox %v: %d PBF records, %d XML", bbox, len(got), len(want))
		}
		for k, w := range want {
			g, ok := got[k]
			if !ok {
				t.Errorf("%s: not read from PBF", k)
				continue
			}
			if !orb.Equal(g.Geom, w.Geom) && !(g.Geom == nil && w.Geom == nil) {
				t.Errorf("%s: PBF geometry %v, XML %v", k, g.Geom, w.Geom)
			}
			g.N, w.N, g.Geom, w.Geom = 0, 0, nil, nil
			for i := range g.Problems {
				g.Problems[i].Feature = 0
			}
			for i := range w.Problems {
				w.Problems[i].Feature = 0
			}
			if !reflect.DeepEqual(g, w) {
				t.Errorf("%s: PBF %+v\nXML %+v", k, g, w)
			}
		}
		if pr.Bounds() != xr.Bounds() {
			t.Errorf("bbox %v: PBF bounds %v, XML %v", bbox, pr.Bounds(), xr.Bounds())
		}
	}
}

// synthCity is a synthetic city on a grid of g×g nodes 1e-4 degrees apart, in Ho Chi Minh
// City: every row a street in pieces of ten nodes (named on even rows, unnamed service roads
// on odd ones), every fifth column a named street, a building on one cell in nine (every
// other with an address, one in fifty a named café), house numbers on some grid nodes, and
// every 30 cells a grass multipolygon of 6×6 cells with a 2×2 hole, its outer in two ways.
type synthCity struct {
	g                                               int
	nodes, ways, relations                          int64
	roads, buildings, addresses, pois, parks, named int
}

func (c *synthCity) id(i, j int) int64 { return int64(j*c.g + i + 1) }

func (c *synthCity) write(w *osmwrite.Writer) error {
	g := c.g
	for j := range g {
		for i := range g {
			var tags osm.Tags
			if (i*7+j*13)%97 == 0 {
				tags = osm.Tags{{Key: "addr:housenumber", Value: fmt.Sprint(i)}, {Key: "addr:street", Value: fmt.Sprintf("Đường Số %d", j)}}
				c.addresses++
			}
			if err := w.Node(c.id(i, j), 106.6+float64(i)*1e-4, 10.7+float64(j)*1e-4, tags); err != nil {
				return err
			}
			c.nodes++
		}
	}
	way := func(refs []int64, tags osm.Tags) error {
		c.ways++
		return w.Way(c.ways, refs, tags)
	}
	for j := range g {
		for k := 0; k+1 < g; k += 10 {
			var refs []int64
			for i := k; i <= min(k+10, g-1); i++ {
				refs = append(refs, c.id(i, j))
			}
			tags := osm.Tags{{Key: "highway", Value: "service"}}
			if j%2 == 0 {
				tags = osm.Tags{{Key: "highway", Value: "residential"}, {Key: "name", Value: fmt.Sprintf("Đường Số %d", j)}}
				c.named++
			}
			if err := way(refs, tags); err != nil {
				return err
			}
			c.roads++
		}
	}
	for i := 0; i < g; i += 5 {
		for k := 0; k+1 < g; k += 10 {
			var refs []int64
			for j := k; j <= min(k+10, g-1); j++ {
				refs = append(refs, c.id(i, j))
			}
			if err := way(refs, osm.Tags{{Key: "highway", Value: "tertiary"}, {Key: "name", Value: fmt.Sprintf("Phố %d", i)}}); err != nil {
				return err
			}
			c.roads++
			c.named++
		}
	}
	for j := 1; j+1 < g; j += 3 {
		for i := 1; i+1 < g; i += 3 {
			tags := osm.Tags{{Key: "building", Value: "yes"}}
			if c.buildings%2 == 0 {
				tags = append(tags, osm.Tag{Key: "addr:housenumber", Value: fmt.Sprintf("%d/%d", i, j)}, osm.Tag{Key: "addr:street", Value: fmt.Sprintf("Đường Số %d", j)})
				c.addresses++
			}
			if c.buildings%50 == 0 {
				tags = append(tags, osm.Tag{Key: "amenity", Value: "cafe"}, osm.Tag{Key: "name", Value: fmt.Sprintf("Cà phê %d", c.buildings)})
				c.pois++
			}
			if err := way([]int64{c.id(i, j), c.id(i+1, j), c.id(i+1, j+1), c.id(i, j+1), c.id(i, j)}, tags); err != nil {
				return err
			}
			c.buildings++
		}
	}
	var members []osm.Members
	for j0 := 3; j0+6 < g; j0 += 30 {
		for i0 := 3; i0+6 < g; i0 += 30 {
			var south, north, hole []int64
			for k := 0; k <= 6; k++ { // south then east side; north then west side
				south = append(south, c.id(i0+k, j0))
				north = append(north, c.id(i0+6-k, j0+6))
			}
			for k := 1; k <= 6; k++ {
				south = append(south, c.id(i0+6, j0+k))
				north = append(north, c.id(i0, j0+6-k))
			}
			hole = []int64{c.id(i0+2, j0+2), c.id(i0+2, j0+4), c.id(i0+4, j0+4), c.id(i0+4, j0+2), c.id(i0+2, j0+2)}
			m := osm.Members{}
			for _, refs := range [][]int64{south, hole, north} {
				if err := way(refs, nil); err != nil {
					return err
				}
				m = append(m, osm.Member{Type: osm.TypeWay, Ref: c.ways, Role: "outer"})
			}
			m[1].Role = "inner"
			members = append(members, m)
		}
	}
	for _, m := range members {
		c.relations++
		if err := w.Relation(c.relations, m, osm.Tags{{Key: "type", Value: "multipolygon"}, {Key: "landuse", Value: "grass"}}); err != nil {
			return err
		}
		c.parks++
	}
	return nil
}

func (c *synthCity) bounds() orb.Bound {
	return orb.Bound{Min: orb.Point{106.6, 10.7}, Max: orb.Point{106.6 + float64(c.g-1)*1e-4, 10.7 + float64(c.g-1)*1e-4}}
}

// checkSynthCity reads a synthetic city and checks its records: the counts of each kind and
// the shape of every area. It calls sample, if set, every hundred records.
func checkSynthCity(t testing.TB, c *synthCity, r *OSMReader, sample func()) {
	t.Helper()
	kinds := map[string]int{}
	for n := 0; ; n++ {
		if sample != nil && n%100 == 0 {
			sample()
		}
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		kinds[rec.Kind]++
		if len(rec.Problems) > 0 {
			t.Fatalf("%s %s: problems %+v", rec.ID, rec.Kind, rec.Problems)
		}
		switch rec.Kind {
		case OSMBuilding:
			if a := planar.Area(rec.Geom); math.Abs(a-1e-8) > 1e-12 {
				t.Fatalf("%s: area %g, want a cell's 1e-8", rec.ID, a)
			}
		case OSMPark:
			if p, ok := rec.Geom.(orb.Polygon); !ok || len(p) != 2 || math.Abs(planar.Area(p)-32e-8) > 1e-12 {
				t.Fatalf("%s: %v, want 6×6 cells less a 2×2 hole", rec.ID, rec.Geom)
			}
		case OSMRoad:
			if l, ok := rec.Geom.(orb.LineString); !ok || len(l) < 2 {
				t.Fatalf("%s: %v, want a line", rec.ID, rec.Geom)
			}
		}
	}
	want := map[string]int{OSMRoad: c.roads, OSMBuilding: c.buildings, OSMAddress: c.addresses, OSMPOI: c.pois, OSMPark: c.parks}
	if !reflect.DeepEqual(kinds, want) {
		t.Errorf("records by kind %v, want %v", kinds, want)
	}
	if s := r.Stats(); s != (OSMStats{Nodes: c.nodes, Ways: c.ways, Relations: c.relations}) {
		t.Errorf("read %+v, wrote %d nodes, %d ways, %d relations", s, c.nodes, c.ways, c.relations)
	}
}

// Over a million nodes from PBF, and twice as many, are read with the same memory: the live
// heap does not grow with the number of nodes (a map of node locations would add 60 MB).
func TestOSMPBFLarge(t *testing.T) {
	if testing.Short() {
		t.Skip("writes and reads 3.6 million nodes")
	}
	var peaks []uint64
	for _, g := range []int{1100, 1550} {
		c := &synthCity{g: g}
		path := filepath.Join(t.TempDir(), "city.osm.pbf")
		writeFile(t, path, osmwrite.PBF, c.write, c.bounds())
		runtime.GC()
		r, err := OpenOSM(path, OSMOptions{TempDir: t.TempDir()})
		if err != nil {
			t.Fatal(err)
		}
		live := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		peak := uint64(0)
		checkSynthCity(t, c, r, func() {
			metrics.Read(live)
			peak = max(peak, live[0].Value.Uint64())
		})
		r.Close()
		t.Logf("%d nodes, %d ways, %d relations: live heap at most %.1f MB", c.nodes, c.ways, c.relations, float64(peak)/(1<<20))
		peaks = append(peaks, peak)
	}
	if grew := int64(peaks[1]) - int64(peaks[0]); grew > 16<<20 {
		t.Errorf("the live heap grew %.1f MB with twice the nodes: it should not depend on them", float64(grew)/(1<<20))
	}
}

// Closing a reader in the middle of a PBF file stops the scanner's goroutines, waiting at the
// gate or not.
func TestOSMPBFCloseEarly(t *testing.T) {
	c := &synthCity{g: 300}
	path := filepath.Join(t.TempDir(), "city.osm.pbf")
	writeFile(t, path, osmwrite.PBF, c.write, c.bounds())
	for _, records := range []int{0, 1, 5000} {
		r, err := OpenOSM(path, OSMOptions{TempDir: t.TempDir()})
		if err != nil {
			t.Fatal(err)
		}
		for range records {
			if _, err := r.Next(); err != nil {
				t.Fatal(err)
			}
		}
		if err := r.Close(); err != nil {
			t.Errorf("close after %d records: %v", records, err)
		}
		if _, err := r.Next(); err == nil || errors.Is(err, io.EOF) {
			t.Errorf("next after close: %v, want an error", err)
		}
	}
}

// Blobs that yield no object (empty blocks) move the scanner on unseen by the gate: a run of
// them longer than the gate's read-ahead is passed through, not waited on for ever.
func TestOSMPBFEmptyBlobs(t *testing.T) {
	defer func(d time.Duration) { gateStall = d }(gateStall)
	gateStall = 50 * time.Millisecond
	f := newHCMC()
	path := writePBF(t, &f.OSM)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var padded []byte
	for frames := 0; len(data) > 0; frames++ {
		n := 4 + int(binary.BigEndian.Uint32(data))
		size, err := blobDatasize(data[4:n])
		if err != nil {
			t.Fatal(err)
		}
		n += int(size)
		padded = append(padded, data[:n]...)
		data = data[n:]
		if frames < 2 { // after the header and after the nodes
			for range 2 * gateAhead {
				padded = append(padded, emptyBlob()...)
			}
		}
	}
	paddedPath := filepath.Join(t.TempDir(), "padded.osm.pbf")
	if err := os.WriteFile(paddedPath, padded, 0o600); err != nil {
		t.Fatal(err)
	}
	want, _ := readOSM(t, path, OSMOptions{})
	got, _ := readOSM(t, paddedPath, OSMOptions{})
	if len(got) != len(want) {
		t.Errorf("%d records with empty blobs, %d without", len(got), len(want))
	}
	for i := range min(len(got), len(want)) {
		if got[i].ID != want[i].ID || got[i].Kind != want[i].Kind || !orb.Equal(got[i].Geom, want[i].Geom) && got[i].Geom != nil {
			t.Errorf("record %d: %s %s, want %s %s", i, got[i].ID, got[i].Kind, want[i].ID, want[i].Kind)
		}
	}
}

// emptyBlob is an OSMData blob holding a primitive block with no groups.
func emptyBlob() []byte {
	table := protowire.AppendBytes(protowire.AppendTag(nil, 1, protowire.BytesType), nil)       // StringTable.s: ""
	block := protowire.AppendBytes(protowire.AppendTag(nil, 1, protowire.BytesType), table)     // PrimitiveBlock.stringtable
	blob := protowire.AppendBytes(protowire.AppendTag(nil, 1, protowire.BytesType), block)      // Blob.raw
	head := protowire.AppendString(protowire.AppendTag(nil, 1, protowire.BytesType), "OSMData") // BlobHeader.type
	head = protowire.AppendVarint(protowire.AppendTag(head, 3, protowire.VarintType), uint64(len(blob)))
	frame := binary.BigEndian.AppendUint32(nil, uint32(len(head)))
	return append(append(frame, head...), blob...)
}
