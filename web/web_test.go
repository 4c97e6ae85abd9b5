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
// the switcher's groups.
func TestStyleKeepsReadableLayers(t *testing.T) {
	files := web.New(fstest.MapFS{
		"styles/default.json": {Data: []byte(`{"version": 8, "sources": {"ours": {"type": "vector", "url": "/tiles/a,b,c.json"}},
			"metadata": {"bandoso:groups": [{"id": "ga"}, {"id": "gb"}]},
			"layers": [{"id": "bg", "type": "background"},
			{"id": "fa", "type": "fill", "source": "ours", "source-layer": "a", "metadata": {"bandoso:group": "ga"}},
			{"id": "fb", "type": "fill", "source": "ours", "source-layer": "b", "metadata": {"bandoso:group": "gb"}}]}`)},
	})
	f, err := files.Style("default", "http://x", func(l string) bool { return l != "b" })
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
	if u := got.Sources["ours"].URL; u != "http://x/tiles/a,c.json" {
		t.Errorf("source %q", u)
	}
	if len(got.Layers) != 2 || got.Layers[1].ID != "fa" || len(got.Metadata.Groups) != 1 || got.Metadata.Groups[0].ID != "ga" {
		t.Errorf("layers %v, groups %v", got.Layers, got.Metadata.Groups)
	}
}

// The styles in the repository parse, and each one's sources are paths on this service.
func TestEmbeddedStyles(t *testing.T) {
	f, err := web.Embedded().Style("default", "http://localhost:8080", nil)
	if err != nil {
		t.Fatal(err)
	}
	var style struct {
		Version int                                 `json:"version"`
		Sources map[string]struct{ URL string }     `json:"sources"`
		Meta    map[string]json.RawMessage          `json:"metadata"`
		Layers  []struct{ Metadata map[string]any } `json:"layers"`
	}
	if err := json.Unmarshal(f.Body, &style); err != nil {
		t.Fatal(err)
	}
	if style.Version != 8 || style.Sources["bandoso"].URL == "" || style.Meta["bandoso:groups"] == nil {
		t.Errorf("version %d, sources %v, groups %s", style.Version, style.Sources, style.Meta["bandoso:groups"])
	}
}

func TestNotBuilt(t *testing.T) {
	files := web.New(fstest.MapFS{"static/index.html": {Data: []byte("<!doctype html>")}})
	if _, err := files.Index(); !errors.Is(err, web.ErrNotBuilt) {
		t.Errorf("Index: %v, want ErrNotBuilt", err)
	}
	if _, err := files.Lib("6.17.0", "maplibre-gl.mjs"); !errors.Is(err, web.ErrNotBuilt) {
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
	if lib, err := files.Lib("6.17.0", "maplibre-gl.mjs"); err != nil || !lib.Immutable {
		t.Errorf("Lib: %v, %+v", err, lib)
	}
	for _, c := range []struct{ version, name string }{{"6.16.0", "maplibre-gl.mjs"}, {"6.17.0", "VERSION"}, {"6.17.0", "../static/index.html"}} {
		if _, err := files.Lib(c.version, c.name); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("Lib(%q, %q): %v, want fs.ErrNotExist", c.version, c.name, err)
		}
	}
}
