// Package glyphs makes the glyphs MapLibre draws map labels with: signed distance fields of a
// TrueType or OpenType font's glyphs at 24 px, in ranges of 256 code points encoded as the
// protocol buffers of Mapbox's glyphs.proto, which a style's `glyphs` URL serves. It follows
// node-fontnik's conventions (size 24, a 3 px border, distances up to 8 px, the edge at 191),
// which MapLibre's text shader assumes, and works from the font's outlines, so it needs no
// FreeType.
package glyphs

import (
	"errors"
	"fmt"

	"golang.org/x/image/font"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

const (
	// Size is the glyphs' font size in pixels per em: MapLibre lays text out in 24 px ems.
	Size = 24
	// Border is the margin, in pixels, on each side of a glyph's bitmap (MapLibre's
	// GLYPH_PBF_BORDER): it holds the field outside the outline, for halos.
	Border = 3
	// Radius is the distance in pixels from the outline at which the field stops changing.
	Radius = 8
	// Edge is the value of the field on the outline, 255 − 256 × fontnik's cutoff of 0.25,
	// where MapLibre's shader draws the glyph's edge (0.75 of 255); values above are inside.
	Edge = 191
)

// RangeSize is the number of code points of a range, the unit MapLibre fetches glyphs in.
const RangeSize = 256

// VietnameseRanges are the starts of the ranges holding every letter of Vietnamese and what
// surrounds it in names: Basic Latin and Latin-1 (0–255), Latin Extended-A (256–511) and -B
// (512–767, with the spacing modifiers), the combining diacritical marks (768–1023), Latin
// Extended Additional (7680–7935: ạ ả ấ … ỹ) and General Punctuation with the currency signs
// (8192–8447, ₫ among them).
var VietnameseRanges = []rune{0x0000, 0x0100, 0x0200, 0x0300, 0x1E00, 0x2000}

// RangeName names the range starting at start as MapLibre's URLs do: "7680-7935".
func RangeName(start rune) string { return fmt.Sprintf("%d-%d", start, start+RangeSize-1) }

// Glyph is one code point's glyph: its signed distance field and its metrics, in pixels at
// Size, y up from the baseline.
type Glyph struct {
	ID rune
	// Bitmap is the field, one byte per pixel, row by row from the top, (Width+2×Border) ×
	// (Height+2×Border) bytes; nil for a glyph that draws nothing (a space).
	Bitmap []byte
	// Width and Height are those of the glyph's box, without the border.
	Width, Height int
	// Left is the box's left edge from the pen position, Top its top edge above the baseline.
	Left, Top int
	// Advance is how far the pen moves after the glyph.
	Advance int
}

// Font is a parsed font. It is not safe for concurrent use.
type Font struct {
	f   *sfnt.Font
	buf sfnt.Buffer
}

// Parse reads a TrueType or OpenType font file.
func Parse(data []byte) (*Font, error) {
	f, err := sfnt.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("glyphs: %w", err)
	}
	return &Font{f: f}, nil
}

// Name is the font's family and style, the name MapLibre's text-font gives it: "Noto Sans
// Regular", "Noto Sans Bold".
func (f *Font) Name() (string, error) {
	family, err := f.f.Name(&f.buf, sfnt.NameIDFamily)
	if err != nil {
		return "", fmt.Errorf("glyphs: family name: %w", err)
	}
	style, err := f.f.Name(&f.buf, sfnt.NameIDSubfamily)
	if err != nil {
		return "", fmt.Errorf("glyphs: style name: %w", err)
	}
	return family + " " + style, nil
}

// ErrNoGlyph: the font has no glyph for the code point.
var ErrNoGlyph = errors.New("glyphs: no glyph for the code point")

// Glyph renders r's glyph, or returns ErrNoGlyph.
func (f *Font) Glyph(r rune) (Glyph, error) {
	idx, err := f.f.GlyphIndex(&f.buf, r)
	if err != nil {
		return Glyph{}, fmt.Errorf("glyphs: U+%04X: %w", r, err)
	}
	if idx == 0 {
		return Glyph{}, ErrNoGlyph
	}
	advance, err := f.f.GlyphAdvance(&f.buf, idx, fixed.I(Size), font.HintingNone)
	if err != nil {
		return Glyph{}, fmt.Errorf("glyphs: U+%04X: %w", r, err)
	}
	segments, err := f.f.LoadGlyph(&f.buf, idx, fixed.I(Size), nil)
	if err != nil {
		return Glyph{}, fmt.Errorf("glyphs: U+%04X: %w", r, err)
	}
	g := field(flatten(segments))
	g.ID, g.Advance = r, advance.Round()
	return g, nil
}

// Range renders the glyphs the font has of the range starting at start, by code point.
func (f *Font) Range(start rune) ([]Glyph, error) {
	var out []Glyph
	for r := start; r < start+RangeSize; r++ {
		g, err := f.Glyph(r)
		if errors.Is(err, ErrNoGlyph) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, nil
}
