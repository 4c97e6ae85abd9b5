package glyphs

import (
	"errors"
	"fmt"

	"google.golang.org/protobuf/encoding/protowire"
)

// Field numbers of Mapbox's glyphs.proto: glyphs{stacks = 1}, fontstack{name = 1, range = 2,
// glyphs = 3}, glyph{id = 1, bitmap = 2, width = 3, height = 4, left = 5, top = 6, advance = 7};
// left and top are sint32 (zigzag), the rest uint32.
const (
	fieldStacks  protowire.Number = 1
	fieldName    protowire.Number = 1
	fieldRange   protowire.Number = 2
	fieldGlyphs  protowire.Number = 3
	fieldID      protowire.Number = 1
	fieldBitmap  protowire.Number = 2
	fieldWidth   protowire.Number = 3
	fieldHeight  protowire.Number = 4
	fieldLeft    protowire.Number = 5
	fieldTop     protowire.Number = 6
	fieldAdvance protowire.Number = 7
)

// Encode writes the range of the font named fontstack starting at start, with its glyphs, as
// MapLibre reads it: one message glyphs holding one fontstack.
func Encode(fontstack string, start rune, glyphs []Glyph) []byte {
	var stack []byte
	stack = protowire.AppendTag(stack, fieldName, protowire.BytesType)
	stack = protowire.AppendString(stack, fontstack)
	stack = protowire.AppendTag(stack, fieldRange, protowire.BytesType)
	stack = protowire.AppendString(stack, RangeName(start))
	for _, g := range glyphs {
		stack = protowire.AppendTag(stack, fieldGlyphs, protowire.BytesType)
		stack = protowire.AppendBytes(stack, encodeGlyph(g))
	}
	out := protowire.AppendTag(nil, fieldStacks, protowire.BytesType)
	return protowire.AppendBytes(out, stack)
}

func encodeGlyph(g Glyph) []byte {
	var b []byte
	uint32Field := func(n protowire.Number, v uint64) {
		b = protowire.AppendTag(b, n, protowire.VarintType)
		b = protowire.AppendVarint(b, v)
	}
	uint32Field(fieldID, uint64(g.ID))
	if g.Bitmap != nil {
		b = protowire.AppendTag(b, fieldBitmap, protowire.BytesType)
		b = protowire.AppendBytes(b, g.Bitmap)
	}
	uint32Field(fieldWidth, uint64(g.Width))
	uint32Field(fieldHeight, uint64(g.Height))
	uint32Field(fieldLeft, protowire.EncodeZigZag(int64(g.Left)))
	uint32Field(fieldTop, protowire.EncodeZigZag(int64(g.Top)))
	uint32Field(fieldAdvance, uint64(g.Advance))
	return b
}

// Stack is one fontstack of a decoded glyphs message.
type Stack struct {
	Name, Range string
	Glyphs      []Glyph
}

// ErrMalformed: the bytes are not a glyphs message.
var ErrMalformed = errors.New("glyphs: malformed glyphs message")

// Decode reads a glyphs message, as MapLibre does, skipping fields it does not know.
func Decode(b []byte) ([]Stack, error) {
	var stacks []Stack
	err := fields(b, func(n protowire.Number, v uint64, sub []byte) error {
		if n != fieldStacks || sub == nil {
			return nil
		}
		var s Stack
		err := fields(sub, func(n protowire.Number, v uint64, sub []byte) error {
			switch {
			case n == fieldName && sub != nil:
				s.Name = string(sub)
			case n == fieldRange && sub != nil:
				s.Range = string(sub)
			case n == fieldGlyphs && sub != nil:
				g, err := decodeGlyph(sub)
				if err != nil {
					return err
				}
				s.Glyphs = append(s.Glyphs, g)
			}
			return nil
		})
		stacks = append(stacks, s)
		return err
	})
	return stacks, err
}

func decodeGlyph(b []byte) (Glyph, error) {
	var g Glyph
	err := fields(b, func(n protowire.Number, v uint64, sub []byte) error {
		switch n {
		case fieldID:
			g.ID = rune(v)
		case fieldBitmap:
			g.Bitmap = sub
		case fieldWidth:
			g.Width = int(v)
		case fieldHeight:
			g.Height = int(v)
		case fieldLeft:
			g.Left = int(protowire.DecodeZigZag(v))
		case fieldTop:
			g.Top = int(protowire.DecodeZigZag(v))
		case fieldAdvance:
			g.Advance = int(v)
		}
		return nil
	})
	if err == nil && g.Bitmap != nil && len(g.Bitmap) != (g.Width+2*Border)*(g.Height+2*Border) {
		err = fmt.Errorf("%w: U+%04X: a %d×%d glyph with a bitmap of %d bytes", ErrMalformed, g.ID, g.Width, g.Height, len(g.Bitmap))
	}
	return g, err
}

// fields calls fn with each field of a message: its number and its value, a varint's in v or
// a length-delimited one's in sub (non-nil, maybe empty).
func fields(b []byte, fn func(n protowire.Number, v uint64, sub []byte) error) error {
	for len(b) > 0 {
		n, typ, l := protowire.ConsumeTag(b)
		if l < 0 {
			return fmt.Errorf("%w: %v", ErrMalformed, protowire.ParseError(l))
		}
		b = b[l:]
		var v uint64
		var sub []byte
		switch typ {
		case protowire.VarintType:
			v, l = protowire.ConsumeVarint(b)
		case protowire.BytesType:
			sub, l = protowire.ConsumeBytes(b)
			if sub == nil && l >= 0 {
				sub = []byte{}
			}
		default:
			l = protowire.ConsumeFieldValue(n, typ, b)
		}
		if l < 0 {
			return fmt.Errorf("%w: %v", ErrMalformed, protowire.ParseError(l))
		}
		b = b[l:]
		if err := fn(n, v, sub); err != nil {
			return err
		}
	}
	return nil
}
