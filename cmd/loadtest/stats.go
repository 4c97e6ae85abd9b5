package main

import (
	"sync"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"
)

// Latencies are kept in microseconds from 1 µs to 5 minutes at 3 significant digits: a
// recorded value is within 0.1% of the true one.
const (
	histMin     = 1
	histMax     = int64(5 * time.Minute / time.Microsecond)
	histSigFigs = 3
)

// Stats is what one kind of request saw. Latency runs from the time the request was due on
// the schedule, not from when it was sent, so time spent waiting behind a slow server counts.
type Stats struct {
	mu        sync.Mutex
	hist      *hdrhistogram.Histogram
	classes   [6]int64 // by status / 100; [0] unused
	status429 int64
	transport int64
	lastErr   string
}

func newStats() *Stats {
	return &Stats{hist: hdrhistogram.New(histMin, histMax, histSigFigs)}
}

// Record counts one answered request: its status and latency.
func (s *Stats) Record(status int, latency time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.record(latency)
	if c := status / 100; c >= 1 && c <= 5 {
		s.classes[c]++
	}
	if status == 429 {
		s.status429++
	}
}

// Fail counts a request that got no status: refused, reset or timed out.
func (s *Stats) Fail(err error, latency time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.record(latency)
	s.transport++
	s.lastErr = err.Error()
}

func (s *Stats) record(d time.Duration) {
	us := max(d.Microseconds(), histMin)
	// Beyond the range is recorded at its top rather than lost.
	_ = s.hist.RecordValue(min(us, histMax))
}

// KindReport is one kind's figures in the report.
type KindReport struct {
	Requests   int64            `json:"requests"`
	PerSecond  float64          `json:"per_second"`
	P50ms      float64          `json:"p50_ms"`
	P95ms      float64          `json:"p95_ms"`
	P99ms      float64          `json:"p99_ms"`
	MaxMs      float64          `json:"max_ms"`
	MeanMs     float64          `json:"mean_ms"`
	Status     map[string]int64 `json:"status"`
	Status429  int64            `json:"status_429"`
	Status5xx  int64            `json:"status_5xx"`
	Transport  int64            `json:"transport_errors"`
	LastError  string           `json:"last_error,omitempty"`
	Errors     int64            `json:"errors"`
	Successful int64            `json:"ok"`
}

// Report summarises s over a run of the given length.
func (s *Stats) Report(elapsed time.Duration) KindReport {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := s.hist.TotalCount()
	ms := func(us int64) float64 { return float64(us) / 1000 }
	r := KindReport{
		Requests:  n,
		P50ms:     ms(s.hist.ValueAtQuantile(50)),
		P95ms:     ms(s.hist.ValueAtQuantile(95)),
		P99ms:     ms(s.hist.ValueAtQuantile(99)),
		MaxMs:     ms(s.hist.Max()),
		MeanMs:    s.hist.Mean() / 1000,
		Status:    map[string]int64{},
		Status429: s.status429,
		Status5xx: s.classes[5],
		Transport: s.transport,
		LastError: s.lastErr,
	}
	if elapsed > 0 {
		r.PerSecond = float64(n) / elapsed.Seconds()
	}
	for c := 1; c <= 5; c++ {
		if s.classes[c] > 0 {
			r.Status[string(rune('0'+c))+"xx"] = s.classes[c]
		}
	}
	r.Successful = s.classes[2] + s.classes[3]
	r.Errors = s.transport + s.classes[5]
	return r
}

// merge adds o's counts to s (for the total over kinds).
func (s *Stats) merge(o *Stats) {
	o.mu.Lock()
	defer o.mu.Unlock()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hist.Merge(o.hist)
	for i := range s.classes {
		s.classes[i] += o.classes[i]
	}
	s.status429 += o.status429
	s.transport += o.transport
	if o.lastErr != "" {
		s.lastErr = o.lastErr
	}
}
