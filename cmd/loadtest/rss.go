package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

const rssMetric = "process_resident_memory_bytes"

// parseRSS finds the server's resident memory in a Prometheus text exposition.
func parseRSS(r io.Reader) (float64, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		line := sc.Text()
		rest, ok := strings.CutPrefix(line, rssMetric)
		// The name alone, or with labels; not a longer name that starts the same.
		if !ok || rest == "" || (rest[0] != ' ' && rest[0] != '{') {
			continue
		}
		if i := strings.LastIndexByte(rest, '}'); i >= 0 {
			rest = rest[i+1:]
		}
		fields := strings.Fields(rest)
		if len(fields) == 0 {
			continue
		}
		return strconv.ParseFloat(fields[0], 64)
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	return 0, fmt.Errorf("no %s in the metrics", rssMetric)
}

// RSSSample is the server's resident memory at a time since the run's start.
type RSSSample struct {
	At    time.Duration `json:"-"`
	AtS   float64       `json:"at_s"`
	Bytes float64       `json:"bytes"`
}

// rssSampler reads the server's /metrics every so often during the run.
type rssSampler struct {
	hc      *http.Client
	url     string
	mu      sync.Mutex
	samples []RSSSample
	lastErr error
}

func (s *rssSampler) sample(ctx context.Context, at time.Duration) {
	b, err := s.scrape(ctx)
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		s.lastErr = err
		return
	}
	s.samples = append(s.samples, RSSSample{At: at, AtS: at.Seconds(), Bytes: b})
}

func (s *rssSampler) scrape(ctx context.Context) (float64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.url, nil)
	if err != nil {
		return 0, err
	}
	resp, err := s.hc.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("%s: %s", s.url, resp.Status)
	}
	return parseRSS(resp.Body)
}

// run samples every interval from start until ctx ends.
func (s *rssSampler) run(ctx context.Context, start time.Time, interval time.Duration) {
	every(ctx, interval, func(now time.Time) { s.sample(ctx, now.Sub(start)) })
}

// every calls f at each tick of interval until ctx ends.
func every(ctx context.Context, interval time.Duration, f func(now time.Time)) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			f(now)
		}
	}
}

// RSSReport is the memory part of the report.
type RSSReport struct {
	StartBytes float64     `json:"start_bytes"`
	PeakBytes  float64     `json:"peak_bytes"`
	EndBytes   float64     `json:"end_bytes"`
	PerMinute  []RSSMinute `json:"per_minute"`
	Samples    []RSSSample `json:"samples"`
	Error      string      `json:"error,omitempty"`
}

// RSSMinute is the least, most and last resident memory seen in one minute of the run.
type RSSMinute struct {
	Minute int     `json:"minute"`
	Min    float64 `json:"min_bytes"`
	Max    float64 `json:"max_bytes"`
	Last   float64 `json:"last_bytes"`
}

func (s *rssSampler) report() RSSReport {
	s.mu.Lock()
	defer s.mu.Unlock()
	var r RSSReport
	if s.lastErr != nil {
		r.Error = s.lastErr.Error()
	}
	r.Samples = s.samples
	if len(s.samples) == 0 {
		return r
	}
	r.StartBytes, r.EndBytes = s.samples[0].Bytes, s.samples[len(s.samples)-1].Bytes
	for _, x := range s.samples {
		r.PeakBytes = max(r.PeakBytes, x.Bytes)
		m := int(x.At / time.Minute)
		if n := len(r.PerMinute); n == 0 || r.PerMinute[n-1].Minute != m {
			r.PerMinute = append(r.PerMinute, RSSMinute{Minute: m, Min: x.Bytes, Max: x.Bytes})
		}
		pm := &r.PerMinute[len(r.PerMinute)-1]
		pm.Min, pm.Max, pm.Last = min(pm.Min, x.Bytes), max(pm.Max, x.Bytes), x.Bytes
	}
	return r
}
