package catalog

import (
	"context"
	"slices"
)

// Reader is who reads the catalog, as far as access goes: a layer not public (restricted) is
// read only by the holder of an API key.
type Reader int

const (
	// Anyone reads the public layers.
	Anyone Reader = iota
	// KeyHolder, one with a valid API key of any role, reads every layer.
	KeyHolder
)

// ReadableBy reports whether reader may read the layer.
func (l *Layer) ReadableBy(reader Reader) bool { return l.Public || reader == KeyHolder }

// Readable returns the layers reader may read, by name.
func (c *Catalog) Readable(ctx context.Context, reader Reader) ([]*Layer, error) {
	layers, err := c.Layers(ctx)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(layers, func(l *Layer) bool { return !l.ReadableBy(reader) }), nil
}

// Hidden returns the names of the layers reader may not read. A key holder is hidden
// nothing, without reading the catalog.
func (c *Catalog) Hidden(ctx context.Context, reader Reader) (map[string]bool, error) {
	hidden := map[string]bool{}
	if reader == KeyHolder {
		return hidden, nil
	}
	layers, err := c.Layers(ctx)
	if err != nil {
		return nil, err
	}
	for _, l := range layers {
		if !l.ReadableBy(reader) {
			hidden[l.Name] = true
		}
	}
	return hidden, nil
}
