package geo

import (
	"math"
	"strings"
)

// olcPairDegrees is the cell size in degrees after each pair of digits.
var olcPairDegrees = [olcPairLen / 2]float64{20, 1, 0.05, 0.0025, 0.000125}

// ShortenOLC drops the first four, six or eight digits of a full plus code when the reference
// point lat, lng is close enough to the code's centre for RecoverNearestOLC to bring them back
// from it: nearer than 0.3 of the cell those digits name (a safety margin under the half the
// specification allows, so that references a geocoder places a little apart still recover the
// same code). A code that cannot be shortened comes back whole, in upper case.
func ShortenOLC(code string, lat, lng float64) (string, error) {
	area, err := DecodeOLC(code)
	if err != nil {
		return "", err
	}
	if strings.IndexByte(code, olcPadding) >= 0 {
		return "", ErrOLCPadded
	}
	if math.IsNaN(lat) || math.IsNaN(lng) || math.IsInf(lng, 0) {
		return "", ErrOLCCoord
	}
	code = strings.ToUpper(code)
	cLat, cLng := area.Center()
	dist := math.Max(math.Abs(cLat-olcClipLat(lat)), math.Abs(cLng-olcNormLng(lng)))
	for i := len(olcPairDegrees) - 2; i >= 1; i-- {
		if dist < olcPairDegrees[i]*0.3 {
			return code[(i+1)*2:], nil
		}
	}
	return code, nil
}

// RecoverNearestOLC is the full plus code nearest the reference point lat, lng whose end is
// the short code short: the missing leading digits are taken from the reference, then the cell
// is moved by one step of those digits when that brings it nearer. A full code comes back as it
// is, in upper case.
func RecoverNearestOLC(short string, lat, lng float64) (string, error) {
	if !IsShortOLC(short) {
		if IsFullOLC(short) {
			return strings.ToUpper(short), nil
		}
		return "", ErrOLCNotShort
	}
	if math.IsNaN(lat) || math.IsNaN(lng) || math.IsInf(lng, 0) {
		return "", ErrOLCCoord
	}
	lat, lng = olcClipLat(lat), olcNormLng(lng)
	missing := olcSepPos - strings.IndexByte(short, olcSeparator)
	step := math.Pow(20, float64(2-missing/2)) // the size of the cell the missing digits name
	ref, err := EncodeOLC(lat, lng, olcPairLen)
	if err != nil {
		return "", err
	}
	area, err := DecodeOLC(ref[:missing] + strings.ToUpper(short))
	if err != nil {
		return "", err
	}
	cLat, cLng := area.Center()
	// The reference may sit near an edge of its cell, with the code's nearest match in the
	// neighbouring one; never step past a pole.
	switch {
	case lat+step/2 < cLat && cLat-step >= -90:
		cLat -= step
	case lat-step/2 > cLat && cLat+step <= 90:
		cLat += step
	}
	switch {
	case lng+step/2 < cLng:
		cLng -= step
	case lng-step/2 > cLng:
		cLng += step
	}
	return EncodeOLC(cLat, cLng, area.Len)
}

// olcClipLat clips a latitude to [-90, 90].
func olcClipLat(lat float64) float64 { return math.Max(-90, math.Min(90, lat)) }

// olcNormLng brings a longitude into [-180, 180).
func olcNormLng(lng float64) float64 {
	lng = math.Mod(lng+180, 360)
	if lng < 0 {
		lng += 360
	}
	return lng - 180
}
