package demo

import (
	"fmt"
	"math"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/osm"
	"golang.org/x/text/unicode/norm"
)

// OSMAddress is how WriteOSM writes one demo address: its addr:* tags, and where.
type OSMAddress struct {
	// OnBuilding says the tags are on the building way of the address's lot, which has no
	// other address, instead of on a node at the address point.
	OnBuilding bool
	Tags       osm.Tags
}

// OSMAddresses returns how WriteOSM writes the addresses of block b, in the order of
// b.Addresses. Every address is written once. About a third of the lots with a single
// address carry it on their building. The tags have the quirks of real data:
//   - addr:street is the main street's name (an alley address is 123/45/6 on the main
//     street), with "Đường " before it on about one in five, "Phố " on one in twenty-five,
//     Ð for Đ on a quarter of those with Đ, and in NFD on one in fifty;
//   - addr:housenumber has its letters in lower case on a third of those with letters
//     ("12a" for 12A);
//   - about three in ten carry addr:city and addr:subdistrict: half the new ward, half the
//     old ward with its addr:district, as data mapped before 2025 has;
//   - about one in two hundred has the number in the wrong key: no addr:housenumber, and
//     addr:street "12 Nguyễn Trãi".
func (c *City) OSMAddresses(b *Block) []OSMAddress {
	out := make([]OSMAddress, len(b.Addresses))
	for n := 0; n < len(b.Addresses); {
		m := n + 1 // a lot's addresses are consecutive
		for m < len(b.Addresses) && b.Addresses[m].ParcelID == b.Addresses[n].ParcelID {
			m++
		}
		for q := n; q < m; q++ {
			out[q].Tags = c.addressTags(b, b.Addresses[q])
		}
		a := b.Addresses[n]
		use := b.Parcels[a.ParcelID-b.Parcels[0].ID].LandUse
		out[n].OnBuilding = m == n+1 && osmBuildings[use] != "" && c.draw(drawOnBuilding, a.ID) < 1.0/3
		n = m
	}
	return out
}

// The area of an address as OSM data of Ho Chi Minh City writes it.
const osmCity = "Thành phố Hồ Chí Minh"

func (c *City) addressTags(b *Block, a Address) osm.Tags {
	name := c.nameOf(a.StreetID)
	if c.draw(drawWrongKey, a.ID) < 1.0/200 {
		return osm.Tags{{Key: "addr:street", Value: a.HouseNumber + " " + name}}
	}
	number := a.HouseNumber
	if strings.ContainsAny(number, "AB") && c.draw(drawLowerCase, a.ID) < 1.0/3 {
		number = strings.ToLower(number)
	}
	street := name
	if !strings.HasPrefix(name, "Đường ") {
		switch x := c.draw(drawStreetPrefix, a.ID); {
		case x < 0.2:
			street = "Đường " + name
		case x < 0.24:
			street = "Phố " + name
		}
	}
	switch {
	case strings.ContainsAny(street, "Đđ") && c.draw(drawAddrEth, a.ID) < 0.25:
		street = withEth(street)
	case c.draw(drawAddrNFD, a.ID) < 0.02:
		street = norm.NFD.String(street)
	}
	tags := make(osm.Tags, 0, 5)
	tags = append(tags, osm.Tag{Key: "addr:housenumber", Value: number}, osm.Tag{Key: "addr:street", Value: street})
	if c.draw(drawAddrArea, a.ID) < 0.3 {
		if w := b.plan.oldWard; c.draw(drawAddrOldWard, a.ID) < 0.5 {
			tags = append(tags, osm.Tag{Key: "addr:subdistrict", Value: w.name}, osm.Tag{Key: "addr:district", Value: w.district})
		} else {
			tags = append(tags, osm.Tag{Key: "addr:subdistrict", Value: b.plan.newWard.name})
		}
		tags = append(tags, osm.Tag{Key: "addr:city", Value: osmCity})
	}
	return tags
}

// ExtraAddress is an address WriteOSM adds that the demo does not have, in one of the
// forms real data holds.
type ExtraAddress struct {
	StreetID    int64
	Street      string // addr:street: the demo street's name
	HouseNumber string // addr:housenumber, as written
	Point       orb.Point
}

// extraForms are the house numbers of the extra addresses, from a base above every number
// the demo gives on the street, so that none can be taken for a demo address: a bis
// number, a letter in lower case, a sub-number in an alley, a range, Huế's kiệt and hẻm,
// Hanoi's ngõ and ngách, an alley alone. A lot in a project (Lô) and a kilometre mark carry
// no number of the street.
var extraForms = []func(base int) string{
	func(b int) string { return fmt.Sprintf("%d bis", b+120) },
	func(b int) string { return fmt.Sprintf("%db", b+25) },
	func(b int) string { return fmt.Sprintf("%dA/3", b+12) },
	func(b int) string { return fmt.Sprintf("%d-%d", b+176, b+181) },
	func(b int) string { return fmt.Sprintf("K%d H20/2", b+448) },
	func(b int) string { return fmt.Sprintf("số 5 ngõ %d ngách 3", b+14) },
	func(b int) string { return fmt.Sprintf("Ngõ %d", b+100) },
	func(int) string { return "Lô B2" },
	func(int) string { return "Km 7" },
}

// OSMExtraAddresses returns the addresses WriteOSM adds to the demo's, one per form of
// extraForms, spread over three streets: the second and third vertical ones and the second
// horizontal one. Each lies mid-block, 3 m beyond the road land.
func (c *City) OSMExtraAddresses() []ExtraAddress {
	var out []ExtraAddress
	for k, form := range extraForms {
		var street int64
		var length float64
		var p orb.Point
		switch k % 3 {
		case 0, 2:
			// east of a street with blocks east of it: small cities have few columns
			i, j := min(1+k%3/2, c.nx-1), (k/3)%c.ny
			street, length = c.colStreet(i), c.rowY[c.ny]-c.rowY[0]
			p = c.point(c.colX[i]+halfRoadM(i)+3, (c.rowY[j]+c.rowY[j+1])/2)
		case 1:
			i, j := (k/3)%c.nx, min(1, c.ny-1)
			street, length = c.rowStreet(j), c.colX[c.nx]-c.colX[0]
			p = c.point((c.colX[i]+c.colX[i+1])/2, c.rowY[j]+halfRoadM(j)+3)
		}
		// A side of a street takes one number per lot of 4 m or more and per alley mouth
		// 45 m or more apart: at most about half its length in metres.
		base := 1000 * int(math.Ceil(length/1000))
		out = append(out, ExtraAddress{StreetID: street, Street: c.nameOf(street), HouseNumber: form(base), Point: p})
	}
	return out
}
