package admit_test

import (
	"context"
	"testing"
	"time"

	"bandoso/admit"
)

func TestEnterIdleLeavesPlacesFree(t *testing.T) {
	g := admit.New(4, 8, time.Minute)
	ctx := context.Background()
	var leaves []func()
	enter := func() {
		leave, err := g.Enter(ctx)
		if err != nil {
			t.Fatal(err)
		}
		leaves = append(leaves, leave)
	}
	// Nobody in: a place, even where fewer than asked are free.
	leave, ok := admit.New(1, 0, time.Minute).EnterIdle(2)
	if !ok {
		t.Fatal("an empty gate of one place refused idle work")
	}
	leave()

	enter()
	enter()
	// Two of four free: idle work asking for two takes one.
	leave, ok = g.EnterIdle(2)
	if !ok {
		t.Fatalf("two places free, stats %+v: idle work refused", g.Stats())
	}
	if st := g.Stats(); st.Active != 3 {
		t.Fatalf("active %d, want 3", st.Active)
	}
	// One free: refused, and nothing taken.
	if _, ok := g.EnterIdle(2); ok {
		t.Fatal("one place free: idle work asking for two admitted")
	}
	if st := g.Stats(); st.Active != 3 {
		t.Fatalf("active %d after a refusal, want 3", st.Active)
	}
	leave()
	if st := g.Stats(); st.Active != 2 {
		t.Fatalf("active %d after idle work left, want 2", st.Active)
	}
	for _, l := range leaves {
		l()
	}
	if leave, ok := (*admit.Gate)(nil).EnterIdle(2); !ok {
		t.Fatal("a nil gate refused idle work")
	} else {
		leave()
	}
}

func TestEnterIdleNeverAheadOfAWaiter(t *testing.T) {
	g := admit.New(2, 4, time.Minute)
	ctx := context.Background()
	leave1, err := g.Enter(ctx)
	if err != nil {
		t.Fatal(err)
	}
	leave2, err := g.Enter(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan error, 1)
	go func() {
		leave, err := g.Enter(ctx)
		if err == nil {
			defer leave()
		}
		got <- err
	}()
	waitFor(t, func() bool { return g.Stats().Queued == 1 })
	if _, ok := g.EnterIdle(1); ok {
		t.Fatal("idle work admitted while a caller waits")
	}
	leave1()
	if err := <-got; err != nil {
		t.Fatalf("the waiting caller: %v", err)
	}
	leave2()
}
