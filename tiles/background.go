package tiles

import (
	"context"
	"sync/atomic"
	"time"
)

// background is what the service's own tile work (Prerender, Seed) shares and counts.
type background struct {
	// queue is the running Prerender's, nil when none runs.
	queue atomic.Pointer[prerenderQueue]

	prerendered, overflow, seeded, seedLeft atomic.Int64
	// seeding is set while a Seed runs.
	seeding atomic.Bool
}

// BackgroundStats counts the tiles the service made ahead of requests.
type BackgroundStats struct {
	// Prerendered is the tiles that changes dropped and Prerender made again and cached;
	// Queued those waiting now; Overflow those left out because the queue was full.
	Prerendered, Queued, Overflow int64
	// Seeded is the tiles Seed put in a cache; SeedLeft those a running seed has still to do.
	Seeded, SeedLeft int64
}

// BackgroundStats returns the counters of Prerender and Seed since the service started.
func (s *Service) BackgroundStats() BackgroundStats {
	st := BackgroundStats{Prerendered: s.background.prerendered.Load(), Overflow: s.background.overflow.Load(),
		Seeded: s.background.seeded.Load(), SeedLeft: s.background.seedLeft.Load()}
	if q := s.background.queue.Load(); q != nil {
		st.Queued = int64(q.len())
	}
	return st
}

// DefaultIdle is how many places of the database-work gate must be free, with nobody
// waiting, before background work takes one: one is left for a request that comes meanwhile.
const DefaultIdle = 2

// idlePoll bounds how long background work sleeps before it looks at the gate again.
const idlePoll = 250 * time.Millisecond

// gateIdle reports whether the gate has at least idle free places and nobody waiting; an
// idle gate (nobody in) always has, however small it is.
func (s *Service) gateIdle(idle int) bool {
	if s.Gate == nil {
		return true
	}
	st := s.Gate.Stats()
	if st.Queued > 0 {
		return false
	}
	return st.Active == 0 || st.Capacity-st.Active >= idle
}

// waitIdle waits until the gate is idle (gateIdle) or ctx ends. The gate tells nobody when a
// place frees, so it looks again after a growing pause.
func (s *Service) waitIdle(ctx context.Context, idle int) error {
	pause := 5 * time.Millisecond
	for !s.gateIdle(idle) {
		t := time.NewTimer(pause)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
		pause = min(2*pause, idlePoll)
	}
	return ctx.Err()
}

// makeAhead makes the tile of key as a request would (Tile, with its guards against keeping
// a tile older than a change), at low priority: once the gate is idle (and its statements
// take their place only then: enter), counted apart from the clients' hits and misses. It
// returns where the tile came from.
func (s *Service) makeAhead(ctx context.Context, key Key, idle int, timeout time.Duration) (Origin, error) {
	if err := s.waitIdle(ctx, idle); err != nil {
		return FromDatabase, err
	}
	tctx, cancel := context.WithTimeout(inBackground(ctx, idle), timeout)
	defer cancel()
	tctx, origin := WithOrigin(tctx)
	_, err := s.Tile(tctx, keyNames(key), key.Tile)
	return origin.Origin(), err
}

func keyNames(key Key) []string {
	var names []string
	for n := range key.Names() {
		names = append(names, n)
	}
	return names
}

// cached reports whether the cache holds key now.
func (s *Service) cached(key Key) bool {
	if s.cache == nil {
		return false
	}
	_, ok := s.cache.peek(key)
	return ok
}

// enter takes a place of the gate for a tile's statements. The service's own work takes one
// only while its idle places are free, never ahead of a request waiting: waitIdle saw the
// gate idle just before, and should a request have come since, the work queues behind it as
// a request does (a client may have joined its query meanwhile, and must not wait for the
// gate to be idle again).
func (s *Service) enter(ctx context.Context) (leave func(), err error) {
	if idle := backgroundIdle(ctx); idle > 0 {
		if leave, ok := s.Gate.EnterIdle(idle); ok {
			return leave, nil
		}
	}
	return s.Gate.Enter(ctx)
}
