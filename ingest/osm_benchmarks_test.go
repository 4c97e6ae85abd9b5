package ingest

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"bandoso/osmwrite"
)

var (
	osmBenchGrid   = flag.Int("osm.grid", 2000, "BenchmarkOSMRead: side of the synthetic city's node grid (2000: 4 million nodes)")
	osmBenchFormat = flag.String("osm.format", "pbf", "BenchmarkOSMRead: pbf or xml")
)

// BenchmarkOSMRead reads a synthetic city (see synthCity) from PBF or XML and reports nodes and ways
// read per second and the process's peak resident memory while reading (VmHWM, reset before
// reading through /proc/self/clear_refs). Run alone, with -benchtime=1x for large grids.
func BenchmarkOSMRead(b *testing.B) {
	c := &synthCity{g: *osmBenchGrid}
	dir := b.TempDir()
	path := filepath.Join(dir, "city.osm.pbf")
	format := osmwrite.PBF
	if *osmBenchFormat == "xml" {
		path, format = filepath.Join(dir, "city.osm"), osmwrite.XML
	}
	writeFile(b, path, format, c.write, c.bounds())
	fi, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	resetPeakRSS(b)
	cpu0 := cpuTime(b)
	b.ResetTimer()
	for range b.N {
		r, err := OpenOSM(path, OSMOptions{TempDir: dir})
		if err != nil {
			b.Fatal(err)
		}
		checkSynthCity(b, c, r, nil)
		r.Close()
	}
	b.StopTimer()
	s := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric((cpuTime(b)-cpu0)/float64(b.N), "cpu-s/op")
	b.ReportMetric(float64(c.nodes)/s, "nodes/s")
	b.ReportMetric(float64(c.ways)/s, "ways/s")
	b.ReportMetric(float64(fi.Size())/(1<<20), "file-MB")
	b.ReportMetric(float64(peakRSS(b))/(1<<20), "peak-RSS-MB")
}

// cpuTime returns the user and system CPU time of the process so far, in seconds: with other
// work on the machine, wall time alone says little.
func cpuTime(b *testing.B) float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

// resetPeakRSS resets the kernel's record of the process's peak resident memory (Linux 4.0+).
func resetPeakRSS(b *testing.B) {
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		b.Skipf("cannot reset the peak resident memory: %v", err)
	}
}

// peakRSS returns VmHWM, the process's peak resident memory, in bytes.
func peakRSS(b *testing.B) int64 {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		b.Fatal(err)
	}
	for line := range bytes.Lines(status) {
		if v, ok := bytes.CutPrefix(line, []byte("VmHWM:")); ok {
			kb, err := strconv.ParseInt(string(bytes.TrimSpace(bytes.TrimSuffix(bytes.TrimSpace(v), []byte("kB")))), 10, 64)
			if err != nil {
				b.Fatal(err)
			}
			return kb << 10
		}
	}
	b.Fatal("no VmHWM in /proc/self/status")
	return 0
}
