// Package catalog is the layer catalog (danh mục lớp): the published layers, the zoom bands
// their tiles are drawn in, who may read them, and the extent of their rows. It reads the
// catalog once and keeps it until the catalog changes; tiles, features and the layer routes
// all ask it. The SQL stays in store.
package catalog

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"bandoso/store"
)

// Tables are the tables whose changes are changes of the catalog itself.
var Tables = []string{"layers", "layer_bands"}

// ErrUnknownLayer: a requested layer is not in the catalog. It comes wrapped in a
// *LayerError naming the layer.
var ErrUnknownLayer = errors.New("catalog: unknown layer")

// LayerError names the layer an error is about.
type LayerError struct {
	Name string
	Err  error
}

func (e *LayerError) Error() string { return fmt.Sprintf("layer %q: %v", e.Name, e.Err) }
func (e *LayerError) Unwrap() error { return e.Err }

// Catalog is the layer catalog of a database. It reads the catalog on the first call that
// needs it, so that a service started while the database is down finds its layers once it is
// back, and again after Reload. It is safe for concurrent use.
type Catalog struct {
	db *store.DB

	mu sync.Mutex
	// last is the catalog read last; nil until read and after Reload.
	last *snapshot
}

// snapshot is the catalog as read once: its layers by name, and sorted by name.
type snapshot struct {
	byName map[string]*Layer
	sorted []*Layer
}

// New returns the catalog of db, not read yet.
func New(db *store.DB) *Catalog { return &Catalog{db: db} }

// Load reads the catalog unless it is read already.
func (c *Catalog) Load(ctx context.Context) error {
	_, err := c.read(ctx)
	return err
}

func (c *Catalog) read(ctx context.Context) (*snapshot, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.last != nil {
		return c.last, nil
	}
	rows, err := c.db.TileLayers(ctx)
	if err != nil {
		return nil, fmt.Errorf("catalog: read: %w", err)
	}
	s := &snapshot{byName: make(map[string]*Layer, len(rows)), sorted: make([]*Layer, 0, len(rows))}
	for _, r := range rows {
		l := newLayer(r)
		s.byName[r.Name] = l
		s.sorted = append(s.sorted, l)
	}
	slices.SortFunc(s.sorted, func(a, b *Layer) int { return strings.Compare(a.Name, b.Name) })
	c.last = s
	return s, nil
}

// Reload makes the next call read the catalog again, after the catalog changed. Layers
// already handed out stay as they were: a reader compares them with the new ones.
func (c *Catalog) Reload() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.last = nil
}

// Apply takes committed changes into account: a change of the catalog's own tables reads the
// catalog again; a change of a layer's table forgets the layer's bounds.
func (c *Catalog) Apply(changes []store.Change) {
	changed := map[string]bool{}
	for _, ch := range changes {
		changed[ch.Table] = true
	}
	if slices.ContainsFunc(Tables, func(t string) bool { return changed[t] }) {
		c.Reload()
		return
	}
	c.mu.Lock()
	last := c.last
	c.mu.Unlock()
	if last == nil {
		return // not read yet: no bounds kept
	}
	for _, l := range last.sorted {
		if changed[l.Table] {
			l.forgetBounds()
		}
	}
}

// Layer returns the named layer, or an error wrapping ErrUnknownLayer.
func (c *Catalog) Layer(ctx context.Context, name string) (*Layer, error) {
	s, err := c.read(ctx)
	if err != nil {
		return nil, err
	}
	l, ok := s.byName[name]
	if !ok {
		return nil, &LayerError{Name: name, Err: ErrUnknownLayer}
	}
	return l, nil
}

// Layers returns every layer of the catalog, restricted ones too, by name.
func (c *Catalog) Layers(ctx context.Context) ([]*Layer, error) {
	s, err := c.read(ctx)
	if err != nil {
		return nil, err
	}
	return slices.Clone(s.sorted), nil
}
