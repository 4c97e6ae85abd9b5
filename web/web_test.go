package web_test

import (
	"encoding/json"
	"errors"
	"io/fs"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"

	"bandoso/web"
)

func TestStyle(t *testing.T) {
	files := web.New(fstest.MapFS{
		"styles/default.json": {Data: []byte(`{"version": 8, "sources": {
			"ours": {"type": "vector", "url": "/tiles/a,b.json"},
			"theirs": {"type": "vector", "url": "https://tiles.example.vn/x.json"}}, "layers": [
			{"id": "f", "type": "fill", "source": "ours", "source-layer": "a", "filter": ["<", ["get", "n"], 3]}]}`)},
	})
	f, err := files.Style("default", "https://map.example.vn/bandoso", nil)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Sources map[string]struct{ URL string } `json:"sources"`
		Layers  []map[string]any                `json:"layers"`
	}
	if err := json.Unmarshal(f.Body, &got); err != nil {
		t.Fatal(err)
	}
	if u := got.Sources["ours"].URL; u != "https://map.example.vn/bandoso/tiles/a,b.json" {
		t.Errorf("our source: %q", u)
	}
	if u := got.Sources["theirs"].URL; u != "https://tiles.example.vn/x.json" {
		t.Errorf("an absolute URL changed: %q", u)
	}
	if len(got.Layers) != 1 || f.Hash == "" || f.Immutable {
		t.Errorf("layers %v, hash %q, immutable %v", got.Layers, f.Hash, f.Immutable)
	}
	for _, name := range []string{"nope", "../styles/default", "styles/default", ""} {
		if _, err := files.Style(name, "http://localhost", nil); !errors.Is(err, web.ErrUnknownStyle) {
			t.Errorf("style %q: %v, want ErrUnknownStyle", name, err)
		}
	}
}

// A style for a client who may not read a layer leaves it out of the source, the layers and
// the switcher's groups; a source none of whose layers it may read goes.
func TestStyleKeepsReadableLayers(t *testing.T) {
	files := web.New(fstest.MapFS{
		"styles/default.json": {Data: []byte(`{"version": 8, "sources": {"ours": {"type": "vector", "url": "/tiles/a,b,c.json"},
			"base": {"type": "vector", "url": "/tiles/d.json"}},
			"metadata": {"bandoso:groups": [{"id": "gd"}, {"id": "ga"}, {"id": "gb"}]},
			"layers": [{"id": "bg", "type": "background"},
			{"id": "fd", "type": "fill", "source": "base", "source-layer": "d", "metadata": {"bandoso:group": "gd"}},
			{"id": "fa", "type": "fill", "source": "ours", "source-layer": "a", "metadata": {"bandoso:group": "ga"}},
			{"id": "fb", "type": "fill", "source": "ours", "source-layer": "b", "metadata": {"bandoso:group": "gb"}}]}`)},
	})
	f, err := files.Style("default", "http://x", func(l string) bool { return l != "b" && l != "d" })
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Sources  map[string]struct{ URL string } `json:"sources"`
		Layers   []struct{ ID string }           `json:"layers"`
		Metadata struct {
			Groups []struct{ ID string } `json:"bandoso:groups"`
		} `json:"metadata"`
	}
	if err := json.Unmarshal(f.Body, &got); err != nil {
		t.Fatal(err)
	}
	if u := got.Sources["ours"].URL; u != "http://x/tiles/a,c.json" || len(got.Sources) != 1 {
		t.Errorf("source %q, sources %v", u, got.Sources)
	}
	if len(got.Layers) != 2 || got.Layers[1].ID != "fa" || len(got.Metadata.Groups) != 1 || got.Metadata.Groups[0].ID != "ga" {
		t.Errorf("layers %v, groups %v", got.Layers, got.Metadata.Groups)
	}
}

// The styles in the repository parse, each one's sources are paths on this service, and
// the viewer's switcher can reach every layer: each layer but the background draws one of
// the style's sources and belongs to a group the metadata lists, and each group has layers.
func TestEmbeddedStyles(t *testing.T) {
	f, err := web.Embedded().Style("default", "http://localhost:8080", nil)
	if err != nil {
		t.Fatal(err)
	}
	var style struct {
		Version int                             `json:"version"`
		Sources map[string]struct{ URL string } `json:"sources"`
		Meta    struct {
			Groups []struct{ ID, Title string } `json:"bandoso:groups"`
		} `json:"metadata"`
		Layers []struct {
			ID, Type, Source string
			Metadata         map[string]string
		} `json:"layers"`
	}
	if err := json.Unmarshal(f.Body, &style); err != nil {
		t.Fatal(err)
	}
	if style.Version != 8 || style.Sources["bandoso"].URL == "" || len(style.Meta.Groups) == 0 {
		t.Fatalf("version %d, sources %v, groups %v", style.Version, style.Sources, style.Meta.Groups)
	}
	for name, s := range style.Sources {
		if !strings.HasPrefix(s.URL, "http://localhost:8080/tiles/") {
			t.Errorf("source %s: %q", name, s.URL)
		}
	}
	layers := map[string]int{}
	for _, l := range style.Layers {
		if l.Type == "background" {
			continue
		}
		if _, ok := style.Sources[l.Source]; !ok {
			t.Errorf("layer %s draws source %q, which the style lacks", l.ID, l.Source)
		}
		layers[l.Metadata["bandoso:group"]]++
	}
	groups := map[string]bool{}
	for _, g := range style.Meta.Groups {
		groups[g.ID] = true
		if layers[g.ID] == 0 || g.Title == "" {
			t.Errorf("group %q (%q) has %d layers", g.ID, g.Title, layers[g.ID])
		}
	}
	for g, n := range layers {
		if !groups[g] {
			t.Errorf("%d layers in group %q, which the switcher does not list", n, g)
		}
	}
}

func TestNotBuilt(t *testing.T) {
	files := web.New(fstest.MapFS{"static/index.html": {Data: []byte("<!doctype html>")}})
	if _, err := files.Index(); !errors.Is(err, web.ErrNotBuilt) {
		t.Errorf("Index: %v, want ErrNotBuilt", err)
	}
	if _, err := files.Lib(web.MapLibre, "6.17.0", "maplibre-gl.mjs"); !errors.Is(err, web.ErrNotBuilt) {
		t.Errorf("Lib: %v, want ErrNotBuilt", err)
	}
}

func TestFiles(t *testing.T) {
	files := web.New(fstest.MapFS{
		"static/index.html":   {Data: []byte(`<script type="importmap">{"imports": {"maplibre-gl": "./{{maplibre}}/maplibre-gl.mjs"}}</script>`)},
		"lib/VERSION":         {Data: []byte("6.17.0\n")},
		"lib/maplibre-gl.mjs": {Data: []byte("export {}")},
	})
	index, err := files.Index()
	if err != nil {
		t.Fatal(err)
	}
	if want := `"./lib/maplibre-gl@6.17.0/maplibre-gl.mjs"`; !json.Valid(index.Body[len(`<script type="importmap">`):len(index.Body)-len(`</script>`)]) ||
		!strings.Contains(string(index.Body), want) {
		t.Errorf("index %s lacks %s", index.Body, want)
	}
	if lib, err := files.Lib(web.MapLibre, "6.17.0", "maplibre-gl.mjs"); err != nil || !lib.Immutable {
		t.Errorf("Lib: %v, %+v", err, lib)
	}
	for _, c := range []struct{ version, name string }{{"6.16.0", "maplibre-gl.mjs"}, {"6.17.0", "VERSION"}, {"6.17.0", "../static/index.html"}} {
		if _, err := files.Lib(web.MapLibre, c.version, c.name); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("Lib(%q, %q): %v, want fs.ErrNotExist", c.version, c.name, err)
		}
	}
	// Swagger UI is not copied in: the viewer works, the API reference reports it
	if _, err := files.Lib(web.SwaggerUI, "5.35.0", "swagger-ui.css"); !errors.Is(err, web.ErrNotBuilt) {
		t.Errorf("Lib of Swagger UI not copied in: %v, want ErrNotBuilt", err)
	}
	if _, err := files.LibPath(web.SwaggerUI); !errors.Is(err, web.ErrNotBuilt) {
		t.Errorf("LibPath of Swagger UI not copied in: %v, want ErrNotBuilt", err)
	}
	if _, err := files.Lib("leaflet", "1.9.4", "leaflet.js"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Lib of another package: %v, want fs.ErrNotExist", err)
	}
}

func TestSwaggerUIFiles(t *testing.T) {
	files := web.New(fstest.MapFS{
		"lib/VERSION":                        {Data: []byte("6.17.0\n")},
		"lib/swagger-ui-dist/VERSION":        {Data: []byte("5.35.0\n")},
		"lib/swagger-ui-dist/swagger-ui.css": {Data: []byte("body {}")},
		"lib/swagger-ui-dist/README.md":      {Data: []byte("# not served")},
		"lib/maplibre-gl.mjs":                {Data: []byte("export {}")},
		"static/index.html":                  {Data: []byte("<!doctype html>")},
	})
	if p, err := files.LibPath(web.SwaggerUI); err != nil || p != "lib/swagger-ui-dist@5.35.0" {
		t.Errorf("LibPath: %q, %v", p, err)
	}
	if f, err := files.Lib(web.SwaggerUI, "5.35.0", "swagger-ui.css"); err != nil || !f.Immutable || string(f.Body) != "body {}" {
		t.Errorf("Lib: %+v, %v", f, err)
	}
	for _, c := range []struct{ pkg, name string }{{web.SwaggerUI, "README.md"}, {web.SwaggerUI, "VERSION"}, {web.MapLibre, "swagger-ui.css"}} {
		if _, err := files.Lib(c.pkg, map[string]string{web.SwaggerUI: "5.35.0", web.MapLibre: "6.17.0"}[c.pkg], c.name); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("Lib(%s, %s): %v, want fs.ErrNotExist", c.pkg, c.name, err)
		}
	}
}

func TestPages(t *testing.T) {
	files := web.Embedded()
	for _, name := range []string{"landing", "conformance", "collections", "collection", "items", "item", "queryables", "api", "problems", "problem"} {
		p, err := files.Page(name)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if p.Lookup("content") == nil {
			t.Errorf("%s defines no content", name)
		}
	}
	if _, err := files.Page("base"); !errors.Is(err, web.ErrUnknownPage) {
		t.Errorf("base: %v, want ErrUnknownPage: it is no page by itself", err)
	}
	if _, err := files.Page("nope"); !errors.Is(err, web.ErrUnknownPage) {
		t.Errorf("nope: %v, want ErrUnknownPage", err)
	}
}

// glyphFiles are the files of a binary with the glyphs of two fonts, and a style with labels.
func glyphFiles() fstest.MapFS {
	return fstest.MapFS{
		"fonts/Noto Sans Regular/0-255.pbf":     {Data: []byte("regular 0")},
		"fonts/Noto Sans Regular/7680-7935.pbf": {Data: []byte("regular 7680")},
		"fonts/Noto Sans Bold/0-255.pbf":        {Data: []byte("bold 0")},
		"fonts/Noto Sans Bold/256-511.pbf":      {Data: []byte("bold 256")},
		"fonts/OFL.txt":                         {Data: []byte("licence")},
		"styles/default.json": {Data: []byte(`{"version": 8, "glyphs": "/fonts/{fontstack}/{range}.pbf",
			"sources": {"ours": {"type": "vector", "url": "/tiles/a.json"}}, "layers": [
			{"id": "fill", "type": "fill", "source": "ours", "source-layer": "a"},
			{"id": "label", "type": "symbol", "source": "ours", "source-layer": "a", "layout": {"text-field": ["get", "name"]}},
			{"id": "dot", "type": "symbol", "source": "ours", "source-layer": "a", "layout": {"icon-size": 2}}]}`)},
	}
}

// A fontstack's range comes from the first of its fonts that has it.
func TestGlyphs(t *testing.T) {
	files := web.New(glyphFiles())
	if !files.HasGlyphs() {
		t.Fatal("HasGlyphs: false")
	}
	for _, c := range []struct {
		fontstack, glyphRange, want string
		err                         error
	}{
		{"Noto Sans Regular", "7680-7935", "regular 7680", nil},
		{"Noto Sans Bold", "0-255", "bold 0", nil},
		{"Noto Sans Regular,Noto Sans Bold", "0-255", "regular 0", nil},
		{"Open Sans Regular, Noto Sans Bold", "0-255", "bold 0", nil},
		{"Noto Sans Regular,Noto Sans Bold", "256-511", "bold 256", nil},
		{"Noto Sans Regular", "256-511", "", web.ErrUnknownGlyphRange},
		{"Noto Sans Regular", "0-255.pbf", "", web.ErrUnknownGlyphRange},
		{"Noto Sans Regular", "../Noto Sans Bold/0-255", "", web.ErrUnknownGlyphRange},
		{"Open Sans Regular,Arial Unicode MS Regular", "0-255", "", web.ErrUnknownFont},
		{"OFL.txt", "0-255", "", web.ErrUnknownFont},
		{"", "0-255", "", web.ErrUnknownFont},
	} {
		f, err := files.Glyphs(c.fontstack, c.glyphRange)
		if !errors.Is(err, c.err) || c.err == nil && (f == nil || string(f.Body) != c.want || !f.Lasting || f.Immutable || f.Hash == "") {
			t.Errorf("Glyphs(%q, %q): %v, %+v; want %q, %v", c.fontstack, c.glyphRange, err, f, c.want, c.err)
		}
	}
}

// The glyphs URL is made absolute as the sources are; without glyphs in the binary the style
// keeps no glyphs URL and no text layer, and the glyphs are not built.
func TestStyleGlyphs(t *testing.T) {
	labels := func(t *testing.T, fsys fstest.MapFS) (string, []string) {
		t.Helper()
		f, err := web.New(fsys).Style("default", "https://map.example.vn", nil)
		if err != nil {
			t.Fatal(err)
		}
		var got struct {
			Glyphs string
			Layers []struct{ ID string }
		}
		if err := json.Unmarshal(f.Body, &got); err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, l := range got.Layers {
			ids = append(ids, l.ID)
		}
		return got.Glyphs, ids
	}
	fsys := glyphFiles()
	glyphs, layers := labels(t, fsys)
	if glyphs != "https://map.example.vn/fonts/{fontstack}/{range}.pbf" || strings.Join(layers, ",") != "fill,label,dot" {
		t.Errorf("with glyphs: glyphs %q, layers %v", glyphs, layers)
	}
	for name := range fsys {
		if strings.HasPrefix(name, "fonts/") {
			delete(fsys, name)
		}
	}
	glyphs, layers = labels(t, fsys)
	if glyphs != "" || strings.Join(layers, ",") != "fill,dot" {
		t.Errorf("without glyphs: glyphs %q, layers %v", glyphs, layers)
	}
	files := web.New(fsys)
	if _, err := files.Glyphs("Noto Sans Regular", "0-255"); !errors.Is(err, web.ErrGlyphsNotBuilt) || files.HasGlyphs() {
		t.Errorf("Glyphs without glyphs: %v, HasGlyphs %v", err, files.HasGlyphs())
	}
}

// TestStyleSources: the default style asks for two composite tiles, its data and its basemap.
func TestStyleSources(t *testing.T) {
	got, err := web.Embedded().StyleSources("default")
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"wards", "wards_2024", "plans", "planning_zones", "road_boundaries", "streets", "parcels", "addresses"},
		{"landuse", "parks", "water", "waterways", "buildings", "railways", "roads", "pois"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("sources %q, want %q", got, want)
	}
	if _, err := web.Embedded().StyleSources("nope"); !errors.Is(err, web.ErrUnknownStyle) {
		t.Fatalf("an unknown style: %v, want ErrUnknownStyle", err)
	}
}
