package ingest

import (
	"fmt"
	"strconv"
	"strings"
)

// ParseCRS reads a CRS as files and flags name it: EPSG:32648, urn:ogc:def:crs:EPSG::9210
// (with or without a version), http://www.opengis.net/def/crs/EPSG/0/9210, CRS84 or a bare
// 9210, and returns its EPSG code. Any code reads: whether the database knows it
// (spatial_ref_sys) is store's to say.
func ParseCRS(s string) (int, bool) {
	s = strings.TrimSpace(s)
	low := strings.ToLower(s)
	if strings.HasPrefix(low, "[") && strings.HasSuffix(low, "]") { // a safe CURIE
		low = low[1 : len(low)-1]
	}
	switch low {
	case "crs84", "ogc:crs84", "urn:ogc:def:crs:ogc:1.3:crs84", "urn:ogc:def:crs:ogc::crs84",
		"http://www.opengis.net/def/crs/ogc/1.3/crs84", "https://www.opengis.net/def/crs/ogc/1.3/crs84":
		return 4326, true
	}
	code := low
	switch {
	case strings.HasPrefix(low, "urn:ogc:def:crs:epsg:"): // urn:ogc:def:crs:EPSG:[version]:code
		code = low[strings.LastIndexByte(low, ':')+1:]
	case strings.HasPrefix(low, "epsg:"):
		code = low[len("epsg:"):]
	default:
		for _, prefix := range []string{"http://www.opengis.net/def/crs/epsg/0/", "https://www.opengis.net/def/crs/epsg/0/"} {
			if rest, ok := strings.CutPrefix(low, prefix); ok {
				code = rest
			}
		}
	}
	if code == "" || strings.Trim(code, "0123456789") != "" || len(code) > 6 {
		return 0, false
	}
	n, err := strconv.Atoi(code)
	if err != nil || n <= 0 {
		return 0, false
	}
	return n, true
}

// CRSDef is a file's CRS as GDAL describes it when it finds no EPSG code for it (a .prj
// written by hand or by software with its own names): store matches the definition against
// the CRSs the database knows.
type CRSDef struct {
	Proj4 string // PROJ string: +proj=tmerc +lat_0=0 +lon_0=105.75 …
	WKT   string // WKT 1, for the datum's name
}

// formatName is a format as people call it, for messages.
func formatName(format string) string {
	switch format {
	case FormatGeoJSON:
		return "GeoJSON"
	case FormatCSV:
		return "CSV"
	case FormatShapefile:
		return "Shapefile"
	case FormatGeoPackage:
		return "GeoPackage"
	}
	return format
}

// CRSWhere says where a file of this format names its CRS, for messages: "the Shapefile's
// .prj".
func CRSWhere(format string) string {
	switch format {
	case FormatShapefile:
		return "the Shapefile's .prj"
	case FormatGeoPackage:
		return "the GeoPackage layer's spatial reference"
	case FormatGeoJSON:
		return "the GeoJSON crs member"
	}
	return "the " + formatName(format) + " file"
}

// needCRS is ErrNeedCRS for a file of format, saying what it lacks.
func needCRS(format, why string) error {
	return fmt.Errorf("%w: %s %s", ErrNeedCRS, formatName(format), why)
}
