package demo_test

import (
	"bytes"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
	"github.com/paulmach/osm"
	"golang.org/x/text/unicode/norm"

	"bandoso/demo"
	"bandoso/geo"
	"bandoso/osmwrite"
	"bandoso/osmwrite/osmwritetest"
)

// osmFile is an OSM file read back with paulmach/osm's readers.
type osmFile struct {
	bounds    *osm.Bounds
	nodes     map[osm.NodeID]*osm.Node
	ways      []*osm.Way
	relations []*osm.Relation
	order     []osm.ObjectID // every element, as read
}

func writeOSM(t *testing.T, c *demo.City, f osmwrite.Format) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := osmwrite.New(&buf, f, c.OSMBounds())
	if err != nil {
		t.Fatal(err)
	}
	if err := c.WriteOSM(w); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func readOSM(t *testing.T, f osmwrite.Format, data []byte) *osmFile {
	t.Helper()
	r := osmwritetest.Read(t, f, bytes.NewReader(data))
	out := &osmFile{bounds: r.Bounds, nodes: map[osm.NodeID]*osm.Node{}, ways: r.Ways, relations: r.Relations, order: r.Order}
	for _, n := range r.Nodes {
		out.nodes[n.ID] = n
	}
	return out
}

// small is the small city exported to PBF and read back, shared by the tests.
var small = sync.OnceValues(func() (*demo.City, []byte) {
	c, err := demo.New(1, demo.SizeSmall)
	if err != nil {
		panic(err)
	}
	var buf bytes.Buffer
	w, _ := osmwrite.New(&buf, osmwrite.PBF, c.OSMBounds())
	if err := c.WriteOSM(w); err != nil {
		panic(err)
	}
	if err := w.Close(); err != nil {
		panic(err)
	}
	return c, buf.Bytes()
})

func smallFile(t *testing.T) (*demo.City, *osmFile) {
	c, data := small()
	return c, readOSM(t, osmwrite.PBF, data)
}

// plain undoes the spelling quirks of OSM names: NFD, and Ð or ð for Đ or đ.
func plain(s string) string { return norm.NFC.String(unEth.Replace(s)) }

var unEth = strings.NewReplacer("\u00D0", "Đ", "\u00F0", "đ")

func (f *osmFile) coords(w *osm.Way) orb.LineString {
	ls := make(orb.LineString, len(w.Nodes))
	for i, n := range w.Nodes {
		ls[i] = f.nodes[n.ID].Point()
	}
	return ls
}

// plane measures in metres around the city's centre.
var plane = geo.NewLocalPlane(106.70, 10.78)

func metres(p orb.Point) orb.Point {
	x, y := plane.XY(p[0], p[1])
	return orb.Point{x, y}
}

func lengthM(ls orb.LineString) float64 {
	var l float64
	for i := 1; i < len(ls); i++ {
		l += planar.Distance(metres(ls[i-1]), metres(ls[i]))
	}
	return l
}

// distanceM is the distance from p to the polyline ls, in metres.
func distanceM(ls orb.LineString, p orb.Point) float64 {
	m := make(orb.LineString, len(ls))
	for i, q := range ls {
		m[i] = metres(q)
	}
	return planar.DistanceFrom(m, metres(p))
}

func TestOSMDeterministic(t *testing.T) {
	c7, _ := demo.New(7, 1500)
	c7again, _ := demo.New(7, 1500)
	c8, _ := demo.New(8, 1500)
	for _, f := range []osmwrite.Format{osmwrite.PBF, osmwrite.XML} {
		a, b, other := writeOSM(t, c7, f), writeOSM(t, c7again, f), writeOSM(t, c8, f)
		if !bytes.Equal(a, b) {
			t.Errorf("format %d: the same seed and size gave different bytes", f)
		}
		if bytes.Equal(a, other) {
			t.Errorf("format %d: different seeds gave the same bytes", f)
		}
	}
	// the two formats hold the same elements
	pbf, xml := readOSM(t, osmwrite.PBF, writeOSM(t, c7, osmwrite.PBF)), readOSM(t, osmwrite.XML, writeOSM(t, c7, osmwrite.XML))
	if len(pbf.order) != len(xml.order) || len(pbf.ways) != len(xml.ways) {
		t.Fatalf("PBF has %d elements, XML %d", len(pbf.order), len(xml.order))
	}
	for id, n := range pbf.nodes {
		x := xml.nodes[id]
		if x == nil || !near(x.Point(), n.Point()) || len(x.Tags) != len(n.Tags) {
			t.Fatalf("node %d differs: %v and %v", id, n, x)
		}
	}
}

// TestOSMOrder checks the canonical order, that every reference resolves, that no untagged
// node is left out of the ways, and that everything lies in the bounds.
func TestOSMOrder(t *testing.T) {
	_, f := smallFile(t)
	for i := 1; i < len(f.order); i++ {
		a, b := f.order[i-1], f.order[i]
		ta, tb := rank(a.Type()), rank(b.Type())
		if ta > tb || ta == tb && a.Ref() >= b.Ref() {
			t.Fatalf("%s after %s", b, a)
		}
	}
	if f.order[0] != osm.NodeID(1).ObjectID(0) || len(f.relations) != 1 {
		t.Errorf("first element %s, %d relations", f.order[0], len(f.relations))
	}
	used := map[osm.NodeID]bool{}
	for _, w := range f.ways {
		if len(w.Nodes) < 2 {
			t.Errorf("way %d has %d nodes", w.ID, len(w.Nodes))
		}
		for _, n := range w.Nodes {
			if f.nodes[n.ID] == nil {
				t.Fatalf("way %d refers to missing node %d", w.ID, n.ID)
			}
			used[n.ID] = true
		}
	}
	for id, n := range f.nodes {
		if len(n.Tags) == 0 && !used[id] {
			t.Errorf("untagged node %d is in no way", id)
		}
		if !f.bounds.ContainsNode(n) {
			t.Errorf("node %d at %v is outside the bounds %v", id, n.Point(), f.bounds)
		}
	}
	ways := map[osm.WayID]bool{}
	for _, w := range f.ways {
		ways[w.ID] = true
	}
	for _, m := range f.relations[0].Members {
		if m.Type != osm.TypeWay || !ways[osm.WayID(m.Ref)] {
			t.Errorf("relation member %+v is not a way of the file", m)
		}
	}
}

func rank(t osm.Type) int {
	switch t {
	case osm.TypeNode:
		return 0
	case osm.TypeWay:
		return 1
	}
	return 2
}

func isStreet(w *osm.Way) bool {
	h := w.Tags.Find("highway")
	return h == "primary" || h == "residential"
}

// TestOSMStreets checks that each named street is written as ways split at every crossing:
// a way's ends are nodes it shares with a street of another name, its other nodes are on no
// other street, and together they run the demo street's length.
func TestOSMStreets(t *testing.T) {
	c, f := smallFile(t)
	checkStreets(t, c, f)
}

// streetQuirks counts the street ways whose name has Đ, those of them spelt with Ð, and
// those in NFD.
type streetQuirks struct{ ways, withD, eth, nfd int }

func checkStreets(t *testing.T, c *demo.City, f *osmFile) (q streetQuirks) {
	t.Helper()
	streets := map[string]demo.Street{}
	for _, s := range c.Streets() {
		streets[s.Name] = s
	}
	main := map[string]bool{}
	for _, rb := range c.RoadBoundaries() {
		main[rb.StreetName] = true
	}
	onStreet := map[osm.NodeID]map[string]bool{} // node → names of the street ways through it
	byName := map[string][]*osm.Way{}
	for _, w := range f.ways {
		if !isStreet(w) {
			continue
		}
		q.ways++
		raw := w.Tags.Find("name")
		name := plain(raw)
		s, ok := streets[name]
		if !ok {
			t.Fatalf("street way %d named %q, not a demo street", w.ID, raw)
		}
		if want := map[bool]string{true: "primary", false: "residential"}[main[name]]; w.Tags.Find("highway") != want {
			t.Errorf("way %d of %s is highway=%s, want %s", w.ID, name, w.Tags.Find("highway"), want)
		}
		if strings.ContainsAny(name, "Đđ") {
			q.withD++
			if strings.ContainsAny(raw, "\u00D0\u00F0") {
				q.eth++
			}
		}
		if raw != norm.NFC.String(raw) {
			q.nfd++
		}
		byName[s.Name] = append(byName[s.Name], w)
		for _, n := range w.Nodes {
			if onStreet[n.ID] == nil {
				onStreet[n.ID] = map[string]bool{}
			}
			onStreet[n.ID][name] = true
		}
	}
	want := c.OSMStreetWays()
	for name, s := range streets {
		ways := byName[name]
		if len(ways) != want[name] || len(ways) < 2 {
			t.Errorf("%s: %d ways, OSMStreetWays says %d", name, len(ways), want[name])
		}
		var total float64
		for _, w := range ways {
			for k, n := range w.Nodes {
				crossed := len(onStreet[n.ID]) > 1
				end := k == 0 || k == len(w.Nodes)-1
				if end != crossed {
					t.Fatalf("%s: way %d node %d (end %v) is on streets %v", name, w.ID, n.ID, end, onStreet[n.ID])
				}
				if p := f.nodes[n.ID].Point(); distanceM(s.Geom[0], p) > 0.5 {
					t.Fatalf("%s: way %d node %d lies %.2f m off the street", name, w.ID, n.ID, distanceM(s.Geom[0], p))
				}
			}
			total += lengthM(f.coords(w))
		}
		if l := lengthM(s.Geom[0]); math.Abs(total-l) > 0.001*l {
			t.Errorf("%s: ways %.1f m long, the street %.1f m", name, total, l)
		}
	}
	return q
}

// TestOSMAlleys checks that every alley comes back by name as service=alley ways, starting
// on its street (or, for a branch, on its alley).
func TestOSMAlleys(t *testing.T) {
	c, f := smallFile(t)
	names := map[int64]string{}
	for _, s := range c.Streets() {
		names[s.ID] = s.Name
	}
	var alleys []demo.Street
	_ = c.Blocks(func(b *demo.Block) error {
		for _, a := range b.Alleys {
			names[a.ID] = a.Name
			alleys = append(alleys, a)
		}
		return nil
	})
	byName := map[string][]*osm.Way{}
	onWays := map[osm.NodeID][]string{}
	for _, w := range f.ways {
		name := plain(w.Tags.Find("name"))
		if w.Tags.Find("service") == "alley" {
			if w.Tags.Find("highway") != "service" {
				t.Errorf("alley way %d is highway=%s", w.ID, w.Tags.Find("highway"))
			}
			byName[name] = append(byName[name], w)
		}
		for _, n := range w.Nodes {
			onWays[n.ID] = append(onWays[n.ID], name)
		}
	}
	var split int
	for _, a := range alleys {
		ways := byName[a.Name]
		if len(ways) == 0 || len(ways) > 2 {
			t.Fatalf("%s: %d ways", a.Name, len(ways))
		}
		if len(ways) == 2 {
			split++
			if ways[0].Nodes[len(ways[0].Nodes)-1].ID != ways[1].Nodes[0].ID {
				t.Errorf("%s: its two ways do not meet", a.Name)
			}
		}
		mouth := ways[0].Nodes[0].ID
		if !slices.Contains(onWays[mouth], names[a.ParentID]) {
			t.Errorf("%s starts at node %d, which is on %q, not on %q", a.Name, mouth, onWays[mouth], names[a.ParentID])
		}
		var total float64
		for _, w := range ways {
			total += lengthM(f.coords(w))
		}
		if l := lengthM(a.Geom[0]); math.Abs(total-l) > 0.01*l {
			t.Errorf("%s: ways %.1f m long, the alley %.1f m", a.Name, total, l)
		}
	}
	if len(byName) != len(alleys) {
		t.Errorf("%d alley names in the file, %d alleys in the demo", len(byName), len(alleys))
	}
	if split == 0 || split == len(alleys) {
		t.Errorf("%d of %d alleys in two ways, want some", split, len(alleys))
	}
}
