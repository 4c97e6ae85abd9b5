package geo

import "math"

// WGS84 ellipsoid (EPSG:4326 datum).
const (
	wgs84A  = 6378137.0
	wgs84F  = 1 / 298.257223563
	wgs84E2 = wgs84F * (2 - wgs84F)
)

// LocalPlane is a flat metric plane tangent to the ellipsoid at an origin: x metres east,
// y metres north. Within ten kilometres of the origin its scale error stays under about
// 0.05%, which is fine for generating and sizing city-scale shapes but not for survey work
// (use the VN-2000 transforms for that).
type LocalPlane struct {
	Lon0, Lat0 float64
	mPerDegLon float64
	mPerDegLat float64
}

// NewLocalPlane returns the plane whose origin is (lon0, lat0) in degrees, scaled by the
// ellipsoid's meridional and prime-vertical radii of curvature there.
func NewLocalPlane(lon0, lat0 float64) LocalPlane {
	phi := lat0 * math.Pi / 180
	s := math.Sin(phi)
	w := math.Sqrt(1 - wgs84E2*s*s)
	n := wgs84A / w                           // prime vertical radius
	m := wgs84A * (1 - wgs84E2) / (w * w * w) // meridional radius
	return LocalPlane{
		Lon0:       lon0,
		Lat0:       lat0,
		mPerDegLon: n * math.Cos(phi) * math.Pi / 180,
		mPerDegLat: m * math.Pi / 180,
	}
}

// LonLat converts plane coordinates in metres to degrees.
func (p LocalPlane) LonLat(xM, yM float64) (lon, lat float64) {
	return p.Lon0 + xM/p.mPerDegLon, p.Lat0 + yM/p.mPerDegLat
}

// XY converts degrees to plane coordinates in metres.
func (p LocalPlane) XY(lon, lat float64) (xM, yM float64) {
	return (lon - p.Lon0) * p.mPerDegLon, (lat - p.Lat0) * p.mPerDegLat
}

// Round7 rounds degrees to 1e-7 (about 1 cm), the precision bandoso stores. Rounding every
// vertex the same way keeps an edge shared by two polygons identical in both.
func Round7(deg float64) float64 {
	return math.Round(deg*1e7) / 1e7
}

// RingAreaM2 is the area in square metres enclosed by a ring of plane coordinates
// (shoelace formula), positive when the ring runs anticlockwise.
func RingAreaM2(xs, ys []float64) float64 {
	var a float64
	n := len(xs)
	for i := range n {
		j := (i + 1) % n
		a += xs[i]*ys[j] - xs[j]*ys[i]
	}
	return a / 2
}
