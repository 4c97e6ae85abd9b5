package ingest

import (
	"compress/gzip"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
	"github.com/paulmach/osm"
)

// hcmc builds a small extract of Ho Chi Minh City as real OSM data has it: a street split
// into ways sharing nodes, Ð (U+00D0) for Đ in names, addr:street with and without
// "Đường"/"Phố", house numbers "120 bis", "25b", "176-181", "Ngõ 100", addresses on
// building ways, an unnamed service road, multipolygons with an inner ring of unordered and
// reversed ways, without roles, not closed, with a member missing; nodes in no id order,
// some with editors' negative ids.
type hcmc struct {
	osm.OSM
	loc map[osm.NodeID]orb.Point
}

func newHCMC() *hcmc {
	f := &hcmc{loc: map[osm.NodeID]orb.Point{}}
	f.Bounds = &osm.Bounds{MinLat: 10.76, MaxLat: 10.80, MinLon: 106.69, MaxLon: 106.76}
	n := f.node
	w := f.way
	// Lê Lợi in three ways meeting at n3 and n4; Đồng Khởi meets it at n3.
	n(1, 106.700, 10.770)
	n(2, 106.701, 10.770)
	n(3, 106.702, 10.770)
	n(4, 106.703, 10.770)
	n(5, 106.704, 10.770)
	n(6, 106.702, 10.771)
	n(7, 106.7005, 10.7705)
	w(1, []osm.NodeID{1, 2, 3}, "highway", "primary", "name", "Lê Lợi")
	w(2, []osm.NodeID{3, 4}, "highway", "primary", "name", "Lê Lợi")
	w(3, []osm.NodeID{4, 5}, "highway", "primary", "name", "Lê Lợi")
	w(5, []osm.NodeID{6, 3}, "highway", "secondary", "name", "\u00d0ồng Khởi")
	w(4, []osm.NodeID{7, 2}, "highway", "service")
	// A roundabout: closed, yet a line.
	n(8, 106.705, 10.772)
	n(9, 106.706, 10.772)
	n(10, 106.7055, 10.773)
	w(6, []osm.NodeID{8, 9, 10, 8}, "highway", "tertiary", "junction", "roundabout", "name", "Vòng xoay Dân Chủ")
	// A school building with its address, drawn clockwise; a house with a range number.
	n(20, 106.7100, 10.7700)
	n(21, 106.7102, 10.7700)
	n(22, 106.7102, 10.7702)
	n(23, 106.7100, 10.7702)
	w(10, []osm.NodeID{20, 23, 22, 21, 20}, "building", "yes", "amenity", "school", "name", "Trường Tiểu học Lê Lợi",
		"addr:housenumber", "120 bis", "addr:street", "Đường Lê Lợi")
	n(24, 106.7110, 10.7700)
	n(25, 106.7111, 10.7700)
	n(26, 106.7111, 10.7701)
	w(11, []osm.NodeID{24, 25, 26, 24}, "building", "house", "addr:housenumber", "176-181", "addr:street", "Phố Huế")
	// Addresses and POIs on nodes.
	n(100, 106.7015, 10.7705, "addr:housenumber", "25b", "addr:street", "Phố Hàng Bông")
	n(101, 106.712, 10.771, "addr:housenumber", "Ngõ 100", "addr:street", "Phố Huế")
	n(102, 106.713, 10.771, "addr:street", "12 Nguyễn Trãi")
	n(103, 106.714, 10.771, "addr:street", "3 Tháng 2")
	n(104, 106.715, 10.771, "amenity", "cafe", "name", "Cà phê \u00d0en")
	n(105, 106.716, 10.771, "amenity", "bench")
	n(106, 106.717, 10.771, "railway", "station", "name", "Ga Sài Gòn")
	// Landuse, water, a railway, a canal, a park.
	f.square(30, 300, 106.690, 10.790, 0.002, "landuse", "residential")
	f.square(31, 310, 106.695, 10.790, 0.002, "natural", "water", "name", "Hồ Con Rùa")
	n(320, 106.690, 10.795)
	n(321, 106.700, 10.795)
	w(32, []osm.NodeID{320, 321}, "railway", "rail")
	n(330, 106.690, 10.796)
	n(331, 106.700, 10.797)
	w(33, []osm.NodeID{330, 331}, "waterway", "canal", "name", "Kênh Nhiêu Lộc")
	f.square(34, 340, 106.700, 10.790, 0.002, "leisure", "park", "name", "Công viên 23/9")
	// A park with a hole made of three ways, one reversed, listed out of order.
	f.square(40, 400, 106.720, 10.780, 0.010)
	n(44, 106.723, 10.783)
	n(45, 106.727, 10.783)
	n(46, 106.727, 10.787)
	n(47, 106.723, 10.787)
	w(41, []osm.NodeID{44, 45, 46})
	w(42, []osm.NodeID{47, 46})
	w(43, []osm.NodeID{47, 44})
	f.relation(1, []osm.Member{mpWay(42, "inner"), mpWay(40, "outer"), mpWay(43, "inner"), mpWay(41, "inner")},
		"type", "multipolygon", "leisure", "park", "name", "Công viên Tao Đàn")
	// A lake whose outer ways do not close.
	n(50, 106.730, 10.780)
	n(51, 106.731, 10.780)
	n(52, 106.731, 10.781)
	n(53, 106.730, 10.781)
	w(50, []osm.NodeID{50, 51, 52})
	w(51, []osm.NodeID{52, 53})
	f.relation(2, []osm.Member{mpWay(50, "outer"), mpWay(51, "outer")}, "type", "multipolygon", "natural", "water", "name", "Hồ Bán Nguyệt")
	// Grass with a hole, no roles given.
	f.square(60, 600, 106.740, 10.780, 0.010)
	f.square(61, 610, 106.744, 10.784, 0.002)
	f.relation(3, []osm.Member{mpWay(61, ""), mpWay(60, "")}, "type", "multipolygon", "landuse", "grass")
	// A building whose only member way is not in the file; a route, not a multipolygon.
	f.relation(4, []osm.Member{mpWay(70, "outer")}, "type", "multipolygon", "building", "yes")
	f.relation(5, []osm.Member{mpWay(1, "")}, "type", "route", "route", "bus", "amenity", "bus_station", "name", "Tuyến 01")
	// An alley and a building referring to nodes the file does not have.
	n(80, 106.750, 10.770)
	n(81, 106.751, 10.770)
	n(82, 106.753, 10.770)
	w(80, []osm.NodeID{80, 81, 9999, 82}, "highway", "residential", "name", "Hẻm 51")
	n(83, 106.750, 10.771)
	n(84, 106.751, 10.771)
	n(85, 106.751, 10.772)
	w(81, []osm.NodeID{83, 84, 9998, 85, 83}, "building", "yes")
	// A footpath just drawn in an editor: negative ids.
	n(-1, 106.752, 10.773)
	n(-2, 106.753, 10.773)
	w(-1, []osm.NodeID{-2, -1}, "highway", "footway")
	rng := rand.New(rand.NewPCG(9, 10))
	rng.Shuffle(len(f.Nodes), func(i, j int) { f.Nodes[i], f.Nodes[j] = f.Nodes[j], f.Nodes[i] })
	return f
}

func (f *hcmc) node(id osm.NodeID, lon, lat float64, tags ...string) {
	f.loc[id] = orb.Point{lon, lat}
	f.Nodes = append(f.Nodes, &osm.Node{ID: id, Lon: lon, Lat: lat, Visible: true, Tags: tagsOf(tags)})
}

func (f *hcmc) way(id osm.WayID, nodes []osm.NodeID, tags ...string) {
	w := &osm.Way{ID: id, Visible: true, Tags: tagsOf(tags)}
	for _, n := range nodes {
		w.Nodes = append(w.Nodes, osm.WayNode{ID: n})
	}
	f.Ways = append(f.Ways, w)
}

func (f *hcmc) relation(id osm.RelationID, members []osm.Member, tags ...string) {
	f.Relations = append(f.Relations, &osm.Relation{ID: id, Visible: true, Members: members, Tags: tagsOf(tags)})
}

// square adds a closed way of four nodes numbered from first, counter-clockwise from the
// south-west corner at lon, lat.
func (f *hcmc) square(id osm.WayID, first osm.NodeID, lon, lat, side float64, tags ...string) {
	f.node(first, lon, lat)
	f.node(first+1, lon+side, lat)
	f.node(first+2, lon+side, lat+side)
	f.node(first+3, lon, lat+side)
	f.way(id, []osm.NodeID{first, first + 1, first + 2, first + 3, first}, tags...)
}

func mpWay(id osm.WayID, role string) osm.Member {
	return osm.Member{Type: osm.TypeWay, Ref: int64(id), Role: role}
}

func tagsOf(kv []string) osm.Tags {
	var tags osm.Tags
	for i := 0; i+1 < len(kv); i += 2 {
		tags = append(tags, osm.Tag{Key: kv[i], Value: kv[i+1]})
	}
	return tags
}

// points returns the locations of nodes.
func (f *hcmc) points(ids ...osm.NodeID) []orb.Point {
	var pts []orb.Point
	for _, id := range ids {
		pts = append(pts, f.loc[id])
	}
	return pts
}

// writeXML writes the extract as OSM XML, gzip-compressed when the name ends in .gz.
func writeXML(t testing.TB, o *osm.OSM, name string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	file, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	var w io.Writer = file
	if strings.HasSuffix(name, ".gz") {
		gz := gzip.NewWriter(file)
		defer gz.Close()
		w = gz
	}
	io.WriteString(w, xml.Header)
	if err := xml.NewEncoder(w).Encode(o); err != nil {
		t.Fatal(err)
	}
	return path
}

// readOSM reads every record of path.
func readOSM(t testing.TB, path string, opt OSMOptions) ([]OSMRecord, *OSMReader) {
	t.Helper()
	r, err := OpenOSM(path, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	var recs []OSMRecord
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			return recs, r
		}
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, rec)
	}
}

// byKey indexes records by "id kind".
func byKey(t *testing.T, recs []OSMRecord) map[string]OSMRecord {
	t.Helper()
	m := map[string]OSMRecord{}
	for _, r := range recs {
		k := r.ID + " " + r.Kind
		if _, dup := m[k]; dup {
			t.Errorf("%s: two records", k)
		}
		m[k] = r
	}
	return m
}

// clean is a name as the package's text check makes it ("" when refused).
func clean(s string) string {
	v, _ := checkText("name", s)
	return v
}

func TestOSMRecords(t *testing.T) {
	f := newHCMC()
	recs, r := readOSM(t, writeXML(t, &f.OSM, "hcmc.osm"), OSMOptions{})
	want := []string{
		"w1 road primary highway Lê Lợi",
		"w2 road primary highway Lê Lợi",
		"w3 road primary highway Lê Lợi",
		"w5 road secondary highway " + clean("\u00d0ồng Khởi"),
		"w4 road service highway ",
		"w6 road tertiary highway Vòng xoay Dân Chủ",
		"w10 building yes building Trường Tiểu học Lê Lợi",
		"w10 address 120 bis addr:housenumber Trường Tiểu học Lê Lợi",
		"w10 poi school amenity Trường Tiểu học Lê Lợi",
		"w11 building house building ",
		"w11 address 176-181 addr:housenumber ",
		"n100 address 25b addr:housenumber ",
		"n101 address Ngõ 100 addr:housenumber ",
		"n102 address 12 Nguyễn Trãi addr:street ",
		"n104 poi cafe amenity " + clean("Cà phê \u00d0en"),
		"n106 poi station railway Ga Sài Gòn",
		"w30 landuse residential landuse ",
		"w31 water water natural Hồ Con Rùa",
		"w32 railway rail railway ",
		"w33 waterway canal waterway Kênh Nhiêu Lộc",
		"w34 park park leisure Công viên 23/9",
		"w34 poi park leisure Công viên 23/9",
		"r1 park park leisure Công viên Tao Đàn",
		"r1 poi park leisure Công viên Tao Đàn",
		"r2 water water natural Hồ Bán Nguyệt",
		"r3 park grass landuse ",
		"r4 building yes building ",
		"w80 road residential highway Hẻm 51",
		"w81 building yes building ",
		"w-1 road footway highway ",
	}
	var got []string
	for i, r := range recs {
		if r.N != i+1 {
			t.Errorf("record %d numbered %d", i+1, r.N)
		}
		got = append(got, fmt.Sprintf("%s %s %s %s %s", r.ID, r.Kind, r.Class, r.Key, r.Name))
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("records:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	m := byKey(t, recs)

	// Streets: lines through their nodes, pieces sharing their ends; a roundabout stays a line.
	checkLine(t, m["w1 road"], f.points(1, 2, 3))
	checkLine(t, m["w2 road"], f.points(3, 4))
	checkLine(t, m["w6 road"], f.points(8, 9, 10, 8))
	checkLine(t, m["w-1 road"], f.points(-2, -1))
	// The building drawn clockwise comes out counter-clockwise; its records share it all.
	school := m["w10 building"]
	checkPolygon(t, school, 0.0002*0.0002, 1)
	if addr := m["w10 address"]; addr.Tags["addr:street"] != "Đường Lê Lợi" || addr.Tags["addr:housenumber"] != "120 bis" || !orb.Equal(addr.Geom, school.Geom) {
		t.Errorf("w10 address: tags %v, geometry %v; want the tags as they are and the building", addr.Tags, addr.Geom)
	}
	if tags := m["n101 address"].Tags; tags["addr:housenumber"] != "Ngõ 100" || tags["addr:street"] != "Phố Huế" {
		t.Errorf("n101 tags %v", tags)
	}
	if g := m["n100 address"].Geom; g != f.loc[100] {
		t.Errorf("n100 geometry %v, want %v", g, f.loc[100])
	}
	checkPolygon(t, m["w31 water"], 0.002*0.002, 1)

	// Multipolygons: a hole of three unordered, reversed ways; a hole found by containment.
	checkPolygon(t, m["r1 park"], 0.01*0.01-0.004*0.004, 2)
	checkPolygon(t, m["r3 park"], 0.01*0.01-0.002*0.002, 2)
	checkRefused(t, m["r2 water"], "do not close")
	checkRefused(t, m["r4 building"], "not in the file")
	checkRefused(t, m["w81 building"], "not in the file")

	// A line missing a node keeps its longest stretch of nodes found, with a warning.
	alley := m["w80 road"]
	checkLine(t, alley, f.points(80, 81))
	if len(alley.Problems) != 1 || alley.Problems[0].Action != Warning || alley.Problems[0].ID != "w80" || alley.Problems[0].Feature != alley.N {
		t.Errorf("w80 problems %+v, want one warning of the missing node", alley.Problems)
	}

	if got, want := r.Bounds(), *boundOf(f.Bounds); got != want {
		t.Errorf("bounds %v, want the file's %v", got, want)
	}
	if s := r.Stats(); s.Nodes != int64(len(f.Nodes)) || s.Ways != int64(len(f.Ways)) || s.Relations != int64(len(f.Relations)) {
		t.Errorf("stats %+v, want %d nodes, %d ways, %d relations", s, len(f.Nodes), len(f.Ways), len(f.Relations))
	}
}

func checkLine(t *testing.T, r OSMRecord, want []orb.Point) {
	t.Helper()
	line, ok := r.Geom.(orb.LineString)
	if !ok || !slices.Equal(line, orb.LineString(want)) {
		t.Errorf("%s %s: geometry %v, want the line %v", r.ID, r.Kind, r.Geom, want)
	}
}

// checkPolygon asserts a polygon of rings rings, closed, outer counter-clockwise and inner
// clockwise, of the area wanted (square degrees).
func checkPolygon(t *testing.T, r OSMRecord, area float64, rings int) {
	t.Helper()
	p, ok := r.Geom.(orb.Polygon)
	if !ok || len(p) != rings {
		t.Errorf("%s %s: geometry %v, want a polygon of %d rings", r.ID, r.Kind, r.Geom, rings)
		return
	}
	for i, ring := range p {
		if want := map[bool]orb.Orientation{true: orb.CCW, false: orb.CW}[i == 0]; !ring.Closed() || ring.Orientation() != want {
			t.Errorf("%s %s: ring %d closed %v, orientation %v, want %v", r.ID, r.Kind, i, ring.Closed(), ring.Orientation(), want)
		}
	}
	if got := planar.Area(p); math.Abs(got-area) > 1e-12 {
		t.Errorf("%s %s: area %g, want %g", r.ID, r.Kind, got, area)
	}
}

// checkRefused asserts a record without geometry and a refused geometry problem saying why.
func checkRefused(t *testing.T, r OSMRecord, why string) {
	t.Helper()
	if r.Geom != nil {
		t.Errorf("%s %s: geometry %v, want none", r.ID, r.Kind, r.Geom)
	}
	for _, p := range r.Problems {
		if p.Action == Refused && p.Problem == InvalidGeometry && p.ID == r.ID && p.Feature == r.N && strings.Contains(p.Detail, why) {
			return
		}
	}
	t.Errorf("%s %s: problems %+v, want a refused geometry that says %q", r.ID, r.Kind, r.Problems, why)
}

// Every value goes through the package's text check: what it cleans is the record's, what it
// refuses is a problem of the record, left out of its tags.
func TestOSMText(t *testing.T) {
	f := &hcmc{loc: map[osm.NodeID]orb.Point{}}
	values := map[string]string{"name": "\u00d0ình Ðộc Lập", "addr:city": "Hå ChÝ Minh", "addr:street": "Nguye\u0302\u0303n Du", "addr:housenumber": "5"}
	var kv []string
	for k, v := range values {
		kv = append(kv, k, v)
	}
	f.node(1, 106.7, 10.77, kv...)
	recs, _ := readOSM(t, writeXML(t, &f.OSM, "text.osm"), OSMOptions{})
	if len(recs) != 1 || recs[0].Kind != OSMAddress {
		t.Fatalf("records %+v, want one address", recs)
	}
	rec := recs[0]
	for k, v := range values {
		want, p := checkText(k, v)
		if p == nil {
			if rec.Tags[k] != want {
				t.Errorf("%s = %q, want %q", k, rec.Tags[k], want)
			}
			continue
		}
		if _, ok := rec.Tags[k]; ok {
			t.Errorf("%s refused by the text check, yet in the tags", k)
		}
		p.Feature, p.ID = rec.N, rec.ID
		if !slices.Contains(rec.Problems, *p) {
			t.Errorf("%s: problems %+v lack %+v", k, rec.Problems, *p)
		}
	}
	if rec.Name != rec.Tags["name"] {
		t.Errorf("name %q, tag %q", rec.Name, rec.Tags["name"])
	}
}

// A bounding box keeps nodes inside it, and ways and relations with a node inside, whole.
func TestOSMBBox(t *testing.T) {
	f := newHCMC()
	path := writeXML(t, &f.OSM, "hcmc.osm")
	for _, c := range []struct {
		name string
		bbox orb.Bound
		want []string
	}{
		{"streets", orb.Bound{Min: orb.Point{106.6995, 10.769}, Max: orb.Point{106.7025, 10.772}},
			[]string{"n100 address", "w1 road", "w2 road", "w4 road", "w5 road"}},
		{"a corner of a hole", orb.Bound{Min: orb.Point{106.7229, 10.7829}, Max: orb.Point{106.7231, 10.7831}},
			[]string{"r1 park", "r1 poi"}},
		{"nothing", orb.Bound{Min: orb.Point{105, 20}, Max: orb.Point{105.1, 20.1}}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			recs, r := readOSM(t, path, OSMOptions{BBox: &c.bbox})
			got := slices.Sorted(func(yield func(string) bool) {
				for k := range byKey(t, recs) {
					if !yield(k) {
						return
					}
				}
			})
			if !slices.Equal(got, c.want) {
				t.Errorf("records %v, want %v", got, c.want)
			}
			if r.Bounds() != c.bbox {
				t.Errorf("bounds %v, want the bounding box", r.Bounds())
			}
			if c.name == "streets" {
				checkLine(t, byKey(t, recs)["w2 road"], f.points(3, 4))
			}
		})
	}
}

// Without bounds in the file, the extract's bounds are its nodes' extent, known at the end;
// gzip-compressed XML reads the same.
func TestOSMExtent(t *testing.T) {
	f := newHCMC()
	f.Bounds = nil
	xmlRecs, _ := readOSM(t, writeXML(t, &f.OSM, "hcmc.osm"), OSMOptions{})
	recs, r := readOSM(t, writeXML(t, &f.OSM, "hcmc.osm.gz"), OSMOptions{})
	var want orb.Bound
	for i, n := range f.Nodes {
		p := orb.Point{n.Lon, n.Lat}
		if i == 0 {
			want = p.Bound()
		}
		want = want.Extend(p)
	}
	if got := r.Bounds(); got != want {
		t.Errorf("bounds %v, want the nodes' extent %v", got, want)
	}
	if len(recs) != len(xmlRecs) {
		t.Errorf("gzip: %d records, plain XML %d", len(recs), len(xmlRecs))
	}
}

func TestOSMProgress(t *testing.T) {
	f := newHCMC()
	path := writeXML(t, &f.OSM, "hcmc.osm")
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	var seen []int64
	readOSM(t, path, OSMOptions{Progress: func(n int64) { seen = append(seen, n) }})
	if !slices.IsSorted(seen) || len(seen) < 2 || seen[len(seen)-1] != fi.Size() {
		t.Errorf("progress %v, want it rising to the file's %d bytes", seen, fi.Size())
	}
}

// A file with a node after ways is not sorted: an error, not ways silently missing nodes.
func TestOSMNodesAfterWays(t *testing.T) {
	path := filepath.Join(t.TempDir(), "unsorted.osm")
	doc := `<?xml version="1.0"?><osm version="0.6">
<node id="1" lat="10.77" lon="106.70"/>
<way id="1"><nd ref="1"/><nd ref="2"/><tag k="highway" v="residential"/></way>
<node id="2" lat="10.77" lon="106.71"/>
</osm>`
	if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	r, err := OpenOSM(path, OSMOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for {
		_, err := r.Next()
		if errors.Is(err, io.EOF) {
			t.Fatal("read to the end a file with a node after a way")
		}
		if err != nil {
			if !strings.Contains(err.Error(), "not sorted") {
				t.Errorf("error %v, want one saying the file is not sorted", err)
			}
			return
		}
	}
}

func TestOSMNotOSM(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.osm.pbf")
	if err := os.WriteFile(path, []byte(`{"type":"FeatureCollection"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenOSM(path, OSMOptions{}); err == nil || !strings.HasPrefix(err.Error(), "ingest: ") {
		t.Errorf("error %v, want ingest's", err)
	}
}
