package catalog

import (
	"context"
	"slices"
	"sync"

	"github.com/paulmach/orb"

	"bandoso/store"
)

// Layer is one layer of the catalog: its row, which store reads its rows and tiles by, and
// what its tiles carry.
type Layer struct {
	store.LayerRow
	// TileFields are the attributes its tiles' features carry besides their id: the layer's
	// own fields in catalog order, then those only a band drawn from a generalized table has
	// (parcel counts on ward totals).
	TileFields []string
	// FieldKinds gives each tile field's kind in a tile: "Number", "Boolean" or "String".
	FieldKinds map[string]string

	boundsMu   sync.Mutex
	boundsRead bool
	bounds     orb.Bound
	hasBounds  bool
}

// newLayer is the layer of catalog row r.
func newLayer(r store.LayerRow) *Layer {
	l := &Layer{LayerRow: r, FieldKinds: map[string]string{}}
	var fields []string
	for _, src := range append(slices.Clone(r.Bands), r.Tiles) {
		for i, f := range src.Fields {
			if _, ok := l.FieldKinds[f]; !ok {
				l.FieldKinds[f] = store.FieldKind(src.FieldTypes[i])
				fields = append(fields, f)
			}
		}
	}
	// Catalog order first: the layer's own fields, then those only bands have.
	l.TileFields = append(slices.Clone(r.Fields), slices.DeleteFunc(fields, func(f string) bool { return slices.Contains(r.Fields, f) })...)
	return l
}

// InZoom reports whether tiles at zoom z include the layer.
func (l *Layer) InZoom(z int) bool { return z >= l.MinZoom && z <= l.MaxZoom }

// TileSource is where the layer is drawn from at zoom z: the first band covering z, else the
// layer's own table.
func (l *Layer) TileSource(z int) store.TileSource {
	for _, b := range l.Bands {
		if b.Covers(z) {
			return b
		}
	}
	return l.Tiles
}

// Bounds returns the extent of layer l's rows in longitude and latitude; ok is false when
// the layer is empty. It is read once and kept until a change to the layer's table (Apply),
// since reading it takes a pass over the table.
func (c *Catalog) Bounds(ctx context.Context, l *Layer) (bounds orb.Bound, ok bool, err error) {
	l.boundsMu.Lock()
	defer l.boundsMu.Unlock()
	if !l.boundsRead {
		b, ok, err := c.db.LayerBounds(ctx, l.LayerRow)
		if err != nil {
			return bounds, false, err // not kept: the next call reads again
		}
		l.bounds, l.hasBounds, l.boundsRead = b, ok, true
	}
	return l.bounds, l.hasBounds, nil
}

func (l *Layer) forgetBounds() {
	l.boundsMu.Lock()
	defer l.boundsMu.Unlock()
	l.boundsRead = false
}
