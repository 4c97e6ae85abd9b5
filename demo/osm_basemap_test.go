package demo_test

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
	"github.com/paulmach/osm"

	"bandoso/demo"
	"bandoso/osmwrite"
)

// ringKey names a ring by its coordinates in units of 1e-7 degrees.
func ringKey(ls []orb.Point) string {
	var b strings.Builder
	for _, p := range ls {
		fmt.Fprintf(&b, "%d,%d;", int64(math.Round(p[0]*1e7)), int64(math.Round(p[1]*1e7)))
	}
	return b.String()
}

// wayRings indexes the closed ways of f by ring.
func wayRings(f *osmFile) map[string][]*osm.Way {
	out := map[string][]*osm.Way{}
	for _, w := range f.ways {
		if len(w.Nodes) > 3 && w.Nodes[0].ID == w.Nodes[len(w.Nodes)-1].ID {
			k := ringKey(f.coords(w))
			out[k] = append(out[k], w)
		}
	}
	return out
}

// TestOSMBuildings checks that each lot whose land use bears a building has one, tagged by
// use with what it houses, and each park lot a park.
func TestOSMBuildings(t *testing.T) {
	c, f := smallFile(t)
	rings := wayRings(f)
	building := map[string]string{"ODT": "house", "ONT": "house", "TMD": "commercial", "DGD": "school", "DYT": "hospital", "TON": "temple"}
	seen := map[string]int{}
	var lots int
	err := c.Blocks(func(b *demo.Block) error {
		for _, p := range b.Parcels {
			want, bears := building[p.LandUse]
			var found *osm.Way
			for _, w := range rings[ringKey(p.Geom[0][0])] {
				if w.Tags.Find("building") != "" || w.Tags.Find("leisure") == "park" {
					if found != nil {
						return fmt.Errorf("parcel %d has two ways", p.ID)
					}
					found = w
				}
			}
			if !bears && p.LandUse != "DKV" {
				if found != nil {
					return fmt.Errorf("parcel %d (%s) has way %d %v", p.ID, p.LandUse, found.ID, found.Tags)
				}
				continue
			}
			if found == nil {
				return fmt.Errorf("parcel %d (%s) has no building or park", p.ID, p.LandUse)
			}
			lots++
			seen[p.LandUse]++
			tags, name := found.Tags, found.Tags.Find("name")
			switch p.LandUse {
			case "DKV":
				if !strings.HasPrefix(name, "Công viên ") || tags.Find("building") != "" {
					return fmt.Errorf("park %d: %v", p.ID, tags)
				}
			case "DGD":
				a := tags.Find("amenity")
				if !(a == "school" && tags.Find("building") == "school" || a == "kindergarten" && tags.Find("building") == "kindergarten") ||
					!strings.HasPrefix(name, "Trường ") {
					return fmt.Errorf("school %d: %v", p.ID, tags)
				}
			case "TON":
				if tags.Find("amenity") != "place_of_worship" || tags.Find("religion") != "buddhist" || !strings.HasPrefix(name, "Chùa ") {
					return fmt.Errorf("pagoda %d: %v", p.ID, tags)
				}
				fallthrough
			default:
				if tags.Find("building") != want {
					return fmt.Errorf("parcel %d (%s): building=%s, want %s", p.ID, p.LandUse, tags.Find("building"), want)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var ways int
	for _, w := range f.ways {
		if w.Tags.Find("building") != "" || w.Tags.Find("leisure") == "park" {
			ways++
		}
	}
	if ways != lots {
		t.Errorf("%d building and park ways, %d lots bearing one", ways, lots)
	}
	for _, use := range []string{"ODT", "TMD", "DGD", "TON", "DKV"} {
		if seen[use] == 0 {
			t.Errorf("no %s lot in the city to check", use)
		}
	}
}

// TestOSMBasemap checks the water, canal, railway, market, shops, landuse and unnamed roads.
func TestOSMBasemap(t *testing.T) {
	c, f := smallFile(t)
	var parcels []orb.Ring
	_ = c.Blocks(func(b *demo.Block) error {
		for _, p := range b.Parcels {
			parcels = append(parcels, p.Geom[0][0])
		}
		return nil
	})
	streetNodes := map[osm.NodeID]bool{}
	ways := map[osm.WayID]*osm.Way{}
	count := map[string]int{}
	for _, w := range f.ways {
		ways[w.ID] = w
		if isStreet(w) {
			for _, n := range w.Nodes {
				streetNodes[n.ID] = true
			}
		}
	}
	// apart: nothing of the water or the railway on a lot or a street
	apart := func(w *osm.Way) {
		for _, n := range w.Nodes {
			p := f.nodes[n.ID].Point()
			if streetNodes[n.ID] {
				t.Errorf("way %d %v shares node %d with a street", w.ID, w.Tags, n.ID)
			}
			for _, r := range parcels {
				if r.Bound().Contains(p) && planar.RingContains(r, p) {
					t.Fatalf("way %d %v has node %d on a lot", w.ID, w.Tags, n.ID)
				}
			}
		}
	}
	for _, w := range f.ways {
		tags, closed := w.Tags, w.Nodes[0].ID == w.Nodes[len(w.Nodes)-1].ID
		switch {
		case tags.Find("natural") == "water" && tags.Find("water") == "river" && closed:
			count["river way"]++
			apart(w)
		case tags.Find("waterway") == "canal" && !closed:
			count["canal"]++
			apart(w)
		case tags.Find("railway") == "rail" && !closed:
			count["railway"]++
			apart(w)
		case tags.Find("landuse") == "residential" && closed:
			count["landuse"]++
		case tags.Find("name") == "" && (tags.Find("highway") == "service" || tags.Find("highway") == "footway"):
			count["unnamed "+tags.Find("highway")]++
			if tags.Find("highway") == "service" && !streetNodes[w.Nodes[0].ID] {
				t.Errorf("service road %d does not start on a street", w.ID)
			}
		}
	}
	r := f.relations[0]
	if r.Tags.Find("type") != "multipolygon" || r.Tags.Find("natural") != "water" || len(r.Members) != 2 ||
		r.Members[0].Role != "outer" || r.Members[1].Role != "inner" {
		t.Fatalf("relation %v %v", r.Tags, r.Members)
	}
	outer, inner := ways[osm.WayID(r.Members[0].Ref)], ways[osm.WayID(r.Members[1].Ref)]
	apart(outer)
	if ring := orb.Ring(f.coords(outer)); !ring.Closed() || !planar.RingContains(ring, f.nodes[inner.Nodes[0].ID].Point()) {
		t.Error("the multipolygon's inner ring is not inside its closed outer ring")
	}
	for id, n := range f.nodes {
		switch {
		case n.Tags.Find("amenity") == "marketplace":
			count["market"]++
			if n.Tags.Find("name") != "Chợ Bến Thành" || planar.Distance(metres(orb.Point{106.70, 10.78}), metres(n.Point())) > 400 {
				t.Errorf("market node %d %v at %v", id, n.Tags, n.Point())
			}
		case n.Tags.Find("name") != "" && (n.Tags.Find("shop") != "" || n.Tags.Find("amenity") != "" || n.Tags.Find("office") != ""):
			count["shop"]++
		}
	}
	for _, what := range []string{"river way", "canal", "railway", "landuse", "unnamed service", "unnamed footway", "market", "shop"} {
		if count[what] == 0 {
			t.Errorf("no %s", what)
		}
	}
}

// TestOSMDistrict checks, on a city large enough to have fields at its edge and many
// street ways, the fields and the unnamed tracks across them from street to street, and the
// proportions of the street names' quirks.
func TestOSMDistrict(t *testing.T) {
	c, err := demo.New(2, demo.SizeDistrict)
	if err != nil {
		t.Fatal(err)
	}
	f := readOSM(t, osmwrite.PBF, writeOSM(t, c, osmwrite.PBF))
	q := checkStreets(t, c, f)
	if r := float64(q.eth) / float64(q.withD); q.withD < 100 || r < 0.18 || r > 0.32 {
		t.Errorf("%d of %d ways of names with Đ spell it Ð, want about a quarter", q.eth, q.withD)
	}
	if r := float64(q.nfd) / float64(q.ways); q.nfd == 0 || r > 0.08 {
		t.Errorf("%d of %d street ways in NFD, want a few", q.nfd, q.ways)
	}
	rings := wayRings(f)
	var fields int
	_ = c.Blocks(func(b *demo.Block) error {
		for _, p := range b.Parcels {
			want := map[string]string{"LUA": "farmland", "CLN": "orchard"}[p.LandUse]
			if want == "" {
				continue
			}
			fields++
			ws := rings[ringKey(p.Geom[0][0])]
			if len(ws) != 1 || ws[0].Tags.Find("landuse") != want {
				t.Fatalf("field %d (%s): ways %v", p.ID, p.LandUse, ws)
			}
		}
		return nil
	})
	streetNodes := map[osm.NodeID]bool{}
	for _, w := range f.ways {
		if isStreet(w) {
			for _, n := range w.Nodes {
				streetNodes[n.ID] = true
			}
		}
	}
	var tracks int
	for _, w := range f.ways {
		if w.Tags.Find("highway") == "track" {
			tracks++
			if w.Tags.Find("name") != "" || !streetNodes[w.Nodes[0].ID] || !streetNodes[w.Nodes[len(w.Nodes)-1].ID] {
				t.Errorf("track %d %v does not run unnamed from street to street", w.ID, w.Tags)
			}
		}
	}
	if fields == 0 || tracks == 0 {
		t.Errorf("%d fields, %d tracks", fields, tracks)
	}
}
