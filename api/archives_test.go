package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"bandoso/archive"
	"bandoso/catalog"
	"bandoso/geo"
)

// writeArchive exports the tiles of layers (names, comma-separated; empty: the public ones)
// from zoom minZ to maxZ over box into the env's archive folder as name.pmtiles, from the
// env's own tile service, as bandoso export does.
func (e tileEnv) writeArchive(t *testing.T, name, layers string, box orb.Bound, minZ, maxZ int) {
	t.Helper()
	ctx := context.Background()
	cat := catalog.New(e.db)
	var names []string
	if layers != "" {
		names = strings.Split(layers, ",")
	} else {
		public, err := cat.Readable(ctx, catalog.Anyone)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range public {
			names = append(names, l.Name)
		}
	}
	meta := archive.Metadata{Name: name, Bounds: box, Center: box.Center(), CenterZoom: minZ, MinZoom: minZ, MaxZoom: maxZ}
	for _, n := range names {
		l, err := cat.Layer(ctx, n)
		if err != nil {
			t.Fatal(err)
		}
		meta.VectorLayers = append(meta.VectorLayers, archive.VectorLayer{ID: n, MinZoom: minZ, MaxZoom: maxZ, Fields: l.TileFieldKinds()})
	}
	source := func(ctx context.Context, at geo.Tile) ([]byte, error) {
		tile, err := e.tiles.Tile(ctx, names, at)
		if err != nil {
			return nil, err
		}
		return tile.Gzip()
	}
	path := filepath.Join(e.archives, name+".pmtiles")
	if _, err := archive.Export(ctx, path, archive.BoundPlan(box, minZ, maxZ), meta, source, archive.Options{}); err != nil {
		t.Fatal(err)
	}
}

// archiveLeakCases ask, for each layer, an archive holding only that layer: its TileJSON,
// a tile of it, and the list of archives.
func (e tileEnv) archiveLeakCases(t *testing.T, names []string, tileOf map[string]maptile.Tile) []leakCase {
	t.Helper()
	var cases []leakCase
	add := func(route, path string, carries func(int, []byte) []string) {
		cases = append(cases, leakCase{route: route, method: http.MethodGet, path: path, carries: carries})
	}
	for _, name := range names {
		tile := tileOf[name]
		z := int(tile.Z)
		e.writeArchive(t, "leak-"+name, name, tile.Bound(), z, z)
		add("/tiles/archive/{name}.json", "/tiles/archive/leak-"+name+".json", ifOK(name))
		add("/tiles/archive/{name}/{z}/{x}/{y}.mvt", tilePath("archive/leak-"+name, tile), mvtLayers)
	}
	add("/tiles/archive", "/tiles/archive", mentioned(names))
	return cases
}

// TestViewerOpensArchive: the viewer at /?archive=NAME draws an archive exported from the
// demo city with its own style, every tile from the archive (web/e2e/archive.mjs).
func TestViewerOpensArchive(t *testing.T) {
	b := needBrowser(t)
	e := newTileEnv(t)
	e.writeArchive(t, "field", "", orb.Bound{Min: e.centre, Max: e.centre}.Pad(0.01), 14, 15)
	arg, _ := json.Marshal(map[string]string{"name": "field"})
	b.run(t, "archive.mjs", e.url, arg)
}
