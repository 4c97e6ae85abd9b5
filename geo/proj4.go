package geo

import (
	"math"
	"regexp"
	"strconv"
	"strings"
)

// A CRS described by a file rather than named (a .prj that GDAL finds no EPSG code for) is
// found among the database's CRSs by what it is: the same projection with the same parameters
// on the same datum. Names are no help: software writes "VN_2000_TM3_105_45",
// "HCM_VN2000_KTT" or "Transverse_Mercator" for one and the same CRS.

// SRS is a CRS of the database's spatial_ref_sys: its SRID and PROJ string, and whether it is
// one of the VN-2000 CRSs registered with the pinned transformation.
type SRS struct {
	SRID   int
	Proj4  string
	VN2000 bool
}

// projectionParams are the PROJ parameters that make two projections the same, with the
// default each takes when absent.
var projectionParams = map[string]string{
	"lat_0": "0", "lon_0": "0", "lat_1": "", "lat_2": "", "lat_ts": "", "k": "1", "k_0": "",
	"x_0": "0", "y_0": "0", "zone": "", "south": "", "units": "m", "alpha": "", "gamma": "",
}

// proj4Params reads "+proj=tmerc +lat_0=0 …" into a map; flags without a value map to "".
func proj4Params(s string) map[string]string {
	p := map[string]string{}
	for _, f := range strings.Fields(s) {
		k, v, _ := strings.Cut(strings.TrimPrefix(f, "+"), "=")
		p[k] = v
	}
	if k, ok := p["k_0"]; ok && p["k"] == "" {
		p["k"] = k
	}
	delete(p, "k_0")
	return p
}

// sameValue compares two parameter values as numbers when both are, else as text.
func sameValue(a, b string) bool {
	x, errx := strconv.ParseFloat(a, 64)
	y, erry := strconv.ParseFloat(b, 64)
	if errx == nil && erry == nil {
		return math.Abs(x-y) <= 1e-9*math.Max(1, math.Abs(x))
	}
	return a == b
}

// datumKind classes a CRS's datum: "vn2000", "wgs84", or the ellipsoid and shift of another.
func datumKind(p map[string]string, wkt string, vn2000 bool) string {
	switch {
	case vn2000, vn2000WKT.MatchString(wkt), strings.HasPrefix(p["towgs84"], "-191.904"):
		return "vn2000"
	case p["datum"] == "WGS84", wgs84WKT.MatchString(wkt),
		p["ellps"] == "WGS84" && (p["towgs84"] == "" || strings.Trim(p["towgs84"], "0,.") == ""):
		return "wgs84"
	}
	return p["datum"] + "|" + p["ellps"] + "|" + p["towgs84"] + "|" + p["a"] + "|" + p["rf"]
}

// The datum names software gives VN-2000 and WGS 84 in WKT; EPSG's datum code 6756 is VN-2000.
var (
	vn2000WKT = regexp.MustCompile(`(?i)DATUM\["[^"]*(VN|Viet[ _-]?nam)[ _-]?2000|AUTHORITY\["EPSG","6756"\]`)
	wgs84WKT  = regexp.MustCompile(`(?i)DATUM\["(D_)?WGS[ _]?(19)?84"`)
)

// MatchSRS finds the CRS among candidates that a file's PROJ string and WKT describe: the
// same projection, parameters and datum. It prefers the lowest SRID when several match (EPSG
// keeps deprecated twins), and reports false when none does.
func MatchSRS(proj4, wkt string, candidates []SRS) (int, bool) {
	want := proj4Params(proj4)
	wantDatum := datumKind(want, wkt, false)
	best := 0
	for _, c := range candidates {
		have := proj4Params(c.Proj4)
		if have["proj"] != want["proj"] || datumKind(have, "", c.VN2000) != wantDatum {
			continue
		}
		same := true
		for k, def := range projectionParams {
			a, ok := want[k]
			if !ok {
				a = def
			}
			b, ok := have[k]
			if !ok {
				b = def
			}
			if !sameValue(a, b) {
				same = false
				break
			}
		}
		if same && (best == 0 || c.SRID < best) {
			best = c.SRID
		}
	}
	return best, best != 0
}
