package shared_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"bandoso/internal/testwait"
	"bandoso/shared"
	"bandoso/shared/sharedtest"
)

// TestLimiterSharedBudget: two clients, as two instances, share one budget per client.
func TestLimiterSharedBudget(t *testing.T) {
	url := sharedtest.URL(t, 1)
	var limiters []*shared.Limiter
	for range 2 {
		c, err := shared.Open(url, shared.Options{Timeout: 5 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		limiters = append(limiters, c.Limiter())
	}
	const burst = 10
	allowed := 0
	var retry time.Duration
	for i := range 4 * burst {
		ok, after, err := limiters[i%2].Allow(context.Background(), "ip:192.0.2.1", 0.01, burst)
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			allowed++
		} else {
			retry = after
		}
	}
	if allowed != burst {
		t.Errorf("two instances allowed %d requests of a burst of %d", allowed, burst)
	}
	if retry < 90*time.Second || retry > 100*time.Second {
		t.Errorf("retry after %s; at 0.01/s the next request passes in about 100 s", retry)
	}
	ok, _, err := limiters[0].Allow(context.Background(), "ip:192.0.2.2", 0.01, burst)
	if err != nil || !ok {
		t.Errorf("another client was refused: %v %v", ok, err)
	}
}

// TestClientDownAndBack: with Redis gone, calls fail fast and the client says it is down;
// once Redis is back, the client comes back by itself.
func TestClientDownAndBack(t *testing.T) {
	srv := sharedtest.Start(t)
	c, err := shared.Open(srv.URL(), shared.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()
	if err := c.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	srv.Kill()
	if err := c.Ping(ctx); err == nil {
		t.Fatal("ping answered with redis-server killed")
	}
	st := c.Status()
	if st.Up || st.Errors != 1 || st.Err == "" {
		t.Fatalf("status after a failure: %+v", st)
	}
	// Within the circuit's pause, Redis is not asked at all.
	skipped := 0
	for range 100 {
		_, _, err := c.Limiter().Allow(ctx, "k", 1, 1)
		if err == nil {
			t.Fatal("a limit was decided with redis-server killed")
		}
		if errors.Is(err, shared.ErrDown) {
			skipped++
		}
	}
	// At most one call a second asks; on a machine this busy, two.
	if skipped < 98 {
		t.Errorf("%d of 100 calls skipped a Redis known down", skipped)
	}
	srv.Restart()
	testwait.Until(t, "client back up", func() bool { return c.Ping(ctx) == nil && c.Status().Up })
}
