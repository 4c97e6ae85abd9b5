package api_test

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"encoding/json"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"bandoso/api"
	"bandoso/internal/glyphs"
	"bandoso/web"
)

// newWebServer serves only the viewer and the styles: they need no database.
func newWebServer(t *testing.T, files *web.Files) string {
	t.Helper()
	return serve(t, api.Server{Web: files})
}

// serve serves s made by testServer and returns its URL.
func serve(t *testing.T, s api.Server, configure ...func(*api.Server)) string {
	t.Helper()
	ts := httptest.NewServer(testServer(s, configure...).Handler())
	t.Cleanup(ts.Close)
	return ts.URL
}

// localProxy trusts httptest's client, 127.0.0.1, as a reverse proxy.
var localProxy = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}

// trustLocalProxy configures a server to trust localProxy.
func trustLocalProxy(s *api.Server) { s.Config.HTTP.TrustedProxies = localProxy }

// styleDoc is what the tests read of a MapLibre style.
type styleDoc struct {
	Version int `json:"version"`
	Sources map[string]struct {
		Type string `json:"type"`
		URL  string `json:"url"`
	} `json:"sources"`
	Layers []struct {
		ID          string `json:"id"`
		Type        string `json:"type"`
		Source      string `json:"source"`
		SourceLayer string `json:"source-layer"`
		Layout      struct {
			TextFont []string `json:"text-font"`
		} `json:"layout"`
	} `json:"layers"`
	Glyphs string `json:"glyphs"`
	Sprite any    `json:"sprite"`
}

func TestStyle(t *testing.T) {
	url := newWebServer(t, web.Embedded())
	const tileJSONPath = "/tiles/wards,wards_2024,plans,planning_zones,road_boundaries,streets,parcels,addresses.json"
	const basemapPath = "/tiles/landuse,parks,water,waterways,buildings,railways,roads,pois.json"

	t.Run("default", func(t *testing.T) {
		res, body := send(t, http.MethodGet, url+"/styles/default.json")
		if res.StatusCode != http.StatusOK {
			t.Fatalf("status %d: %s", res.StatusCode, body)
		}
		if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			t.Errorf("Content-Type %q", ct)
		}
		if !varies(res.Header, "Host") {
			t.Errorf("Vary %q lacks Host", res.Header.Get("Vary"))
		}
		var s styleDoc
		if err := json.Unmarshal(body, &s); err != nil {
			t.Fatal(err)
		}
		if s.Version != 8 || len(s.Sources) != 2 || s.Sources["bandoso"].Type != "vector" || s.Sources["basemap"].Type != "vector" {
			t.Fatalf("version %d, sources %+v", s.Version, s.Sources)
		}
		if got, want := s.Sources["bandoso"].URL, url+tileJSONPath; got != want {
			t.Errorf("source url %q, want %q", got, want)
		}
		if got, want := s.Sources["basemap"].URL, url+basemapPath; got != want {
			t.Errorf("basemap source url %q, want %q", got, want)
		}
		// Offline: glyphs from this server, no sprites, so no icons.
		if s.Glyphs != url+"/fonts/{fontstack}/{range}.pbf" || s.Sprite != nil {
			t.Errorf("glyphs %q, sprite %v", s.Glyphs, s.Sprite)
		}
		// where each tile layer is first and last drawn, bottom up; labels are drawn over
		// everything else
		first, last := map[string]int{}, map[string]int{}
		labels := map[string]bool{}
		for i, l := range s.Layers {
			if l.Type == "symbol" {
				labels[l.SourceLayer] = true
				if len(l.Layout.TextFont) == 0 {
					t.Errorf("label layer %s names no font, and would ask for MapLibre's default, which is not here", l.ID)
				}
				for _, font := range l.Layout.TextFont {
					if res, _ := send(t, http.MethodGet, url+"/fonts/"+strings.ReplaceAll(font, " ", "%20")+"/0-255.pbf"); res.StatusCode != http.StatusOK {
						t.Errorf("label layer %s: font %q: status %d", l.ID, font, res.StatusCode)
					}
				}
				if i < len(s.Layers)-1 && s.Layers[i+1].Type != "symbol" {
					t.Errorf("label layer %s is drawn under layer %s", l.ID, s.Layers[i+1].ID)
				}
				continue
			}
			if l.Type != "background" && l.Source != "bandoso" && l.Source != "basemap" {
				t.Errorf("layer %s has source %q", l.ID, l.Source)
			}
			if _, ok := first[l.SourceLayer]; !ok {
				first[l.SourceLayer] = i
			}
			last[l.SourceLayer] = i
		}
		for _, name := range []string{"wards", "wards_2024", "plans", "planning_zones", "road_boundaries", "streets", "parcels", "addresses",
			"landuse", "parks", "water", "waterways", "buildings", "railways", "roads", "pois"} {
			if _, ok := first[name]; !ok {
				t.Errorf("no style layer draws %s", name)
			}
		}
		for _, name := range []string{"streets", "addresses", "parcels", "wards", "pois", "planning_zones"} {
			if !labels[name] {
				t.Errorf("no label layer names the %s", name)
			}
		}
		// The basemap lies under the city's own layers: its areas under all of them, its
		// roads under the streets, its places under the addresses.
		for _, c := range []struct{ below, above string }{
			{"landuse", "wards"}, {"parks", "parcels"}, {"water", "parcels"}, {"waterways", "parcels"}, {"buildings", "streets"},
			{"roads", "streets"}, {"railways", "streets"}, {"roads", "road_boundaries"}, {"pois", "addresses"},
		} {
			if last[c.below] > first[c.above] {
				t.Errorf("%s is drawn over %s", c.below, c.above)
			}
		}
	})

	// MapLibre's own validator (gl-style-validate, from the style spec package npm installs
	// with maplibre-gl) finds nothing wrong with the style as served.
	t.Run("valid", func(t *testing.T) {
		node, err := exec.LookPath("node")
		if err != nil {
			t.Fatal("node is missing: install Node.js, which `make test` needs for the viewer's tests")
		}
		validator, err := filepath.Abs("../node_modules/@maplibre/maplibre-gl-style-spec/dist/gl-style-validate.mjs")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(validator); err != nil {
			t.Fatalf("%v: `make test` installs the npm packages first", err)
		}
		_, body := send(t, http.MethodGet, url+"/styles/default.json")
		file := filepath.Join(t.TempDir(), "default.json")
		if err := os.WriteFile(file, body, 0o644); err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command(node, validator, file).CombinedOutput(); err != nil || len(out) > 0 {
			t.Errorf("gl-style-validate: %v\n%s", err, out)
		}
	})

	t.Run("behind a proxy", func(t *testing.T) {
		proxied := serve(t, api.Server{Web: web.Embedded()}, trustLocalProxy)
		res, body := send(t, http.MethodGet, proxied+"/styles/default.json", "X-Forwarded-Proto", "https", "X-Forwarded-Host", "map.example.vn",
			"X-Forwarded-Prefix", "/bandoso")
		if !varies(res.Header, "X-Forwarded-Host") {
			t.Errorf("Vary %q lacks the forwarding headers", res.Header.Get("Vary"))
		}
		var s styleDoc
		if err := json.Unmarshal(body, &s); err != nil {
			t.Fatal(err)
		}
		if got, want := s.Sources["bandoso"].URL, "https://map.example.vn/bandoso"+tileJSONPath; got != want {
			t.Errorf("source url %q, want %q", got, want)
		}
		if got, want := s.Sources["basemap"].URL, "https://map.example.vn/bandoso"+basemapPath; got != want {
			t.Errorf("basemap source url %q, want %q", got, want)
		}
	})

	t.Run("unknown style", func(t *testing.T) {
		res, body := send(t, http.MethodGet, url+"/styles/satellite.json")
		if res.StatusCode != http.StatusNotFound || res.Header.Get("Content-Type") != "application/problem+json" {
			t.Fatalf("status %d %s", res.StatusCode, res.Header.Get("Content-Type"))
		}
		if !strings.Contains(string(body), `style \"satellite\" not found`) {
			t.Errorf("body %s does not name the style", body)
		}
	})

	t.Run("etag", func(t *testing.T) {
		res, _ := send(t, http.MethodGet, url+"/styles/default.json")
		etag := res.Header.Get("ETag")
		if etag == "" {
			t.Fatal("no ETag")
		}
		if res, _ := send(t, http.MethodGet, url+"/styles/default.json", "If-None-Match", etag); res.StatusCode != http.StatusNotModified {
			t.Errorf("If-None-Match: status %d, want 304", res.StatusCode)
		}
	})
}

func TestViewerFiles(t *testing.T) {
	files := web.Embedded()
	if _, err := files.Index(); err != nil {
		t.Fatalf("%v: run `make test`, which copies MapLibre into web/lib first", err)
	}
	url := newWebServer(t, files)

	res, page := send(t, http.MethodGet, url+"/")
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("/: status %d, %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	if cc := res.Header.Get("Cache-Control"); cc != "no-cache" {
		t.Errorf("/: Cache-Control %q, want no-cache", cc)
	}
	// Every file the page names is served, and only versioned ones are immutable.
	lib := ""
	for _, ref := range []string{"static/viewer.js", "static/viewer.css", "maplibre-gl.mjs", "maplibre-gl.css"} {
		i := strings.Index(string(page), ref)
		if i < 0 {
			t.Fatalf("the page does not name %s", ref)
		}
		if strings.HasPrefix(ref, "maplibre") {
			start := strings.LastIndex(string(page[:i]), `"`) + 1
			lib = strings.TrimPrefix(string(page[start:i]), "./")
			ref = lib + ref
		}
		res, body := send(t, http.MethodGet, url+"/"+ref)
		if res.StatusCode != http.StatusOK || len(body) == 0 {
			t.Errorf("%s: status %d", ref, res.StatusCode)
			continue
		}
		immutable := strings.Contains(res.Header.Get("Cache-Control"), "immutable")
		if immutable != strings.HasPrefix(ref, "lib/maplibre-gl@") {
			t.Errorf("%s: Cache-Control %q", ref, res.Header.Get("Cache-Control"))
		}
		if strings.HasSuffix(ref, "js") && !strings.Contains(res.Header.Get("Content-Type"), "javascript") {
			t.Errorf("%s: Content-Type %q, which browsers refuse for modules", ref, res.Header.Get("Content-Type"))
		}
		etag := res.Header.Get("ETag")
		if res, _ := send(t, http.MethodGet, url+"/"+ref, "If-None-Match", etag); etag == "" || res.StatusCode != http.StatusNotModified {
			t.Errorf("%s: ETag %q, revalidation status %d", ref, etag, res.StatusCode)
		}
	}
	// Large files go gzipped to clients that accept it, as another representation.
	mjs := "/" + lib + "maplibre-gl.mjs"
	plain, plainBody := send(t, http.MethodGet, url+mjs)
	zipped, zippedBody := send(t, http.MethodGet, url+mjs, "Accept-Encoding", "gzip")
	if zipped.Header.Get("Content-Encoding") != "gzip" || !strings.Contains(zipped.Header.Get("Vary"), "Accept-Encoding") {
		t.Errorf("gzip: Content-Encoding %q, Vary %q", zipped.Header.Get("Content-Encoding"), zipped.Header.Get("Vary"))
	}
	if zipped.Header.Get("ETag") == plain.Header.Get("ETag") || !strings.Contains(zipped.Header.Get("Content-Type"), "javascript") {
		t.Errorf("gzip: ETag %s as the plain one's %s, Content-Type %q", zipped.Header.Get("ETag"), plain.Header.Get("ETag"), zipped.Header.Get("Content-Type"))
	}
	zr, err := gzip.NewReader(bytes.NewReader(zippedBody))
	if err != nil {
		t.Fatal(err)
	}
	unzipped, err := io.ReadAll(zr)
	if err != nil || !bytes.Equal(unzipped, plainBody) || len(zippedBody) > len(plainBody)/2 {
		t.Errorf("gzip: %v; %d bytes gzipped, %d unzipped, %d plain", err, len(zippedBody), len(unzipped), len(plainBody))
	}

	// MapLibre loads its worker from beside itself.
	if res, _ := send(t, http.MethodGet, url+"/"+lib+"maplibre-gl-worker.mjs?v=1"); res.StatusCode != http.StatusOK {
		t.Errorf("worker: status %d", res.StatusCode)
	}
	for _, path := range []string{"/lib/maplibre-gl@0.0.1/maplibre-gl.mjs", "/" + lib + "VERSION", "/static/nope.js", "/static/..%2fweb.go"} {
		if res, _ := send(t, http.MethodGet, url+path); res.StatusCode != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404", path, res.StatusCode)
		}
	}
}

// A binary built without `make web` still serves its styles, and says why it has no viewer.
func TestViewerNotBuilt(t *testing.T) {
	fsys := fstest.MapFS{
		"static/index.html":   {Data: []byte("<!doctype html>")},
		"styles/default.json": {Data: []byte(`{"version": 8, "sources": {"b": {"type": "vector", "url": "/tiles/x.json"}}, "layers": []}`)},
		"lib/README.md":       {Data: []byte("copied by make web")},
	}
	url := newWebServer(t, web.New(fsys))
	for _, path := range []string{"/", "/static/viewer.js", "/lib/maplibre-gl@6.17.0/maplibre-gl.mjs"} {
		res, body := send(t, http.MethodGet, url+path)
		if res.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(body), "make build") {
			t.Errorf("%s: status %d, body %s", path, res.StatusCode, body)
		}
	}
	if res, body := send(t, http.MethodGet, url+"/styles/default.json"); res.StatusCode != http.StatusOK || !strings.Contains(string(body), url+"/tiles/x.json") {
		t.Errorf("style: status %d, body %s", res.StatusCode, body)
	}
}

// The glyphs of the labels, as MapLibre asks for them: a fontstack of fonts joined by commas,
// a range of 256 code points; kept long by clients, revalidated by ETag.
func TestGlyphs(t *testing.T) {
	files := web.Embedded()
	if !files.HasGlyphs() {
		t.Fatal("no glyphs in the binary: run `make test`, which makes them into web/fonts first")
	}
	url := newWebServer(t, files)
	// range reads a 200 answer's one fontstack
	readRange := func(t *testing.T, path string) glyphs.Stack {
		t.Helper()
		res, body := send(t, http.MethodGet, url+path)
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "application/x-protobuf" {
			t.Fatalf("%s: status %d, %s: %s", path, res.StatusCode, res.Header.Get("Content-Type"), body)
		}
		if cc := res.Header.Get("Cache-Control"); cc != "public, max-age=2592000" {
			t.Errorf("%s: Cache-Control %q", path, cc)
		}
		etag := res.Header.Get("ETag")
		if res, _ := send(t, http.MethodGet, url+path, "If-None-Match", etag); etag == "" || res.StatusCode != http.StatusNotModified {
			t.Errorf("%s: ETag %q, revalidation status %d", path, etag, res.StatusCode)
		}
		stacks, err := glyphs.Decode(body)
		if err != nil || len(stacks) != 1 {
			t.Fatalf("%s: %v, %d fontstacks", path, err, len(stacks))
		}
		return stacks[0]
	}

	t.Run("Vietnamese", func(t *testing.T) {
		stack := readRange(t, "/fonts/Noto%20Sans%20Regular/7680-7935.pbf")
		if stack.Name != "Noto Sans Regular" || stack.Range != "7680-7935" {
			t.Errorf("fontstack %q, range %q", stack.Name, stack.Range)
		}
		found := false
		for _, g := range stack.Glyphs {
			if g.ID < 7680 || g.ID > 7935 {
				t.Errorf("glyph U+%04X in range 7680-7935", g.ID)
			}
			if g.ID == 'ệ' {
				found = g.Bitmap != nil && g.Width > 0 && g.Height > 0 && g.Advance > 0
			}
		}
		if !found {
			t.Error("no glyph of ệ with a bitmap")
		}
	})

	t.Run("fontstack", func(t *testing.T) {
		// the first font of the stack that is here serves it
		for path, want := range map[string]string{
			"/fonts/Noto%20Sans%20Bold,Noto%20Sans%20Regular/0-255.pbf":   "Noto Sans Bold",
			"/fonts/Open%20Sans%20Regular,Noto%20Sans%20Bold/0-255.pbf":   "Noto Sans Bold",
			"/fonts/Noto%20Sans%20Regular%2CNoto%20Sans%20Bold/0-255.pbf": "Noto Sans Regular",
		} {
			if stack := readRange(t, path); stack.Name != want || len(stack.Glyphs) < 95 {
				t.Errorf("%s: fontstack %q with %d glyphs, want %s", path, stack.Name, len(stack.Glyphs), want)
			}
		}
	})

	t.Run("gzip", func(t *testing.T) {
		path := url + "/fonts/Noto%20Sans%20Regular/0-255.pbf"
		_, plain := send(t, http.MethodGet, path)
		res, zipped := send(t, http.MethodGet, path, "Accept-Encoding", "gzip")
		if res.Header.Get("Content-Encoding") != "gzip" {
			t.Fatalf("Content-Encoding %q", res.Header.Get("Content-Encoding"))
		}
		zr, err := gzip.NewReader(bytes.NewReader(zipped))
		if err != nil {
			t.Fatal(err)
		}
		unzipped, err := io.ReadAll(zr)
		if err != nil || !bytes.Equal(unzipped, plain) {
			t.Errorf("gzip: %v; %d bytes unzipped, %d plain", err, len(unzipped), len(plain))
		}
	})

	t.Run("not found", func(t *testing.T) {
		for path, want := range map[string]string{
			"/fonts/Open%20Sans%20Regular,Arial%20Unicode%20MS%20Regular/0-255.pbf": `fontstack \"Open Sans Regular,Arial Unicode MS Regular\" not found`,
			"/fonts/Noto%20Sans%20Regular/19968-20223.pbf":                          `glyph range \"19968-20223\" not found`,
			"/fonts/Noto%20Sans%20Regular/0-256.pbf":                                `glyph range \"0-256\" not found`,
			"/fonts/Noto%20Sans%20Regular/..%2FNoto%20Sans%20Bold%2F0-255.pbf":      `"status":404`,
			"/fonts/OFL.txt/0-255.pbf":                                              `fontstack \"OFL.txt\" not found`,
		} {
			res, body := send(t, http.MethodGet, url+path)
			if res.StatusCode != http.StatusNotFound || res.Header.Get("Content-Type") != "application/problem+json" || !strings.Contains(string(body), want) {
				t.Errorf("%s: status %d, %s: %s", path, res.StatusCode, res.Header.Get("Content-Type"), body)
			}
		}
	})

	t.Run("not built", func(t *testing.T) {
		bare := newWebServer(t, web.New(fstest.MapFS{"fonts/OFL.txt": {Data: []byte("licence")}}))
		res, body := send(t, http.MethodGet, bare+"/fonts/Noto%20Sans%20Regular/0-255.pbf")
		if res.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(body), "make build") {
			t.Errorf("status %d: %s", res.StatusCode, body)
		}
	})
}

// The favicon answers at the root, where browsers look for it, as an icon holding an image.
func TestFavicon(t *testing.T) {
	url := newWebServer(t, web.Embedded())
	res, body := send(t, http.MethodGet, url+"/favicon.ico")
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "image/vnd.microsoft.icon" {
		t.Fatalf("status %d, Content-Type %q", res.StatusCode, res.Header.Get("Content-Type"))
	}
	// ICONDIR (reserved 0, type 1, count) and the first entry's size and offset (ICO format)
	if len(body) < 22 || !bytes.Equal(body[:4], []byte{0, 0, 1, 0}) {
		t.Fatalf("not an icon: % x", body[:min(len(body), 8)])
	}
	size, offset := binary.LittleEndian.Uint32(body[14:]), binary.LittleEndian.Uint32(body[18:])
	if int(offset+size) > len(body) {
		t.Fatalf("image of %d bytes at %d in %d", size, offset, len(body))
	}
	img, err := png.DecodeConfig(bytes.NewReader(body[offset : offset+size]))
	if err != nil || img.Width != int(body[6]) || img.Width < 16 {
		t.Errorf("image %+v, %v; the directory says %d px", img, err, body[6])
	}
	if _, page := send(t, http.MethodGet, url+"/"); !bytes.Contains(page, []byte(`<link rel="icon" href="favicon.ico"`)) {
		t.Error("the viewer's page does not link the icon")
	}
}
