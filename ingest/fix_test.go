package ingest

import (
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"
)

// TestFix: without --fix a ring that is not closed is refused and kept raw for the rejects
// file; with it the ring is closed and repeated points go, each repair said.
func TestFix(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f.geojson")
	data := `{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"n":"open"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]}},
{"type":"Feature","properties":{"n":"repeated"},"geometry":{"type":"LineString","coordinates":[[0,0],[0,0],[1,1],[1,1],[2,2]]}},
{"type":"Feature","properties":{"n":"hopeless"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,0]]]}},
{"type":"Feature","properties":{"n":"fine"},"geometry":{"type":"Point","coordinates":[1,2]}}]}`
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	read := func(fix bool) []Record {
		r, err := Open(path, Options{Fix: fix})
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		var out []Record
		for {
			rec, err := r.Next()
			if err == io.EOF {
				return out
			}
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, rec)
		}
	}
	actions := func(rec Record) (refused, repaired int) {
		for _, p := range rec.Problems {
			switch p.Action {
			case Refused:
				refused++
			case Repaired:
				repaired++
			}
		}
		return
	}
	plain := read(false)
	if plain[0].Geom != nil || plain[0].RawGeom == nil {
		t.Errorf("open ring without --fix: geom %v raw %v", plain[0].Geom, plain[0].RawGeom)
	}
	if ref, rep := actions(plain[0]); ref != 1 || rep != 0 {
		t.Errorf("open ring without --fix: %+v", plain[0].Problems)
	}
	if ref, rep := actions(plain[1]); ref != 0 || rep != 0 || len(plain[1].Geom.(orb.LineString)) != 5 {
		t.Errorf("repeated points without --fix: %+v %v", plain[1].Problems, plain[1].Geom)
	}

	fixed := read(true)
	ring := fixed[0].Geom.(orb.Polygon)[0]
	if len(ring) != 5 || ring[0] != ring[4] {
		t.Errorf("open ring with --fix: %v", ring)
	}
	if ref, rep := actions(fixed[0]); ref != 0 || rep != 1 || fixed[0].RawGeom != nil {
		t.Errorf("open ring with --fix: %+v", fixed[0].Problems)
	}
	if line := fixed[1].Geom.(orb.LineString); len(line) != 3 {
		t.Errorf("repeated points with --fix: %v", line)
	}
	if ref, rep := actions(fixed[1]); ref != 0 || rep != 1 {
		t.Errorf("repeated points with --fix: %+v", fixed[1].Problems)
	}
	if ref, _ := actions(fixed[2]); ref != 1 || fixed[2].Geom != nil {
		t.Errorf("a ring of two points cannot be repaired: %+v", fixed[2].Problems)
	}
	if ref, rep := actions(fixed[3]); ref != 0 || rep != 0 {
		t.Errorf("a good point: %+v", fixed[3].Problems)
	}
}
