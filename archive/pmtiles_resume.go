package archive

import (
	"bufio"
	"crypto/sha256"
	"encoding/json"
	"io"
	"os"
)

// A PMTiles export keeps two files beside its path until it finishes: path.data.tmp, the
// tiles' bytes in the order stored, and path.journal.tmp, JSON lines: the export's key, then
// one line per checkpoint with how far the plan is done, how many bytes of data and tiles
// that is, and the entries from the last one the line before had (which may have grown a
// run) on. A line cut short by a crash is ignored, and data past the last line's is dropped.

// journalHead is the journal's first line.
type journalHead struct {
	Key string `json:"key"`
}

// journalLine is one checkpoint.
type journalLine struct {
	Done    int         `json:"done"`
	Offset  uint64      `json:"offset"`
	Tiles   int         `json:"tiles"`
	Entries [][4]uint64 `json:"entries"` // tile ID, offset, length, run length
}

func createPMTiles(path, key string) (*pmtilesWriter, error) {
	w := &pmtilesWriter{path: path, stored: map[[sha256.Size]byte]entry{}}
	var err error
	if w.data, err = os.OpenFile(path+".data.tmp", os.O_RDWR|os.O_CREATE, 0o644); err != nil {
		return nil, err
	}
	if w.journal, err = os.OpenFile(path+".journal.tmp", os.O_RDWR|os.O_CREATE, 0o644); err != nil {
		w.data.Close()
		return nil, err
	}
	if err := w.resume(key); err != nil {
		w.abort()
		return nil, err
	}
	return w, nil
}

// resume takes up what the journal recorded of an export of key, or starts both files
// afresh when it recorded another export or nothing.
func (w *pmtilesWriter) resume(key string) error {
	r := bufio.NewReader(w.journal)
	var head journalHead
	line, err := r.ReadBytes('\n')
	if err != nil || json.Unmarshal(line, &head) != nil || head.Key != key {
		return w.fresh(key)
	}
	for {
		line, err := r.ReadBytes('\n')
		var l journalLine
		if err != nil || json.Unmarshal(line, &l) != nil {
			break
		}
		w.replay(l)
	}
	if err := w.data.Truncate(int64(w.offset)); err != nil {
		return err
	}
	if _, err := w.data.Seek(int64(w.offset), io.SeekStart); err != nil {
		return err
	}
	if err := w.rehash(); err != nil {
		return err
	}
	// Write the journal again from what was read, leaving out a line cut short.
	return w.rewriteJournal(key)
}

func (w *pmtilesWriter) replay(l journalLine) {
	for _, e := range l.Entries {
		got := entry{TileID: e[0], Offset: e[1], Length: uint32(e[2]), RunLength: uint32(e[3])}
		if n := len(w.entries); n > 0 && w.entries[n-1].TileID == got.TileID {
			w.entries[n-1] = got
		} else {
			w.entries = append(w.entries, got)
		}
	}
	w.resumeAt, w.offset, w.tiles, w.logged = l.Done, l.Offset, l.Tiles, len(w.entries)
}

// rehash reads back each distinct tile stored to know it again when it comes again.
func (w *pmtilesWriter) rehash() error {
	seen := map[uint64]bool{}
	for _, e := range w.entries {
		if seen[e.Offset] {
			continue
		}
		seen[e.Offset] = true
		b := make([]byte, e.Length)
		if _, err := w.data.ReadAt(b, int64(e.Offset)); err != nil {
			return err
		}
		w.stored[sha256.Sum256(b)] = entry{Offset: e.Offset, Length: e.Length}
	}
	return nil
}

func (w *pmtilesWriter) fresh(key string) error {
	*w = pmtilesWriter{path: w.path, data: w.data, journal: w.journal, stored: map[[sha256.Size]byte]entry{}}
	if err := w.data.Truncate(0); err != nil {
		return err
	}
	if _, err := w.data.Seek(0, io.SeekStart); err != nil {
		return err
	}
	return w.rewriteJournal(key)
}

// rewriteJournal writes the journal anew: its head and, when resuming, one line for all
// the entries so far.
func (w *pmtilesWriter) rewriteJournal(key string) error {
	if err := w.journal.Truncate(0); err != nil {
		return err
	}
	if _, err := w.journal.Seek(0, io.SeekStart); err != nil {
		return err
	}
	head, _ := json.Marshal(journalHead{Key: key}) // a string field always marshals
	if _, err := w.journal.Write(append(head, '\n')); err != nil {
		return err
	}
	done := w.resumeAt
	w.logged = 0
	return w.checkpoint(done)
}

// checkpoint syncs the data, then records n and the entries since the last checkpoint.
func (w *pmtilesWriter) checkpoint(n int) error {
	if err := w.data.Sync(); err != nil {
		return err
	}
	from := max(w.logged-1, 0) // the last entry logged may have grown since
	l := journalLine{Done: n, Offset: w.offset, Tiles: w.tiles, Entries: make([][4]uint64, 0, len(w.entries)-from)}
	for _, e := range w.entries[from:] {
		l.Entries = append(l.Entries, [4]uint64{e.TileID, e.Offset, uint64(e.Length), uint64(e.RunLength)})
	}
	line, err := json.Marshal(l)
	if err != nil {
		return err
	}
	if _, err := w.journal.Write(append(line, '\n')); err != nil {
		return err
	}
	w.logged = len(w.entries)
	return w.journal.Sync()
}
