package web_test

import (
	"encoding/json"
	"errors"
	"io/fs"
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
