package ingest

import (
	"io"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"
)

// TestRejectsRoundTrip: a rejects file reads back as the features it was given, attributes,
// geometry in the same CRS, and the reasons in ProblemsField, so that it imports again.
func TestRejectsRoundTrip(t *testing.T) {
	feats := []RejectedFeature{
		{N: 2, Props: map[string]string{"so_nha": "12", "duong": "Ðồng Khởi"}, Geom: orb.Point{603697.76, 1192284.9}, SRID: 9210,
			Problems: []Problem{{Field: "street", Problem: UnknownStreet, Detail: "no street named 'Ðồng Khởi'", Action: Refused}, {Problem: Implausible, Action: Warning}}},
		{N: 5, Props: map[string]string{"so_nha": "14"}, Geom: orb.Polygon{{{600000, 1192000}, {600010, 1192000}, {600010, 1192010}, {600000, 1192000}}}, SRID: 9210,
			Problems: []Problem{{Field: "geometry", Problem: InvalidGeometry, Detail: "Self-intersection", Action: Refused}}},
	}
	for _, name := range []string{"r.geojson", "r.csv"} {
		path := filepath.Join(t.TempDir(), name)
		w, err := NewRejectsWriter(path, 9210, []string{"so_nha", "duong"})
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range feats {
			if err := w.Write(f); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		srid := 0
		if name == "r.csv" {
			srid = 9210 // a CSV cannot say its CRS
		}
		r, err := Open(path, Options{SRID: srid})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if r.Source().SRID != 9210 && name == "r.geojson" {
			t.Errorf("%s: CRS %d", name, r.Source().SRID)
		}
		for i := 0; ; i++ {
			rec, err := r.Next()
			if err == io.EOF {
				if i != len(feats) {
					t.Errorf("%s: %d features", name, i)
				}
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			want := feats[i]
			if rec.Props["so_nha"] != want.Props["so_nha"] || rec.Props[ProblemsField] != CleanText(Reasons(want.Problems)) || rec.Props[ProblemsField] == "" {
				t.Errorf("%s feature %d: %v", name, i, rec.Props)
			}
			if !orb.Equal(rec.Geom, want.Geom) {
				t.Errorf("%s feature %d: geometry %v, want %v", name, i, rec.Geom, want.Geom)
			}
		}
		r.Close()
	}
	if Reasons(feats[0].Problems) != "street: unknown_street: no street named 'Ðồng Khởi'" {
		t.Errorf("reasons %q: only the refused problems, field first", Reasons(feats[0].Problems))
	}
}
