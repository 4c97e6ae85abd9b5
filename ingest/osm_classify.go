package ingest

import (
	"regexp"
	"strings"

	"github.com/paulmach/osm"
	"golang.org/x/text/unicode/norm"
)

// OSM record kinds: what an OpenStreetMap object is imported as.
const (
	OSMRoad     = "road"     // highway lines
	OSMRailway  = "railway"  // railway lines
	OSMWaterway = "waterway" // river, canal, stream, drain and ditch lines
	OSMWater    = "water"    // water areas
	OSMPark     = "park"     // parks, gardens, pitches, grass
	OSMLanduse  = "landuse"  // other landuse areas
	OSMBuilding = "building" // building areas
	OSMAddress  = "address"  // anything with a house number (số nhà)
	OSMPOI      = "poi"      // named places: amenities, shops, offices…
)

// osmShape is what a way or relation's geometry is: a line, or an area.
type osmShape int

const (
	shapePoint osmShape = iota
	shapeLine
	shapeArea
)

// osmClass is one record an object yields: its kind and the tag that made it so.
type osmClass struct {
	kind, key, value string
}

var (
	roadValues = set("motorway", "trunk", "primary", "secondary", "tertiary", "unclassified",
		"residential", "living_street", "service", "pedestrian", "track", "road", "footway", "path",
		"cycleway", "steps")
	railwayValues  = set("rail", "light_rail", "subway", "tram", "narrow_gauge", "monorail")
	waterwayValues = set("river", "canal", "stream", "drain", "ditch")
	parkLeisure    = set("park", "garden", "playground", "pitch", "nature_reserve")
	parkLanduse    = set("grass", "recreation_ground", "village_green")
	waterLanduse   = set("reservoir", "basin")
	// poiKeys, in the order that chooses a POI's class when it has several.
	poiKeys = []string{"amenity", "shop", "tourism", "office", "leisure", "historic", "craft", "healthcare"}
	// areaKeys make a closed way an area; natural does too, but for its linear values.
	areaKeys = []string{"building", "building:part", "landuse", "leisure", "amenity", "shop", "tourism",
		"office", "historic", "craft", "healthcare", "water", "military", "man_made", "addr:housenumber"}
	linearNatural = set("coastline", "tree_row", "cliff", "ridge", "arete", "valley", "gorge")
)

func set(values ...string) map[string]bool {
	m := make(map[string]bool, len(values))
	for _, v := range values {
		m[v] = true
	}
	return m
}

// value is a tag's value, "" for a tag missing or "no".
func value(tags osm.Tags, key string) string {
	v := tags.Find(key)
	if v == "no" {
		return ""
	}
	return v
}

// isArea tells whether a closed way is an area rather than a closed line: area=yes says so;
// otherwise an area tag does, unless the way is a highway or a barrier (a roundabout, a wall
// around a garden).
func isArea(tags osm.Tags) bool {
	switch tags.Find("area") {
	case "yes":
		return true
	case "no":
		return false
	}
	if tags.Find("highway") != "" || tags.Find("barrier") != "" {
		return false
	}
	for _, k := range areaKeys {
		if value(tags, k) != "" {
			return true
		}
	}
	if v := value(tags, "natural"); v != "" && !linearNatural[v] {
		return true
	}
	switch tags.Find("waterway") {
	case "riverbank", "dock":
		return true
	}
	switch tags.Find("railway") {
	case "station", "platform":
		return true
	}
	return tags.Find("public_transport") == "station" || tags.Find("public_transport") == "platform"
}

// classifyOSM returns the records an object with these tags and this shape yields.
func classifyOSM(tags osm.Tags, shape osmShape) []osmClass {
	if len(tags) == 0 {
		return nil
	}
	var cs []osmClass
	add := func(kind, key, value string) { cs = append(cs, osmClass{kind, key, value}) }
	switch shape {
	case shapeLine:
		if v := tags.Find("highway"); roadValues[v] || strings.HasSuffix(v, "_link") {
			add(OSMRoad, "highway", v)
		}
		if v := tags.Find("railway"); railwayValues[v] {
			add(OSMRailway, "railway", v)
		}
		if v := tags.Find("waterway"); waterwayValues[v] {
			add(OSMWaterway, "waterway", v)
		}
	case shapeArea:
		cs = classifyArea(tags, cs)
	}
	if v := value(tags, "addr:housenumber"); v != "" {
		add(OSMAddress, "addr:housenumber", v)
	} else if v := tags.Find("addr:street"); streetWithNumber(v) {
		add(OSMAddress, "addr:street", v)
	}
	if tags.Find("name") != "" {
		if key, v := poiTag(tags); key != "" {
			add(OSMPOI, key, v)
		}
	}
	return cs
}

// classifyArea appends the area kinds: water, park, other landuse, building.
func classifyArea(tags osm.Tags, cs []osmClass) []osmClass {
	landuse := value(tags, "landuse")
	switch {
	case value(tags, "water") != "":
		cs = append(cs, osmClass{OSMWater, "water", tags.Find("water")})
	case tags.Find("natural") == "water":
		cs = append(cs, osmClass{OSMWater, "natural", "water"})
	case tags.Find("waterway") == "riverbank":
		cs = append(cs, osmClass{OSMWater, "waterway", "riverbank"})
	case waterLanduse[landuse]:
		cs = append(cs, osmClass{OSMWater, "landuse", landuse})
		landuse = ""
	}
	switch v := tags.Find("leisure"); {
	case parkLeisure[v]:
		cs = append(cs, osmClass{OSMPark, "leisure", v})
	case parkLanduse[landuse]:
		cs = append(cs, osmClass{OSMPark, "landuse", landuse})
		landuse = ""
	}
	if landuse != "" && !parkLanduse[landuse] {
		cs = append(cs, osmClass{OSMLanduse, "landuse", landuse})
	}
	if v := value(tags, "building"); v != "" {
		cs = append(cs, osmClass{OSMBuilding, "building", v})
	}
	return cs
}

// poiTag returns the tag that makes a named object a point of interest.
func poiTag(tags osm.Tags) (key, v string) {
	for _, k := range poiKeys {
		if v := value(tags, k); v != "" {
			return k, v
		}
	}
	if tags.Find("public_transport") == "station" {
		return "public_transport", "station"
	}
	if v := tags.Find("railway"); v == "station" || v == "halt" {
		return "railway", v
	}
	return "", ""
}

// numberFirst matches a street that starts with a house number: "12 Nguyễn Trãi",
// "123/45 Lê Lợi", "25b Hàng Bông", "số 7 Lý Thường Kiệt"; the word after the number is
// group 1.
var numberFirst = regexp.MustCompile(`^(?i:số\s*)?\d+[\pL]?(?:[/-]\d+[\pL]?)*,?\s+(\pL+)`)

// streetWithNumber tells whether addr:street starts with a house number, as mappers who
// leave addr:housenumber empty write it. A number followed by a month is a street named
// after a date ("3 Tháng 2"), not a house number.
func streetWithNumber(s string) bool {
	m := numberFirst.FindStringSubmatch(norm.NFC.String(s))
	return m != nil && !strings.EqualFold(m[1], "tháng") && !strings.EqualFold(m[1], "thang")
}
