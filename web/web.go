// Package web holds the files of the map viewer served at /, the MapLibre styles served at
// /styles/{name}.json and the glyphs their labels are drawn with, embedded into the binary. It
// knows nothing of HTTP routes or of the rest of bandoso: api serves what it returns.
//
// The viewer's own files (static/), the styles (styles/) and the templates of the API's HTML
// pages (pages/) are in git. MapLibre GL JS (lib/) and Swagger UI (lib/swagger-ui-dist/) are
// copied from npm, and the glyphs (fonts/) made from Debian's fonts, by `make web`; those are
// git-ignored, so that a clean clone still builds without npm or the fonts: such a binary's
// viewer reports ErrNotBuilt, and its styles and pages still work, without labels.
package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"strings"
	"sync"
)

//go:embed static styles lib fonts pages
var embedded embed.FS

// ErrNotBuilt: the files copied from npm, MapLibre's or Swagger UI's, are not in the binary
// (`make web` did not run before `go build`).
var ErrNotBuilt = errors.New("web: the files copied from npm are not built into this binary; build with `make build`")

// ErrUnknownStyle: there is no style of that name.
var ErrUnknownStyle = errors.New("web: unknown style")

// The npm packages `make web` copies into lib/: MapLibre at its top, every other one in a
// folder of its name. Each folder's VERSION file names the package's version; `make web`
// writes lib/VERSION last, so its presence means the copy is complete.
const (
	MapLibre  = "maplibre-gl"
	SwaggerUI = "swagger-ui-dist"
)

// libDir is the folder package pkg is copied into.
func libDir(pkg string) string {
	if pkg == MapLibre {
		return "lib"
	}
	return "lib/" + pkg
}

// indexLibToken is replaced in static/index.html by the versioned MapLibre folder (libPrefix).
const indexLibToken = "{{maplibre}}"

// File is one file to serve: its bytes, gzipped too when that pays, and its hash.
type File struct {
	Name string
	Body []byte
	// Gzip is Body gzipped, for clients that accept it; nil for files not worth compressing.
	Gzip []byte
	// Hash identifies Body: hex of the first 128 bits of its SHA-256.
	Hash string
	// Immutable is set on files whose URL changes whenever their content does (versioned
	// MapLibre files), so that clients may keep them for good.
	Immutable bool
	// Lasting is set on files that change only with the fonts the binary is built from
	// (glyphs), whose URL does not say which: clients may keep them a long while.
	Lasting bool
}

// emptyTileJSON is what keepTileLayers leaves of a path none of whose layers it keeps.
const emptyTileJSON = "/tiles/.json"

// keepTileLayers drops the layers keep does not keep from a "/tiles/a,b,c.json" path.
func keepTileLayers(path string, keep func(string) bool) string {
	list, ok := strings.CutPrefix(path, "/tiles/")
	if !ok || keep == nil || !strings.HasSuffix(list, ".json") {
		return path
	}
	var kept []string
	for _, n := range strings.Split(strings.TrimSuffix(list, ".json"), ",") {
		if keep(n) {
			kept = append(kept, n)
		}
	}
	return "/tiles/" + strings.Join(kept, ",") + ".json"
}

// keepStyleLayers drops the style layers drawing a tile layer keep does not keep, and the
// switcher groups (metadata bandoso:groups) left without a style layer.
func keepStyleLayers(style map[string]any, keep func(string) bool) {
	layers, _ := style["layers"].([]any)
	kept := layers[:0:0]
	groups := map[string]bool{}
	for _, l := range layers {
		m, _ := l.(map[string]any)
		if sl, ok := m["source-layer"].(string); ok && !keep(sl) {
			continue
		}
		kept = append(kept, l)
		if md, ok := m["metadata"].(map[string]any); ok {
			if g, ok := md["bandoso:group"].(string); ok {
				groups[g] = true
			}
		}
	}
	style["layers"] = kept
	md, _ := style["metadata"].(map[string]any)
	if list, ok := md["bandoso:groups"].([]any); ok {
		out := []any{}
		for _, g := range list {
			if id, _ := g.(map[string]any)["id"].(string); groups[id] {
				out = append(out, g)
			}
		}
		md["bandoso:groups"] = out
	}
}

// Files is the viewer and the styles of one file system. It is safe for concurrent use.
type Files struct {
	fsys fs.FS

	once     sync.Once
	versions map[string]string // of the packages in lib/, by name
	files    map[string]*File  // by path: static/…, lib/…, lib/swagger-ui-dist/…
	err      error             // ErrNotBuilt, or why the files could not be read

	pages pages

	glyphsOnce sync.Once
	glyphs     map[string]map[string]*File // by font, then range ("0-255")
	glyphsErr  error
}

// Embedded returns the files built into the binary.
func Embedded() *Files { return New(embedded) }

// New returns the files of fsys, laid out as this package's folder: static/, styles/, lib/,
// fonts/.
func New(fsys fs.FS) *Files { return &Files{fsys: fsys} }

var versionPattern = regexp.MustCompile(`^[0-9A-Za-z.+-]{1,64}$`)

// load reads and hashes the viewer's files once, so that serving one costs neither.
func (f *Files) load() error {
	f.once.Do(func() {
		f.versions = map[string]string{}
		dirs := []string{"static"}
		for _, pkg := range []string{MapLibre, SwaggerUI} {
			raw, err := fs.ReadFile(f.fsys, libDir(pkg)+"/VERSION")
			if v := strings.TrimSpace(string(raw)); err == nil && versionPattern.MatchString(v) {
				f.versions[pkg] = v
				dirs = append(dirs, libDir(pkg))
			}
		}
		v, ok := f.versions[MapLibre]
		if !ok {
			f.err = ErrNotBuilt
			return
		}
		f.files = map[string]*File{}
		for _, dir := range dirs {
			entries, err := fs.ReadDir(f.fsys, dir)
			if err != nil {
				f.err = fmt.Errorf("web: %w", err)
				return
			}
			for _, e := range entries {
				name := e.Name()
				if e.IsDir() || dir != "static" && (name == "VERSION" || name == "README.md") {
					continue
				}
				body, err := fs.ReadFile(f.fsys, dir+"/"+name)
				if err != nil {
					f.err = fmt.Errorf("web: %w", err)
					return
				}
				if dir == "static" && name == "index.html" {
					body = bytes.ReplaceAll(body, []byte(indexLibToken), []byte(libPrefix(v)))
				}
				file := newFile(name, body, dir != "static")
				if file.Gzip, err = gzipped(body); err != nil {
					f.err = fmt.Errorf("web: %w", err)
					return
				}
				f.files[dir+"/"+name] = file
			}
		}
	})
	return f.err
}

// libPrefix is the path, relative to the viewer's page, of the folder serving MapLibre: it
// names the version, so its files are immutable. MapLibre loads its worker from beside its
// main module, so both must be served from this one folder.
func libPrefix(version string) string { return libPath(MapLibre, version) }

// libPath is the path, relative to the service's root, of the folder serving version of the
// npm package pkg.
func libPath(pkg, version string) string { return "lib/" + pkg + "@" + version }

// LibPath returns the path, relative to the service's root, of the folder serving pkg's files
// (MapLibre or SwaggerUI), such as "lib/maplibre-gl@6.17.0"; ErrNotBuilt when it was not
// copied in.
func (f *Files) LibPath(pkg string) (string, error) {
	if err := f.load(); err != nil {
		return "", err
	}
	v, ok := f.versions[pkg]
	if !ok {
		return "", ErrNotBuilt
	}
	return libPath(pkg, v), nil
}

// Index returns the viewer's page, or ErrNotBuilt.
func (f *Files) Index() (*File, error) { return f.Static("index.html") }

// Static returns one of the viewer's own files (static/name): ErrNotBuilt when MapLibre was
// not copied in, as the viewer cannot work without it, and fs.ErrNotExist for an unknown file.
func (f *Files) Static(name string) (*File, error) { return f.file("static/" + name) }

// Lib returns a file of version of the npm package pkg (MapLibre or SwaggerUI): ErrNotBuilt
// when the package was not copied in, and fs.ErrNotExist for another package or version, or
// an unknown file.
func (f *Files) Lib(pkg, version, name string) (*File, error) {
	if err := f.load(); err != nil {
		return nil, err
	}
	v, ok := f.versions[pkg]
	if !ok && (pkg == MapLibre || pkg == SwaggerUI) {
		return nil, ErrNotBuilt
	}
	if !ok || version != v {
		return nil, fs.ErrNotExist
	}
	return f.file(libDir(pkg) + "/" + name)
}

func (f *Files) file(p string) (*File, error) {
	if err := f.load(); err != nil {
		return nil, err
	}
	if file, ok := f.files[p]; ok {
		return file, nil
	}
	return nil, fs.ErrNotExist
}

func newFile(name string, body []byte, immutable bool) *File {
	sum := sha256.Sum256(body)
	return &File{Name: name, Body: body, Hash: hex.EncodeToString(sum[:16]), Immutable: immutable}
}

// gzipped compresses body once, at load, when it is large enough for that to pay: MapLibre's
// module and worker shrink from 1.6 MB to about a third.
func gzipped(body []byte) ([]byte, error) {
	if len(body) < 1024 {
		return nil, nil
	}
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(body); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	if buf.Len() >= len(body) {
		return nil, nil
	}
	return buf.Bytes(), nil
}

// Style returns the MapLibre style (style spec v8) of that name with each source URL and the
// glyphs URL that is a path ("/tiles/….json") made absolute on base, the URL clients reach
// this service at. When keep is not nil, only the tile layers it keeps remain: in the source
// URLs, in the style's layers (by source-layer) and in its groups, and a source left without
// a layer goes. Without glyphs in the binary, the style has no glyphs URL and no text layers.
// An unknown name gives ErrUnknownStyle.
func (f *Files) Style(name, base string, keep func(layer string) bool) (*File, error) {
	raw, err := f.styleJSON(name)
	if err != nil {
		return nil, err
	}
	var style map[string]any
	if err := json.Unmarshal(raw, &style); err != nil {
		return nil, fmt.Errorf("web: style %s: %w", name, err)
	}
	sources, _ := style["sources"].(map[string]any)
	for name, s := range sources {
		src, _ := s.(map[string]any)
		u, ok := src["url"].(string)
		if !ok || !strings.HasPrefix(u, "/") {
			continue
		}
		u = keepTileLayers(u, keep)
		if u == emptyTileJSON {
			// every layer of the source is hidden: so are its style layers (keepStyleLayers),
			// and a source without them would only ask for a TileJSON that does not exist
			delete(sources, name)
			continue
		}
		src["url"] = base + u
	}
	if keep != nil {
		keepStyleLayers(style, keep)
	}
	if glyphs, ok := style["glyphs"].(string); ok && strings.HasPrefix(glyphs, "/") {
		if f.HasGlyphs() {
			style["glyphs"] = base + glyphs
		} else {
			dropLabels(style)
		}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(style); err != nil {
		return nil, fmt.Errorf("web: style %s: %w", name, err)
	}
	return newFile(name+".json", buf.Bytes(), false), nil
}
