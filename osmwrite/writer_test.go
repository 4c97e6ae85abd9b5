package osmwrite_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/osm"
	"golang.org/x/text/unicode/norm"
	"google.golang.org/protobuf/encoding/protowire"

	"bandoso/osmwrite"
	"bandoso/osmwrite/osmwritetest"
)

var formats = []struct {
	name string
	f    osmwrite.Format
}{{"pbf", osmwrite.PBF}, {"xml", osmwrite.XML}}

var bounds = orb.Bound{Min: orb.Point{106.6, 10.7}, Max: orb.Point{106.8, 10.9}}

func read(t *testing.T, f osmwrite.Format, data []byte) *osmwritetest.File {
	t.Helper()
	return osmwritetest.Read(t, f, bytes.NewReader(data))
}

// element is one element to write and expect back.
type element struct {
	typ      osm.Type
	id       int64
	lon, lat float64
	refs     []int64
	members  osm.Members
	tags     osm.Tags
}

func write(t *testing.T, f osmwrite.Format, els []element) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := osmwrite.New(&buf, f, bounds)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range els {
		if err := put(w, e); err != nil {
			t.Fatalf("%s %d: %v", e.typ, e.id, err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func put(w *osmwrite.Writer, e element) error {
	switch e.typ {
	case osm.TypeNode:
		return w.Node(e.id, e.lon, e.lat, e.tags)
	case osm.TypeWay:
		return w.Way(e.id, e.refs, e.tags)
	}
	return w.Relation(e.id, e.members, e.tags)
}

// vietnamese are tag values as real files hold them: NFC, NFD, Ð (U+00D0) for Đ, and
// characters XML must escape.
var vietnamese = []string{
	"Đường Nguyễn Thị Minh Khai",
	norm.NFD.String("Hẻm 12/4 Trần Hưng Đạo"),
	"Ðiện Biên Phủ",
	"ð",
	`Chợ "Bến Thành" & <Tân Định>`,
	"tab\there\nline\rreturn",
	"",
	"Thành phố Hồ Chí Minh",
}

func sample() []element {
	var els []element
	coords := [][2]float64{{106.7000001, 10.7799999}, {-180, -90}, {180, 90}, {0, 0}, {-0.0000001, 0.0000001}, {106.123456789, -10.98765432}}
	for i, c := range coords {
		tags := osm.Tags{}
		if i%2 == 0 {
			tags = append(tags, osm.Tag{Key: "name", Value: vietnamese[i%len(vietnamese)]}, osm.Tag{Key: "addr:housenumber", Value: fmt.Sprint(i, "A/3")})
		}
		els = append(els, element{typ: osm.TypeNode, id: int64(i*7 + 1), lon: c[0], lat: c[1], tags: tags})
	}
	els = append(els, element{typ: osm.TypeNode, id: 1 << 40, lon: 106.7, lat: 10.8, tags: osm.Tags{{Key: "ghi_chú", Value: vietnamese[1]}}})
	for i, v := range vietnamese {
		els = append(els, element{typ: osm.TypeWay, id: int64(10 + i*3), refs: []int64{1, 8, 15, 1 << 40, 8, 1},
			tags: osm.Tags{{Key: "highway", Value: "residential"}, {Key: "name", Value: v}}})
	}
	els = append(els, element{typ: osm.TypeWay, id: 100, refs: []int64{22, 29}}) // no tags
	els = append(els,
		element{typ: osm.TypeRelation, id: 3, members: osm.Members{
			{Type: osm.TypeWay, Ref: 10, Role: "outer"}, {Type: osm.TypeWay, Ref: 13, Role: "inner"},
			{Type: osm.TypeNode, Ref: 1, Role: ""}, {Type: osm.TypeRelation, Ref: 4, Role: "phần"}},
			tags: osm.Tags{{Key: "type", Value: "multipolygon"}, {Key: "natural", Value: "water"}, {Key: "name", Value: vietnamese[2]}}},
		element{typ: osm.TypeRelation, id: 4, members: osm.Members{{Type: osm.TypeNode, Ref: 1 << 40, Role: "label"}}},
	)
	return els
}

func TestRoundTrip(t *testing.T) {
	els := sample()
	for _, tf := range formats {
		t.Run(tf.name, func(t *testing.T) {
			got := read(t, tf.f, write(t, tf.f, els))
			checkBounds(t, got.Bounds)
			compare(t, els, got)
		})
	}
}

func checkBounds(t *testing.T, b *osm.Bounds) {
	t.Helper()
	if b == nil {
		t.Fatal("no bounds")
	}
	if math.Abs(b.MinLon-106.6) > 1e-9 || math.Abs(b.MinLat-10.7) > 1e-9 || math.Abs(b.MaxLon-106.8) > 1e-9 || math.Abs(b.MaxLat-10.9) > 1e-9 {
		t.Errorf("bounds %+v, want 106.6 10.7 106.8 10.9", *b)
	}
}

// compare checks that got holds exactly the elements of want, in order, with their tags,
// coordinates to 1e-7 degrees, refs and members.
func compare(t *testing.T, want []element, got *osmwritetest.File) {
	t.Helper()
	var n, w, r int
	for k, e := range want {
		if k >= len(got.Order) {
			t.Fatalf("%d elements read back, want %d", len(got.Order), len(want))
		}
		var tags osm.Tags
		switch e.typ {
		case osm.TypeNode:
			g := got.Nodes[n]
			n++
			if int64(g.ID) != e.id || math.Abs(g.Lon-e.lon) > 0.5e-7+1e-12 || math.Abs(g.Lat-e.lat) > 0.5e-7+1e-12 {
				t.Errorf("node %d at (%.9f, %.9f), read back %d at (%.9f, %.9f)", e.id, e.lon, e.lat, g.ID, g.Lon, g.Lat)
			}
			tags = g.Tags
		case osm.TypeWay:
			g := got.Ways[w]
			w++
			var refs []int64
			for _, wn := range g.Nodes {
				refs = append(refs, int64(wn.ID))
			}
			if int64(g.ID) != e.id || !slices.Equal(refs, e.refs) {
				t.Errorf("way %d refs %v, read back %d refs %v", e.id, e.refs, g.ID, refs)
			}
			tags = g.Tags
		default:
			g := got.Relations[r]
			r++
			if int64(g.ID) != e.id || len(g.Members) != len(e.members) {
				t.Fatalf("relation %d with %d members, read back %d with %d", e.id, len(e.members), g.ID, len(g.Members))
			}
			for i, m := range g.Members {
				if m.Type != e.members[i].Type || m.Ref != e.members[i].Ref || m.Role != e.members[i].Role {
					t.Errorf("relation %d member %d: %+v, want %+v", e.id, i, m, e.members[i])
				}
			}
			tags = g.Tags
		}
		if len(tags) != len(e.tags) {
			t.Errorf("%s %d: tags %q, want %q", e.typ, e.id, tags, e.tags)
			continue
		}
		for i := range tags {
			if tags[i] != e.tags[i] {
				t.Errorf("%s %d: tag %q=%q, want %q=%q", e.typ, e.id, tags[i].Key, tags[i].Value, e.tags[i].Key, e.tags[i].Value)
			}
		}
	}
	if len(got.Order) != len(want) {
		t.Errorf("%d elements read back, want %d", len(got.Order), len(want))
	}
}

func TestPBFHeader(t *testing.T) {
	got := read(t, osmwrite.PBF, write(t, osmwrite.PBF, sample()))
	h := got.Header
	if !slices.Equal(h.RequiredFeatures, []string{"OsmSchema-V0.6", "DenseNodes"}) {
		t.Errorf("required features %q", h.RequiredFeatures)
	}
	if !slices.Equal(h.OptionalFeatures, []string{"Sort.Type_then_ID"}) || h.WritingProgram != "bandoso" {
		t.Errorf("optional features %q, writing program %q", h.OptionalFeatures, h.WritingProgram)
	}
}

func TestXMLRoot(t *testing.T) {
	data := write(t, osmwrite.XML, nil)
	if !bytes.Contains(data, []byte(`<osm version="0.6" generator="bandoso">`)) || !bytes.HasSuffix(data, []byte("</osm>\n")) {
		t.Errorf("XML file:\n%s", data)
	}
}

// TestBlocks writes more elements than a block holds, of every type, and counts the blocks.
func TestBlocks(t *testing.T) {
	var els []element
	for i := range 20001 {
		var tags osm.Tags
		if i%3 == 0 {
			tags = osm.Tags{{Key: "addr:housenumber", Value: fmt.Sprint(i)}, {Key: "addr:street", Value: vietnamese[i%4]}}
		}
		els = append(els, element{typ: osm.TypeNode, id: int64(i + 1), lon: 106.6 + float64(i)*1e-5, lat: 10.9 - float64(i)*7e-6, tags: tags})
	}
	for i := range 8001 {
		els = append(els, element{typ: osm.TypeWay, id: int64(i + 1), refs: []int64{int64(i + 1), int64(i + 2), int64(i + 3)},
			tags: osm.Tags{{Key: "building", Value: "house"}}})
	}
	for i := range 3 {
		els = append(els, element{typ: osm.TypeRelation, id: int64(i + 1),
			members: osm.Members{{Type: osm.TypeWay, Ref: int64(i + 1), Role: "outer"}}, tags: osm.Tags{{Key: "type", Value: "multipolygon"}}})
	}
	data := write(t, osmwrite.PBF, els)
	compare(t, els, read(t, osmwrite.PBF, data))
	// blocks: 3 of nodes, 2 of ways, 1 of relations, after the header
	types := blobTypes(t, data)
	if want := []string{"OSMHeader", "OSMData", "OSMData", "OSMData", "OSMData", "OSMData", "OSMData"}; !slices.Equal(types, want) {
		t.Errorf("blobs %q, want %q", types, want)
	}
	compare(t, els, read(t, osmwrite.XML, write(t, osmwrite.XML, els)))
}

func TestDeterministic(t *testing.T) {
	for _, tf := range formats {
		if a, b := write(t, tf.f, sample()), write(t, tf.f, sample()); !bytes.Equal(a, b) {
			t.Errorf("%s: two writes of the same elements differ", tf.name)
		}
	}
}

func TestOrder(t *testing.T) {
	tests := []struct {
		name   string
		before []element
		refuse element
	}{
		{"node id repeated", []element{{typ: osm.TypeNode, id: 5}}, element{typ: osm.TypeNode, id: 5}},
		{"node id descending", []element{{typ: osm.TypeNode, id: 5}}, element{typ: osm.TypeNode, id: 4}},
		{"node after way", []element{{typ: osm.TypeNode, id: 1}, {typ: osm.TypeWay, id: 1, refs: []int64{1}}}, element{typ: osm.TypeNode, id: 2}},
		{"way after relation", []element{{typ: osm.TypeRelation, id: 1}}, element{typ: osm.TypeWay, id: 2, refs: []int64{1}}},
		{"way id descending", []element{{typ: osm.TypeWay, id: 9, refs: []int64{1}}}, element{typ: osm.TypeWay, id: -1, refs: []int64{1}}},
		{"relation id repeated", []element{{typ: osm.TypeRelation, id: 2}}, element{typ: osm.TypeRelation, id: 2}},
	}
	for _, tt := range tests {
		for _, tf := range formats {
			t.Run(tt.name+" "+tf.name, func(t *testing.T) {
				var buf bytes.Buffer
				w, err := osmwrite.New(&buf, tf.f, bounds)
				if err != nil {
					t.Fatal(err)
				}
				for _, e := range tt.before {
					if err := put(w, e); err != nil {
						t.Fatal(err)
					}
				}
				if err := put(w, tt.refuse); !errors.Is(err, osmwrite.ErrOrder) {
					t.Fatalf("out of order: %v, want ErrOrder", err)
				}
				// the writer stays usable and the refused element is not in the file
				last := element{typ: osm.TypeRelation, id: 100}
				if err := put(w, last); err != nil {
					t.Fatal(err)
				}
				if err := w.Close(); err != nil {
					t.Fatal(err)
				}
				compare(t, append(slices.Clone(tt.before), last), read(t, tf.f, buf.Bytes()))
				if c := w.Counts(); c.Nodes+c.Ways+c.Relations != int64(len(tt.before)+1) {
					t.Errorf("counts %+v", c)
				}
			})
		}
	}
}

func TestInvalid(t *testing.T) {
	tests := []struct {
		name string
		e    element
	}{
		{"latitude out of range", element{typ: osm.TypeNode, id: 1, lon: 106, lat: 90.5}},
		{"longitude NaN", element{typ: osm.TypeNode, id: 1, lon: math.NaN(), lat: 10}},
		{"empty key", element{typ: osm.TypeNode, id: 1, tags: osm.Tags{{Key: "", Value: "x"}}}},
		{"key twice", element{typ: osm.TypeNode, id: 1, tags: osm.Tags{{Key: "name", Value: "a"}, {Key: "name", Value: "b"}}}},
		{"value not UTF-8", element{typ: osm.TypeNode, id: 1, tags: osm.Tags{{Key: "name", Value: "Nguy\xe1n"}}}},
		{"control character", element{typ: osm.TypeNode, id: 1, tags: osm.Tags{{Key: "name", Value: "a\x00b"}}}},
		{"way without nodes", element{typ: osm.TypeWay, id: 1}},
		{"member type", element{typ: osm.TypeRelation, id: 1, members: osm.Members{{Type: osm.TypeChangeset, Ref: 1}}}},
		{"member role not UTF-8", element{typ: osm.TypeRelation, id: 1, members: osm.Members{{Type: osm.TypeWay, Ref: 1, Role: "\xff"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, err := osmwrite.New(&bytes.Buffer{}, osmwrite.PBF, bounds)
			if err != nil {
				t.Fatal(err)
			}
			if err := put(w, tt.e); !errors.Is(err, osmwrite.ErrInvalid) {
				t.Errorf("got %v, want ErrInvalid", err)
			}
		})
	}
	if _, err := osmwrite.New(&bytes.Buffer{}, osmwrite.XML, orb.Bound{Min: orb.Point{107, 10}, Max: orb.Point{106, 11}}); !errors.Is(err, osmwrite.ErrInvalid) {
		t.Errorf("inverted bounds: %v, want ErrInvalid", err)
	}
}

func TestClosed(t *testing.T) {
	w, err := osmwrite.New(&bytes.Buffer{}, osmwrite.XML, bounds)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Node(1, 0, 0, nil); !errors.Is(err, osmwrite.ErrClosed) {
		t.Errorf("node after close: %v, want ErrClosed", err)
	}
}

type failWriter struct{ after int }

func (f *failWriter) Write(p []byte) (int, error) {
	if f.after <= 0 {
		return 0, errors.New("disk full")
	}
	f.after--
	return len(p), nil
}

func TestWriteError(t *testing.T) {
	// the header goes out at once; the first block when the type changes
	w, err := osmwrite.New(&failWriter{after: 1}, osmwrite.PBF, bounds)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Node(1, 106, 10, nil); err != nil {
		t.Fatal(err)
	}
	if err := w.Way(1, []int64{1}, nil); err == nil || errors.Is(err, osmwrite.ErrOrder) {
		t.Fatalf("way after a failed flush: %v, want the output error", err)
	}
	if err := w.Way(2, []int64{1}, nil); err == nil {
		t.Error("the output error was not kept")
	}
	if err := w.Close(); err == nil {
		t.Error("close after an output error returned nil")
	}
}

func TestFormatFor(t *testing.T) {
	tests := []struct {
		name string
		want osmwrite.Format
	}{
		{"hcmc.osm.pbf", osmwrite.PBF}, {"a.PBF", osmwrite.PBF}, {"/tmp/x.osm", osmwrite.XML}, {"X.OSM", osmwrite.XML},
		{"x.osm.gz", 0}, {"x.geojson", 0}, {"pbf", 0},
	}
	for _, tt := range tests {
		got, err := osmwrite.FormatFor(tt.name)
		if got != tt.want || (err == nil) != (tt.want != 0) || (err != nil && !errors.Is(err, osmwrite.ErrFormat)) {
			t.Errorf("FormatFor(%q) = %v, %v; want %v", tt.name, got, err, tt.want)
		}
	}
}

// blobTypes reads a PBF file's framing: the type of each blob, and checks that each data
// block holds at most 8000 elements.
func blobTypes(t *testing.T, data []byte) []string {
	t.Helper()
	var types []string
	for len(data) > 0 {
		n := int(binary.BigEndian.Uint32(data))
		header := data[4 : 4+n]
		data = data[4+n:]
		var typ string
		var size int
		for len(header) > 0 {
			num, wt, k := protowire.ConsumeTag(header)
			header = header[k:]
			switch {
			case num == 1 && wt == protowire.BytesType:
				s, k := protowire.ConsumeString(header)
				typ, header = s, header[k:]
			case num == 3 && wt == protowire.VarintType:
				v, k := protowire.ConsumeVarint(header)
				size, header = int(v), header[k:]
			default:
				t.Fatalf("blob header field %d", num)
			}
		}
		types = append(types, typ)
		data = data[size:]
	}
	return types
}
