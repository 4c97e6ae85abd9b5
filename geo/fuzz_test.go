package geo_test

import (
	"errors"
	"math"
	"strings"
	"testing"

	"bandoso/geo"
)

// FuzzOLCRoundTrip checks that the area of a point's code holds the point (latitude clipped,
// longitude normalized), within 1e-12 degrees, or a few units in the last place of a large
// longitude, for points a rounding error away from a cell edge.
func FuzzOLCRoundTrip(f *testing.F) {
	f.Add(10.7769, 106.7009, 10)
	f.Add(90.0, 180.0, 15)
	f.Add(-90.0, -180.0, 2)
	f.Add(20.3701135, 2.78223535156, 13)
	f.Add(129.7, -64.23, 11)
	f.Add(-0.0, 540.0, 8)
	f.Add(1e300, -1e300, 14)
	f.Fuzz(func(t *testing.T, lat, lng float64, length int) {
		code, err := geo.EncodeOLC(lat, lng, length)
		if err != nil {
			return
		}
		a, err := geo.DecodeOLC(code)
		if err != nil {
			t.Fatalf("EncodeOLC(%v, %v, %d) = %q, which does not decode: %v", lat, lng, length, code, err)
		}
		const eps = 1e-12
		lat = math.Max(-90, math.Min(90, lat))
		if lat < a.LatLo-eps || lat > a.LatHi+eps || (lat > a.LatHi && a.LatHi < 90) {
			t.Fatalf("%q: latitude %v outside [%v, %v)", code, lat, a.LatLo, a.LatHi)
		}
		lngEps := eps + math.Abs(lng)*1e-15
		lng = math.Mod(lng, 360) // exact; then try the turn either side
		for _, l := range []float64{lng, lng - 360, lng + 360} {
			if l >= a.LngLo-lngEps && l < a.LngHi+lngEps {
				return
			}
		}
		t.Fatalf("%q: longitude %v outside [%v, %v)", code, lng, a.LngLo, a.LngHi)
	})
}

// FuzzOLCParse feeds any string to the validators and decoders: no panics, a valid code is
// short or full but not both, and a full code's area re-encodes to the code.
func FuzzOLCParse(f *testing.F) {
	for _, s := range []string{
		"8FWC2345+G6", "8fwc2345+", "84000000+", "+G6", "G+", "+", "8FWC2η45+G6",
		"8FWC2345+G6+", "849VGJQF+VX7QR3JW", "CFX22222+22", "7P28QPG4+4P", "", "0+", "22+",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		valid, short, full := geo.IsValidOLC(s), geo.IsShortOLC(s), geo.IsFullOLC(s)
		if short && full || (short || full) && !valid {
			t.Fatalf("%q: valid %v, short %v, full %v", s, valid, short, full)
		}
		if rec, err := geo.RecoverNearestOLC(s, 10.7769, 106.7009); err == nil && !geo.IsFullOLC(rec) {
			t.Fatalf("RecoverNearestOLC(%q) = %q, not a full code", s, rec)
		}
		if sh, err := geo.ShortenOLC(s, 10.7769, 106.7009); err == nil && !geo.IsValidOLC(sh) {
			t.Fatalf("ShortenOLC(%q) = %q, not a valid code", s, sh)
		}
		a, err := geo.DecodeOLC(s)
		if (err == nil) != full {
			t.Fatalf("DecodeOLC(%q): %v, but full is %v", s, err, full)
		}
		if err != nil {
			return
		}
		lat, lng := a.Center()
		code, err := geo.EncodeOLC(lat, lng, a.Len)
		want := strings.ToUpper(s)
		if i := strings.IndexByte(want, '+'); len(want) > i+8 {
			want = want[:i+8] // digits past the fifteenth are ignored
		}
		if err != nil || code != want {
			t.Fatalf("DecodeOLC(%q) = %+v, re-encoded as %q, %v", s, a, code, err)
		}
	})
}

// FuzzParseRegistryCode: no panics; an accepted code has 12 digits whose check holds and whose
// serial re-encodes to them; a rejected one names one of the three faults.
func FuzzParseRegistryCode(f *testing.F) {
	for _, s := range []string{"0000 0000 5724", "1234-5678-9012", "000000005724", "", " ", "-1", "0000 0000 5725", "１２"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		serial, err := geo.ParseRegistryCode(s)
		if err != nil {
			if !errors.Is(err, geo.ErrRegistryCodeChar) && !errors.Is(err, geo.ErrRegistryCodeLength) && !errors.Is(err, geo.ErrRegistryCodeCheck) {
				t.Fatalf("ParseRegistryCode(%q): unexpected error %v", s, err)
			}
			return
		}
		code, err := geo.RegistryCode(serial)
		if err != nil || geo.FormatRegistryCode(code) != geo.FormatRegistryCode(s) {
			t.Fatalf("ParseRegistryCode(%q) = %d, which encodes to %q, %v", s, serial, code, err)
		}
		if _, err := geo.ParseNationalAddressCode(s); err == nil {
			t.Fatalf("%q reads as both a registry and a national code", s)
		}
	})
}

// FuzzParseCRS: a CRS is accepted only as one of CRSs, and its URI names it again: the crs
// and bbox-crs parameters read back what the collections list. Seeds:
// testdata/fuzz/FuzzParseCRS.
func FuzzParseCRS(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		c, ok := geo.ParseCRS(s)
		if !ok {
			return
		}
		known := false
		for _, k := range geo.CRSs {
			known = known || k == c
		}
		again, ok := geo.ParseCRS(c.URI)
		if !known || !ok || again != c {
			t.Fatalf("%q read as %+v, whose URI reads as %+v, %v", s, c, again, ok)
		}
	})
}
