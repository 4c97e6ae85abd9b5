package tiles

import (
	"cmp"
	"context"
	"errors"
	"log/slog"
	"slices"
	"sync"
	"time"

	"bandoso/catalog"
)

// PrerenderOptions tune Prerender; the zero value takes the defaults.
type PrerenderOptions struct {
	// Queue is the most tiles waiting to be made again; the rest of a larger drop is left
	// to the next request. Default 4096.
	Queue int
	// Settle is how long after a change Prerender waits before it starts, so that a burst
	// of changes to one place makes its tiles once. Default 500 ms.
	Settle time.Duration
	// Idle is how many places of the gate must be free before a tile is made. Default
	// DefaultIdle.
	Idle int
	// Timeout bounds one tile. Default 30 s.
	Timeout time.Duration
	// Log hears what went wrong; nil is silent.
	Log *slog.Logger
}

func (o PrerenderOptions) withDefaults() PrerenderOptions {
	o.Queue = cmp.Or(o.Queue, 4096)
	o.Settle = cmp.Or(o.Settle, 500*time.Millisecond)
	o.Idle = cmp.Or(o.Idle, DefaultIdle)
	o.Timeout = cmp.Or(o.Timeout, 30*time.Second)
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	return o
}

// prerenderTries is how many times a tile is made before Prerender gives up on it: a tile
// made while another change came, or on a replica behind, is served but not cached (Tile).
const prerenderTries = 3

// Prerender makes again, in the background, the tiles that changes drop from the cache
// (Apply): they were cached, so clients want them, and the next client then finds them
// ready. It works one tile at a time, only while the database-work gate is idle, through
// Tile, so that a tile made before a change it may miss is not cached. It returns when ctx
// ends, dropping what is still queued. Only one Prerender may run per service; without a
// cache of its own the service drops nothing, and Prerender has nothing to do.
func (s *Service) Prerender(ctx context.Context, o PrerenderOptions) {
	o = o.withDefaults()
	q := &prerenderQueue{max: o.Queue, tries: map[Key]int{}, wake: make(chan struct{}, 1)}
	if !s.background.queue.CompareAndSwap(nil, q) {
		panic("tiles: Prerender runs already")
	}
	defer s.background.queue.Store(nil)
	for {
		select {
		case <-ctx.Done():
			return
		case <-q.wake:
		}
		// Let a burst of changes end: what it drops twice is queued once.
		settle := time.NewTimer(o.Settle)
		select {
		case <-ctx.Done():
			settle.Stop()
			return
		case <-settle.C:
		}
		for _, key := range q.take() {
			if ctx.Err() != nil {
				return
			}
			s.prerenderOne(ctx, q, key, o)
		}
	}
}

// prerenderOne makes key's tile unless a request did meanwhile, and queues it again when it
// could not be cached.
func (s *Service) prerenderOne(ctx context.Context, q *prerenderQueue, key Key, o PrerenderOptions) {
	if s.cached(key) {
		q.done(key)
		return
	}
	_, err := s.makeAhead(ctx, key, o.Idle, o.Timeout)
	switch {
	case ctx.Err() != nil:
		return
	case s.cached(key):
		s.background.prerendered.Add(1)
		q.done(key)
	case errors.Is(err, catalog.ErrUnknownLayer):
		q.done(key)
	default:
		if !q.retry(key) {
			o.Log.Debug("tiles: not made again ahead of requests", "tile", key.String(), "err", err)
		}
	}
}

// prerender queues the tiles of keys, which a change dropped, for the running Prerender.
func (s *Service) prerender(keys []Key) {
	if q := s.background.queue.Load(); q != nil && len(keys) > 0 {
		s.background.overflow.Add(int64(q.add(keys)))
	}
}

// prerenderQueue holds the tiles to make, each once, in the order they came, up to max.
type prerenderQueue struct {
	max  int
	wake chan struct{}

	mu      sync.Mutex
	waiting []Key
	// tries holds every key queued or being made, with the times it was made in vain.
	tries map[Key]int
}

// add queues the keys not queued yet and says how many it left out for want of room.
func (q *prerenderQueue) add(keys []Key) (left int) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for _, k := range keys {
		if _, ok := q.tries[k]; ok {
			continue
		}
		if len(q.tries) >= q.max {
			left++
			continue
		}
		q.tries[k] = 0
		q.waiting = append(q.waiting, k)
	}
	q.signal()
	return left
}

func (q *prerenderQueue) signal() {
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// take empties the queue, returning its keys with the lower zooms, which more clients see,
// first. They stay known (tries) until done or retry, so that a drop meanwhile does not
// queue them twice.
func (q *prerenderQueue) take() []Key {
	q.mu.Lock()
	defer q.mu.Unlock()
	keys := q.waiting
	q.waiting = nil
	slices.SortStableFunc(keys, func(a, b Key) int { return cmp.Compare(a.Tile.Z, b.Tile.Z) })
	return keys
}

// done forgets key: made, or not to be made.
func (q *prerenderQueue) done(key Key) {
	q.mu.Lock()
	defer q.mu.Unlock()
	delete(q.tries, key)
}

// retry queues key again, after a pause, unless it was tried prerenderTries times already.
func (q *prerenderQueue) retry(key Key) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.tries[key]++
	if q.tries[key] >= prerenderTries {
		delete(q.tries, key)
		return false
	}
	q.waiting = append(q.waiting, key)
	q.signal()
	return true
}

func (q *prerenderQueue) len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.tries)
}
