package ingest

import (
	"fmt"
	"maps"
	"strings"
	"testing"
)

// FuzzParseCRS (the import's crs field and --crs): an accepted CRS is a positive EPSG code,
// and its bare code and its EPSG: and URN forms read as the same SRID. Seeds:
// testdata/fuzz/FuzzParseCRS.
func FuzzParseCRS(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		srid, ok := ParseCRS(s)
		if !ok {
			return
		}
		if srid <= 0 {
			t.Fatalf("%q read as SRID %d", s, srid)
		}
		for _, form := range []string{fmt.Sprint(srid), fmt.Sprintf("EPSG:%d", srid), fmt.Sprintf("urn:ogc:def:crs:EPSG::%d", srid)} {
			if again, ok := ParseCRS(form); !ok || again != srid {
				t.Fatalf("%q read as %d, but %q reads as %d, %v", s, srid, form, again, ok)
			}
		}
	})
}

// FuzzParseKeyValues (the import's map and set fields, --map and --set): accepted pairs have
// trimmed, non-empty targets and trimmed values, and written back as target=value pairs read
// as the same map. Seeds: testdata/fuzz/FuzzParseKeyValues.
func FuzzParseKeyValues(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		m := map[string]string{}
		if ParseKeyValues(s, m) != nil {
			return
		}
		var pairs []string
		for k, v := range m {
			if k == "" || k != strings.TrimSpace(k) || v != strings.TrimSpace(v) {
				t.Fatalf("%q read as %q=%q", s, k, v)
			}
			pairs = append(pairs, k+"="+v)
		}
		again := map[string]string{}
		if err := ParseKeyValues(strings.Join(pairs, ","), again); err != nil || !maps.Equal(m, again) {
			t.Fatalf("%q read as %v; written back read as %v, %v", s, m, again, err)
		}
	})
}
