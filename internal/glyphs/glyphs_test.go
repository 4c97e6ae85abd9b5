package glyphs_test

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"unicode"

	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/text/unicode/norm"

	"bandoso/internal/glyphs"
)

// at is the field's value at the pixel holding (x, y), in pixels from the pen position on
// the baseline, y up.
func at(g glyphs.Glyph, x, y float64) byte {
	w, h := g.Width+2*glyphs.Border, g.Height+2*glyphs.Border
	col := int(math.Floor(x)) - g.Left + glyphs.Border
	row := g.Top + glyphs.Border - int(math.Floor(y)) - 1
	if col < 0 || col >= w || row < 0 || row >= h {
		panic("at: a point outside the bitmap")
	}
	return g.Bitmap[row*w+col]
}

func parse(t *testing.T, data []byte) *glyphs.Font {
	t.Helper()
	f, err := glyphs.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func glyph(t *testing.T, f *glyphs.Font, r rune) glyphs.Glyph {
	t.Helper()
	g, err := f.Glyph(r)
	if err != nil {
		t.Fatalf("%c: %v", r, err)
	}
	if want := (g.Width + 2*glyphs.Border) * (g.Height + 2*glyphs.Border); g.Bitmap != nil && len(g.Bitmap) != want {
		t.Fatalf("%c: %d×%d with a bitmap of %d bytes, want %d", r, g.Width, g.Height, len(g.Bitmap), want)
	}
	return g
}

// The field of an "o" of the Go font: inside on the ring, outside in the hole and around
// it, the edge between; metrics as the letters' shapes have them.
func TestField(t *testing.T) {
	f := parse(t, goregular.TTF)
	o := glyph(t, f, 'o')
	if o.ID != 'o' || o.Width < 8 || o.Height < 8 || o.Advance <= o.Width || o.Left < 0 {
		t.Fatalf("o: %+v", o)
	}
	midX, midY := float64(o.Left)+float64(o.Width)/2, float64(o.Top)-float64(o.Height)/2
	ring := at(o, float64(o.Left)+1, midY) // the left of the ring, one pixel in
	hole := at(o, midX, midY)
	corner := o.Bitmap[0]
	if ring <= glyphs.Edge || hole >= glyphs.Edge || corner >= hole || corner > 100 {
		t.Errorf("o: ring %d, hole %d, corner %d; the edge is %d", ring, hole, corner, glyphs.Edge)
	}
	// the field falls steadily from the ring's inside across its outer edge to the border
	prev := byte(255)
	for x := float64(o.Left) + 1; x > float64(o.Left-glyphs.Border); x-- {
		v := at(o, x, midY)
		if v > prev {
			t.Errorf("o: the field rises outwards at x = %v: %d after %d", x, v, prev)
		}
		prev = v
	}

	x, p, i, m, space := glyph(t, f, 'x'), glyph(t, f, 'p'), glyph(t, f, 'i'), glyph(t, f, 'm'), glyph(t, f, ' ')
	if x.Top-x.Height != 0 || p.Top-p.Height >= -3 || p.Top < x.Top || p.Top > x.Top+1 {
		t.Errorf("x stands on the baseline, p goes below it, both x-high: x %+v, p %+v", x, p)
	}
	if x.Top < glyphs.Size/3 || x.Top > glyphs.Size*2/3 {
		t.Errorf("x is %d px high at %d px", x.Top, glyphs.Size)
	}
	if i.Advance >= m.Advance || i.Width >= m.Width {
		t.Errorf("i (%+v) is as wide as m (%+v)", i, m)
	}
	if space.Bitmap != nil || space.Width != 0 || space.Height != 0 || space.Advance <= 0 {
		t.Errorf("space: %+v", space)
	}
	if _, err := f.Glyph('ệ'); !errors.Is(err, glyphs.ErrNoGlyph) {
		t.Errorf("ệ, which the Go font lacks: %v, want ErrNoGlyph", err)
	}
}

// notoRegular reads Debian's Noto Sans Regular, which `make web` installs (fonts-noto-core).
func notoRegular(t *testing.T) []byte {
	t.Helper()
	dir := os.Getenv("BANDOSO_NOTO_DIR")
	if dir == "" {
		dir = "/usr/share/fonts/truetype/noto"
	}
	data, err := os.ReadFile(filepath.Join(dir, "NotoSans-Regular.ttf"))
	if err != nil {
		t.Fatalf("%v: install Debian's fonts-noto-core (`make web` does), or set BANDOSO_NOTO_DIR", err)
	}
	return data
}

// vietnamese is every letter of Vietnamese, both cases: the twelve vowels with each of the
// five tone marks or none, composed (NFC), and đ.
func vietnamese() []rune {
	var out []rune
	for _, v := range "aăâeêioôơuưy" {
		for _, tone := range []string{"", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"} {
			c := []rune(norm.NFC.String(string(v) + tone))
			if len(c) != 1 {
				panic("no composed form of " + string(v) + tone)
			}
			out = append(out, c[0], unicode.ToUpper(c[0]))
		}
	}
	return append(out, 'đ', 'Đ')
}

// Noto Sans has every Vietnamese letter in the ranges built, and ệ's glyph, read back from
// its encoded range, has e's body with a circumflex above and a dot below.
func TestVietnamese(t *testing.T) {
	f := parse(t, notoRegular(t))
	if name, err := f.Name(); err != nil || name != "Noto Sans Regular" {
		t.Errorf("name %q, %v", name, err)
	}
	built := map[rune]glyphs.Glyph{}
	for _, start := range glyphs.VietnameseRanges {
		list, err := f.Range(start)
		if err != nil {
			t.Fatal(err)
		}
		stacks, err := glyphs.Decode(glyphs.Encode("Noto Sans Regular", start, list))
		if err != nil || len(stacks) != 1 || stacks[0].Range != glyphs.RangeName(start) || len(stacks[0].Glyphs) != len(list) {
			t.Fatalf("range %d: %v, %+v", start, err, stacks)
		}
		for _, g := range stacks[0].Glyphs {
			built[g.ID] = g
		}
	}
	letters := vietnamese()
	if len(letters) != 146 {
		t.Fatalf("%d letters", len(letters))
	}
	for _, r := range letters {
		if g, ok := built[r]; !ok || g.Bitmap == nil {
			t.Errorf("%c (U+%04X) is not built", r, r)
		}
	}

	e, ee := built['e'], built['ệ']
	if glyphs.RangeName('ệ'-'ệ'%glyphs.RangeSize) != "7680-7935" {
		t.Errorf("ệ is in range %s", glyphs.RangeName('ệ'-'ệ'%glyphs.RangeSize))
	}
	if ee.Top <= e.Top+2 || ee.Top-ee.Height >= -2 || ee.Advance != e.Advance || ee.Width < e.Width-1 || ee.Width > e.Width+2 {
		t.Errorf("ệ %+v, e %+v", withoutBitmap(ee), withoutBitmap(e))
	}
	if ee.Top > glyphs.Size || ee.Top-ee.Height < -glyphs.Size/2 {
		t.Errorf("ệ goes beyond its em: %+v", withoutBitmap(ee))
	}
	if !slices.ContainsFunc(ee.Bitmap, func(v byte) bool { return v > glyphs.Edge+30 }) || !slices.Contains(ee.Bitmap, 0) {
		t.Errorf("ệ's field has no values well inside or far outside")
	}
	// up the middle, ệ has e's strokes and two more: the dot below and the circumflex above
	if n, m := strokes(e), strokes(ee); n != 3 || m != n+2 {
		t.Errorf("up its middle, e crosses %d strokes and ệ %d", n, m)
	}
}

// strokes counts the runs of inside pixels up the glyph's middle column.
func strokes(g glyphs.Glyph) int {
	n, in := 0, false
	for y := g.Top - g.Height; y < g.Top; y++ {
		v := at(g, float64(g.Left)+float64(g.Width)/2, float64(y)+0.5) > glyphs.Edge
		if v && !in {
			n++
		}
		in = v
	}
	return n
}

func withoutBitmap(g glyphs.Glyph) glyphs.Glyph {
	g.Bitmap = nil
	return g
}

func TestDecodeMalformed(t *testing.T) {
	good := glyphs.Encode("x", 0, []glyphs.Glyph{{ID: 'a', Bitmap: make([]byte, 49), Width: 1, Height: 1, Left: -1, Top: 5, Advance: 4}})
	stacks, err := glyphs.Decode(good)
	if err != nil || len(stacks) != 1 || stacks[0].Name != "x" || len(stacks[0].Glyphs) != 1 {
		t.Fatalf("%v, %+v", err, stacks)
	}
	if g := stacks[0].Glyphs[0]; g.Left != -1 || g.Top != 5 || g.Advance != 4 || len(g.Bitmap) != 49 {
		t.Errorf("read back %+v", g)
	}
	short := glyphs.Encode("x", 0, []glyphs.Glyph{{ID: 'a', Bitmap: make([]byte, 48), Width: 1, Height: 1}})
	for name, b := range map[string][]byte{"truncated": good[:len(good)-3], "short bitmap": short} {
		if _, err := glyphs.Decode(b); !errors.Is(err, glyphs.ErrMalformed) {
			t.Errorf("%s: %v, want ErrMalformed", name, err)
		}
	}
}
