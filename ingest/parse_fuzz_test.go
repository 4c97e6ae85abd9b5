package ingest

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"bandoso/geo"
)

// FuzzParseCRS (the import's crs field and --crs): an accepted CRS is one the service
// supports, and its bare code reads as the same SRID. Seeds: testdata/fuzz/FuzzParseCRS.
func FuzzParseCRS(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		srid, ok := ParseCRS(s)
		if !ok {
			return
		}
		if !slices.ContainsFunc(geo.CRSs, func(c geo.CRS) bool { return c.SRID == srid }) {
			t.Fatalf("%q read as unsupported SRID %d", s, srid)
		}
		if again, ok := ParseCRS(fmt.Sprint(srid)); !ok || again != srid {
			t.Fatalf("%q read as %d, which reads as %d, %v", s, srid, again, ok)
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
