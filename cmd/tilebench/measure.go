package main

import (
	"context"
	"math"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// fetchFunc gets request i of a run and returns the body it got (nil for an empty tile).
type fetchFunc func(ctx context.Context, i int) ([]byte, error)

// path is one way of getting tiles that a run measures.
type path struct {
	name  string
	fetch fetchFunc
	// keep, when non-nil, receives the body of request i at keep[i%len(keep)].
	keep [][]byte
}

// Run is what one path of a run measured.
type Run struct {
	Name     string
	Clients  int
	Requests int
	Errors   int
	// Shed counts the requests the server turned away with 503 or 429 and a Retry-After:
	// the client waited as asked and went on with its next request. They are in Requests
	// but neither in the throughput nor in the latencies, which are those of the answers.
	Shed int
	// FirstErr is the first error, for the report.
	FirstErr error
	// Elapsed is the run's wall time, or with several paths interleaved, the wall time
	// times this path's share of the summed latencies.
	Elapsed time.Duration
	Bytes   int64
	lat     []time.Duration // sorted
	byReq   []time.Duration // by request number
}

// medianDiff is the median over requests of a's latency less b's for the same request.
func medianDiff(a, b Run) time.Duration {
	var ds []time.Duration
	for i := range min(len(a.byReq), len(b.byReq)) {
		ds = append(ds, a.byReq[i]-b.byReq[i])
	}
	if len(ds) == 0 {
		return 0
	}
	slices.Sort(ds)
	return ds[len(ds)/2]
}

// medianRatio is the median over requests of a's latency over b's for the same request:
// what one tile typically costs on path a against path b, robust to a few slow requests.
func medianRatio(a, b Run) float64 {
	var rs []float64
	for i := range min(len(a.byReq), len(b.byReq)) {
		if b.byReq[i] > 0 {
			rs = append(rs, float64(a.byReq[i])/float64(b.byReq[i]))
		}
	}
	if len(rs) == 0 {
		return math.NaN()
	}
	slices.Sort(rs)
	return rs[len(rs)/2]
}

// PerSecond is the throughput in requests answered (not shed) per second.
func (r Run) PerSecond() float64 { return float64(r.Requests-r.Shed) / r.Elapsed.Seconds() }

// ShedShare is the share of the requests that were shed, in percent.
func (r Run) ShedShare() float64 {
	if r.Requests == 0 {
		return 0
	}
	return 100 * float64(r.Shed) / float64(r.Requests)
}

// Quantile is the latency at quantile q (nearest rank), 0 with no requests.
func (r Run) Quantile(q float64) time.Duration {
	if len(r.lat) == 0 {
		return 0
	}
	i := int(math.Ceil(q*float64(len(r.lat)))) - 1
	return r.lat[min(max(i, 0), len(r.lat)-1)]
}

// measure makes n requests on each path from clients concurrent clients. Each client takes
// the next request number as it finishes one and makes that request on every path in turn,
// starting with a different path each time, so that all paths meet the same load on the
// machine, whatever else runs on it. A request the server sheds (errShed) is not asked
// again: the client waits the Retry-After before its next request, as a map client does,
// and stops waiting once no request is left, which would only stretch the run.
func measure(ctx context.Context, n, clients int, paths ...path) []Run {
	runs := make([]Run, len(paths))
	lat := make([][]time.Duration, len(paths))
	bytes := make([]atomic.Int64, len(paths))
	for p := range paths {
		runs[p] = Run{Name: paths[p].name, Clients: clients, Requests: n}
		lat[p] = make([]time.Duration, n)
	}
	shed := make([][]bool, len(paths))
	for p := range paths {
		shed[p] = make([]bool, n)
	}
	var next atomic.Int64
	// taken closes once every request number is taken: a client waiting out a Retry-After
	// then has nothing left to ask.
	taken := make(chan struct{})
	var takenOnce sync.Once
	var mu sync.Mutex
	var wg sync.WaitGroup
	start := time.Now()
	for range clients {
		wg.Go(func() {
			var resume time.Time // when a Retry-After runs out
			for {
				sleep(ctx, time.Until(resume), taken)
				i := int(next.Add(1)) - 1
				if i >= n-1 {
					takenOnce.Do(func() { close(taken) })
				}
				if i >= n {
					return
				}
				for k := range paths {
					p := (i + k) % len(paths)
					t0 := time.Now()
					body, err := paths[p].fetch(ctx, i)
					lat[p][i] = time.Since(t0)
					bytes[p].Add(int64(len(body)))
					if wait, ok := shedFor(err); ok {
						shed[p][i], resume = true, time.Now().Add(wait)
						continue
					}
					if err != nil {
						mu.Lock()
						if runs[p].Errors == 0 {
							runs[p].FirstErr = err
						}
						runs[p].Errors++
						mu.Unlock()
						continue
					}
					if keep := paths[p].keep; keep != nil {
						keep[i%len(keep)] = body
					}
				}
			}
		})
	}
	wg.Wait()
	wall := time.Since(start)
	var all float64
	sums := make([]float64, len(paths))
	for p := range paths {
		for _, d := range lat[p] {
			sums[p] += float64(d)
		}
		all += sums[p]
	}
	for p := range runs {
		runs[p].Elapsed = wall
		if len(paths) > 1 && all > 0 {
			runs[p].Elapsed = time.Duration(float64(wall) * sums[p] / all)
		}
		runs[p].Bytes = bytes[p].Load()
		runs[p].byReq = slices.Clone(lat[p])
		var answered []time.Duration
		for i, d := range lat[p] {
			if shed[p][i] {
				runs[p].Shed++
			} else {
				answered = append(answered, d)
			}
		}
		slices.Sort(answered)
		runs[p].lat = answered
	}
	return runs
}

// sleep waits d, if positive, or until ctx ends or stop closes.
func sleep(ctx context.Context, d time.Duration, stop <-chan struct{}) {
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	case <-stop:
	}
}
