package demo

import (
	"math"
	"sort"

	"github.com/paulmach/osm"
)

// basemap makes what lies around the city: a river along the south edge, a multipolygon
// with an island; a stream along the north edge; a canal along the west edge with a garden
// between it and the city and an unnamed footpath through it; a railway along the east edge; all outside the street grid so none crosses a lot; and,
// inside, the market and the extra addresses.
func (e *osmExport) basemap() {
	c, k := e.c, &e.base
	k.reset(e)
	u0, u1 := c.colX[0]-120, c.colX[c.nx]+120
	south, north := c.rowY[0], c.rowY[c.ny]
	mid := math.Round((c.colX[0] + c.colX[c.nx]) / 2)
	band := func(x0, y0, x1, y1 float64, tags osm.Tags) {
		ring, _ := c.rectRing(steps(x0, x1, maxWardEdgeM), steps(y0, y1, maxWardEdgeM))
		k.addWay(k.path(ring, nil), tags)
	}
	band(u0, south-90, u1, south-30, nil) // the river's outer ring, then its island
	band(mid-60, south-75, mid+60, south-45, nil)
	band(u0, north+30, u1, north+70, osm.Tags{{Key: "natural", Value: "water"}, {Key: "water", Value: "river"}, {Key: "name", Value: "Rạch Thị Nghè"}})
	k.addWay(k.path(c.vline(c.colX[0]-45, south-60, north+50), nil),
		osm.Tags{{Key: "waterway", Value: "canal"}, {Key: "name", Value: "Kênh Nhiêu Lộc"}})
	west := c.colX[0]
	band(west-40, south+10, west-22, north-10, osm.Tags{{Key: "leisure", Value: "garden"}, {Key: "name", Value: "Vườn hoa Bờ Kênh"}})
	k.addWay(k.path(c.vline(west-31, south+15, north-15), nil), osm.Tags{{Key: "highway", Value: "footway"}})
	k.addWay(k.path(c.vline(c.colX[c.nx]+50, south-20, north+20), nil),
		osm.Tags{{Key: "railway", Value: "rail"}, {Key: "usage", Value: "main"}, {Key: "gauge", Value: "1000"}, {Key: "name", Value: "Đường sắt Bắc – Nam"}})
	// the market by the crossing nearest the centre
	i := min(sort.SearchFloat64s(c.colX, 0), c.nx-1)
	j := min(sort.SearchFloat64s(c.rowY, 0), c.ny-1)
	k.newNode(c.point(c.colX[i]+halfRoadM(i)+10, c.rowY[j]+halfRoadM(j)+10),
		osm.Tags{{Key: "amenity", Value: "marketplace"}, {Key: "name", Value: "Chợ Bến Thành"}})
	for _, x := range c.OSMExtraAddresses() {
		k.newNode(x.Point, osm.Tags{{Key: "addr:housenumber", Value: x.HouseNumber}, {Key: "addr:street", Value: x.Street}})
	}
}

// writeBasemapWays writes the basemap's ways and the river's multipolygon relation, whose
// rings are its first two ways.
func (e *osmExport) writeBasemapWays() error {
	first := e.way + 1
	for _, wy := range e.base.ways {
		if err := e.writeWay(wy); err != nil {
			return err
		}
	}
	return e.w.Relation(1, osm.Members{{Type: osm.TypeWay, Ref: first, Role: "outer"}, {Type: osm.TypeWay, Ref: first + 1, Role: "inner"}},
		osm.Tags{{Key: "type", Value: "multipolygon"}, {Key: "natural", Value: "water"}, {Key: "water", Value: "river"}, {Key: "name", Value: "Sông Sài Gòn"}})
}
