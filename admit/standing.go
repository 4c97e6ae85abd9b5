package admit

import (
	"math"
	"sync/atomic"
	"time"
)

// On a database whose cores are all busy, a caller waiting in the queue is served no
// sooner and no more callers are served per second: a long queue under steady load only
// adds its wait to every answer. So the queue keeps callers for as long as it would take to
// serve those ahead of them within a target wait, and turns a new caller away at once
// (ErrBusy) past it: the answers that go out come as fast as the work allows, and the
// others come back after RetryAfter. The wait is foreseen from the mean time a place is
// held, which grows as the work slows. A queue shorter than half the places is never too
// long: a few callers waiting behind long work (a download) wait as they did, so that the
// target bounds steady overload, not light use. Those already waiting keep their place:
// the queue stays first in, first out.

// TargetWait turns a new caller away at once when at least half as many callers wait as
// there are places (one at least) and serving them would take longer than target. A
// client's own line, those waiting for one of the places PerClient lets it hold, is
// bounded the same way, and its new callers get ErrClientBusy: a client that keeps too
// many requests waiting is told so, and others are not turned away for it. target ≤ 0
// leaves the queue bounded by its length and wait alone. Call it before the gate is used.
func (g *Gate) TargetWait(target time.Duration) *Gate {
	g.target = target
	return g
}

// tooLong tells whether a caller about to join line waiting, the callers waiting for one
// of places places, would wait past the target.
func (g *Gate) tooLong(waiting *atomic.Int64, places int) bool {
	if g.target <= 0 {
		return false
	}
	ahead := waiting.Load()
	if ahead < int64(max(places/2, 1)) {
		return false
	}
	return float64(ahead+1)*float64(g.meanHold.Load())/float64(places) > float64(g.target)
}

// held notes that a place was held for d: a moving mean over about the last 16 places
// given back. A hold counts for the longest wait at most: one long download does not make
// every short queue look long. Concurrent updates may lose one another's; the mean stays one.
func (g *Gate) held(d time.Duration) {
	if g.maxWait > 0 {
		d = min(d, g.maxWait)
	}
	mean := g.meanHold.Load()
	if mean == 0 {
		g.meanHold.Store(int64(d))
		return
	}
	g.meanHold.Store(mean + (int64(d)-mean)/16)
}

// maxRetryAfter bounds RetryAfter: past it a client would rather try another instance.
const maxRetryAfter = time.Minute

// RetryAfter is how long a caller turned away should wait before asking again: about the
// time the gate takes to serve those queued and one more at the mean time a place is held,
// in whole seconds, at least one and at most a minute. A nil gate says one second.
func (g *Gate) RetryAfter() time.Duration {
	if g == nil {
		return time.Second
	}
	queued := float64(g.queued.Load() + 1)
	drain := time.Duration(queued * float64(g.meanHold.Load()) / float64(cap(g.slots)))
	secs := math.Ceil(min(drain, maxRetryAfter).Seconds())
	return time.Duration(max(secs, 1)) * time.Second
}
