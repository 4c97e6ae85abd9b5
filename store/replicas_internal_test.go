package store

import (
	"errors"
	"testing"
	"time"
)

// A replica's lag is how long ago the primary was at a position it has replayed, not how old
// its last commit is: idle, it has no lag; paused while the primary writes, its lag grows with
// time and it goes down past the limit; a failed check takes it down at once.
func TestReplicaLag(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	at := func(s int) time.Time { return start.Add(time.Duration(s) * time.Second) }
	maxLag := 3 * time.Second
	r := &replica{}
	var history []primarySample
	check := func(s int, primary, replayed LSN, err error) {
		history = append(history, primarySample{at(s), primary})
		r.observe(at(s), history, true, replayed, err, maxLag)
	}
	for s, step := range []struct {
		primary, replayed LSN
		err               error
		lag               time.Duration
		up                bool
	}{
		{100, 100, nil, 0, true},                               // caught up
		{100, 100, nil, 0, true},                               // idle primary: still no lag
		{200, 100, nil, time.Second, true},                     // the primary wrote; replay paused
		{300, 100, nil, 2 * time.Second, true},                 // ...
		{300, 100, nil, 3 * time.Second, true},                 // at the limit
		{300, 100, nil, 4 * time.Second, false},                // past it: down
		{300, 200, nil, 4 * time.Second, false},                // replayed to where the primary was at 2 s: still past
		{300, 300, nil, 0, true},                               // caught up
		{300, 300, errors.New("connection refused"), 0, false}, // a failed check
	} {
		check(s, step.primary, step.replayed, step.err)
		if r.lag != step.lag || r.healthy.Load() != step.up {
			t.Errorf("check %d (primary %d, replayed %d): lag %s, up %v; want %s, %v", s, step.primary, step.replayed,
				r.lag, r.healthy.Load(), step.lag, step.up)
		}
	}
	// The primary not answering leaves the lag as it was.
	r.observe(at(100), history, false, 300, nil, maxLag)
	if r.lag != 0 || !r.healthy.Load() {
		t.Errorf("primary unknown: lag %s, up %v; want 0, up", r.lag, r.healthy.Load())
	}
}
