package demo

import (
	"github.com/paulmach/orb"
	"github.com/paulmach/osm"
)

// osmBlock is the elements of one block: its nodes in id order and its ways before they
// get ids.
type osmBlock struct {
	e     *osmExport
	nodes []osmNode
	ways  []osmWay
	at    map[orb.Point]int64 // untagged nodes by position, shared by the ways through them
}

func (k *osmBlock) reset(e *osmExport) {
	k.e = e
	k.nodes, k.ways = k.nodes[:0], k.ways[:0]
	if k.at == nil {
		k.at = map[orb.Point]int64{}
	}
	clear(k.at)
}

func (k *osmBlock) newNode(p orb.Point, tags osm.Tags) int64 {
	id := k.e.newNode()
	k.nodes = append(k.nodes, osmNode{id, p, tags})
	return id
}

// vertex returns the untagged node at p.
func (k *osmBlock) vertex(p orb.Point) int64 {
	if id, ok := k.at[p]; ok {
		return id
	}
	id := k.newNode(p, nil)
	k.at[p] = id
	return id
}

// path returns the nodes of the points, in order; a closed ring ends on its first node.
func (k *osmBlock) path(pts []orb.Point, refs []int64) []int64 {
	for _, p := range pts {
		refs = append(refs, k.vertex(p))
	}
	return refs
}

func (k *osmBlock) addWay(refs []int64, tags osm.Tags) {
	k.ways = append(k.ways, osmWay{refs, tags})
}

// build makes the block's elements: alleys, lots (buildings, parks, fields), landuse, tracks,
// address nodes and shops, in an order that both passes repeat.
func (e *osmExport) build(b *Block) {
	k := &e.blk
	k.reset(e)
	c, pl := e.c, &b.plan
	e.buildAlleys(b)
	forms := c.OSMAddresses(b)
	onBuilding := map[int64]osm.Tags{}
	for n, f := range forms {
		if f.OnBuilding {
			onBuilding[b.Addresses[n].ParcelID] = f.Tags
		}
	}
	for n := range b.Parcels {
		e.buildLot(b, n, onBuilding[b.Parcels[n].ID])
	}
	switch pl.kind {
	case blockHouses:
		ring, _ := c.rectRing(steps(pl.x0, pl.x1, maxWardEdgeM), steps(pl.y0, pl.y1, maxWardEdgeM))
		k.addWay(k.path(ring, nil), osm.Tags{{Key: "landuse", Value: "residential"}})
	case blockFarmland:
		// a track between the first two columns of fields, street to street
		u := pl.lots[0].x1
		refs := []int64{e.junction(c.hSeg(pl.i, pl.j), u)}
		vs := steps(c.rowY[pl.j], c.rowY[pl.j+1], maxLineEdgeM)
		for _, v := range vs[1 : len(vs)-1] {
			refs = append(refs, k.vertex(c.point(u, v)))
		}
		refs = append(refs, e.junction(c.hSeg(pl.i, pl.j+1), u))
		k.addWay(refs, osm.Tags{{Key: "highway", Value: "track"}, {Key: "tracktype", Value: "grade2"}})
	}
	for n, f := range forms {
		if !f.OnBuilding {
			k.newNode(b.Addresses[n].Geom, f.Tags)
		}
	}
	for n, p := range b.Parcels {
		if p.LandUse == "TMD" && c.draw(drawShop, p.ID) < 0.1 {
			r := pl.lots[n]
			k.newNode(c.point((r.x0+r.x1)/2, (r.y0+r.y1)/2), osmShops[int(c.draw(drawName, p.ID)*float64(len(osmShops)))])
		}
	}
}

// alleyTags are an alley's tags: a service road of the alley kind, with its demo name.
func alleyTags(name string) osm.Tags {
	return osm.Tags{{Key: "highway", Value: "service"}, {Key: "service", Value: "alley"}, {Key: "name", Value: name}}
}

// osmLongAlleyM is the length above which an alley is written as two ways, as mappers
// who drew it in two goes leave it.
const osmLongAlleyM = 100

// buildAlleys makes the alleys: each from its mouth on the street, through the mouths of its
// branches, and each branch from its mouth on the alley.
func (e *osmExport) buildAlleys(b *Block) {
	k, c, pl := &e.blk, e.c, &b.plan
	for n, a := range b.Alleys {
		l := pl.alleys[n]
		if l.u0 != l.u1 { // a branch: along u, from its alley
			k.addWay(k.path(c.hline(l.v0, l.u0, l.u1), nil), alleyTags(a.Name))
			continue
		}
		breaks := []float64{l.v0}
		for m, br := range b.Alleys {
			if br.ParentID == a.ID {
				breaks = append(breaks, pl.alleys[m].v0)
			}
		}
		vs := through(append(breaks, l.v1), maxLineEdgeM)
		refs := []int64{e.junction(c.hSeg(pl.i, pl.j), l.u0)}
		for _, v := range vs[1:] {
			refs = append(refs, k.vertex(c.point(l.u0, v)))
		}
		if l.v1-l.v0 > osmLongAlleyM {
			mid := len(refs) / 2
			k.addWay(refs[:mid+1], alleyTags(a.Name))
			refs = refs[mid:]
		}
		k.addWay(refs, alleyTags(a.Name))
	}
}

// buildLot makes lot n's way: a building (with a driveway to an institution's), a park
// with its paths, or a field. addr holds the address tags the building carries, if any.
func (e *osmExport) buildLot(b *Block, n int, addr osm.Tags) {
	k, p := &e.blk, b.Parcels[n]
	ring := p.Geom[0][0]
	if tags := e.buildingTags(b, n); tags != nil {
		k.addWay(k.path(ring, nil), append(tags, addr...))
		if b.plan.kind == blockInstitution {
			r := b.plan.lots[n]
			e.entrance(b, (r.x0+r.x1)/2, r.y0, osm.Tags{{Key: "highway", Value: "service"}, {Key: "service", Value: "driveway"}})
		}
		return
	}
	switch p.LandUse {
	case "DKV":
		k.addWay(k.path(ring, nil), osm.Tags{{Key: "leisure", Value: "park"}, {Key: "name", Value: "Công viên " + e.personName(p.ID)}})
		e.parkPaths(b, n)
	case "LUA":
		k.addWay(k.path(ring, nil), osm.Tags{{Key: "landuse", Value: "farmland"}, {Key: "crop", Value: "rice"}})
	case "CLN":
		k.addWay(k.path(ring, nil), osm.Tags{{Key: "landuse", Value: "orchard"}})
	}
}

// parkPaths lays an unnamed footway round park n, 6 m inside its edge, and an unnamed
// service road to it from the south street.
func (e *osmExport) parkPaths(b *Block, n int) {
	k, c, pl := &e.blk, e.c, &b.plan
	r := pl.lots[n]
	x0, y0, x1, y1 := r.x0+6, r.y0+6, r.x1-6, r.y1-6
	if x1-x0 < 20 || y1-y0 < 20 {
		return
	}
	mid := (r.x0 + r.x1) / 2
	loop, _ := c.rectRing(through([]float64{x0, mid, x1}, maxLineEdgeM), steps(y0, y1, maxLineEdgeM))
	k.addWay(k.path(loop, nil), osm.Tags{{Key: "highway", Value: "footway"}})
	e.entrance(b, mid, y0, osm.Tags{{Key: "highway", Value: "service"}})
}

// entrance lays an unnamed way into an institution's lot, from the block's south street at
// u up to v.
func (e *osmExport) entrance(b *Block, u, v float64, tags osm.Tags) {
	k, c, pl := &e.blk, e.c, &b.plan
	refs := []int64{e.junction(c.hSeg(pl.i, pl.j), u)}
	for _, v := range steps(c.rowY[pl.j], v, maxLineEdgeM)[1:] {
		refs = append(refs, k.vertex(c.point(u, v)))
	}
	k.addWay(refs, tags)
}

// osmBuildings is the building tag of each land use that bears a building.
var osmBuildings = map[string]string{
	"ODT": "house", "ONT": "house", "TMD": "commercial", "SKC": "industrial", "TSC": "government",
	"DGD": "school", "DYT": "hospital", "DVH": "civic", "TON": "temple",
}

// buildingTags are the tags of lot n's building, with what it houses, or nil when its land
// use bears no building.
func (e *osmExport) buildingTags(b *Block, n int) osm.Tags {
	p := b.Parcels[n]
	building, ok := osmBuildings[p.LandUse]
	if !ok {
		return nil
	}
	tags := make(osm.Tags, 1, 8)
	tags[0] = osm.Tag{Key: "building", Value: building}
	switch p.LandUse {
	case "DGD":
		if b.plan.kind != blockInstitution { // a kindergarten in an alley
			tags[0].Value = "kindergarten"
			return append(tags, osm.Tag{Key: "amenity", Value: "kindergarten"}, osm.Tag{Key: "name", Value: "Trường Mầm non " + e.personName(p.ID)})
		}
		level := schoolLevels[int(e.c.draw(drawName, -p.ID)*float64(len(schoolLevels)))]
		return append(tags, osm.Tag{Key: "amenity", Value: "school"}, osm.Tag{Key: "name", Value: "Trường " + level + " " + e.personName(p.ID)})
	case "DYT":
		return append(tags, osm.Tag{Key: "amenity", Value: "hospital"}, osm.Tag{Key: "name", Value: "Bệnh viện " + e.personName(p.ID)})
	case "TON":
		name := pagodas[int(e.c.draw(drawName, p.ID)*float64(len(pagodas)))]
		return append(tags, osm.Tag{Key: "amenity", Value: "place_of_worship"}, osm.Tag{Key: "religion", Value: "buddhist"}, osm.Tag{Key: "name", Value: name})
	}
	return tags
}

func (e *osmExport) personName(id int64) string {
	return e.c.personName(e.names, id)
}

var schoolLevels = []string{"Tiểu học", "Trung học cơ sở", "Trung học phổ thông"}

var pagodas = []string{"Chùa Giác Lâm", "Chùa Vĩnh Nghiêm", "Chùa Xá Lợi", "Chùa Ấn Quang", "Chùa Pháp Hoa",
	"Chùa Giác Viên", "Chùa Phước Hải", "Chùa Huệ Nghiêm", "Chùa Bửu Long", "Chùa Kỳ Quang"}

// osmShops are the shops, cafes and offices some commercial lots hold.
var osmShops = []osm.Tags{
	{{Key: "amenity", Value: "cafe"}, {Key: "name", Value: "Highlands Coffee"}},
	{{Key: "amenity", Value: "cafe"}, {Key: "name", Value: "Phúc Long"}},
	{{Key: "amenity", Value: "cafe"}, {Key: "name", Value: "Cà phê Trung Nguyên"}},
	{{Key: "shop", Value: "convenience"}, {Key: "name", Value: "Circle K"}},
	{{Key: "shop", Value: "convenience"}, {Key: "name", Value: "FamilyMart"}},
	{{Key: "shop", Value: "supermarket"}, {Key: "name", Value: "Bách hóa Xanh"}},
	{{Key: "amenity", Value: "pharmacy"}, {Key: "name", Value: "Nhà thuốc Long Châu"}},
	{{Key: "amenity", Value: "bank"}, {Key: "name", Value: "Vietcombank"}},
	{{Key: "office", Value: "company"}, {Key: "name", Value: "Công ty TNHH Thương mại Sao Việt"}},
	{{Key: "amenity", Value: "restaurant"}, {Key: "cuisine", Value: "vietnamese"}, {Key: "name", Value: "Phở Hòa"}},
}
