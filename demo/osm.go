package demo

import (
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/osm"

	"bandoso/osmwrite"
)

// osmExport is one export in progress. Nodes come first (the street crossings and the nodes
// between them, then block by block, then the basemap), then ways in the same order, then
// the relation; ids ascend from 1 in each type. The export walks the blocks twice, once for
// nodes and once for ways, building each block's elements the same way both times, so it
// holds one block at a time, the street network and the basemap.
type osmExport struct {
	c     *City
	w     *osmwrite.Writer
	segs  []osmSegment
	base  osmBlock // the basemap, made after the blocks' nodes and kept for the ways
	node  int64    // the last node id given
	way   int64    // the last way id written
	nodes bool     // the nodes pass: record junctions and write nodes
	blk   osmBlock
	names []string // real street names, for schools, hospitals and parks
}

// osmNode is a node of a block or of the basemap.
type osmNode struct {
	id   int64
	p    orb.Point
	tags osm.Tags
}

// osmWay is a way before its id is given.
type osmWay struct {
	refs []int64
	tags osm.Tags
}

// WriteOSM writes the city to w as OpenStreetMap data the way OSM of Ho Chi Minh City looks, quirks
// included, so that an importer of real OSM extracts can be tested against the demo's own
// tables:
//   - every named street as one way per block side (split at each crossing, crossing ways
//     sharing the node), highway=primary on main lines, residential elsewhere; about one way
//     in four of a name with Đ spells it Ð (U+00D0), a few names are in NFD (OSMStreetWays);
//   - every alley (hẻm) and branch as a highway=service, service=alley way with the demo's
//     name, starting on its street or alley, long ones as two ways;
//   - unnamed driveways to schools, hospitals and pagodas, paths in parks and tracks across
//     fields: roads of the basemap, not streets;
//   - every address once, with the quirks of OSMAddresses, and extra addresses in the forms
//     real data has (OSMExtraAddresses);
//   - a building on every lot whose land use bears one, schools, pagodas, hospitals, parks,
//     shops, a market, landuse per block, a river (a multipolygon with an island) and a stream
//     along the south and north edges, a canal along the west and a railway along the east.
//
// w's bounds should be OSMBounds. The same seed and size give the same elements in the same
// order, so the same bytes. WriteOSM does not close w.
func (c *City) WriteOSM(w *osmwrite.Writer) error {
	e := &osmExport{c: c, w: w, nodes: true, names: streetNames()}
	e.streetNetwork()
	if err := e.writeStreetNodes(); err != nil {
		return err
	}
	firstBlockNode := e.node
	if err := c.Blocks(e.writeBlock); err != nil {
		return err
	}
	e.basemap()
	if err := e.writeNodes(e.base.nodes); err != nil {
		return err
	}
	e.nodes, e.node = false, firstBlockNode
	if err := e.writeStreetWays(); err != nil {
		return err
	}
	if err := c.Blocks(e.writeBlock); err != nil {
		return err
	}
	return e.writeBasemapWays()
}

// writeBlock builds a block's elements and writes its nodes or its ways, by pass.
func (e *osmExport) writeBlock(b *Block) error {
	e.build(b)
	if e.nodes {
		return e.writeNodes(e.blk.nodes)
	}
	for _, wy := range e.blk.ways {
		if err := e.writeWay(wy); err != nil {
			return err
		}
	}
	return nil
}

func (e *osmExport) writeNodes(nodes []osmNode) error {
	for _, n := range nodes {
		if err := e.w.Node(n.id, n.p[0], n.p[1], n.tags); err != nil {
			return err
		}
	}
	return nil
}

// writeWay gives wy the next way id and writes it.
func (e *osmExport) writeWay(wy osmWay) error {
	e.way++
	return e.w.Way(e.way, wy.refs, wy.tags)
}

// newNode gives the next node id.
func (e *osmExport) newNode() int64 {
	e.node++
	return e.node
}

// osmMarginM is how far beyond the outer street centre lines the basemap reaches (river,
// canal, railway), and the bounds with it.
const osmMarginM = 150

// OSMBounds returns the bounding box of everything WriteOSM writes.
func (c *City) OSMBounds() orb.Bound {
	u0, u1 := c.colX[0]-osmMarginM, c.colX[c.nx]+osmMarginM
	v0, v1 := c.rowY[0]-osmMarginM, c.rowY[c.ny]+osmMarginM
	ring, _ := c.rectRing(steps(u0, u1, maxLineEdgeM), steps(v0, v1, maxLineEdgeM))
	b := ring.Bound()
	// outward to whole units of 1e-7 degrees, the file's precision
	b.Min = orb.Point{math.Floor(b.Min[0]*1e7) / 1e7, math.Floor(b.Min[1]*1e7) / 1e7}
	b.Max = orb.Point{math.Ceil(b.Max[0]*1e7) / 1e7, math.Ceil(b.Max[1]*1e7) / 1e7}
	return b
}

// draw returns a number in [0, 1) fixed by the seed, a purpose and an id: each quirk is a
// choice made for one element, the same in both passes and independent of the others.
func (c *City) draw(purpose uint64, id int64) float64 {
	x := c.Seed ^ purpose*0x9E3779B97F4A7C15 ^ uint64(id)*0xD1B54A32D192ED03
	// the splitmix64 finaliser
	x ^= x >> 30
	x *= 0xBF58476D1CE4E5B9
	x ^= x >> 27
	x *= 0x94D049BB133111EB
	x ^= x >> 31
	return float64(x>>11) / (1 << 53)
}

// Purposes of draw.
const (
	drawStreetEth uint64 = iota + 1
	drawStreetNFD
	drawOnBuilding
	drawWrongKey
	drawLowerCase
	drawStreetPrefix
	drawAddrEth
	drawAddrNFD
	drawAddrArea
	drawAddrOldWard
	drawShop
	drawName
)
