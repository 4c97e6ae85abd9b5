package geocode

import (
	"context"
	"slices"
	"sync"

	"bandoso/store"
)

// A batch asks for the same streets again and again (an agency's list is sorted by street,
// or all in a few wards): a geocoder made for one batch remembers the streets each name
// stands for, so that a row costs the statements of its house number alone.

// memoNames bounds the names a batch's geocoder remembers; past it, names are looked up.
const memoNames = 10_000

// streetMemo remembers the streets of each folded name for the length of one batch.
type streetMemo struct {
	mu    sync.Mutex
	names map[string][]store.StreetMatch
}

// ForBatch returns a geocoder for one batch of requests: it shares g's database and lists,
// and remembers the streets each name stands for until it is dropped. Streets changed during
// the batch may be missed by its later rows, as by a request that started before the change.
func (g *Geocoder) ForBatch() *Geocoder {
	b := *g
	b.memo = &streetMemo{names: map[string][]store.StreetMatch{}}
	return &b
}

// streetsNamed is store.StreetsNamed, remembered in a batch.
func (g *Geocoder) streetsNamed(ctx context.Context, fold string) ([]store.StreetMatch, error) {
	if g.memo == nil {
		return g.db.StreetsNamed(ctx, fold, streetCandidates)
	}
	g.memo.mu.Lock()
	streets, ok := g.memo.names[fold]
	g.memo.mu.Unlock()
	if ok {
		return slices.Clone(streets), nil // the caller marks its copy (StreetsNear)
	}
	streets, err := g.db.StreetsNamed(ctx, fold, streetCandidates)
	if err != nil {
		return nil, err
	}
	g.memo.mu.Lock()
	if len(g.memo.names) < memoNames {
		g.memo.names[fold] = slices.Clone(streets)
	}
	g.memo.mu.Unlock()
	return streets, nil
}
