package geo

import (
	"strconv"
	"strings"
)

// CRS is a coordinate reference system the service reads and writes (mission: WGS84, Web
// Mercator and VN-2000 with its UTM and TM-3 zones). The database holds the definitions;
// this is how requests name them.
type CRS struct {
	// URI is the OGC name, e.g. http://www.opengis.net/def/crs/EPSG/0/9210.
	URI string
	// SRID is the PostGIS SRID; the schema registers VN-2000's with the pinned
	// transformation (migration 00002).
	SRID int
	// LatFirst marks CRSs whose first axis is latitude (EPSG:4326, EPSG:4756): OGC API –
	// Features Part 2 writes coordinates in the CRS's own axis order. CRS84 and every
	// projected CRS here are easting first.
	LatFirst bool
}

// CRS84 is WGS84 with longitude first, GeoJSON's and OGC API – Features' default.
const CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"

const epsgPrefix = "http://www.opengis.net/def/crs/EPSG/0/"

// CRSs lists the supported CRSs, CRS84 first.
var CRSs = []CRS{
	{URI: CRS84, SRID: 4326},
	{URI: epsgPrefix + "4326", SRID: 4326, LatFirst: true},
	{URI: epsgPrefix + "3857", SRID: 3857},
	{URI: epsgPrefix + "4756", SRID: 4756, LatFirst: true},
	{URI: epsgPrefix + "3405", SRID: 3405},
	{URI: epsgPrefix + "3406", SRID: 3406},
	{URI: epsgPrefix + "5897", SRID: 5897},
	{URI: epsgPrefix + "5899", SRID: 5899},
	{URI: epsgPrefix + "9210", SRID: 9210},
}

// ParseCRS finds a supported CRS by its URI, its safe CURIE ([EPSG:9210]) or EPSG:9210.
func ParseCRS(s string) (CRS, bool) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]") {
		s = s[1 : len(s)-1]
	}
	switch {
	case strings.EqualFold(s, "CRS84") || strings.EqualFold(s, "OGC:CRS84") || s == CRS84:
		return CRSs[0], true
	case len(s) > 5 && strings.EqualFold(s[:5], "EPSG:"):
		s = epsgPrefix + s[5:]
	}
	code, ok := strings.CutPrefix(s, epsgPrefix)
	if !ok {
		return CRS{}, false
	}
	if _, err := strconv.Atoi(code); err != nil {
		return CRS{}, false
	}
	for _, c := range CRSs[1:] {
		if c.URI == s {
			return c, true
		}
	}
	return CRS{}, false
}
