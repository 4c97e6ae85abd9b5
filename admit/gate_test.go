package admit_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"bandoso/admit"
)

func TestGateQueuesThenRefuses(t *testing.T) {
	g := admit.New(2, 1, time.Minute)
	ctx := context.Background()
	leave1, err := g.Enter(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := g.Enter(ctx); err != nil {
		t.Fatal(err)
	}
	// The third waits for a place.
	got := make(chan error, 1)
	go func() {
		leave, err := g.Enter(ctx)
		if err == nil {
			defer leave()
		}
		got <- err
	}()
	waitFor(t, func() bool { return g.Stats().Queued == 1 })
	// The queue holds one: the fourth is turned away at once.
	if _, err := g.Enter(ctx); !errors.Is(err, admit.ErrBusy) {
		t.Fatalf("fourth caller: %v, want ErrBusy", err)
	}
	if st := g.Stats(); st.Active != 2 || st.Queued != 1 || st.Capacity != 2 || st.Shed != 1 {
		t.Fatalf("stats %+v, want 2 active, 1 queued, capacity 2, 1 shed", st)
	}
	leave1()
	if err := <-got; err != nil {
		t.Fatalf("queued caller: %v, want admitted once a place was free", err)
	}
}

func TestGateWaitRunsOut(t *testing.T) {
	g := admit.New(1, 5, 20*time.Millisecond)
	leave, err := g.Enter(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer leave()
	if _, err := g.Enter(context.Background()); !errors.Is(err, admit.ErrBusy) {
		t.Fatalf("got %v, want ErrBusy after the wait", err)
	}
	if st := g.Stats(); st.Queued != 0 || st.Shed != 1 {
		t.Fatalf("stats %+v, want none queued and 1 shed", st)
	}
}

func TestGateCallerGivesUp(t *testing.T) {
	g := admit.New(1, 5, time.Minute)
	leave, err := g.Enter(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer leave()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := g.Enter(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want the context's error", err)
	}
	if st := g.Stats(); st.Shed != 0 {
		t.Fatalf("a caller who left counts as shed: %+v", st)
	}
}

func TestNilGateAdmitsAll(t *testing.T) {
	var g *admit.Gate
	for range 3 {
		leave, err := g.Enter(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		leave()
	}
	if st := g.Stats(); st != (admit.Stats{}) {
		t.Fatalf("stats %+v", st)
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached in 5 s")
		}
		time.Sleep(time.Millisecond)
	}
}
