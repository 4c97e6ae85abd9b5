package api

import (
	"errors"
	"fmt"
	"math"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb/geojson"
)

// The fuzz tests of the query parameter and body parsers. Seeds: testdata/fuzz/<name>.

// paramErrorOf asserts err is a *ParamError naming param.
func paramErrorOf(t *testing.T, err error, param string) {
	t.Helper()
	var pe *ParamError
	if !errors.As(err, &pe) || pe.Param != param || pe.Reason == "" {
		t.Fatalf("error %v (%T), want a ParamError naming %s", err, err, param)
	}
}

// FuzzParseBBox: an accepted bbox is four finite numbers, lower corner first, that read the
// same again when written back; the text had four comma-separated decimal numbers.
func FuzzParseBBox(f *testing.F) {
	f.Fuzz(func(t *testing.T, v string) {
		b, err := parseBBox(v)
		if err != nil {
			return
		}
		if strings.Count(v, ",") != 3 {
			t.Fatalf("%q accepted as %v without four values", v, b)
		}
		for _, x := range []float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]} {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				t.Fatalf("%q accepted as %v", v, b)
			}
		}
		if b.Min[0] > b.Max[0] || b.Min[1] > b.Max[1] {
			t.Fatalf("%q accepted with its corners crossed: %v", v, b)
		}
		again, err := parseBBox(fmt.Sprintf("%s,%s,%s,%s", ftoa(b.Min[0]), ftoa(b.Min[1]), ftoa(b.Max[0]), ftoa(b.Max[1])))
		if err != nil || again != b {
			t.Fatalf("%q read as %v, written back read as %v, %v", v, b, again, err)
		}
	})
}

func ftoa(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

// FuzzParseNumber: an accepted number is finite, written in decimal digits, signs, a point
// and an exponent only, and is what strconv.ParseFloat reads.
func FuzzParseNumber(f *testing.F) {
	f.Fuzz(func(t *testing.T, v string) {
		x, ok := parseNumber(v)
		if !ok {
			return
		}
		p, err := strconv.ParseFloat(v, 64)
		if err != nil || p != x || math.IsInf(x, 0) || math.IsNaN(x) || strings.Trim(v, "0123456789+-.eE") != "" {
			t.Fatalf("%q accepted as %v (ParseFloat %v, %v)", v, x, p, err)
		}
	})
}

// FuzzParseDatetime: an instant is one time, both ends; an interval has an open end only
// where written as ".." or nothing, never both, and does not end before it starts; each end
// is the time its text names, read again from RFC 3339. A refusal returns no times.
func FuzzParseDatetime(f *testing.F) {
	f.Fuzz(func(t *testing.T, v string) {
		from, to, err := parseDatetime(v)
		if err != nil {
			if from != nil || to != nil {
				t.Fatalf("%q refused (%v) with times %v, %v", v, err, from, to)
			}
			return
		}
		a, b, interval := strings.Cut(v, "/")
		switch {
		case !interval && (from == nil || to == nil || !from.Equal(*to)):
			t.Fatalf("instant %q read as %v, %v", v, from, to)
		case interval && (from == nil) != (a == "" || a == ".."), interval && (to == nil) != (b == "" || b == ".."):
			t.Fatalf("interval %q read as %v, %v", v, from, to)
		case from == nil && to == nil:
			t.Fatalf("%q accepted with both ends open", v)
		case from != nil && to != nil && to.Before(*from):
			t.Fatalf("%q ends before it starts: %v, %v", v, from, to)
		}
		for _, end := range []*time.Time{from, to} {
			if end == nil {
				continue
			}
			again, err := time.Parse(time.RFC3339Nano, end.Format(time.RFC3339Nano))
			if err != nil || !again.Equal(*end) {
				t.Fatalf("%q: %v does not read back: %v, %v", v, end, again, err)
			}
		}
	})
}

// FuzzParseCursor: an accepted cursor has one value per sort key, each UTF-8 text without
// NUL as a column holds, and is the cursor
// formatCursor writes for it: the next and prev links carry what the parameter read.
func FuzzParseCursor(f *testing.F) {
	f.Fuzz(func(t *testing.T, v string, keys uint8) {
		n := int(keys % 4)
		c, err := parseCursor(v, n)
		if err != nil {
			return
		}
		if len(c.Values) != n {
			t.Fatalf("%q with %d keys read as %d values", v, n, len(c.Values))
		}
		for _, x := range c.Values {
			if x != nil && !plainText(*x) {
				t.Fatalf("%q read as a value %q the database cannot compare", v, *x)
			}
		}
		again, err := parseCursor(formatCursor(c), n)
		if err != nil || again.ID != c.ID || fmt.Sprint(derefs(again.Values)) != fmt.Sprint(derefs(c.Values)) {
			t.Fatalf("%q read as %+v; written as %q, read back as %+v, %v", v, c, formatCursor(c), again, err)
		}
	})
}

func derefs(vs []*string) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		if v == nil {
			out[i] = "<nil>"
		} else {
			out[i] = strconv.Quote(*v)
		}
	}
	return out
}

// FuzzCheckGeoJSON (the geometry of POST /v1/parcels/query): a refusal is a 400 naming
// geometry; an accepted geometry decodes, has coordinates, and every position is a longitude
// and latitude, so PostGIS never sees an open ring, a one-point line or NaN.
func FuzzCheckGeoJSON(f *testing.F) {
	f.Fuzz(func(t *testing.T, raw []byte) {
		out, err := checkGeoJSON(raw)
		if err != nil {
			paramErrorOf(t, err, paramGeometry)
			return
		}
		g, err := geojson.UnmarshalGeometry(out)
		if err != nil || g.Coordinates == nil && len(g.Geometries) == 0 {
			t.Fatalf("%s accepted: %v", raw, err)
		}
		if err := checkGeometry(g.Geometry()); err != nil {
			t.Fatalf("%s accepted, yet %v", raw, err)
		}
	})
}

// FuzzParseParcelCode: an accepted code is 12 digits, and the ward, sheet and parcel it
// reads write it again; a refusal names code.
func FuzzParseParcelCode(f *testing.F) {
	f.Fuzz(func(t *testing.T, c string) {
		k, err := parseParcelCode(c)
		if err != nil {
			paramErrorOf(t, err, paramCode)
			return
		}
		if k.Sheet < 1 || k.Number < 1 || fmt.Sprintf("%s%03d%04d", k.Ward, k.Sheet, k.Number) != c {
			t.Fatalf("%q read as %+v", c, k)
		}
	})
}

// FuzzAsOf: as_of is refused naming it, or read as a time from 1900 to now (nil for now).
func FuzzAsOf(f *testing.F) {
	f.Fuzz(func(t *testing.T, raw string) {
		r := httptest.NewRequest("GET", "/?"+url.Values{paramAsOf: {raw}}.Encode(), nil)
		at, err := asOf(r)
		if err != nil {
			paramErrorOf(t, err, paramAsOf)
			return
		}
		if at != nil && (at.Year() < 1900 || at.After(time.Now())) {
			t.Fatalf("%q read as %v", raw, at)
		}
	})
}
