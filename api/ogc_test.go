package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
)

type ogcLink struct {
	Href      string `json:"href"`
	Rel       string `json:"rel"`
	Type      string `json:"type"`
	Templated bool   `json:"templated"`
}

// linkTo returns the first link with rel, failing the test when there is none.
func linkTo(t *testing.T, links []ogcLink, rel string) ogcLink {
	t.Helper()
	for _, l := range links {
		if l.Rel == rel {
			return l
		}
	}
	t.Fatalf("no link with rel %q in %+v", rel, links)
	return ogcLink{}
}

// getJSON asserts a 200 application/json response with Vary on the Host its links were made
// from, and decodes it into v.
func (e tileEnv) getJSON(t *testing.T, path string, v any, header ...string) tileResponse {
	t.Helper()
	r := e.get(t, path, header...)
	if r.status != http.StatusOK || r.header.Get("Content-Type") != "application/json" {
		t.Fatalf("%s: status %d, Content-Type %q; body %s", path, r.status, r.header.Get("Content-Type"), r.body)
	}
	if !varies(r.header, "Host") {
		t.Errorf("%s: Vary %q lacks Host", path, r.header.Get("Vary"))
	}
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("%s: %v in %s", path, err, r.body)
	}
	return r
}

// checkParamProblem asserts a problem with status naming param.
func (e tileEnv) checkParamProblem(t *testing.T, path string, status int, param string) {
	t.Helper()
	r := do(t, http.MethodGet, e.url+path)
	instance, _, _ := strings.Cut(path, "?")
	checkProblem(t, r, status, instance)
	errs, _ := r.body["errors"].([]any)
	if len(errs) != 1 || errs[0].(map[string]any)["parameter"] != param {
		t.Errorf("%s: errors %v, want one naming %q", path, r.body["errors"], param)
	}
}

// publicLayers reads the names, zoom ranges and fields of the public layers, by name.
func (e tileEnv) publicLayers(t *testing.T) []struct {
	Name             string
	MinZoom, MaxZoom int
	Fields           []string
} {
	t.Helper()
	rows, err := e.pool.Query(context.Background(),
		`SELECT name, min_zoom::int, max_zoom::int, fields FROM layers WHERE public ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[struct {
		Name             string
		MinZoom, MaxZoom int
		Fields           []string
	}])
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func ogcTilePath(collection string, tile maptile.Tile) string {
	return fmt.Sprintf("/ogc/collections/%s/tiles/WebMercatorQuad/%d/%d/%d", collection, tile.Z, tile.Y, tile.X)
}

func TestOGCCommon(t *testing.T) {
	e := newTileEnv(t)

	t.Run("landing page links everything, absolute from the forwarded base", func(t *testing.T) {
		var doc struct{ Links []ogcLink }
		e.getJSON(t, "/ogc", &doc)
		for rel, path := range map[string]string{
			"self": "/ogc", "conformance": "/ogc/conformance", "data": "/ogc/collections",
			"http://www.opengis.net/def/rel/ogc/1.0/conformance":     "/ogc/conformance",
			"http://www.opengis.net/def/rel/ogc/1.0/tiling-schemes":  "/ogc/tileMatrixSets",
			"http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector": "/ogc/tiles",
		} {
			if l := linkTo(t, doc.Links, rel); l.Href != e.url+path || l.Type != "application/json" {
				t.Errorf("%s: link %+v, want %s%s", rel, l, e.url, path)
			}
		}
		r := e.behindProxy().getJSON(t, "/ogc", &doc, "X-Forwarded-Proto", "https", "X-Forwarded-Host", "map.example.vn", "X-Forwarded-Prefix", "/gis")
		if l := linkTo(t, doc.Links, "data"); l.Href != "https://map.example.vn/gis/ogc/collections" {
			t.Errorf("behind a proxy: data link %s", l.Href)
		}
		if !varies(r.header, "X-Forwarded-Host") || !varies(r.header, "Forwarded") {
			t.Errorf("behind a proxy: Vary %q lacks the forwarding headers", r.header.Get("Vary"))
		}
	})

	t.Run("conformance lists the classes implemented", func(t *testing.T) {
		var doc struct{ ConformsTo []string }
		e.getJSON(t, "/ogc/conformance", &doc)
		for _, c := range []string{
			"http://www.opengis.net/spec/ogcapi-common-1/1.0/conf/core",
			"http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/core",
			"http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/tileset",
			"http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/tilesets-list",
			"http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/dataset-tilesets",
			"http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/geodata-tilesets",
			"http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/mvt",
			"http://www.opengis.net/spec/tms/2.0/conf/json-tilematrixset",
		} {
			if !slices.Contains(doc.ConformsTo, c) {
				t.Errorf("conformsTo lacks %s", c)
			}
		}
	})

	t.Run("collections are the public layers, each with its tiles", func(t *testing.T) {
		var doc struct {
			Collections []struct {
				ID     string
				Extent struct{ Spatial struct{ BBox [][4]float64 } }
				Links  []ogcLink
			}
		}
		e.getJSON(t, "/ogc/collections", &doc)
		want := e.publicLayers(t)
		if len(doc.Collections) != len(want) {
			t.Fatalf("%d collections, want %d", len(doc.Collections), len(want))
		}
		for i, c := range doc.Collections {
			if c.ID != want[i].Name {
				t.Errorf("collection %d is %s, want %s", i, c.ID, want[i].Name)
			}
			if l := linkTo(t, c.Links, "http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector"); l.Href != e.url+"/ogc/collections/"+c.ID+"/tiles" {
				t.Errorf("%s: tiles link %s", c.ID, l.Href)
			}
			if l := linkTo(t, c.Links, "self"); l.Href != e.url+"/ogc/collections/"+c.ID {
				t.Errorf("%s: self link %s", c.ID, l.Href)
			}
		}
		var parcels struct {
			ID     string
			Extent struct{ Spatial struct{ BBox [][4]float64 } }
		}
		e.getJSON(t, "/ogc/collections/parcels", &parcels)
		if b := parcels.Extent.Spatial.BBox; len(b) != 1 || !bboxHolds(b[0], e.centre) {
			t.Errorf("parcels extent %v does not hold the city centre %v", b, e.centre)
		}
		r := do(t, http.MethodGet, e.url+"/ogc/collections/no_such_layer")
		checkProblem(t, r, http.StatusNotFound, "/ogc/collections/no_such_layer")
	})
}

func bboxHolds(b [4]float64, p orb.Point) bool {
	return b[0] <= p[0] && p[0] <= b[2] && b[1] <= p[1] && p[1] <= b[3]
}

type tmsDoc struct {
	ID, Title, URI, CRS string
	OrderedAxes         []string
	TileMatrices        []struct {
		ID                        string
		ScaleDenominator          float64
		CellSize                  float64
		CornerOfOrigin            string
		PointOfOrigin             [2]float64
		TileWidth, TileHeight     int
		MatrixWidth, MatrixHeight int
	}
}

type tilesetDoc struct {
	Title, DataType, CRS string
	TileMatrixSetURI     string
	Links                []ogcLink
	TileMatrixSetLimits  []struct {
		TileMatrix                                     string
		MinTileRow, MaxTileRow, MinTileCol, MaxTileCol int
	}
	Layers []struct {
		ID                           string
		DataType                     string
		GeometryDimension            *int
		MinTileMatrix, MaxTileMatrix string
		PropertiesSchema             struct {
			Type       string
			Properties map[string]struct{ Type string }
		}
	}
	BoundingBox struct {
		LowerLeft, UpperRight [2]float64
		CRS                   string
	}
}

func TestOGCTiles(t *testing.T) {
	e := newTileEnv(t)
	z16 := maptile.At(e.centre, 16)

	t.Run("WebMercatorQuad as OGC publishes it", func(t *testing.T) {
		var list struct {
			TileMatrixSets []struct {
				ID, URI string
				Links   []ogcLink
			}
		}
		e.getJSON(t, "/ogc/tileMatrixSets", &list)
		if len(list.TileMatrixSets) != 1 || list.TileMatrixSets[0].ID != "WebMercatorQuad" ||
			linkTo(t, list.TileMatrixSets[0].Links, "http://www.opengis.net/def/rel/ogc/1.0/tiling-scheme").Href != e.url+"/ogc/tileMatrixSets/WebMercatorQuad" {
			t.Errorf("tile matrix sets %+v", list)
		}
		var tms tmsDoc
		e.getJSON(t, "/ogc/tileMatrixSets/WebMercatorQuad", &tms)
		if tms.ID != "WebMercatorQuad" || tms.URI != "http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad" ||
			tms.CRS != "http://www.opengis.net/def/crs/EPSG/0/3857" || !slices.Equal(tms.OrderedAxes, []string{"E", "N"}) {
			t.Errorf("id %q uri %q crs %q axes %v", tms.ID, tms.URI, tms.CRS, tms.OrderedAxes)
		}
		if len(tms.TileMatrices) != 25 {
			t.Fatalf("%d tile matrices, want 25 (zoom 0 to 24)", len(tms.TileMatrices))
		}
		z0 := tms.TileMatrices[0]
		if math.Abs(z0.ScaleDenominator-559082264.0287178) > 1e-6 || math.Abs(z0.CellSize-156543.033928041) > 1e-8 ||
			math.Abs(z0.PointOfOrigin[0]+20037508.3427892) > 1e-6 || math.Abs(z0.PointOfOrigin[1]-20037508.3427892) > 1e-6 {
			t.Errorf("zoom 0: %+v", z0)
		}
		for z, m := range tms.TileMatrices {
			if m.ID != fmt.Sprint(z) || m.MatrixWidth != 1<<z || m.MatrixHeight != 1<<z || m.TileWidth != 256 ||
				m.TileHeight != 256 || m.CornerOfOrigin != "topLeft" || math.Abs(m.CellSize*float64(int(1)<<z)/z0.CellSize-1) > 1e-12 {
				t.Errorf("tile matrix %d: %+v", z, m)
			}
		}
		r := do(t, http.MethodGet, e.url+"/ogc/tileMatrixSets/WorldCRS84Quad")
		checkProblem(t, r, http.StatusNotFound, "/ogc/tileMatrixSets/WorldCRS84Quad")
	})

	t.Run("tileset list and metadata of a collection", func(t *testing.T) {
		var list struct{ Tilesets []tilesetDoc }
		e.getJSON(t, "/ogc/collections/parcels/tiles", &list)
		base := e.url + "/ogc/collections/parcels/tiles/WebMercatorQuad"
		if len(list.Tilesets) != 1 || list.Tilesets[0].DataType != "vector" ||
			linkTo(t, list.Tilesets[0].Links, "self").Href != base {
			t.Fatalf("tilesets %+v", list)
		}
		var ts tilesetDoc
		e.getJSON(t, "/ogc/collections/parcels/tiles/WebMercatorQuad", &ts)
		if ts.DataType != "vector" || ts.CRS != "http://www.opengis.net/def/crs/EPSG/0/3857" ||
			ts.TileMatrixSetURI != "http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad" {
			t.Errorf("dataType %q crs %q tileMatrixSetURI %q", ts.DataType, ts.CRS, ts.TileMatrixSetURI)
		}
		item := linkTo(t, ts.Links, "item")
		if item.Href != base+"/{tileMatrix}/{tileRow}/{tileCol}" || item.Type != "application/vnd.mapbox-vector-tile" || !item.Templated {
			t.Errorf("item link %+v", item)
		}
		if l := linkTo(t, ts.Links, "http://www.opengis.net/def/rel/ogc/1.0/tiling-scheme"); l.Href != e.url+"/ogc/tileMatrixSets/WebMercatorQuad" {
			t.Errorf("tiling-scheme link %s", l.Href)
		}
		var want struct {
			Name             string
			MinZoom, MaxZoom int
			Fields           []string
		}
		for _, l := range e.publicLayers(t) {
			if l.Name == "parcels" {
				want = l
			}
		}
		if len(ts.TileMatrixSetLimits) != want.MaxZoom-want.MinZoom+1 {
			t.Fatalf("%d limits for zooms %d to %d", len(ts.TileMatrixSetLimits), want.MinZoom, want.MaxZoom)
		}
		for i, l := range ts.TileMatrixSetLimits {
			z := want.MinZoom + i
			if l.TileMatrix != fmt.Sprint(z) || l.MinTileRow != 0 || l.MinTileCol != 0 || l.MaxTileRow != 1<<z-1 || l.MaxTileCol != 1<<z-1 {
				t.Errorf("limits %d: %+v", i, l)
			}
		}
		if len(ts.Layers) != 1 {
			t.Fatalf("layers %+v", ts.Layers)
		}
		l := ts.Layers[0]
		if l.ID != "parcels" || l.DataType != "vector" || l.GeometryDimension == nil || *l.GeometryDimension != 2 ||
			l.MinTileMatrix != fmt.Sprint(want.MinZoom) || l.MaxTileMatrix != fmt.Sprint(want.MaxZoom) || l.PropertiesSchema.Type != "object" {
			t.Errorf("layer %+v", l)
		}
		// The catalog's fields, and those of zoom bands drawn from other tables (ward totals).
		for _, f := range want.Fields {
			if _, ok := l.PropertiesSchema.Properties[f]; !ok {
				t.Errorf("propertiesSchema lacks %s", f)
			}
		}
		if got := l.PropertiesSchema.Properties["area_m2"].Type; got != "number" {
			t.Errorf("area_m2 has type %q, want number", got)
		}
		b := ts.BoundingBox
		if !bboxHolds([4]float64{b.LowerLeft[0], b.LowerLeft[1], b.UpperRight[0], b.UpperRight[1]}, e.centre) ||
			b.CRS != "http://www.opengis.net/def/crs/OGC/1.3/CRS84" {
			t.Errorf("bounding box %+v does not hold the centre %v", b, e.centre)
		}
	})

	t.Run("dataset tileset holds every layer", func(t *testing.T) {
		var ts tilesetDoc
		e.getJSON(t, "/ogc/tiles/WebMercatorQuad", &ts)
		want := e.publicLayers(t)
		if len(ts.Layers) != len(want) {
			t.Fatalf("%d layers, want %d", len(ts.Layers), len(want))
		}
		minZ, maxZ := 24, 0
		for i, l := range ts.Layers {
			minZ, maxZ = min(minZ, want[i].MinZoom), max(maxZ, want[i].MaxZoom)
			if l.ID != want[i].Name {
				t.Errorf("layer %d is %s, want %s", i, l.ID, want[i].Name)
			}
		}
		if first := ts.TileMatrixSetLimits[0].TileMatrix; first != fmt.Sprint(minZ) || len(ts.TileMatrixSetLimits) != maxZ-minZ+1 {
			t.Errorf("limits from %s, %d of them; want zooms %d to %d", first, len(ts.TileMatrixSetLimits), minZ, maxZ)
		}
		if linkTo(t, ts.Links, "item").Href != e.url+"/ogc/tiles/WebMercatorQuad/{tileMatrix}/{tileRow}/{tileCol}" {
			t.Errorf("item link %+v", linkTo(t, ts.Links, "item"))
		}
		var list struct{ Tilesets []tilesetDoc }
		e.getJSON(t, "/ogc/tiles", &list)
		if len(list.Tilesets) != 1 || linkTo(t, list.Tilesets[0].Links, "self").Href != e.url+"/ogc/tiles/WebMercatorQuad" {
			t.Errorf("dataset tilesets %+v", list)
		}
	})

	t.Run("a tile is the /tiles tile, byte for byte and header for header", func(t *testing.T) {
		names := make([]string, 0, 8)
		for _, l := range e.publicLayers(t) {
			names = append(names, l.Name)
		}
		pairs := [][2]string{
			{ogcTilePath("parcels", z16), tilePath("parcels", z16)},
			{fmt.Sprintf("/ogc/tiles/WebMercatorQuad/%d/%d/%d", z16.Z, z16.Y, z16.X), tilePath(strings.Join(names, ","), z16)},
		}
		for _, p := range pairs {
			for _, enc := range []string{"", "gzip"} {
				ogc, xyz := e.get(t, p[0], "Accept-Encoding", enc), e.get(t, p[1], "Accept-Encoding", enc)
				if ogc.status != http.StatusOK || !bytes.Equal(ogc.body, xyz.body) || len(ogc.body) == 0 {
					t.Errorf("%s (%q): status %d, %d bytes; %s has %d", p[0], enc, ogc.status, len(ogc.body), p[1], len(xyz.body))
				}
				for _, h := range []string{"Content-Type", "Content-Encoding", "ETag", "Cache-Control", "Vary",
					"Access-Control-Allow-Origin", "Access-Control-Expose-Headers", "Content-Length"} {
					if ogc.header.Get(h) != xyz.header.Get(h) {
						t.Errorf("%s (%q): %s %q, /tiles has %q", p[0], enc, h, ogc.header.Get(h), xyz.header.Get(h))
					}
				}
				if enc == "" {
					if n := len(decode(t, ogc)); n == 0 {
						t.Errorf("%s: no layers", p[0])
					}
				}
				notMod := e.get(t, p[0], "Accept-Encoding", enc, "If-None-Match", xyz.header.Get("ETag"))
				if notMod.status != http.StatusNotModified {
					t.Errorf("%s (%q) with the /tiles ETag: status %d, want 304", p[0], enc, notMod.status)
				}
			}
		}
		sea := maptile.At(orb.Point{108.5, 9.0}, 16)
		if r := e.get(t, ogcTilePath("parcels", sea)); r.status != http.StatusNoContent || len(r.body) != 0 {
			t.Errorf("empty tile: status %d with %d bytes, want 204", r.status, len(r.body))
		}
	})

	t.Run("bad tile addresses are 400, tiles outside the limits 404, naming the parameter", func(t *testing.T) {
		p := "/ogc/collections/parcels/tiles/WebMercatorQuad/"
		belowParcels := ""
		for _, l := range e.publicLayers(t) {
			if l.Name == "parcels" {
				belowParcels = fmt.Sprintf("%d/0/0", l.MinZoom-1)
			}
		}
		for _, c := range []struct {
			path, param string
			status      int
		}{
			{p + "abc/0/0", "tileMatrix", 400},
			{p + "16/-1/0", "tileRow", 400},
			{p + "16/+1/0", "tileRow", 400},
			{p + "16/0/1.5", "tileCol", 400},
			{p + belowParcels, "tileMatrix", 404},
			{p + "25/0/0", "tileMatrix", 404},
			{p + "16/65536/0", "tileRow", 404},
			{p + "16/0/99999999999999999999999", "tileCol", 404},
			{"/ogc/tiles/WebMercatorQuad/25/0/0", "tileMatrix", 404},
		} {
			e.checkParamProblem(t, c.path, c.status, c.param)
		}
		for _, path := range []string{p[:len(p)-len("WebMercatorQuad/")] + "WorldCRS84Quad/16/0/0", "/ogc/collections/nope/tiles/WebMercatorQuad/16/0/0"} {
			checkProblem(t, do(t, http.MethodGet, e.url+path), http.StatusNotFound, path)
		}
	})
}
