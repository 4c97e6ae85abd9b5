package web

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"
)

// fontsDir holds the labels' glyphs: a folder per font, named as a style's text-font names it
// ("Noto Sans Regular"), a file per range of 256 code points ("7680-7935.pbf").
const fontsDir = "fonts"

// ErrGlyphsNotBuilt: no glyphs were made into the binary (`make web` did not run before `go
// build`); its styles draw no labels.
var ErrGlyphsNotBuilt = errors.New("web: the map labels' glyphs are not built into this binary; build with `make build`")

// ErrUnknownFont: none of a fontstack's fonts has glyphs here.
var ErrUnknownFont = errors.New("web: unknown font")

// ErrUnknownGlyphRange: a fontstack's fonts have no glyphs of that range (or it is no range).
var ErrUnknownGlyphRange = errors.New("web: unknown glyph range")

// loadGlyphs reads every font's ranges once.
func (f *Files) loadGlyphs() (map[string]map[string]*File, error) {
	f.glyphsOnce.Do(func() {
		fonts, err := fs.ReadDir(f.fsys, fontsDir)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			f.glyphsErr = fmt.Errorf("web: %w", err)
			return
		}
		f.glyphs = map[string]map[string]*File{}
		for _, font := range fonts {
			if !font.IsDir() {
				continue
			}
			ranges, err := fs.ReadDir(f.fsys, path.Join(fontsDir, font.Name()))
			if err != nil {
				f.glyphsErr = fmt.Errorf("web: %w", err)
				return
			}
			files := map[string]*File{}
			for _, r := range ranges {
				name, ok := strings.CutSuffix(r.Name(), ".pbf")
				if !ok || r.IsDir() {
					continue
				}
				body, err := fs.ReadFile(f.fsys, path.Join(fontsDir, font.Name(), r.Name()))
				if err != nil {
					f.glyphsErr = fmt.Errorf("web: %w", err)
					return
				}
				file := newFile(r.Name(), body, false)
				file.Lasting = true
				if file.Gzip, err = gzipped(body); err != nil {
					f.glyphsErr = fmt.Errorf("web: %w", err)
					return
				}
				files[name] = file
			}
			if len(files) > 0 {
				f.glyphs[font.Name()] = files
			}
		}
	})
	return f.glyphs, f.glyphsErr
}

// HasGlyphs tells whether the binary has glyphs for labels.
func (f *Files) HasGlyphs() bool {
	fonts, err := f.loadGlyphs()
	return err == nil && len(fonts) > 0
}

// Glyphs returns the glyphs of a range ("7680-7935") of a fontstack: MapLibre's text-font
// fonts joined by commas ("Noto Sans Regular,Noto Sans Bold"), of which the first that has
// glyphs of the range serves them. It returns ErrUnknownFont when none of the fonts is here,
// ErrUnknownGlyphRange when those that are lack the range, and ErrGlyphsNotBuilt when the
// binary has no glyphs at all.
func (f *Files) Glyphs(fontstack, glyphRange string) (*File, error) {
	fonts, err := f.loadGlyphs()
	if err != nil {
		return nil, err
	}
	if len(fonts) == 0 {
		return nil, ErrGlyphsNotBuilt
	}
	known := false
	for _, name := range strings.Split(fontstack, ",") {
		ranges, ok := fonts[strings.TrimSpace(name)]
		if !ok {
			continue
		}
		known = true
		if file, ok := ranges[glyphRange]; ok {
			return file, nil
		}
	}
	if known {
		return nil, ErrUnknownGlyphRange
	}
	return nil, ErrUnknownFont
}

// dropLabels removes from a style what needs glyphs: its glyphs URL and the layers drawing
// text, so that a binary without glyphs serves a style MapLibre draws without errors.
func dropLabels(style map[string]any) {
	delete(style, "glyphs")
	layers, _ := style["layers"].([]any)
	kept := layers[:0:0]
	for _, l := range layers {
		m, _ := l.(map[string]any)
		if layout, ok := m["layout"].(map[string]any); ok && layout["text-field"] != nil {
			continue
		}
		kept = append(kept, l)
	}
	style["layers"] = kept
}
