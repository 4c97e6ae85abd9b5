package ingest

import (
	"bufio"
	"errors"
	"io"
	"os"
)

// spill is an append-only temporary file. Appends go through a buffer; reads see everything
// appended so far. What it holds lives in the kernel's page cache, not in the process's
// memory, which is how an OSM reader stays flat on a country extract.
type spill struct {
	f     *os.File
	w     *bufio.Writer
	size  int64
	dirty bool
}

func newSpill(dir, pattern string) (*spill, error) {
	f, err := os.CreateTemp(dir, pattern)
	if err != nil {
		return nil, err
	}
	return &spill{f: f, w: bufio.NewWriterSize(f, 256<<10)}, nil
}

// append writes p at the end and returns its offset.
func (s *spill) append(p []byte) (int64, error) {
	off := s.size
	_, err := s.Write(p)
	return off, err
}

// Write appends p, for encoders that stream into the file.
func (s *spill) Write(p []byte) (int, error) {
	n, err := s.w.Write(p)
	s.size += int64(n)
	s.dirty = true
	return n, err
}

// readAt fills p from off, which must lie within what was appended.
func (s *spill) readAt(p []byte, off int64) error {
	if err := s.flush(); err != nil {
		return err
	}
	_, err := s.f.ReadAt(p, off)
	return err
}

// reader reads the whole file from its start.
func (s *spill) reader() (io.Reader, error) {
	if err := s.flush(); err != nil {
		return nil, err
	}
	return bufio.NewReaderSize(io.NewSectionReader(s.f, 0, s.size), 64<<10), nil
}

func (s *spill) flush() error {
	if !s.dirty {
		return nil
	}
	s.dirty = false
	return s.w.Flush()
}

// close closes and removes the file.
func (s *spill) close() error {
	if s == nil {
		return nil
	}
	return errors.Join(s.f.Close(), os.Remove(s.f.Name()))
}
