package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

type tileJSONDoc struct {
	TileJSON     string    `json:"tilejson"`
	Tiles        []string  `json:"tiles"`
	MinZoom      int       `json:"minzoom"`
	MaxZoom      int       `json:"maxzoom"`
	Bounds       []float64 `json:"bounds"`
	Center       []float64 `json:"center"`
	Attribution  string    `json:"attribution"`
	VectorLayers []struct {
		ID      string            `json:"id"`
		MinZoom int               `json:"minzoom"`
		MaxZoom int               `json:"maxzoom"`
		Fields  map[string]string `json:"fields"`
	} `json:"vector_layers"`
}

// decodeTileJSON reads a 200 answer's TileJSON; any other is the zero document.
func decodeTileJSON(t *testing.T, path string, r tileResponse) tileJSONDoc {
	t.Helper()
	var doc tileJSONDoc
	if r.status == http.StatusOK {
		if err := json.Unmarshal(r.body, &doc); err != nil {
			t.Fatalf("%s: %v in %s", path, err, r.body)
		}
	}
	return doc
}

func TestTileJSON(t *testing.T) {
	e := newTileEnv(t)
	get := func(t *testing.T, path string, header ...string) (tileResponse, tileJSONDoc) {
		t.Helper()
		r := e.get(t, path, header...)
		return r, decodeTileJSON(t, path, r)
	}

	t.Run("composite", func(t *testing.T) {
		r, doc := get(t, "/tiles/parcels,streets,wards.json")
		if r.status != http.StatusOK || r.header.Get("Content-Type") != "application/json" {
			t.Fatalf("status %d, type %q: %s", r.status, r.header.Get("Content-Type"), r.body)
		}
		if doc.TileJSON != "3.0.0" {
			t.Errorf("tilejson = %q", doc.TileJSON)
		}
		want := e.url + "/tiles/parcels,streets,wards/{z}/{x}/{y}.mvt"
		if len(doc.Tiles) != 1 || doc.Tiles[0] != want {
			t.Errorf("tiles = %v, want [%s]", doc.Tiles, want)
		}
		var ids []string
		zooms := map[string][2]int{}
		for _, l := range doc.VectorLayers {
			ids = append(ids, l.ID)
			zooms[l.ID] = [2]int{l.MinZoom, l.MaxZoom}
		}
		if strings.Join(ids, ",") != "parcels,streets,wards" {
			t.Errorf("vector_layers = %v", ids)
		}
		var catMin, catMax int
		if err := e.pool.QueryRow(context.Background(),
			`SELECT min(min_zoom), max(max_zoom) FROM layers WHERE name IN ('parcels','streets','wards')`).Scan(&catMin, &catMax); err != nil {
			t.Fatal(err)
		}
		if doc.MinZoom != catMin || doc.MaxZoom != catMax {
			t.Errorf("zooms %d..%d, the catalog says %d..%d", doc.MinZoom, doc.MaxZoom, catMin, catMax)
		}
		for _, name := range []string{"parcels", "streets"} {
			c := e.catalog(t, name)
			if zooms[name] != [2]int{c.minZoom, c.maxZoom} {
				t.Errorf("%s zooms %v, catalog %d..%d", name, zooms[name], c.minZoom, c.maxZoom)
			}
		}
		fields := doc.VectorLayers[0].Fields
		for name, kind := range map[string]string{"area_m2": "Number", "land_use": "String", "sheet_no": "Number", "ward_code": "String"} {
			if fields[name] != kind {
				t.Errorf("parcels field %s = %q, want %q (all: %v)", name, fields[name], kind, fields)
			}
		}
		if !strings.Contains(doc.Attribution, "synthetic") {
			t.Errorf("attribution %q does not say the demo data is synthetic", doc.Attribution)
		}
		if len(doc.Bounds) != 4 || len(doc.Center) != 3 {
			t.Fatalf("bounds %v, center %v", doc.Bounds, doc.Center)
		}
		if c := e.centre; c[0] < doc.Bounds[0] || c[0] > doc.Bounds[2] || c[1] < doc.Bounds[1] || c[1] > doc.Bounds[3] {
			t.Errorf("bounds %v miss the parcels' centroid %v", doc.Bounds, c)
		}
		if doc.Center[2] < float64(doc.MinZoom) || doc.Center[2] > float64(doc.MaxZoom) || doc.Center[2] < 8 {
			t.Errorf("center zoom %v: want a city-scale zoom within %d..%d", doc.Center[2], doc.MinZoom, doc.MaxZoom)
		}
	})

	// Every attribute the default style reads (["get", name]) in a filter, label or colour
	// is one its tile layer carries: a name the tiles lack would draw nothing, silently.
	t.Run("fields the style reads", func(t *testing.T) {
		var style struct {
			Sources map[string]struct{ URL string } `json:"sources"`
			Layers  []struct {
				ID                    string `json:"id"`
				SourceLayer           string `json:"source-layer"`
				Filter, Layout, Paint any
			} `json:"layers"`
		}
		e.getJSON(t, "/styles/default.json", &style)
		fields := map[string]map[string]string{}
		for name, src := range style.Sources {
			path := strings.TrimPrefix(src.URL, e.url)
			r, doc := get(t, path)
			if r.status != http.StatusOK {
				t.Fatalf("source %s: %s: status %d", name, path, r.status)
			}
			for _, l := range doc.VectorLayers {
				fields[l.ID] = l.Fields
			}
		}
		read := 0
		for _, l := range style.Layers {
			for _, f := range readFields(nil, []any{l.Filter, l.Layout, l.Paint}) {
				read++
				if _, ok := fields[l.SourceLayer][f]; !ok {
					t.Errorf("style layer %s reads %q, which the tiles' %s layer lacks (it has %v)", l.ID, f, l.SourceLayer, fields[l.SourceLayer])
				}
			}
		}
		if read < 10 {
			t.Errorf("the style reads only %d attributes", read)
		}
	})

	t.Run("behind a proxy", func(t *testing.T) {
		r := e.behindProxy().get(t, "/tiles/parcels.json", "X-Forwarded-Proto", "https", "X-Forwarded-Host", "maps.example.vn", "X-Forwarded-Prefix", "/bandoso")
		doc := decodeTileJSON(t, "/tiles/parcels.json", r)
		if r.status != http.StatusOK || len(doc.Tiles) != 1 || doc.Tiles[0] != "https://maps.example.vn/bandoso/tiles/parcels/{z}/{x}/{y}.mvt" {
			t.Fatalf("status %d, tiles %v", r.status, doc.Tiles)
		}
		if !varies(r.header, "X-Forwarded-Host") || !varies(r.header, "Host") {
			t.Errorf("Vary = %q", r.header.Get("Vary"))
		}
	})

	t.Run("unknown layer", func(t *testing.T) {
		r := e.get(t, "/tiles/parcels,nosuch.json")
		if r.status != http.StatusNotFound || !strings.Contains(string(r.body), "nosuch") {
			t.Errorf("status %d: %s", r.status, r.body)
		}
	})

	t.Run("etag", func(t *testing.T) {
		r := e.get(t, "/tiles/wards.json")
		etag := r.header.Get("ETag")
		if r.status != http.StatusOK || etag == "" || r.header.Get("Cache-Control") != "public, max-age=90" {
			t.Fatalf("status %d, ETag %q, Cache-Control %q", r.status, etag, r.header.Get("Cache-Control"))
		}
		if r := e.get(t, "/tiles/wards.json", "If-None-Match", etag); r.status != http.StatusNotModified {
			t.Errorf("If-None-Match: status %d", r.status)
		}
		if r := e.behindProxy().get(t, "/tiles/wards.json", "If-None-Match", etag, "X-Forwarded-Host", "other.vn"); r.status != http.StatusOK {
			t.Errorf("another host's document has the same ETag: status %d", r.status)
		}
	})
}

// readFields appends the attribute names a style expression reads with ["get", name].
func readFields(out []string, v any) []string {
	switch v := v.(type) {
	case []any:
		if len(v) == 2 && v[0] == "get" {
			if name, ok := v[1].(string); ok {
				return append(out, name)
			}
		}
		for _, x := range v {
			out = readFields(out, x)
		}
	case map[string]any:
		for _, x := range v {
			out = readFields(out, x)
		}
	}
	return out
}
