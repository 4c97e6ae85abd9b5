package main

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"time"

	"bandoso/demo"
	"bandoso/osmwrite"
)

// writeDemoOSM writes the demo city to an OpenStreetMap file, PBF or XML by its name, and
// reports what it wrote. A failed write leaves no file behind.
func writeDemoOSM(env Env, path string, seed uint64, size int) (err error) {
	format, err := osmwrite.FormatFor(path)
	if err != nil {
		return usagef("invalid value %q for --osm: %w", path, err)
	}
	start := time.Now()
	city, err := demo.New(seed, size)
	if err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = os.Remove(path)
		}
	}()
	out := &countingWriter{w: bufio.NewWriterSize(f, 1<<20)}
	w, err := osmwrite.New(out, format, city.OSMBounds())
	if err != nil {
		return errors.Join(err, f.Close())
	}
	err = city.WriteOSM(w)
	err = errors.Join(err, w.Close(), out.w.Flush(), f.Close())
	if err != nil {
		return fmt.Errorf("demo: %s: %w", path, err)
	}
	n := w.Counts()
	fmt.Fprintf(env.Stdout, "wrote demo city seed %d size %d to %s in %s: %d nodes, %d ways, %d relations, %d bytes\n",
		seed, size, path, time.Since(start).Round(time.Millisecond), n.Nodes, n.Ways, n.Relations, out.n)
	return nil
}

// countingWriter counts the bytes written through it.
type countingWriter struct {
	w *bufio.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
