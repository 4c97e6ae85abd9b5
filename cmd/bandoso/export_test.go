package main_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/protomaps/go-pmtiles/pmtiles"

	"bandoso/archive"
	"bandoso/store/storetest"
)

// storedTile is one tile read from an archive, by z/x/y.
type storedTile struct {
	z, x, y int
	data    []byte
}

// readPMTiles reads every tile of a PMTiles file with go-pmtiles' own directory reading.
func readPMTiles(t *testing.T, path string) (tiles []storedTile, contents uint64) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	h, err := pmtiles.DeserializeHeader(raw[:pmtiles.HeaderV3LenBytes])
	if err != nil {
		t.Fatal(err)
	}
	fetch := func(off, n uint64) ([]byte, error) { return raw[off : off+n], nil }
	err = pmtiles.IterateEntries(h, fetch, func(e pmtiles.EntryV3) {
		for i := range uint64(e.RunLength) {
			z, x, y := pmtiles.IDToZxy(e.TileID + i)
			at := h.TileDataOffset + e.Offset
			tiles = append(tiles, storedTile{int(z), int(x), int(y), raw[at : at+uint64(e.Length)]})
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	return tiles, h.TileContentsCount
}

// readMBTiles reads every tile of an MBTiles file with SQL, rows turned from TMS to XYZ.
func readMBTiles(t *testing.T, path string) (tiles []storedTile, contents uint64) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT zoom_level, tile_column, tile_row, tile_data FROM tiles`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var s storedTile
		if err := rows.Scan(&s.z, &s.x, &s.y, &s.data); err != nil {
			t.Fatal(err)
		}
		s.y = (1 << s.z) - 1 - s.y
		tiles = append(tiles, s)
	}
	if err := db.QueryRow(`SELECT count(*) FROM images`).Scan(&contents); err != nil {
		t.Fatal(err)
	}
	return tiles, contents
}

// fetchTile gets u asking for gzip, as a map client does, and returns the body as sent.
func fetchTile(t *testing.T, u string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	req.Header.Set("Accept-Encoding", "gzip") // set by hand: the transport then leaves the body gzipped
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res, body
}

// stopAtFirstBatch is a log sink that cancels an export once it reports its first batch.
type stopAtFirstBatch struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	cancel context.CancelFunc
}

func (s *stopAtFirstBatch) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if strings.Contains(string(p), "export: ") {
		s.cancel()
	}
	return s.buf.Write(p)
}

// TestExport exports a part of the demo city to PMTiles and MBTiles, each first interrupted
// after a batch and then run again, and checks every tile of each archive against what
// serve sends for it, byte for byte; that tiles serve sends are all there and identical
// ones stored once; and that serve --archives serves the archives as they are.
func TestExport(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := storetest.NewURL(t)
	vars := map[string]string{"DATABASE_URL": url}
	if err := newProgram(vars).run(ctx, "demo", "--size", "400"); err != nil {
		t.Fatal(err)
	}
	folder := t.TempDir()
	s := mustServe(t, vars, "--archives", folder, "--tile-cache-mb", "0", "--rate-limit", "0")
	_, _, tj := get(t, s.url+"/tiles/parcels.json")
	b, ok := tj["bounds"].([]any)
	if !ok || len(b) != 4 {
		t.Fatalf("parcels TileJSON bounds %v", tj["bounds"])
	}
	// The city with a margin around it: tiles enough for several batches, empty ones among them.
	box := orb.Bound{Min: orb.Point{b[0].(float64), b[1].(float64)}, Max: orb.Point{b[2].(float64), b[3].(float64)}}.Pad(0.03)
	bbox := fmt.Sprintf("%v,%v,%v,%v", box.Min[0], box.Min[1], box.Max[0], box.Max[1])

	for _, out := range []string{"centre-p.pmtiles", "centre-m.mbtiles"} {
		path := filepath.Join(folder, out)
		args := []string{"export", "--bbox", bbox, "--minzoom", "12", "--maxzoom", "17", "--out", path}
		// Interrupted after its first batch of tiles: nothing servable is left at the path.
		stopCtx, cancel := context.WithCancel(ctx)
		p := newProgram(vars)
		stop := &stopAtFirstBatch{cancel: cancel}
		p.env.Stderr = stop
		if err := p.run(stopCtx, args...); err == nil || !strings.Contains(err.Error(), "canceled") {
			t.Fatalf("%s: interrupted export: %v\n%s", out, err, stop.buf.String())
		}
		if _, err := archive.Open(path); err == nil {
			t.Fatalf("%s: an interrupted export opens as an archive", out)
		}
		again := newProgram(vars)
		if err := again.run(ctx, args...); err != nil {
			t.Fatalf("%s: %v\n%s", out, err, again.stderr)
		}
		t.Logf("%s: %s", out, again.stdout)
		if !strings.Contains(again.stdout.String(), "resumed after") {
			t.Errorf("%s: the second run did not resume: %s", out, again.stdout)
		}
		checkArchiveZooms(t, s.url, path, box, 12, 17)
	}
	checkServedArchives(t, s.url, folder)
	checkWardExport(t, url, s.url)
}

// checkWardExport exports one ward of the demo city: its tiles are live tiles, and fewer
// than its box holds when the ward is not a rectangle.
func checkWardExport(t *testing.T, dbURL, base string) {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var code string
	var w, south, e, n float64
	if err := conn.QueryRow(context.Background(), `SELECT code, ST_XMin(geom), ST_YMin(geom), ST_XMax(geom), ST_YMax(geom) FROM admin_units
		WHERE level = 'ward' AND valid_to IS NULL AND geom IS NOT NULL ORDER BY code LIMIT 1`).Scan(&code, &w, &south, &e, &n); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "ward.mbtiles")
	p := newProgram(map[string]string{"DATABASE_URL": dbURL})
	if err := p.run(context.Background(), "export", "--ward", code, "--minzoom", "14", "--maxzoom", "17", "--out", path); err != nil {
		t.Fatalf("export --ward %s: %v\n%s", code, err, p.stderr)
	}
	box := orb.Bound{Min: orb.Point{w, south}, Max: orb.Point{e, n}}
	checkArchiveZooms(t, base, path, box, 14, 17)
}

// checkArchive compares each tile of the archive at path with the live tile and checks
// that every non-empty live tile of the area is in it.
func checkArchiveZooms(t *testing.T, base, path string, box orb.Bound, minZ, maxZ int) {
	t.Helper()
	r, err := archive.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	meta := r.Metadata()
	r.Close()
	var layers []string
	for _, l := range meta.VectorLayers {
		layers = append(layers, l.ID)
	}
	if len(layers) < 3 || meta.Attribution == "" || meta.MinZoom != minZ || meta.MaxZoom != maxZ {
		t.Fatalf("%s: metadata %+v", path, meta)
	}
	var stored []storedTile
	var contents uint64
	if strings.HasSuffix(path, ".pmtiles") {
		stored, contents = readPMTiles(t, path)
	} else {
		stored, contents = readMBTiles(t, path)
	}
	live := base + "/tiles/" + strings.Join(layers, ",")
	have := map[string]bool{}
	for _, s := range stored {
		zxy := fmt.Sprintf("%d/%d/%d", s.z, s.x, s.y)
		have[zxy] = true
		res, body := fetchTile(t, live+"/"+zxy+".mvt")
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Encoding") != "gzip" || !bytes.Equal(body, s.data) {
			t.Fatalf("%s: tile %s differs from the live one (%d %q, %d bytes vs %d stored)", path, zxy, res.StatusCode,
				res.Header.Get("Content-Encoding"), len(body), len(s.data))
		}
	}
	plan := archive.BoundPlan(box, minZ, maxZ)
	left := 0
	for _, tile := range plan {
		zxy := tile.String()
		if have[zxy] {
			continue
		}
		res, _ := fetchTile(t, live+"/"+zxy+".mvt")
		if res.StatusCode == http.StatusOK {
			left++ // a tile of the box outside the ward's boundary
		} else if res.StatusCode != http.StatusNoContent {
			t.Errorf("%s: tile %s: live %d", path, zxy, res.StatusCode)
		}
	}
	ward := strings.HasSuffix(path, "ward.mbtiles")
	if ward != (left > 0) {
		t.Errorf("%s: %d tiles of the box with features left out", path, left)
	}
	if !ward && (len(stored) < 50 || contents >= uint64(len(stored)) || contents == 0) {
		t.Errorf("%s: %d tiles stored as %d contents: want many tiles, some identical stored once", path, len(stored), contents)
	}
	t.Logf("%s: %d tiles of %d planned, %d contents", path, len(stored), len(plan), contents)
}

// checkServedArchives checks serve --archives: the listing, each archive's TileJSON, its
// tiles as stored with the live tiles' headers, and the problems of a bad or unknown name
// and of a tile outside.
func checkServedArchives(t *testing.T, base, folder string) {
	t.Helper()
	_, _, list := get(t, base+"/tiles/archive")
	archives, _ := list["archives"].([]any)
	if len(archives) != 2 {
		t.Fatalf("/tiles/archive lists %v, want the two archives written after serve started", list)
	}
	for _, a := range archives {
		name := a.(map[string]any)["name"].(string)
		code, _, tj := get(t, base+"/tiles/archive/"+name+".json")
		urls, _ := tj["tiles"].([]any)
		layers, _ := tj["vector_layers"].([]any)
		if code != http.StatusOK || len(urls) != 1 || len(layers) < 3 || tj["minzoom"] != float64(12) {
			t.Fatalf("%s TileJSON: %d %v", name, code, tj)
		}
		var ids []string
		for _, l := range layers {
			ids = append(ids, l.(map[string]any)["id"].(string))
		}
		tmpl := urls[0].(string)
		format := a.(map[string]any)["format"].(string)
		file := filepath.Join(folder, name+"."+format)
		served := 0
		var stored []storedTile
		if format == "pmtiles" {
			stored, _ = readPMTiles(t, file)
		} else {
			stored, _ = readMBTiles(t, file)
		}
		for _, s := range stored {
			zxy := fmt.Sprintf("%d/%d/%d", s.z, s.x, s.y)
			u := strings.NewReplacer("{z}", fmt.Sprint(s.z), "{x}", fmt.Sprint(s.x), "{y}", fmt.Sprint(s.y)).Replace(tmpl)
			res, body := fetchTile(t, u)
			liveRes, _ := fetchTile(t, base+"/tiles/"+strings.Join(ids, ",")+"/"+zxy+".mvt")
			if res.StatusCode != http.StatusOK || !bytes.Equal(body, s.data) || res.Header.Get("Content-Encoding") != "gzip" ||
				res.Header.Get("ETag") != liveRes.Header.Get("ETag") || res.Header.Get("Cache-Control") != liveRes.Header.Get("Cache-Control") {
				t.Fatalf("%s: served tile %s: %d %v, want the stored bytes with the live tile's headers %v", name, zxy, res.StatusCode, res.Header, liveRes.Header)
			}
			served++
		}
		if served == 0 {
			t.Fatalf("%s: no tile served", name)
		}
		checkArchiveTileHeaders(t, strings.NewReplacer("{z}", fmt.Sprint(stored[0].z), "{x}", fmt.Sprint(stored[0].x), "{y}", fmt.Sprint(stored[0].y)).Replace(tmpl), stored[0].data)
		res, _ := fetchTile(t, base+"/tiles/archive/"+name+"/3/0/0.mvt")
		if res.StatusCode != http.StatusNotFound || res.Header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("%s: a tile outside the archive: %d %q, want 404 problem+json", name, res.StatusCode, res.Header.Get("Content-Type"))
		}
	}
	for path, want := range map[string]int{"/tiles/archive/nothing.json": 404, "/tiles/archive/bad!name.json": 400, "/tiles/archive/nothing/12/0/0.mvt": 404} {
		if code, h, body := get(t, base+path); code != want || h.Get("Content-Type") != "application/problem+json" {
			t.Errorf("%s: %d %q %v, want %d problem+json", path, code, h.Get("Content-Type"), body, want)
		}
	}
}

// TestExportUsage: a wrong export is refused before it touches the database, exit code 2,
// with one line naming the flag.
func TestExportUsage(t *testing.T) {
	t.Parallel()
	vars := map[string]string{"DATABASE_URL": "postgres://nowhere.invalid/x"}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--out", "a.pmtiles"}, "one of --bbox and --ward"},
		{[]string{"--bbox", "1,2,3,4", "--ward", "26734", "--out", "a.pmtiles"}, "one of --bbox and --ward"},
		{[]string{"--bbox", "1,2,3,4"}, "--out is required"},
		{[]string{"--bbox", "1,2,3,4", "--out", "a.zip"}, "not a .pmtiles or .mbtiles file"},
		{[]string{"--bbox", "4,2,3,1", "--out", "a.mbtiles"}, "--bbox"},
		{[]string{"--bbox", "1,2,3,4", "--out", "a.mbtiles", "--minzoom", "15", "--maxzoom", "12"}, "minzoom ≤ maxzoom"},
		{[]string{"--bbox", "1,2,3,4", "--out", "a.mbtiles", "--maxzom", "12"}, "did you mean --maxzoom?"},
	} {
		p := newProgram(vars)
		if code := p.main(context.Background(), append([]string{"export"}, c.args...)...); code != 2 || !strings.Contains(p.stderr.String(), c.want) ||
			strings.Count(strings.TrimSpace(p.stderr.String()), "\n") > 0 {
			t.Errorf("export %q: exit %d, %q; want 2 and one line with %q", c.args, code, p.stderr, c.want)
		}
	}
}

// checkArchiveTileHeaders asks an archive's tile u, stored gzipped as gz, again: with its ETag
// it is 304, and a client that does not take gzip gets it unpacked.
func checkArchiveTileHeaders(t *testing.T, u string, gz []byte) {
	t.Helper()
	res, _ := fetchTile(t, u)
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	req.Header.Set("Accept-Encoding", "gzip")
	req.Header.Set("If-None-Match", res.Header.Get("ETag"))
	again, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	again.Body.Close()
	if again.StatusCode != http.StatusNotModified {
		t.Errorf("%s with its ETag: %d, want 304", u, again.StatusCode)
	}
	plain, err := (&http.Client{Transport: &http.Transport{DisableCompression: true}}).Get(u)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(plain.Body)
	plain.Body.Close()
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		t.Fatal(err)
	}
	want, _ := io.ReadAll(zr)
	if plain.Header.Get("Content-Encoding") != "" || !bytes.Equal(body, want) || len(want) == 0 {
		t.Errorf("%s without gzip: Content-Encoding %q, %d bytes, want the %d bytes unpacked", u, plain.Header.Get("Content-Encoding"), len(body), len(want))
	}
}
