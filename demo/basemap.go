package demo

import (
	"iter"
	"slices"
	"strconv"

	"github.com/paulmach/orb"
)

// BasemapArea is an area of the city's basemap (osm_areas) in the kinds and classes an
// OpenStreetMap import gives: water, park, landuse, building.
type BasemapArea struct {
	Kind, Class, Name string
	Geom              orb.MultiPolygon
}

// BasemapLine is a line of the city's basemap (osm_lines): waterway or railway.
type BasemapLine struct {
	Kind, Class, Name string
	Geom              orb.MultiLineString
}

// Where the basemap lies around the street grid, in metres from its outer centre lines. The
// outer streets' road land is at most halfRoadM(0) wide, so water starting beyond it never
// touches a lot: the river runs along the south edge, canals along the west and east edges
// into it, the railway beyond the east canal.
const (
	riverNearM   = 40
	riverFarM    = 160
	canalNearM   = 30
	canalFarM    = 55
	railwayM     = 120
	parkGapM     = 16 // from an outer street's centre line, past its road land
	northParkM   = 60
	suburbM      = 700  // residential ring
	countrysideM = 2500 // farmland ring beyond it
)

// Insets of a building inside its lot: a house fills its lot but for a narrow margin; a
// school, hospital or pagoda stands back from its edges.
const (
	houseInsetM       = 0.6
	institutionInsetM = 8
)

// BasemapLines returns the river's and canals' centre lines and the railway.
func (c *City) BasemapLines() []BasemapLine {
	west, east := c.colX[0], c.colX[c.nx]
	south, north := c.rowY[0], c.rowY[c.ny]
	riverV := south - (riverNearM+riverFarM)/2
	canal := (canalNearM + canalFarM) / 2.0
	line := func(kind, class, name string, ls orb.LineString) BasemapLine {
		return BasemapLine{kind, class, name, orb.MultiLineString{ls}}
	}
	return []BasemapLine{
		line("waterway", "river", riverName, c.hline(riverV, west-suburbM, east+suburbM)),
		line("waterway", "canal", westCanalName, c.vline(west-canal, riverV, north+suburbM)),
		line("waterway", "canal", eastCanalName, c.vline(east+canal, riverV, north+suburbM)),
		line("railway", "rail", "Đường sắt Bắc – Nam", c.vline(east+railwayM, south-suburbM, north+suburbM)),
	}
}

const (
	riverName     = "Sông Sài Gòn"
	westCanalName = "Kênh Nhiêu Lộc"
	eastCanalName = "Kênh Tẻ"
)

// outerAreas are the water, two parks at the city's edges, and the land-use rings around it, so that zoomed out it
// sits in a landscape.
func (c *City) outerAreas() []BasemapArea {
	west, east := c.colX[0], c.colX[c.nx]
	south, north := c.rowY[0], c.rowY[c.ny]
	rect := func(x0, y0, x1, y1 float64) orb.Ring {
		r, _ := c.rectRing(steps(x0, x1, maxWardEdgeM), steps(y0, y1, maxWardEdgeM))
		return r
	}
	// a ring between two rectangles around the grid, the inner one as a hole
	band := func(in, out float64) orb.MultiPolygon {
		hole := rect(west-in, south-in, east+in, north+in)
		slices.Reverse(hole)
		return orb.MultiPolygon{{rect(west-out, south-out, east+out, north+out), hole}}
	}
	return []BasemapArea{
		{"water", "river", riverName, orb.MultiPolygon{{rect(west-suburbM, south-riverFarM, east+suburbM, south-riverNearM)}}},
		{"water", "canal", westCanalName, orb.MultiPolygon{{rect(west-canalFarM, south-riverNearM, west-canalNearM, north+suburbM)}}},
		{"water", "canal", eastCanalName, orb.MultiPolygon{{rect(east+canalNearM, south-riverNearM, east+canalFarM, north+suburbM)}}},
		// a promenade between the south street and the river, a park along the north street
		{"park", "park", "Công viên Bờ Sông", orb.MultiPolygon{{rect(west, south-riverNearM+4, east, south-parkGapM)}}},
		{"park", "park", "Công viên Tao Đàn", orb.MultiPolygon{{rect(west, north+parkGapM, east, north+parkGapM+northParkM)}}},
		{"landuse", "residential", "", band(0, suburbM)},
		{"landuse", "farmland", "", band(suburbM, countrysideM)},
	}
}

// BasemapAreas yields the basemap's areas: the water and land-use rings around the city,
// then block by block the block's land use, its parks (the green parcels) and a building on
// every lot whose land use bears one. The Block passed to blockAreas is the generator's.
func (c *City) BasemapAreas() iter.Seq[BasemapArea] {
	return func(yield func(BasemapArea) bool) {
		for _, a := range c.outerAreas() {
			if !yield(a) {
				return
			}
		}
		names := streetNames()
		_ = c.Blocks(func(b *Block) error {
			if !c.blockAreas(b, names, yield) {
				return errStopWalk
			}
			return nil
		})
	}
}

// blockAreas yields block b's areas; false when yield asked to stop.
func (c *City) blockAreas(b *Block, names []string, yield func(BasemapArea) bool) bool {
	pl := &b.plan
	if class := blockLanduse[pl.kind]; class != "" {
		g, _ := c.cellsPolygon(pl.i, pl.j, pl.i+1, pl.j+1)
		if !yield(BasemapArea{Kind: "landuse", Class: class, Geom: g}) {
			return false
		}
	}
	for n, p := range b.Parcels {
		if p.LandUse == "DKV" {
			if !yield(BasemapArea{Kind: "park", Class: "park", Name: "Công viên " + c.personName(names, p.ID), Geom: p.Geom}) {
				return false
			}
			continue
		}
		class, ok := osmBuildings[p.LandUse]
		if !ok {
			continue
		}
		inset := houseInsetM
		if pl.kind == blockInstitution {
			inset = institutionInsetM
		}
		r := pl.lots[n]
		if !yield(BasemapArea{Kind: "building", Class: class, Geom: c.footprint(r, inset)}) {
			return false
		}
	}
	return true
}

// blockLanduse is the land-use class of a block's kind; institutions have none of their own.
var blockLanduse = map[blockKind]string{blockHouses: "residential", blockFarmland: "farmland"}

// footprint is a lot's rectangle inset on every side, its corners warped: the lot's edges
// bend by millimetres between its corners, far less than the inset.
func (c *City) footprint(r rectUV, inset float64) orb.MultiPolygon {
	x0, y0, x1, y1 := r.x0+inset, r.y0+inset, r.x1-inset, r.y1-inset
	return orb.MultiPolygon{{orb.Ring{c.point(x0, y0), c.point(x1, y0), c.point(x1, y1), c.point(x0, y1), c.point(x0, y0)}}}
}

// personName is a name for the school, hospital or park on parcel id: one of the real street
// names, most of which are people's, as such places are named.
func (c *City) personName(names []string, id int64) string {
	return names[int(c.draw(drawName, id)*float64(len(names)))]
}

// basemapIDBase puts the demo's way ids far beyond OpenStreetMap's, so that an extract
// imported over the demo city never takes one of its objects for its own.
const basemapIDBase = 9_000_000_000_000_000

// basemapRow is a row of osm_areas or osm_lines: each object is given a way id of its own
// (basemapIDBase+1, +2, …) in the order the rows come.
func basemapRow(n *int64, kind, class, name string, g orb.Geometry) []any {
	if *n == 0 {
		*n = basemapIDBase
	}
	*n++
	tags := map[string]string{}
	if name != "" {
		tags["name"] = name
	}
	return []any{"w" + strconv.FormatInt(*n, 10), kind, class, nullText(name), tags, g}
}

var basemapColumns = []string{"osm_id", "kind", "class", "name", "tags", "geom"}

func (c *City) areaRows(yield func([]any) bool) {
	var n int64
	for a := range c.BasemapAreas() {
		if !yield(basemapRow(&n, a.Kind, a.Class, a.Name, a.Geom)) {
			return
		}
	}
}

func (c *City) lineRows(yield func([]any) bool) {
	var n int64
	for _, l := range c.BasemapLines() {
		if !yield(basemapRow(&n, l.Kind, l.Class, l.Name, l.Geom)) {
			return
		}
	}
}
