package tiles

import (
	"context"
	"errors"
	"sync"

	"golang.org/x/sync/singleflight"
)

// flights collapses concurrent misses for one tile into one query. The query runs under a
// context of its own, cancelled once every caller waiting for it has gone: one client hanging
// up does not fail the others, and the last one leaving stops the query.
type flights struct {
	group   singleflight.Group
	mu      sync.Mutex
	waiting map[string]*waiters
}

// waiters are the callers of one key in flight and the context its query runs under.
type waiters struct {
	n      int
	ctx    context.Context
	cancel context.CancelFunc
}

// do returns fn's result for key, running fn once for all concurrent callers of key.
func (f *flights) do(ctx context.Context, key string, fn func(context.Context) (*Tile, error)) (*Tile, error) {
	for attempt := 0; ; attempt++ {
		tile, err := f.once(ctx, key, fn)
		// A query started for callers who all left is cancelled; a caller who joined it just
		// then is still here and tries again, with a query of its own.
		if errors.Is(err, context.Canceled) && ctx.Err() == nil && attempt < 2 {
			continue
		}
		return tile, err
	}
}

func (f *flights) once(ctx context.Context, key string, fn func(context.Context) (*Tile, error)) (*Tile, error) {
	w := f.join(ctx, key)
	defer f.leave(key, w)
	ch := f.group.DoChan(key, func() (any, error) { return fn(w.ctx) })
	select {
	case r := <-ch:
		tile, _ := r.Val.(*Tile)
		return tile, r.Err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (f *flights) join(ctx context.Context, key string) *waiters {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.waiting == nil {
		f.waiting = map[string]*waiters{}
	}
	w := f.waiting[key]
	if w == nil {
		// Values such as the request's logger stay; its cancellation does not.
		qctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		w = &waiters{ctx: qctx, cancel: cancel}
		f.waiting[key] = w
	}
	w.n++
	return w
}

func (f *flights) leave(key string, w *waiters) {
	f.mu.Lock()
	defer f.mu.Unlock()
	w.n--
	if w.n == 0 {
		w.cancel()
		delete(f.waiting, key)
	}
}
