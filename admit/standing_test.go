package admit_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"bandoso/admit"
)

// primed is a gate whose places have been held a while, so that it foresees waits.
func primed(t *testing.T, g *admit.Gate) *admit.Gate {
	t.Helper()
	leave, err := g.Enter(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(10 * time.Millisecond)
	leave()
	return g
}

// fill takes n places of g for ctx's client.
func fill(t *testing.T, g *admit.Gate, ctx context.Context, n int) (leaveAll func()) {
	t.Helper()
	var leaves []func()
	for range n {
		leave, err := g.Enter(ctx)
		if err != nil {
			t.Fatal(err)
		}
		leaves = append(leaves, leave)
	}
	return func() {
		for _, leave := range leaves {
			leave()
		}
	}
}

// enterLater enters g in the background and sends the outcome once it has a place (which it
// gives back at once) or an error.
func enterLater(g *admit.Gate, ctx context.Context, got chan<- error) {
	go func() {
		leave, err := g.Enter(ctx)
		if err == nil {
			leave()
		}
		got <- err
	}()
}

// TestGateQueueTooLong: once half the places' worth of callers wait and serving them would
// take longer than the target, a new caller is turned away at once while those waiting
// keep their turn; with a target they would meet, it queues.
func TestGateQueueTooLong(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		name   string
		target time.Duration
		want   error
	}{{"past the target", time.Nanosecond, admit.ErrBusy}, {"within the target", time.Hour, nil}} {
		t.Run(c.name, func(t *testing.T) {
			g := primed(t, admit.New(4, 10, time.Minute).TargetWait(c.target))
			leaveAll := fill(t, g, ctx, 4)
			got := make(chan error, 3)
			// Two may wait whatever the target: half the places.
			for i := range 2 {
				enterLater(g, ctx, got)
				waitFor(t, func() bool { return g.Stats().Queued == i+1 })
			}
			if c.want != nil {
				if _, err := g.Enter(ctx); !errors.Is(err, c.want) {
					t.Fatalf("a third caller waiting: %v, want %v", err, c.want)
				}
				if st := g.Stats(); st.Queued != 2 || st.Shed != 1 {
					t.Fatalf("stats %+v, want two queued, one shed", st)
				}
			} else {
				enterLater(g, ctx, got)
				waitFor(t, func() bool { return g.Stats().Queued == 3 })
			}
			queued := g.Stats().Queued
			leaveAll()
			for range queued {
				if err := <-got; err != nil {
					t.Fatalf("a caller that queued: %v, want a place", err)
				}
			}
		})
	}
}

// TestGateUnprimedQueues: a gate that has seen no place given back foresees no wait: its
// queue is bounded by its length alone.
func TestGateUnprimedQueues(t *testing.T) {
	ctx := context.Background()
	g := admit.New(1, 3, time.Minute).TargetWait(time.Nanosecond)
	leave := fill(t, g, ctx, 1)
	got := make(chan error, 3)
	for i := range 3 {
		enterLater(g, ctx, got)
		waitFor(t, func() bool { return g.Stats().Queued == i+1 })
	}
	leave()
	for range 3 {
		if err := <-got; err != nil {
			t.Fatal(err)
		}
	}
}

// TestClientLineTooLong: a client keeping more callers waiting than its share serves
// within the target is told so (ErrClientBusy) at once, while another client still gets a
// place.
func TestClientLineTooLong(t *testing.T) {
	g := primed(t, admit.New(3, 10, time.Minute).PerClient(1).TargetWait(time.Nanosecond))
	a := admit.WithClient(context.Background(), "ip:192.0.2.1")
	b := admit.WithClient(context.Background(), "ip:192.0.2.2")
	leaveA := fill(t, g, a, 1)
	got := make(chan error, 1)
	enterLater(g, a, got)
	waitFor(t, func() bool { return g.Stats().Queued == 1 })
	if _, err := g.Enter(a); !errors.Is(err, admit.ErrClientBusy) {
		t.Fatalf("a client whose line is too long: %v, want ErrClientBusy", err)
	}
	fill(t, g, b, 1)()
	leaveA()
	if err := <-got; err != nil {
		t.Fatalf("the client's waiting caller: %v, want a place", err)
	}
}

// TestGateFirstInFirstOut: callers waiting get the places given back in the order they came.
func TestGateFirstInFirstOut(t *testing.T) {
	g := primed(t, admit.New(1, 10, time.Minute).TargetWait(time.Hour))
	ctx := context.Background()
	leave := fill(t, g, ctx, 1)
	order := make(chan int, 5)
	for i := range 5 {
		go func() {
			leave, err := g.Enter(ctx)
			if err != nil {
				t.Error(err)
				order <- -1
				return
			}
			order <- i
			leave()
		}()
		waitFor(t, func() bool { return g.Stats().Queued == i+1 })
	}
	leave()
	for want := range 5 {
		if got := <-order; got != want {
			t.Fatalf("caller %d got a place in turn %d", got, want)
		}
	}
}

// TestRetryAfter: whole seconds, at least one.
func TestRetryAfter(t *testing.T) {
	var none *admit.Gate
	if d := none.RetryAfter(); d != time.Second {
		t.Fatalf("a nil gate says %v", d)
	}
	if d := primed(t, admit.New(2, 10, time.Minute)).RetryAfter(); d < time.Second || d%time.Second != 0 {
		t.Fatalf("retry after %v, want whole seconds, one at least", d)
	}
}
