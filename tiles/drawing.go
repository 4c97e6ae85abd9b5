package tiles

import (
	"fmt"
	"slices"
	"strings"

	"bandoso/catalog"
	"bandoso/store"
)

// drawing is a catalog layer with the statements drawing it: queries[i] draws Bands[i],
// queries[len(Bands)] the other zooms.
type drawing struct {
	layer   *catalog.Layer
	queries []store.TileQuery
	// signature is everything about the layer that its tiles' bytes depend on: its zoom range
	// and the statements drawing each band.
	signature string
}

func newDrawing(l *catalog.Layer) *drawing {
	d := &drawing{layer: l}
	var b strings.Builder
	fmt.Fprintf(&b, "%d-%d", l.MinZoom, l.MaxZoom)
	for _, band := range l.Bands {
		fmt.Fprintf(&b, ";%d-%d", band.MinZoom, band.MaxZoom)
	}
	for _, src := range append(slices.Clone(l.Bands), l.Tiles) {
		q := store.NewTileQuery(l.Name, src)
		d.queries = append(d.queries, q)
		b.WriteString(";" + q.SQL())
	}
	d.signature = b.String()
	return d
}

// query is the statement drawing the layer at zoom z: the first band covering z, else the
// layer's own table.
func (d *drawing) query(z int) store.TileQuery {
	for i, b := range d.layer.Bands {
		if b.Covers(z) {
			return d.queries[i]
		}
	}
	return d.queries[len(d.layer.Bands)]
}

// drawingOf returns the statements drawing catalog layer l. When the catalog changed how l is
// drawn since its tiles were cached, those tiles leave the cache; a change to a title, a
// licence or the update time leaves every tile as it was.
func (s *Service) drawingOf(l *catalog.Layer) *drawing {
	s.mu.Lock()
	defer s.mu.Unlock()
	old := s.drawn[l.Name]
	if old != nil && old.layer == l {
		return old
	}
	d := newDrawing(l)
	s.drawn[l.Name] = d
	if old != nil && old.signature != d.signature && s.cache != nil {
		s.cache.Drop(func(key Key) bool {
			for n := range key.Names() {
				if n == l.Name {
					return true
				}
			}
			return false
		})
	}
	return d
}
