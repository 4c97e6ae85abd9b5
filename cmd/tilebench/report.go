package main

import (
	"fmt"
	"io"
	"time"
)

func ms(d time.Duration) string { return fmt.Sprintf("%.1f", float64(d.Microseconds())/1000) }

func ms2(d time.Duration) string { return fmt.Sprintf("%.2f", float64(d.Microseconds())/1000) }

func kb(n int) string { return fmt.Sprintf("%.1f", float64(n)/1024) }

// runHeader and runRow print runs as a Markdown table.
func runHeader(w io.Writer) {
	fmt.Fprintln(w, "| path | clients | requests | tiles/s | p50 ms | p99 ms | MB sent | errors |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|---:|")
}

func runRow(w io.Writer, r Run) {
	fmt.Fprintf(w, "| %s | %d | %d | %.0f | %s | %s | %.1f | %d |\n", r.Name, r.Clients, r.Requests,
		r.PerSecond(), ms(r.Quantile(0.50)), ms(r.Quantile(0.99)), float64(r.Bytes)/(1<<20), r.Errors)
}

// ratio is a/b, formatted.
func ratio(a, b float64) string { return fmt.Sprintf("%.2f", a/b) }

func reportCold(w io.Writer, c Cold) {
	runRow(w, c.Server)
	runRow(w, c.BareGzip)
	runRow(w, c.Bare)
	runRow(w, c.PostGIS)
}

func coldRatios(w io.Writer, c Cold) {
	fmt.Fprintf(w, "- %d client(s), server/bare: time per tile %s against bare + gzip (%s without gzip); median per-tile ratio %.2f (%.2f), difference %s ms (%s); p50 %s, p99 %s\n",
		c.Server.Clients,
		ratio(c.BareGzip.PerSecond(), c.Server.PerSecond()), ratio(c.Bare.PerSecond(), c.Server.PerSecond()),
		medianRatio(c.Server, c.BareGzip), medianRatio(c.Server, c.Bare),
		ms2(medianDiff(c.Server, c.BareGzip)), ms2(medianDiff(c.Server, c.Bare)),
		ratio(float64(c.Server.Quantile(0.5)), float64(c.BareGzip.Quantile(0.5))),
		ratio(float64(c.Server.Quantile(0.99)), float64(c.BareGzip.Quantile(0.99))))
}

func reportSizes(w io.Writer, stats []SizeStat) {
	fmt.Fprintln(w, "| zoom | layer | tiles (with features) | max KB | p95 KB | max KB gzip | p95 KB gzip | largest |")
	fmt.Fprintln(w, "|---:|---|---:|---:|---:|---:|---:|---|")
	for _, s := range stats {
		fmt.Fprintf(w, "| %d | %s | %d (%d) | %s | %s | %s | %s | `%s` |\n", s.Z, s.Layer, s.Tiles, s.NonEmpty,
			kb(s.Max), kb(s.P95), kb(s.MaxGzip), kb(s.P95Gzip), s.Largest)
	}
}
