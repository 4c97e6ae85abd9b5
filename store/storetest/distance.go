package storetest

import "math"

// OffsetM is the distance between two lon/lat points in metres (equirectangular: exact to
// well under a millimetre over the distances tests compare imported points at).
func OffsetM(lon1, lat1, lon2, lat2 float64) float64 {
	const r = 6371008.8
	x := (lon2 - lon1) * math.Pi / 180 * math.Cos((lat1+lat2)/2*math.Pi/180)
	y := (lat2 - lat1) * math.Pi / 180
	return r * math.Hypot(x, y)
}
