// Package admit caps how much work runs at once. A Gate lets a fixed number of callers in,
// queues a bounded number more for a bounded time, and turns the rest away at once, so that
// a burst waits its turn or is refused quickly instead of piling onto the database pool,
// where every request would wait until its timeout and starve the service's own background
// work. A gate may also cap the places one client holds, so that one client cannot take
// them all; Quota caps what else a client holds at once (uploads).
package admit

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"
)

// ErrBusy is returned when the queue is full or the wait too long: the caller should answer
// "try again shortly" (HTTP 503 with Retry-After).
var ErrBusy = errors.New("admit: too much work in progress; retry shortly")

// ErrClientBusy is returned when the caller's client held all the places it may for the
// whole wait: the client, not the service, should slow down (HTTP 429 with Retry-After).
var ErrClientBusy = errors.New("admit: this client has as much work in progress as it may; retry shortly")

// Gate admits at most Active callers at once. It is safe for concurrent use; a nil *Gate
// admits everyone.
type Gate struct {
	slots    chan struct{}
	maxQueue int64
	maxWait  time.Duration

	queued atomic.Int64
	shed   atomic.Int64
	// waiting counts callers waiting for a place of the gate itself (not their client's);
	// fullSince is when the gate last had a free place nobody was waiting for, in Unix ns,
	// 0 while it has one.
	waiting   atomic.Int64
	fullSince atomic.Int64

	// target is TargetWait's; meanHold is the mean time a place is held, in ns.
	target   time.Duration
	meanHold atomic.Int64

	perClient int
	mu        sync.Mutex
	clients   map[string]*clientPlaces
}

// clientPlaces are the places one client may hold; refs counts its callers in or waiting,
// and the entry goes when the last leaves.
type clientPlaces struct {
	id      string
	slots   chan struct{}
	waiting atomic.Int64 // its callers waiting for one of its places
	refs    int
}

// New returns a gate for active callers at once, with up to queue more waiting at most wait
// each. active must be at least 1; queue may be 0 (no waiting: refuse when full).
func New(active, queue int, wait time.Duration) *Gate {
	return &Gate{slots: make(chan struct{}, max(active, 1)), maxQueue: int64(max(queue, 0)), maxWait: wait,
		clients: map[string]*clientPlaces{}}
}

// PerClient caps at n the places held at once by callers whose context names the same
// client (WithClient); a client at its cap waits in the queue as everyone does, and gets
// ErrClientBusy when the wait runs out. n < 1 is no cap. Call it before the gate is used.
func (g *Gate) PerClient(n int) *Gate {
	g.perClient = n
	return g
}

type clientKey struct{}

// WithClient names the client on whose behalf work under ctx is done, for PerClient.
func WithClient(ctx context.Context, client string) context.Context {
	return context.WithValue(ctx, clientKey{}, client)
}

// Enter waits for a place and returns the function that gives it back, to be called exactly
// once. It returns ErrBusy when the queue is full or too long (TargetWait) or the wait ran
// out, ErrClientBusy when the caller's client held its share all the while (or its own
// queue is too long), and ctx's error when ctx ends first.
func (g *Gate) Enter(ctx context.Context) (leave func(), err error) {
	if g == nil {
		return func() {}, nil
	}
	c := g.client(ctx)
	w := waiter{g: g, ctx: ctx}
	defer w.done()
	if c != nil {
		if err := w.take(c.slots, &c.waiting, ErrClientBusy); err != nil {
			g.release(c)
			return nil, err
		}
	}
	if err := w.take(g.slots, &g.waiting, ErrBusy); err != nil {
		if c != nil {
			<-c.slots
			g.release(c)
		}
		return nil, err
	}
	return g.entered(c), nil
}

// entered notes that a caller took a place (and one of c's, unless c is nil) and returns
// the function that gives them back.
func (g *Gate) entered(c *clientPlaces) (leave func()) {
	if len(g.slots) == cap(g.slots) {
		g.fullSince.CompareAndSwap(0, time.Now().UnixNano())
	}
	in := time.Now()
	var once sync.Once
	return func() {
		once.Do(func() {
			g.held(time.Since(in))
			// A caller already waiting takes the place at once: the gate stays full.
			handedOn := g.waiting.Load() > 0
			<-g.slots
			if !handedOn {
				g.fullSince.Store(0)
			}
			if c != nil {
				<-c.slots
				g.release(c)
			}
		})
	}
}

// waiter is one caller's way through the gate: it joins the queue at most once, however
// many places it waits for, and its wait is bounded once.
type waiter struct {
	g      *Gate
	ctx    context.Context
	queued bool
	timer  *time.Timer
}

// take takes a place of slots, waiting in the queue when there is none, counted in waiting
// with the others waiting for slots; busy is the error when the wait runs out or would be
// too long (TargetWait).
func (w *waiter) take(slots chan struct{}, waiting *atomic.Int64, busy error) error {
	select {
	case slots <- struct{}{}:
		return nil
	default:
	}
	if w.g.tooLong(waiting, cap(slots)) {
		w.g.shed.Add(1)
		return busy
	}
	waiting.Add(1)
	defer waiting.Add(-1)
	if !w.queued {
		if w.g.queued.Add(1) > w.g.maxQueue {
			w.g.queued.Add(-1)
			w.g.shed.Add(1)
			return ErrBusy
		}
		w.queued, w.timer = true, time.NewTimer(w.g.maxWait)
	}
	select {
	case slots <- struct{}{}:
		return nil
	case <-w.timer.C:
		w.g.shed.Add(1)
		return busy
	case <-w.ctx.Done():
		return w.ctx.Err()
	}
}

func (w *waiter) done() {
	if w.queued {
		w.g.queued.Add(-1)
		w.timer.Stop()
	}
}

// client is the places of ctx's client, counted as one more caller; nil without a cap or
// a client.
func (g *Gate) client(ctx context.Context) *clientPlaces {
	id, _ := ctx.Value(clientKey{}).(string)
	if g.perClient < 1 || id == "" {
		return nil
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	c := g.clients[id]
	if c == nil {
		c = &clientPlaces{id: id, slots: make(chan struct{}, g.perClient)}
		g.clients[id] = c
	}
	c.refs++
	return c
}

// release counts one caller of c fewer, and forgets c with the last.
func (g *Gate) release(c *clientPlaces) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if c.refs--; c.refs == 0 {
		delete(g.clients, c.id)
	}
}

// Stats is a gate's state: callers in, callers waiting, and callers turned away so far
// (the queue full or too long, or the wait run out); FullSince is when every place was last
// taken with none handed back since (the zero time while a place is free).
type Stats struct {
	Active, Queued, Capacity int
	Shed                     int64
	FullSince                time.Time
}

// Stats reports the gate's state; a nil gate reports zeros.
func (g *Gate) Stats() Stats {
	if g == nil {
		return Stats{}
	}
	st := Stats{Active: len(g.slots), Queued: int(g.queued.Load()), Capacity: cap(g.slots), Shed: g.shed.Load()}
	if st.Active < st.Capacity {
		g.fullSince.Store(0) // a place handed on was not taken after all
		return st
	}
	g.fullSince.CompareAndSwap(0, time.Now().UnixNano())
	if ns := g.fullSince.Load(); ns != 0 {
		st.FullSince = time.Unix(0, ns)
	}
	return st
}
