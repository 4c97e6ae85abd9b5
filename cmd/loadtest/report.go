package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sync/atomic"
	"text/tabwriter"
	"time"
)

// Report is the whole run's outcome, as printed or as JSON.
type Report struct {
	URL        string                `json:"url"`
	Start      time.Time             `json:"start"`
	Rate       float64               `json:"rate"`
	DurationS  float64               `json:"duration_s"`
	WallS      float64               `json:"wall_s"`
	Seed       uint64                `json:"seed"`
	Users      int                   `json:"users"`
	Weights    map[string]int        `json:"weights"`
	Scheduled  int                   `json:"scheduled"`
	Sent       int                   `json:"sent"`
	Dropped    int                   `json:"dropped"`
	Kinds      map[string]KindReport `json:"kinds"`
	Total      KindReport            `json:"total"`
	RSS        *RSSReport            `json:"rss,omitempty"`
	kindsInMix []string
}

func buildReport(o options, start time.Time, wall time.Duration, sent, dropped int, stats []*Stats, rss *rssSampler) Report {
	s := schedule{o.rate, o.duration}
	r := Report{
		URL: o.base, Start: start.UTC().Truncate(time.Second), Rate: o.rate,
		DurationS: o.duration.Seconds(), WallS: wall.Seconds(), Seed: o.cfg.Seed, Users: o.cfg.Users,
		Weights: map[string]int{}, Scheduled: s.count(), Sent: sent, Dropped: dropped,
		Kinds: map[string]KindReport{},
	}
	total := newStats()
	for k, st := range stats {
		name := Kind(k).String()
		r.Weights[name] = o.cfg.Weights[k]
		kr := st.Report(o.duration)
		if kr.Requests == 0 && o.cfg.Weights[k] == 0 {
			continue
		}
		r.Kinds[name] = kr
		r.kindsInMix = append(r.kindsInMix, name)
		total.merge(st)
	}
	r.Total = total.Report(o.duration)
	if rss != nil {
		rr := rss.report()
		r.RSS = &rr
	}
	return r
}

func writeJSON(w io.Writer, r Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

func writeText(w io.Writer, r Report) {
	fmt.Fprintf(w, "%s: %g requests/s for %gs (seed %d, %d walks), started %s; %d due, %d sent, %d dropped; last answer after %.1fs\n\n",
		r.URL, r.Rate, r.DurationS, r.Seed, r.Users, r.Start.Format(time.RFC3339), r.Scheduled, r.Sent, r.Dropped, r.WallS)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "kind\tweight\trequests\treq/s\tp50 ms\tp95 ms\tp99 ms\tmax ms\t2xx\t3xx\t4xx\t429\t5xx\ttransport err\t")
	row := func(name string, weight string, k KindReport) {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\t%d\t%d\t%d\t%d\t%d\t%d\t\n", name, weight, k.Requests, k.PerSecond,
			k.P50ms, k.P95ms, k.P99ms, k.MaxMs, k.Status["2xx"], k.Status["3xx"], k.Status["4xx"], k.Status429, k.Status5xx, k.Transport)
	}
	for _, name := range r.kindsInMix {
		row(name, fmt.Sprint(r.Weights[name]), r.Kinds[name])
	}
	row("total", "", r.Total)
	tw.Flush()
	for _, name := range r.kindsInMix {
		if e := r.Kinds[name].LastError; e != "" {
			fmt.Fprintf(w, "last transport error of %s: %s\n", name, e)
		}
	}
	if r.RSS == nil {
		return
	}
	fmt.Fprintln(w)
	if r.RSS.Error != "" {
		fmt.Fprintf(w, "reading the server's memory failed at least once: %s\n", r.RSS.Error)
	}
	if len(r.RSS.Samples) == 0 {
		return
	}
	fmt.Fprintf(w, "server RSS (%s, %d samples): start %s, peak %s, end %s\n", rssMetric, len(r.RSS.Samples),
		mb(r.RSS.StartBytes), mb(r.RSS.PeakBytes), mb(r.RSS.EndBytes))
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "minute\tmin\tmax\tlast\t")
	for _, m := range r.RSS.PerMinute {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t\n", m.Minute, mb(m.Min), mb(m.Max), mb(m.Last))
	}
	tw.Flush()
}

func mb(b float64) string { return fmt.Sprintf("%.1f MB", b/1e6) }

// progress prints a line every so often: requests sent and done, and the last RSS.
func progress(ctx context.Context, w io.Writer, start time.Time, interval time.Duration, sent *atomic.Int64, stats []*Stats, rss *rssSampler) {
	every(ctx, interval, func(time.Time) {
		var done, failed int64
		for _, s := range stats {
			s.mu.Lock()
			done += s.hist.TotalCount()
			failed += s.transport + s.classes[5]
			s.mu.Unlock()
		}
		line := fmt.Sprintf("%5.0fs: %d sent, %d done, %d failed", time.Since(start).Seconds(), sent.Load(), done, failed)
		if rss != nil {
			rss.mu.Lock()
			if n := len(rss.samples); n > 0 {
				line += ", server RSS " + mb(rss.samples[n-1].Bytes)
			}
			rss.mu.Unlock()
		}
		fmt.Fprintln(w, line)
	})
}
