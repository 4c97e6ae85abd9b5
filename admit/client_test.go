package admit_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"bandoso/admit"
)

// TestGatePerClient: a client at its share waits in the queue and is refused with
// ErrClientBusy when the wait runs out, while another client still gets the places left.
func TestGatePerClient(t *testing.T) {
	g := admit.New(3, 5, 50*time.Millisecond).PerClient(2)
	a := admit.WithClient(context.Background(), "ip:192.0.2.1")
	b := admit.WithClient(context.Background(), "ip:192.0.2.2")
	var leaves []func()
	for range 2 {
		leave, err := g.Enter(a)
		if err != nil {
			t.Fatal(err)
		}
		leaves = append(leaves, leave)
	}
	if _, err := g.Enter(a); !errors.Is(err, admit.ErrClientBusy) {
		t.Fatalf("a third place for one client: %v, want ErrClientBusy", err)
	}
	leave, err := g.Enter(b)
	if err != nil {
		t.Fatalf("another client, with a place free: %v", err)
	}
	// The gate is full now: everyone waits, and the wait ends in ErrBusy.
	if _, err := g.Enter(context.Background()); !errors.Is(err, admit.ErrBusy) {
		t.Fatalf("a caller naming no client at a full gate: %v, want ErrBusy", err)
	}
	leave()
	// The client waiting for its own place gets one as soon as it gives one back.
	got := make(chan error, 1)
	slow := admit.New(3, 5, time.Minute).PerClient(1)
	first, err := slow.Enter(a)
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		leave, err := slow.Enter(a)
		if err == nil {
			leave()
		}
		got <- err
	}()
	waitFor(t, func() bool { return slow.Stats().Queued == 1 })
	first()
	first() // giving back twice gives back once
	if err := <-got; err != nil {
		t.Fatalf("the client's waiting caller: %v, want a place once its first left", err)
	}
	for _, leave := range leaves {
		leave()
	}
	if st := g.Stats(); st.Active != 0 || st.Queued != 0 {
		t.Fatalf("stats %+v once all have left", st)
	}
}

// TestGateFullSince: the gate says since when it has had no free place, and forgets it
// when a place is free again; handing a place straight to a waiting caller keeps it full.
func TestGateFullSince(t *testing.T) {
	g := admit.New(1, 5, time.Minute)
	if st := g.Stats(); !st.FullSince.IsZero() {
		t.Fatalf("an empty gate full since %v", st.FullSince)
	}
	before := time.Now()
	leave, err := g.Enter(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	since := g.Stats().FullSince
	if since.Before(before) || since.After(time.Now()) {
		t.Fatalf("full since %v, want between %v and now", since, before)
	}
	got := make(chan func(), 1)
	go func() {
		leave, err := g.Enter(context.Background())
		if err != nil {
			t.Error(err)
		}
		got <- leave
	}()
	waitFor(t, func() bool { return g.Stats().Queued == 1 })
	leave()
	next := <-got
	if st := g.Stats(); !st.FullSince.Equal(since) {
		t.Fatalf("a place handed to a waiting caller: full since %v, want still %v", st.FullSince, since)
	}
	next()
	if st := g.Stats(); !st.FullSince.IsZero() {
		t.Fatalf("a free place, yet full since %v", st.FullSince)
	}
}

func TestQuota(t *testing.T) {
	q := admit.NewQuota(2)
	give1, ok1 := q.Take("a")
	_, ok2 := q.Take("a")
	_, ok3 := q.Take("a")
	_, okB := q.Take("b")
	if !ok1 || !ok2 || ok3 || !okB {
		t.Fatalf("takes %v %v %v (b %v), want a twice, not a third time, b once", ok1, ok2, ok3, okB)
	}
	give1()
	give1()
	if _, ok := q.Take("a"); !ok {
		t.Fatal("one given back, yet a cannot take one")
	}
	if _, ok := q.Take("a"); ok {
		t.Fatal("giving back twice gave back two")
	}
	var none *admit.Quota = admit.NewQuota(0)
	for range 3 {
		if _, ok := none.Take("a"); !ok {
			t.Fatal("no quota refused")
		}
	}
}
