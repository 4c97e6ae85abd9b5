package main

import (
	"context"
	"math"
	"sync"
	"time"
)

// schedule is an open-loop plan: request i is due at start + i/rate, whatever became of the
// requests before it, so a slow server shows as latency and not as a lower rate.
type schedule struct {
	rate     float64 // requests per second
	duration time.Duration
}

// count is how many requests fall due within the duration.
func (s schedule) count() int {
	// The epsilon keeps 0.1 s × 30/s at 3, not 2.9999… → 2.
	return int(math.Floor(s.rate*s.duration.Seconds() + 1e-9))
}

// due is when request i is due.
func (s schedule) due(start time.Time, i int) time.Time {
	return start.Add(time.Duration(float64(i) / s.rate * float64(time.Second)))
}

// clock is time as the dispatcher sees it; tests give it a fake one.
type clock interface {
	Now() time.Time
	// SleepUntil returns at t or when ctx ends, with ctx's error.
	SleepUntil(ctx context.Context, t time.Time) error
}

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) SleepUntil(ctx context.Context, t time.Time) error {
	d := time.Until(t)
	if d <= 0 {
		return ctx.Err()
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// dispatch runs the schedule: at each due time it asks prepare for request i (in this one
// goroutine, so a seeded mix stays deterministic) and runs it in a goroutine of its own, never
// waiting for an answer. At most maxInFlight run at once; a request due when that many are
// out is not sent and is counted in dropped, so an overloaded client says so instead of
// quietly sending less. dispatch returns when every request sent has returned.
func dispatch(ctx context.Context, clk clock, s schedule, maxInFlight int, prepare func(i int) func(due time.Time)) (start time.Time, sent, dropped int) {
	slots := make(chan struct{}, maxInFlight)
	var wg sync.WaitGroup
	start = clk.Now()
	for i := range s.count() {
		due := s.due(start, i)
		if clk.SleepUntil(ctx, due) != nil {
			break
		}
		run := prepare(i)
		select {
		case slots <- struct{}{}:
			sent++
			wg.Go(func() {
				defer func() { <-slots }()
				run(due)
			})
		default:
			dropped++
		}
	}
	wg.Wait()
	return start, sent, dropped
}
