package ingest

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// maxFuzzRecords bounds the records read of one input.
const maxFuzzRecords = 1000

// FuzzCSV reads arbitrary bytes as a CSV import file, with and without a CRS given. Whatever
// the bytes, reading never panics, every error says it comes from ingest, and every record
// is one the database can store: see checkRecords. Seeds: testdata/fuzz/FuzzCSV.
func FuzzCSV(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte, srid bool) {
		src := Source{File: "f.csv", Format: FormatCSV}
		if srid {
			src.SRID = 9210
		}
		r, err := newCSV(bytes.NewReader(data), src)
		if err != nil {
			checkIngestError(t, err)
			return
		}
		checkRecords(t, r)
	})
}

// FuzzGeoJSON reads arbitrary bytes as a GeoJSON import file (a FeatureCollection, a
// Feature, a text sequence), with the properties of FuzzCSV. Seeds: testdata/fuzz/FuzzGeoJSON.
func FuzzGeoJSON(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := newGeoJSON(bytes.NewReader(data), Source{File: "f.geojson", Format: FormatGeoJSON})
		if err != nil {
			checkIngestError(t, err)
			return
		}
		checkRecords(t, r)
	})
}

// checkIngestError asserts err is one of ingest's: wrapped with its prefix, or ErrNeedCRS.
func checkIngestError(t *testing.T, err error) {
	t.Helper()
	if !strings.HasPrefix(err.Error(), "ingest: ") && !errors.Is(err, ErrNeedCRS) {
		t.Fatalf("error not from ingest: %v", err)
	}
}

// checkRecords reads r to its end (or an error) and asserts each record: numbered from 1 in
// order; property names and values, and the id, are UTF-8 text in NFC without NUL (which
// PostgreSQL cannot store), values not empty; a geometry is one checkGeometry passes (finite
// coordinates, closed rings, lines of two points), and a missing one is explained by a refused
// problem; the CRS is known once a geometry is read.
func checkRecords(t *testing.T, r Reader) {
	t.Helper()
	for n := 1; n <= maxFuzzRecords; n++ {
		rec, err := r.Next()
		if err == io.EOF {
			return
		}
		if err != nil {
			checkIngestError(t, err)
			return
		}
		if rec.N != n {
			t.Fatalf("record %d numbered %d", n, rec.N)
		}
		if !storable(rec.ID) {
			t.Fatalf("record %d: id %q is not storable text", n, rec.ID)
		}
		for k, v := range rec.Props {
			if !storable(k) || !storable(v) || v == "" || !norm.NFC.IsNormalString(v) {
				t.Fatalf("record %d: property %q = %q is not storable text in NFC", n, k, v)
			}
		}
		refused := false
		for _, p := range rec.Problems {
			refused = refused || p.Action == Refused
			if p.Problem == "" || p.Detail == "" && p.Problem != NotUnicode {
				t.Fatalf("record %d: problem without code or detail: %+v", n, p)
			}
		}
		if rec.Geom != nil {
			if _, p := checkGeometry(rec.Geom); p != nil {
				t.Fatalf("record %d: geometry %v passed, yet %s", n, rec.Geom, p.Detail)
			}
		} else if !refused {
			t.Fatalf("record %d: no geometry and no refusal", n)
		}
		if rec.Geom != nil && r.Source().SRID == 0 {
			t.Fatalf("record %d: a geometry read with no CRS", n)
		}
	}
}

// storable reports whether s is UTF-8 without NUL, as PostgreSQL text must be.
func storable(s string) bool {
	return utf8.ValidString(s) && !strings.Contains(s, "\x00")
}
