package geo

import "github.com/paulmach/orb"

// webMercatorMax is the half-width of the Web Mercator (EPSG:3857) world in metres: π times
// the WGS84 semi-major axis.
const webMercatorMax = 20037508.342789244

// vn2000Area is where VN-2000 and its UTM zones are used (EPSG's areas of use for 4756, 3405,
// 3406, 5897, 5899, 9210: Vietnam onshore and offshore) with a margin of a few degrees.
var vn2000Area = orb.Bound{Min: orb.Point{98, 0}, Max: orb.Point{118, 30}}

// Domain is the box, in the CRS's units with the easting (or longitude) first, inside which
// the service transforms coordinates given in it: the world for WGS84, VN-2000's geographic
// CRS and Web Mercator; for the transverse Mercator zones (VN-2000's TM-3 and UTM), eastings
// within 1,000 km of the false easting and northings of the northern hemisphere. Far outside
// a zone PROJ fails ("Point outside of projection domain"), and well before that it answers
// points that nobody measured in that zone.
func (c CRS) Domain() orb.Bound {
	switch c.SRID {
	case 4326, 4756:
		return orb.Bound{Min: orb.Point{-180, -90}, Max: orb.Point{180, 90}}
	case 3857:
		return orb.Bound{Min: orb.Point{-webMercatorMax, -webMercatorMax}, Max: orb.Point{webMercatorMax, webMercatorMax}}
	}
	return orb.Bound{Min: orb.Point{-500_000, 0}, Max: orb.Point{1_500_000, 9_400_000}}
}

// Area is the box in WGS84 degrees of the points the service writes in the CRS: the world,
// within Web Mercator's latitudes for EPSG:3857, and Vietnam with a margin for the VN-2000
// projections, where a point far from its zone is a mistake rather than a coordinate.
func (c CRS) Area() orb.Bound {
	switch c.SRID {
	case 4326, 4756:
		return orb.Bound{Min: orb.Point{-180, -90}, Max: orb.Point{180, 90}}
	case 3857:
		// the latitude whose Web Mercator northing is webMercatorMax: atan(sinh(π))
		return orb.Bound{Min: orb.Point{-180, -85.0511287798}, Max: orb.Point{180, 85.0511287798}}
	}
	return vn2000Area
}
