// Package admit caps how much work runs at once. A Gate lets a fixed number of callers in,
// queues a bounded number more for a bounded time, and turns the rest away at once, so that
// a burst waits its turn or is refused quickly instead of piling onto the database pool,
// where every request would wait until its timeout and starve the service's own background
// work.
package admit

import (
	"context"
	"errors"
	"sync/atomic"
	"time"
)

// ErrBusy is returned when the queue is full or the wait too long: the caller should answer
// "try again shortly" (HTTP 503 with Retry-After).
var ErrBusy = errors.New("admit: too much work in progress; retry shortly")

// Gate admits at most Active callers at once. It is safe for concurrent use; a nil *Gate
// admits everyone.
type Gate struct {
	slots    chan struct{}
	maxQueue int64
	maxWait  time.Duration

	queued atomic.Int64
	shed   atomic.Int64
}

// New returns a gate for active callers at once, with up to queue more waiting at most wait
// each. active must be at least 1; queue may be 0 (no waiting: refuse when full).
func New(active, queue int, wait time.Duration) *Gate {
	return &Gate{slots: make(chan struct{}, max(active, 1)), maxQueue: int64(max(queue, 0)), maxWait: wait}
}

// Enter waits for a place and returns the function that gives it back, to be called exactly
// once. It returns ErrBusy when the queue is full or the wait ran out, and ctx's error when
// ctx ends first.
func (g *Gate) Enter(ctx context.Context) (leave func(), err error) {
	if g == nil {
		return func() {}, nil
	}
	select {
	case g.slots <- struct{}{}:
		return g.leave, nil
	default:
	}
	if g.queued.Add(1) > g.maxQueue {
		g.queued.Add(-1)
		g.shed.Add(1)
		return nil, ErrBusy
	}
	defer g.queued.Add(-1)
	timer := time.NewTimer(g.maxWait)
	defer timer.Stop()
	select {
	case g.slots <- struct{}{}:
		return g.leave, nil
	case <-timer.C:
		g.shed.Add(1)
		return nil, ErrBusy
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (g *Gate) leave() { <-g.slots }

// Stats is a gate's state: callers in, callers waiting, and callers turned away so far.
type Stats struct {
	Active, Queued, Capacity int
	Shed                     int64
}

// Stats reports the gate's state; a nil gate reports zeros.
func (g *Gate) Stats() Stats {
	if g == nil {
		return Stats{}
	}
	return Stats{Active: len(g.slots), Queued: int(g.queued.Load()), Capacity: cap(g.slots), Shed: g.shed.Load()}
}
