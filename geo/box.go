package geo

import "github.com/paulmach/orb"

// IsDegreesBox reports whether b is a box of some area in WGS84 degrees: west below east,
// south below north, longitudes within ±180° and latitudes within ±90°. A NaN side is not.
func IsDegreesBox(b orb.Bound) bool {
	return b.Min[0] < b.Max[0] && b.Min[1] < b.Max[1] &&
		b.Min[0] >= -180 && b.Max[0] <= 180 && b.Min[1] >= -90 && b.Max[1] <= 90
}
