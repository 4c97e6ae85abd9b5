package api

import (
	"fmt"
	"math"
	"net/http"

	"github.com/paulmach/orb"

	"bandoso/geo"
)

// paramTo names the CRS GET /v1/transform writes x and y in.
const paramTo = "to"

// transformed is the body of GET /v1/transform: the point in WGS84, and in the CRS asked for.
type transformed struct {
	Lon float64 `json:"lon"`
	Lat float64 `json:"lat"`
	// X and Y are the easting (or longitude) and northing (or latitude) in CRS, whatever
	// its axis order; Vietnamese documents call the northing X.
	X   float64 `json:"x"`
	Y   float64 `json:"y"`
	CRS string  `json:"crs"`
}

// handleTransform serves GET /v1/transform: a point, given as lon and lat (WGS84) or as x, y
// and crs, in WGS84 and in the CRS to (the point's own CRS unless given), so that a client
// can place a VN-2000 coordinate from a survey on its map, or write a clicked point in VN-2000.
func (s *Server) handleTransform(w http.ResponseWriter, r *http.Request) error {
	x, y, srid, err := pointParams(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	from := geo.CRSs[0]
	if q.Has(paramCRS) {
		from, _ = geo.ParseCRS(q.Get(paramCRS)) // pointParams read it
	}
	to := from
	if v := q.Get(paramTo); q.Has(paramTo) {
		var ok bool
		if to, ok = geo.ParseCRS(v); !ok {
			return &ParamError{paramTo, "not a CRS this service accepts: want EPSG:4326, 3857, 4756, 3405, 3406, 5897, 5899 or 9210"}
		}
	}
	lon, lat := x, y
	if srid != 4326 {
		if lon, lat, err = s.DB.Transform(r.Context(), x, y, srid, 4326); err != nil {
			return err
		}
		if !from.Area().Contains(orb.Point{lon, lat}) {
			return &ParamError{paramX, fmt.Sprintf("x and y fall at %.4f, %.4f, outside the area %s is used in", lon, lat, from.URI)}
		}
	}
	out := transformed{Lon: round8(lon), Lat: round8(lat), X: x, Y: y, CRS: to.URI}
	switch {
	case to.SRID == 4326:
		out.X, out.Y = out.Lon, out.Lat
	case to.SRID != srid:
		if !to.Area().Contains(orb.Point{lon, lat}) {
			return &ParamError{paramTo, fmt.Sprintf("the point %.4f, %.4f lies outside the area %s is used in", lon, lat, to.URI)}
		}
		if out.X, out.Y, err = s.DB.Transform(r.Context(), lon, lat, 4326, to.SRID); err != nil {
			return err
		}
		out.X, out.Y = roundIn(to, out.X), roundIn(to, out.Y)
	}
	return writeJSON(w, mediaJSON, out)
}

// round8 keeps degrees to 1e-8, about a millimetre: finer than any survey.
func round8(v float64) float64 { return math.Round(v*1e8) / 1e8 }

// roundIn rounds a coordinate of crs: degrees to 1e-8, metres to the millimetre.
func roundIn(crs geo.CRS, v float64) float64 {
	if crs.SRID == 4326 || crs.SRID == 4756 {
		return round8(v)
	}
	return math.Round(v*1000) / 1000
}
