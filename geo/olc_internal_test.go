package geo

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The official conformance vectors of the Open Location Code specification, copied into
// testdata/olc with their SOURCE.md (Apache License 2.0). Every row of every file must pass.

// olcRows reads a vector file: comma-separated rows, lines starting with # are comments.
func olcRows(t *testing.T, name string, fields int) [][]string {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "olc", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rows [][]string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		row := strings.Split(line, ",")
		if len(row) != fields {
			t.Fatalf("%s: %q has %d fields, want %d", name, line, len(row), fields)
		}
		rows = append(rows, row)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(rows) == 0 {
		t.Fatalf("%s: no vectors", name)
	}
	return rows
}

func num(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func integer(t *testing.T, s string) int64 {
	t.Helper()
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// encoding.csv: latitude, longitude, their integer forms, length, code (empty: an error).
func TestOLCEncodingVectors(t *testing.T) {
	rows := olcRows(t, "encoding.csv", 6)
	passed := 0
	for _, r := range rows {
		lat, lng := num(t, r[0]), num(t, r[1])
		if got, want := olcLatInt(lat), integer(t, r[2]); got != want {
			t.Errorf("latitude %s as integer = %d, want %d", r[0], got, want)
			continue
		}
		if got, want := olcLngInt(lng), integer(t, r[3]); got != want {
			t.Errorf("longitude %s as integer = %d, want %d", r[1], got, want)
			continue
		}
		code, err := EncodeOLC(lat, lng, int(integer(t, r[4])))
		if r[5] == "" {
			if err == nil {
				t.Errorf("EncodeOLC(%s, %s, %s) = %q, want an error", r[0], r[1], r[4], code)
				continue
			}
		} else if err != nil || code != r[5] {
			t.Errorf("EncodeOLC(%s, %s, %s) = %q, %v; want %q", r[0], r[1], r[4], code, err, r[5])
			continue
		}
		passed++
	}
	t.Logf("encoding.csv: %d of %d vectors passed", passed, len(rows))
}

// decoding.csv: code, length, latLo, lngLo, latHi, lngHi.
func TestOLCDecodingVectors(t *testing.T) {
	rows := olcRows(t, "decoding.csv", 6)
	passed := 0
	for _, r := range rows {
		a, err := DecodeOLC(r[0])
		if err != nil {
			t.Errorf("DecodeOLC(%q): %v", r[0], err)
			continue
		}
		// The expected edges are written to at most 11 decimals.
		const eps = 1e-10
		ok := a.Len == int(integer(t, r[1]))
		for i, got := range []float64{a.LatLo, a.LngLo, a.LatHi, a.LngHi} {
			if d := got - num(t, r[2+i]); d > eps || d < -eps {
				ok = false
			}
		}
		if !ok {
			t.Errorf("DecodeOLC(%q) = %+v, want length %s, %s %s %s %s", r[0], a, r[1], r[2], r[3], r[4], r[5])
			continue
		}
		lat, lng := a.Center()
		if !(a.LatLo <= lat && lat <= a.LatHi && a.LngLo <= lng && lng <= a.LngHi) {
			t.Errorf("DecodeOLC(%q): centre %v, %v outside the area", r[0], lat, lng)
			continue
		}
		passed++
	}
	t.Logf("decoding.csv: %d of %d vectors passed", passed, len(rows))
}

// shortCodeTests.csv: full code, reference latitude, longitude, short code, and whether the row
// tests shortening (S), recovery (R) or both (B).
func TestOLCShortCodeVectors(t *testing.T) {
	rows := olcRows(t, "shortCodeTests.csv", 5)
	passed := 0
	for _, r := range rows {
		full, lat, lng, short, kind := r[0], num(t, r[1]), num(t, r[2]), r[3], r[4]
		ok := true
		if kind == "S" || kind == "B" {
			got, err := ShortenOLC(full, lat, lng)
			if err != nil || got != short {
				t.Errorf("ShortenOLC(%q, %s, %s) = %q, %v; want %q", full, r[1], r[2], got, err, short)
				ok = false
			}
		}
		if kind == "R" || kind == "B" {
			got, err := RecoverNearestOLC(short, lat, lng)
			if err != nil || got != full {
				t.Errorf("RecoverNearestOLC(%q, %s, %s) = %q, %v; want %q", short, r[1], r[2], got, err, full)
				ok = false
			}
		}
		if ok {
			passed++
		}
	}
	t.Logf("shortCodeTests.csv: %d of %d vectors passed", passed, len(rows))
}

// validityTests.csv: code, isValid, isShort, isFull.
func TestOLCValidityVectors(t *testing.T) {
	rows := olcRows(t, "validityTests.csv", 4)
	passed := 0
	for _, r := range rows {
		got := [3]bool{IsValidOLC(r[0]), IsShortOLC(r[0]), IsFullOLC(r[0])}
		want := [3]bool{r[1] == "true", r[2] == "true", r[3] == "true"}
		if got != want {
			t.Errorf("%q: valid, short, full = %v, want %v", r[0], got, want)
			continue
		}
		passed++
	}
	t.Logf("validityTests.csv: %d of %d vectors passed", passed, len(rows))
}
