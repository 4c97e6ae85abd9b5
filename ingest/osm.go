package ingest

import (
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"

	"github.com/paulmach/orb"
	"github.com/paulmach/osm"
)

// OSMOptions says how to read an OpenStreetMap file.
type OSMOptions struct {
	// BBox keeps only objects inside it: nodes inside, ways and relations with a node inside
	// (kept whole).
	BBox *orb.Bound
	// TempDir holds the node-location store; "" is os.TempDir().
	TempDir string
	// Progress, when set, is told how far reading has come, in bytes of the file: the first
	// pass (relations) covers the first quarter, the main pass the rest.
	Progress func(read int64)
}

// OSMRecord is one thing an OpenStreetMap object is imported as. One object may yield
// several records with the same ID (a named building with a house number is a building, a
// POI and an address); they share Tags and Geom, which are not to be changed.
type OSMRecord struct {
	N     int               // counts records from 1
	ID    string            // "n123", "w45", "r6"
	Kind  string            // one of the OSM* kinds
	Key   string            // the tag that classified it: highway, building, amenity, addr:housenumber…
	Class string            // that tag's value: residential, house, school
	Name  string            // the name tag
	Tags  map[string]string // all tags with a value, as clean text (see checkText)
	// Geom is in WGS84 longitude, latitude: a Point for a node, a LineString or Polygon for a
	// way, a Polygon or MultiPolygon for a relation; nil when it cannot be drawn, as Problems
	// then says.
	Geom     orb.Geometry
	Problems []Problem
}

// OSMStats counts the objects read.
type OSMStats struct {
	Nodes, Ways, Relations int64
}

// OSMReader streams the records of an OpenStreetMap extract with memory that
// does not grow with the file: node locations and multipolygon member ways live in
// temporary files. It reads the file twice: relations first, to learn which ways
// multipolygons need, then nodes and ways; multipolygons come last. The file must be sorted
// nodes, then ways (as PBF files and editors' XML are); node ids may come in any order.
type OSMReader struct {
	opt     OSMOptions
	size    int64
	header  *orb.Bound
	extent  [4]int32 // min lon, min lat, max lon, max lat of the nodes read
	nodes   *nodeStore
	members *memberWays
	relFile *spill
	file    *osmFile // the main pass, until it ends
	rels    *relationReader
	queue   []OSMRecord // records of the last object, from head on
	head    int
	n       int
	stats   OSMStats
	seenWay bool
	coords  []int32
	err     error
}

// OpenOSM reads the relations of an OpenStreetMap file (.osm.pbf, or .osm XML plain, gzip or
// bzip2) and starts reading its nodes and ways. The caller closes the reader.
func OpenOSM(path string, opt OSMOptions) (*OSMReader, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	r := &OSMReader{opt: opt, size: fi.Size(),
		extent: [4]int32{math.MaxInt32, math.MaxInt32, math.MinInt32, math.MinInt32}}
	var firstPass, mainPass func(int64)
	if p := opt.Progress; p != nil {
		firstPass = func(n int64) { p(n / 4) }
		mainPass = func(n int64) { p(r.size/4 + n*3/4) }
	}
	rels, wayIDs, header, count, err := relationPass(path, opt.TempDir, firstPass)
	if err != nil {
		return nil, err
	}
	r.relFile, r.header, r.stats.Relations = rels, header, count
	if r.members, err = newMemberWays(opt.TempDir, wayIDs); err == nil {
		if r.nodes, err = newNodeStore(opt.TempDir); err == nil {
			r.file, err = openOSMFile(path, passMain, mainPass)
		}
	}
	if err != nil {
		r.Close()
		return nil, err
	}
	return r, nil
}

// Next returns the next record, or io.EOF after the last.
func (r *OSMReader) Next() (OSMRecord, error) {
	for r.head == len(r.queue) {
		if r.err != nil {
			return OSMRecord{}, r.err
		}
		clear(r.queue)
		r.queue, r.head = r.queue[:0], 0
		r.err = r.step()
	}
	r.head++
	return r.queue[r.head-1], nil
}

// Bounds returns the extract's bounds: the bounding box asked for, else the file's own
// bounds, else the extent of the nodes read so far (all of them after io.EOF).
func (r *OSMReader) Bounds() orb.Bound {
	switch {
	case r.opt.BBox != nil:
		return *r.opt.BBox
	case r.header != nil:
		return *r.header
	case r.extent[0] > r.extent[2]:
		return orb.Bound{}
	}
	return orb.Bound{Min: e7{r.extent[0], r.extent[1]}.point(), Max: e7{r.extent[2], r.extent[3]}.point()}
}

// Stats counts the objects read so far (all relations from the start: the first pass read them).
func (r *OSMReader) Stats() OSMStats { return r.stats }

// Close ends reading and removes the temporary files.
func (r *OSMReader) Close() error {
	err := errors.Join(r.file.close(), r.relFile.close(), r.members.close(), r.nodes.close())
	r.file, r.relFile, r.members, r.nodes = nil, nil, nil, nil
	if r.err == nil {
		r.err = errors.New("ingest: OSM reader closed")
	}
	return err
}

// step reads one object, which may queue records.
func (r *OSMReader) step() error {
	if r.file != nil {
		o, err := r.file.scan()
		switch {
		case err != nil:
			return err
		case o != nil:
			return r.object(o)
		}
		err = r.file.close()
		r.file = nil
		if err == nil {
			r.rels, err = newRelationReader(r.relFile)
		}
		return err
	}
	rel, err := r.rels.next()
	if err != nil {
		if errors.Is(err, io.EOF) && r.opt.Progress != nil {
			r.opt.Progress(r.size)
		}
		return err
	}
	return r.relation(rel)
}

func (r *OSMReader) object(o osm.Object) error {
	switch o := o.(type) {
	case *osm.Node:
		return r.node(o)
	case *osm.Way:
		return r.way(o)
	}
	return nil
}

func (r *OSMReader) node(n *osm.Node) error {
	r.stats.Nodes++
	if r.seenWay {
		return errNodeStoreClosed
	}
	lon, okLon := toE7(n.Lon, 180)
	lat, okLat := toE7(n.Lat, 90)
	ok := okLon && okLat
	if ok {
		if err := r.nodes.add(int64(n.ID), lon, lat); err != nil {
			return err
		}
		r.extent = [4]int32{min(r.extent[0], lon), min(r.extent[1], lat), max(r.extent[2], lon), max(r.extent[3], lat)}
	}
	if len(n.Tags) == 0 {
		return nil
	}
	classes := classifyOSM(n.Tags, shapePoint)
	if len(classes) == 0 {
		return nil
	}
	if !ok {
		r.emit("n"+strconv.FormatInt(int64(n.ID), 10), n.Tags, classes, nil, []Problem{{Field: "geometry",
			Problem: InvalidGeometry, Action: Refused, Detail: fmt.Sprintf("the node's location (%v, %v) is not a longitude and latitude", n.Lon, n.Lat)}})
		return nil
	}
	p := e7{lon, lat}.point()
	if r.opt.BBox == nil || r.opt.BBox.Contains(p) {
		r.emit("n"+strconv.FormatInt(int64(n.ID), 10), n.Tags, classes, p, nil)
	}
	return nil
}

func (r *OSMReader) way(w *osm.Way) error {
	r.stats.Ways++
	r.seenWay = true
	mi, member := r.members.index(int64(w.ID))
	closed := len(w.Nodes) > 1 && w.Nodes[0].ID == w.Nodes[len(w.Nodes)-1].ID
	shape := shapeLine
	if closed && isArea(w.Tags) {
		shape = shapeArea
	}
	classes := classifyOSM(w.Tags, shape)
	if len(classes) == 0 && !member {
		return nil
	}
	run, missing, inside, err := r.resolve(w.Nodes)
	if err != nil {
		return err
	}
	if member {
		if err := r.members.put(mi, r.coords, missing, inside); err != nil {
			return err
		}
	}
	if len(classes) == 0 || !inside {
		return nil
	}
	geom, problem := wayGeometry(r.coords, run, missing, len(w.Nodes), shape)
	var problems []Problem
	if problem != nil {
		problems = append(problems, *problem)
	}
	r.emit("w"+strconv.FormatInt(int64(w.ID), 10), w.Tags, classes, geom, problems)
	return nil
}

// resolve looks up a way's nodes into r.coords (lon, lat pairs of the nodes found). run is
// the longest stretch of consecutive nodes found, as indexes of points [start, end); inside
// says whether a node lies in the bounding box.
func (r *OSMReader) resolve(nodes osm.WayNodes) (run [2]int, missing int, inside bool, err error) {
	r.coords = r.coords[:0]
	inside = r.opt.BBox == nil
	start := 0
	for _, wn := range nodes {
		lon, lat, found, err := r.nodes.get(int64(wn.ID))
		if err != nil {
			return run, 0, false, err
		}
		if !found {
			missing++
			start = len(r.coords) / 2
			continue
		}
		r.coords = append(r.coords, lon, lat)
		if end := len(r.coords) / 2; end-start > run[1]-run[0] {
			run = [2]int{start, end}
		}
		if !inside {
			inside = r.opt.BBox.Contains(e7{lon, lat}.point())
		}
	}
	return run, missing, inside, nil
}

// wayGeometry draws a way from its nodes found: an area only when all are, a line from its
// longest stretch of consecutive nodes found (a way leaving the extract), never by joining
// nodes a missing one lay between.
func wayGeometry(coords []int32, run [2]int, missing, total int, shape osmShape) (orb.Geometry, *Problem) {
	if shape == shapeArea && missing > 0 {
		return nil, &Problem{Field: "geometry", Problem: InvalidGeometry, Action: Refused,
			Detail: fmt.Sprintf("%d of the area's %d nodes are not in the file", missing, total)}
	}
	if shape == shapeArea {
		ring := make(orb.Ring, len(coords)/2)
		for i := range ring {
			ring[i] = e7{coords[2*i], coords[2*i+1]}.point()
		}
		return checkGeometry(orb.Polygon{oriented(ring, signedArea(ring), true)})
	}
	line := make(orb.LineString, 0, run[1]-run[0])
	for i := run[0]; i < run[1]; i++ {
		line = append(line, e7{coords[2*i], coords[2*i+1]}.point())
	}
	g, p := checkGeometry(line)
	if p == nil && missing > 0 {
		p = &Problem{Field: "geometry", Problem: InvalidGeometry, Action: Warning,
			Detail: fmt.Sprintf("%d of the line's %d nodes are not in the file: it keeps its longest stretch of %d nodes found", missing, total, len(line))}
	} else if p != nil && missing > 0 {
		p.Detail = fmt.Sprintf("%d of the line's %d nodes are not in the file: %s", missing, total, p.Detail)
	}
	return g, p
}

func (r *OSMReader) relation(rel osmRelation) error {
	members := make([]mpMember, 0, len(rel.Ways))
	inside := r.opt.BBox == nil
	absent, partial := 0, 0
	for i, id := range rel.Ways {
		w, err := r.members.get(id)
		if err != nil {
			return err
		}
		if !w.found {
			absent++
			continue
		}
		if w.missing > 0 {
			partial++
		}
		inside = inside || w.inside
		pts := make([]e7, len(w.coords)/2)
		for k := range pts {
			pts[k] = e7{w.coords[2*k], w.coords[2*k+1]}
		}
		members = append(members, mpMember{role: rel.Roles[i], pts: pts})
	}
	if !inside {
		return nil
	}
	var geom orb.Geometry
	var problems []Problem
	if absent > 0 || partial > 0 {
		problems = []Problem{{Field: "geometry", Problem: InvalidGeometry, Action: Refused,
			Detail: fmt.Sprintf("of the multipolygon's %d member ways, %d are not in the file and %d lack nodes", len(rel.Ways), absent, partial)}}
	} else if geom, problems = assembleMultipolygon(members); geom != nil {
		var p *Problem
		if geom, p = checkGeometry(geom); p != nil {
			problems = append(problems, *p)
		}
	}
	r.emit("r"+strconv.FormatInt(rel.ID, 10), rel.Tags, classifyOSM(rel.Tags, shapeArea), geom, problems)
	return nil
}

// emit queues an object's records, with its tags as clean text.
func (r *OSMReader) emit(id string, raw osm.Tags, classes []osmClass, geom orb.Geometry, problems []Problem) {
	tags := make(map[string]string, len(raw))
	for _, t := range raw {
		v, p := checkText(t.Key, t.Value)
		switch {
		case p != nil:
			problems = append(problems, *p)
		case v != "":
			tags[t.Key] = v
		}
	}
	for _, c := range classes {
		r.n++
		rec := OSMRecord{N: r.n, ID: id, Kind: c.kind, Key: c.key, Class: tags[c.key], Name: tags["name"],
			Tags: tags, Geom: geom}
		for _, p := range problems {
			p.Feature, p.ID = r.n, id
			rec.Problems = append(rec.Problems, p)
		}
		r.queue = append(r.queue, rec)
	}
}

// signedArea is a ring's planar area, positive when counter-clockwise.
func signedArea(r orb.Ring) float64 {
	var a float64
	for i := 0; i+1 < len(r); i++ {
		a += (r[i][0]-r[0][0])*(r[i+1][1]-r[0][1]) - (r[i+1][0]-r[0][0])*(r[i][1]-r[0][1])
	}
	return a / 2
}
