package geo

import (
	"errors"
	"math"
	"strings"
)

// Open Location Code (plus code), after the specification in google/open-location-code,
// Documentation/Specification/specification.md. Encoding and decoding work on integers in
// units of the finest cell (1/2.5e7 degree of latitude, 1/8.192e6 degree of longitude), as the
// specification asks: stepping down the grid in float64 puts points on cell edges, such as
// 20.3701135, in the wrong cell.
const (
	olcAlphabet  = "23456789CFGHJMPQRVWX"
	olcSeparator = '+'
	olcPadding   = '0'
	olcSepPos    = 8  // digits before the separator in a full code
	olcPairLen   = 10 // digits encoded as latitude/longitude pairs
	olcMaxLen    = 15 // digits past this are ignored on decoding and never encoded
	olcGridRows  = 5  // latitude divisions of a grid refinement digit
	olcGridCols  = 4  // longitude divisions of a grid refinement digit

	olcLatUnits = 25_000_000 // integer units per degree of latitude: 20^3 · 5^5
	olcLngUnits = 8_192_000  // integer units per degree of longitude: 20^3 · 4^5
	olcLatRange = 180 * olcLatUnits
	olcLngRange = 360 * olcLngUnits
	// The place value of the first pair, 20°, in integer units.
	olcLatPair0 = 20 * olcLatUnits
	olcLngPair0 = 20 * olcLngUnits
)

// DefaultOLCLength is the number of digits EncodeOLC gives when asked for length 0: a cell of
// about 14 × 14 m, one building.
const DefaultOLCLength = 10

// Errors of the Open Location Code functions.
var (
	ErrOLCLength   = errors.New("geo: plus code length must be 2, 4, 6, 8 or 10 to 15")
	ErrOLCInvalid  = errors.New("geo: not a valid plus code")
	ErrOLCNotFull  = errors.New("geo: not a full plus code")
	ErrOLCNotShort = errors.New("geo: not a short plus code")
	ErrOLCPadded   = errors.New("geo: a padded plus code cannot be shortened")
	ErrOLCCoord    = errors.New("geo: latitude or longitude is not a finite number")
)

// CodeArea is the cell a plus code stands for: south-west corner included, north-east corner
// excluded (except at latitude 90), and Len the number of digits the code has.
type CodeArea struct {
	LatLo, LngLo, LatHi, LngHi float64
	Len                        int
}

// Center is the middle of the area, clipped to latitude 90 and longitude 180.
func (a CodeArea) Center() (lat, lng float64) {
	lat = min((a.LatLo+a.LatHi)/2, 90)
	lng = min((a.LngLo+a.LngHi)/2, 180)
	return lat, lng
}

// olcUnits is the whole number of integer units in deg degrees, rounded down. The product is
// first rounded to a millionth of a unit: a decimal written on a cell edge, such as 129.7, is
// stored a hair below it in float64 (129.69999999999998863), and the conformance vectors count
// it on the edge, as its writer meant.
func olcUnits(deg, unitsPerDegree float64) int64 {
	return int64(math.Floor(math.Round(deg*unitsPerDegree*1e6) / 1e6))
}

// olcLatInt converts a latitude to integer units from -90, clipped to [0, 180°) so that the
// north pole falls in the last row of cells.
func olcLatInt(lat float64) int64 {
	lat = math.Max(-90, math.Min(90, lat)) // clipping first keeps the product inside int64
	v := olcUnits(lat, olcLatUnits) + 90*olcLatUnits
	return min(max(v, 0), olcLatRange-1)
}

// olcLngInt converts a longitude to integer units from -180, normalized to [0, 360°).
func olcLngInt(lng float64) int64 {
	if math.Abs(lng) > 1e9 { // keep the product inside int64; exact, as math.Mod is
		lng = math.Mod(lng, 360)
	}
	v := olcUnits(lng, olcLngUnits) + 180*olcLngUnits
	v %= olcLngRange
	if v < 0 {
		v += olcLngRange
	}
	return v
}

// EncodeOLC is the plus code of a point with length digits: 2, 4, 6 or 8 (padded with 0 up to
// the separator), 10 (DefaultOLCLength, also for length 0) or 11 to 15, each past 10 dividing
// the cell into a 5 × 4 grid. Lengths over 15 give 15. Latitude is clipped to ±90 and
// longitude normalized to [-180, 180).
func EncodeOLC(lat, lng float64, length int) (string, error) {
	if length == 0 {
		length = DefaultOLCLength
	}
	if length < 2 || (length < olcPairLen && length%2 == 1) {
		return "", ErrOLCLength
	}
	if math.IsNaN(lat) || math.IsNaN(lng) || math.IsInf(lng, 0) {
		return "", ErrOLCCoord
	}
	length = min(length, olcMaxLen)
	latV, lngV := olcLatInt(lat), olcLngInt(lng)

	var digits [olcMaxLen]byte
	latDiv, lngDiv := int64(olcLatPair0*20), int64(olcLngPair0*20)
	for i := 0; i < olcPairLen; i += 2 {
		latDiv /= 20
		lngDiv /= 20
		digits[i] = olcAlphabet[latV/latDiv]
		digits[i+1] = olcAlphabet[lngV/lngDiv]
		latV %= latDiv
		lngV %= lngDiv
	}
	for i := olcPairLen; i < olcMaxLen; i++ {
		latDiv /= olcGridRows
		lngDiv /= olcGridCols
		digits[i] = olcAlphabet[(latV/latDiv)*olcGridCols+lngV/lngDiv]
		latV %= latDiv
		lngV %= lngDiv
	}

	var b strings.Builder
	b.Grow(length + 8)
	if length < olcSepPos {
		b.Write(digits[:length])
		b.WriteString(strings.Repeat(string(olcPadding), olcSepPos-length))
		b.WriteByte(olcSeparator)
		return b.String(), nil
	}
	b.Write(digits[:olcSepPos])
	b.WriteByte(olcSeparator)
	b.Write(digits[olcSepPos:length])
	return b.String(), nil
}

// DecodeOLC is the area of a full plus code, in any case. Digits past the fifteenth are read
// as the specification says: ignored.
func DecodeOLC(code string) (CodeArea, error) {
	if !IsFullOLC(code) {
		return CodeArea{}, ErrOLCNotFull
	}
	var digits []byte
	for i := 0; i < len(code) && len(digits) < olcMaxLen; i++ {
		c := code[i]
		if c == olcSeparator || c == olcPadding {
			continue
		}
		digits = append(digits, byte(olcValue(c)))
	}
	var latV, lngV int64
	latDiv, lngDiv := int64(olcLatPair0*20), int64(olcLngPair0*20)
	for i, d := range digits {
		switch {
		case i < olcPairLen && i%2 == 0:
			latDiv /= 20
			latV += int64(d) * latDiv
		case i < olcPairLen:
			lngDiv /= 20
			lngV += int64(d) * lngDiv
		default:
			latDiv /= olcGridRows
			lngDiv /= olcGridCols
			latV += int64(d/olcGridCols) * latDiv
			lngV += int64(d%olcGridCols) * lngDiv
		}
	}
	// One division each, from integers, so every edge is the nearest float64 to the true one.
	return CodeArea{
		LatLo: float64(latV-90*olcLatUnits) / olcLatUnits,
		LngLo: float64(lngV-180*olcLngUnits) / olcLngUnits,
		LatHi: float64(latV+latDiv-90*olcLatUnits) / olcLatUnits,
		LngHi: float64(lngV+lngDiv-180*olcLngUnits) / olcLngUnits,
		Len:   len(digits),
	}, nil
}

// olcValue is the value of a code digit in either case, or -1.
func olcValue(c byte) int {
	if 'a' <= c && c <= 'z' {
		c -= 'a' - 'A'
	}
	return strings.IndexByte(olcAlphabet, c)
}

// IsValidOLC reports whether code is a well-formed plus code, full or short: one separator at
// an even position no later than the eighth, padding only in full codes, in pairs from an even
// position and straight before a final separator, never a single digit after the separator, and
// only digits of the alphabet in either case.
func IsValidOLC(code string) bool {
	n := len(code)
	if n < 2 {
		return false
	}
	sep := strings.IndexByte(code, olcSeparator)
	if sep < 0 || strings.LastIndexByte(code, olcSeparator) != sep || sep > olcSepPos || sep%2 == 1 {
		return false
	}
	if pad := strings.IndexByte(code, olcPadding); pad >= 0 {
		if sep < olcSepPos || pad == 0 || pad%2 == 1 || sep != n-1 {
			return false
		}
		if strings.Trim(code[pad:sep], string(olcPadding)) != "" {
			return false
		}
		code = code[:pad] + code[sep:]
	}
	if n-sep-1 == 1 {
		return false
	}
	for i := 0; i < len(code); i++ {
		if code[i] != olcSeparator && olcValue(code[i]) < 0 {
			return false
		}
	}
	return true
}

// IsShortOLC reports whether code is a valid short plus code: fewer than eight digits before
// the separator, to be recovered from a reference point with RecoverNearestOLC.
func IsShortOLC(code string) bool {
	return IsValidOLC(code) && strings.IndexByte(code, olcSeparator) < olcSepPos
}

// IsFullOLC reports whether code is a valid full plus code whose first digits name a latitude
// below 90 and a longitude below 180.
func IsFullOLC(code string) bool {
	if !IsValidOLC(code) || IsShortOLC(code) {
		return false
	}
	return olcValue(code[0])*20 < 180 && olcValue(code[1])*20 < 360
}
