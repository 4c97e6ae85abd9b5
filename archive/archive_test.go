package archive_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/paulmach/orb"
	"github.com/protomaps/go-pmtiles/pmtiles"

	"bandoso/archive"
	"bandoso/geo"
)

// fakeTiles makes a tile of its z/x/y text for most tiles, the same "sea" tile for every
// tile whose x is a multiple of 3, and no tile (empty) where x+y is a multiple of 5.
func fakeTiles(ctx context.Context, t geo.Tile) ([]byte, error) {
	switch {
	case (t.X+t.Y)%5 == 0:
		return nil, nil
	case t.X%3 == 0:
		return gz("sea"), nil
	}
	return gz(t.String()), nil
}

func gz(s string) []byte {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.Bytes()
}

var (
	box  = orb.Bound{Min: orb.Point{106.60, 10.70}, Max: orb.Point{106.80, 10.85}}
	meta = archive.Metadata{Name: "test", Attribution: "bandoso test", Bounds: box, Center: box.Center(), CenterZoom: 12,
		MinZoom: 10, MaxZoom: 14, VectorLayers: []archive.VectorLayer{{ID: "parcels", MinZoom: 10, MaxZoom: 14, Fields: map[string]string{"land_use": "String"}}}}
)

// TestExportReadBack: every tile of the plan reads back from both formats as made, empty
// ones are absent, equal ones stored once, and the metadata survives.
func TestExportReadBack(t *testing.T) {
	plan := archive.BoundPlan(box, 10, 14)
	for _, ext := range []string{"pmtiles", "mbtiles"} {
		t.Run(ext, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "a."+ext)
			st, err := archive.Export(context.Background(), path, plan, meta, fakeTiles, archive.Options{Workers: 3})
			if err != nil {
				t.Fatal(err)
			}
			checkArchive(t, path, plan)
			wantTiles, sea := 0, 0
			for _, tile := range plan {
				if b, _ := fakeTiles(nil, tile); b != nil {
					wantTiles++
					if tile.X%3 == 0 {
						sea++
					}
				}
			}
			if st.Tiles != wantTiles || st.Unique != wantTiles-sea+1 || sea < 2 {
				t.Errorf("stats %+v: want %d tiles, %d unique (%d sea tiles stored once)", st, wantTiles, wantTiles-sea+1, sea)
			}
		})
	}
}

// checkArchive reads every tile of plan from the archive at path and compares it with
// what fakeTiles makes, and the metadata with meta.
func checkArchive(t *testing.T, path string, plan archive.Plan) {
	t.Helper()
	r, err := archive.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for _, tile := range plan {
		want, _ := fakeTiles(nil, tile)
		got, err := r.Tile(int(tile.Z), int(tile.X), int(tile.Y))
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("tile %s: %q, %v; want %q", tile, got, err, want)
		}
	}
	m := r.Metadata()
	if m.Name != meta.Name || m.MinZoom != 10 || m.MaxZoom != 14 || len(m.VectorLayers) != 1 || m.VectorLayers[0].Fields["land_use"] != "String" ||
		m.Attribution != meta.Attribution || !near(m.Bounds.Min, box.Min) || !near(m.Bounds.Max, box.Max) || m.CenterZoom != 12 {
		t.Errorf("metadata %+v, want %+v", m, meta)
	}
}

func near(a, b orb.Point) bool { return abs(a[0]-b[0]) < 1e-6 && abs(a[1]-b[1]) < 1e-6 }
func abs(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}

// TestPMTilesRunLength: with go-pmtiles' own reading of the directories, a run of equal
// tiles is one entry, and every addressed tile is there.
func TestPMTilesRunLength(t *testing.T) {
	plan := archive.BoundPlan(box, 14, 14)
	path := filepath.Join(t.TempDir(), "sea.pmtiles")
	sea := func(context.Context, geo.Tile) ([]byte, error) { return gz("sea"), nil }
	if _, err := archive.Export(context.Background(), path, plan, meta, sea, archive.Options{}); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	h, err := pmtiles.DeserializeHeader(raw[:pmtiles.HeaderV3LenBytes])
	if err != nil {
		t.Fatal(err)
	}
	var entries []pmtiles.EntryV3
	fetch := func(off, n uint64) ([]byte, error) { return raw[off : off+n], nil }
	if err := pmtiles.IterateEntries(h, fetch, func(e pmtiles.EntryV3) { entries = append(entries, e) }); err != nil {
		t.Fatal(err)
	}
	addressed := 0
	for _, e := range entries {
		addressed += int(e.RunLength)
	}
	if h.TileContentsCount != 1 || addressed != len(plan) || len(entries) >= len(plan) || h.AddressedTilesCount != uint64(len(plan)) {
		t.Errorf("%d tiles of one content in %d entries addressing %d; header %+v", len(plan), len(entries), addressed, h)
	}
}

// exportHalf runs an export of plan to path that is cancelled halfway.
func exportHalf(t *testing.T, path string, plan archive.Plan) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var made atomic.Int64
	stopping := func(ctx context.Context, tile geo.Tile) ([]byte, error) {
		if made.Add(1) == int64(len(plan)/2) {
			cancel()
		}
		return fakeTiles(ctx, tile)
	}
	if _, err := archive.Export(ctx, path, plan, meta, stopping, archive.Options{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled export: %v, want context.Canceled", err)
	}
}

// TestExportResumes: an export cancelled midway, then run again, gives the whole archive
// without making again the tiles it had; PMTiles leaves no file at the path meanwhile.
func TestExportResumes(t *testing.T) {
	plan := archive.BoundPlan(box, 10, 16)
	if len(plan) < 3*256 {
		t.Fatalf("plan of %d tiles: too small to cancel midway", len(plan))
	}
	for _, ext := range []string{"pmtiles", "mbtiles"} {
		t.Run(ext, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "a."+ext)
			exportHalf(t, path, plan)
			if _, err := archive.Open(path); err == nil {
				t.Fatalf("an unfinished export opens")
			}
			var made atomic.Int64
			counting := func(ctx context.Context, tile geo.Tile) ([]byte, error) {
				made.Add(1)
				return fakeTiles(ctx, tile)
			}
			st, err := archive.Export(context.Background(), path, plan, meta, counting, archive.Options{})
			if err != nil {
				t.Fatal(err)
			}
			checkArchive(t, path, plan)
			if st.Resumed == 0 || int(made.Load()) != len(plan)-st.Resumed {
				t.Errorf("resumed %d of %d, made %d tiles again", st.Resumed, len(plan), made.Load())
			}
			left, _ := filepath.Glob(path + ".*")
			if len(left) > 0 {
				t.Errorf("files left beside the archive: %v", left)
			}
		})
	}
}

// TestDir: a folder's archives by name, one added later found, a bad file left out.
func TestDir(t *testing.T) {
	dir := t.TempDir()
	plan := archive.BoundPlan(box, 10, 11)
	if _, err := archive.Export(context.Background(), filepath.Join(dir, "one.pmtiles"), plan, meta, fakeTiles, archive.Options{}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "broken.mbtiles"), []byte("not sqlite"), 0o644); err != nil {
		t.Fatal(err)
	}
	d, err := archive.OpenDir(dir, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if _, err := archive.Export(context.Background(), filepath.Join(dir, "two.mbtiles"), plan, meta, fakeTiles, archive.Options{}); err != nil {
		t.Fatal(err)
	}
	list, err := d.List()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, a := range list {
		names = append(names, fmt.Sprint(a.Name, ".", a.Format))
	}
	if fmt.Sprint(names) != "[one.pmtiles two.mbtiles]" {
		t.Errorf("archives %v, want one.pmtiles and two.mbtiles", names)
	}
	if _, err := d.Get("three"); !errors.Is(err, archive.ErrNotFound) {
		t.Errorf("Get(three): %v, want ErrNotFound", err)
	}
}

// TestPMTilesResumesAfterACrash: a PMTiles export that died mid-batch, its data file holding
// bytes past the last checkpoint and its journal a line cut short, resumes to the whole
// archive.
func TestPMTilesResumesAfterACrash(t *testing.T) {
	plan := archive.BoundPlan(box, 10, 16)
	path := filepath.Join(t.TempDir(), "a.pmtiles")
	exportHalf(t, path, plan)
	for name, junk := range map[string]string{".data.tmp": "bytes of tiles never recorded", ".journal.tmp": `{"done": 99999, "offs`} {
		f, err := os.OpenFile(path+name, os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		f.WriteString(junk)
		f.Close()
	}
	st, err := archive.Export(context.Background(), path, plan, meta, fakeTiles, archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if st.Resumed == 0 || st.Resumed >= len(plan) {
		t.Errorf("resumed after %d of %d tiles", st.Resumed, len(plan))
	}
	checkArchive(t, path, plan)
}
