package admit

import (
	"testing"
	"time"
)

// TestRetryAfterDrain: the queue and one more, at the mean time a place is held, over the
// places, rounded up to whole seconds within [1 s, 1 min].
func TestRetryAfterDrain(t *testing.T) {
	g := New(2, 100, time.Minute)
	for _, c := range []struct {
		hold   time.Duration
		queued int64
		want   time.Duration
	}{
		{10 * time.Millisecond, 0, time.Second},
		{10 * time.Millisecond, 20, time.Second},
		{4 * time.Second, 3, 8 * time.Second},
		{3 * time.Second, 2, 5 * time.Second},
		{time.Hour, 0, time.Minute},
	} {
		g.meanHold.Store(int64(c.hold))
		g.queued.Store(c.queued)
		if got := g.RetryAfter(); got != c.want {
			t.Errorf("held %v, %d queued: retry after %v, want %v", c.hold, c.queued, got, c.want)
		}
	}
	g.meanHold.Store(0)
	g.held(time.Second)
	g.held(time.Second + 16*time.Millisecond)
	if got := time.Duration(g.meanHold.Load()); got != time.Second+time.Millisecond {
		t.Errorf("mean hold %v after 1 s and 1.016 s, want the first and a sixteenth of the difference", got)
	}
	g.held(time.Hour)
	if got := time.Duration(g.meanHold.Load()); got >= 5*time.Second {
		t.Errorf("mean hold %v after an hour's hold, want it counted as the longest wait, a minute", got)
	}
}
