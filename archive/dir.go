package archive

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
)

// ErrNotFound is a name no archive of the folder has.
var ErrNotFound = errors.New("archive: no such archive")

// validName is what an archive's name, its file name without the extension, may be: it
// appears in URLs as it is, before ".json" in its TileJSON's, hence no dot.
var validName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$`)

// ValidName reports whether name can name an archive.
func ValidName(name string) bool { return validName.MatchString(name) }

// Dir is the archives of a folder, each .pmtiles and .mbtiles file by its name without the
// extension. The folder is read again whenever it changed since last read (its
// modification time: a file added, removed or renamed into it), so archives added while
// serving are found. It is safe for concurrent use.
type Dir struct {
	path string
	log  *slog.Logger

	mu      sync.Mutex
	modTime time.Time
	open    map[string]*Archive
}

// Archive is one archive of a Dir.
type Archive struct {
	Name   string
	Format Format
	Reader
	file os.FileInfo
}

// retired is how long an archive replaced or removed stays open, for requests still
// reading it.
const retired = time.Minute

// OpenDir reads the archives of the folder at path. A file that is not a readable
// archive is logged to log (nil: nowhere) and left out; a missing folder is an error.
func OpenDir(path string, log *slog.Logger) (*Dir, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("archive: %s is not a folder", path)
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	d := &Dir{path: path, log: log, open: map[string]*Archive{}}
	d.mu.Lock()
	defer d.mu.Unlock()
	return d, d.scan()
}

// List returns the folder's archives by name.
func (d *Dir) List() ([]*Archive, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.refresh(); err != nil {
		return nil, err
	}
	out := make([]*Archive, 0, len(d.open))
	for _, a := range d.open {
		out = append(out, a)
	}
	slices.SortFunc(out, func(a, b *Archive) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// Get returns the archive called name, or ErrNotFound.
func (d *Dir) Get(name string) (*Archive, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.refresh(); err != nil {
		return nil, err
	}
	if a, ok := d.open[name]; ok {
		return a, nil
	}
	return nil, fmt.Errorf("%w: %q", ErrNotFound, name)
}

// Close closes every archive.
func (d *Dir) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	for name, a := range d.open {
		a.Close()
		delete(d.open, name)
	}
	return nil
}

// refresh reads the folder again if it changed.
func (d *Dir) refresh() error {
	fi, err := os.Stat(d.path)
	if err != nil {
		return err
	}
	if fi.ModTime().Equal(d.modTime) {
		return nil
	}
	return d.scan()
}

// scan opens the archives new or changed since the last scan and retires those gone.
func (d *Dir) scan() error {
	fi, err := os.Stat(d.path)
	if err != nil {
		return err
	}
	entries, err := os.ReadDir(d.path)
	if err != nil {
		return err
	}
	d.modTime = fi.ModTime()
	seen := map[string]bool{}
	for _, e := range entries {
		format, ferr := FormatOf(e.Name())
		name := strings.TrimSuffix(e.Name(), filepath.Ext(e.Name()))
		if ferr != nil || e.IsDir() || !ValidName(name) || seen[name] {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue
		}
		if a, ok := d.open[name]; ok && a.Format == format && a.file.ModTime().Equal(info.ModTime()) && a.file.Size() == info.Size() {
			seen[name] = true
			continue
		}
		r, err := Open(filepath.Join(d.path, e.Name()))
		if errors.Is(err, ErrIncomplete) {
			d.log.Debug("archive left out until its export finishes", "file", e.Name())
			continue
		}
		if err != nil {
			d.log.Warn("archive left out", "file", e.Name(), "err", err)
			continue
		}
		d.retire(name)
		d.open[name] = &Archive{Name: name, Format: format, Reader: r, file: info}
		seen[name] = true
	}
	for name := range d.open {
		if !seen[name] {
			d.retire(name)
		}
	}
	return nil
}

// retire takes the archive called name out and closes it a while later.
func (d *Dir) retire(name string) {
	if a, ok := d.open[name]; ok {
		delete(d.open, name)
		time.AfterFunc(retired, func() { a.Close() })
	}
}
