package ingest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
)

// ErrNoGDAL: Shapefile and GeoPackage need GDAL's ogr2ogr, which is not on PATH.
var ErrNoGDAL = errors.New("ingest: Shapefile and GeoPackage need GDAL's ogr2ogr, which is not installed (Debian/Ubuntu: apt-get install gdal-bin)")

// openOGR streams a Shapefile (a .shp beside its .dbf, .shx and .prj, or a .zip of them) or a
// GeoPackage's first layer through `ogr2ogr -f GeoJSON /vsistdout/`. GDAL is not let
// reproject: it would pick PROJ's default VN-2000 transformation, about 0.8 m from the pinned
// one. The CRS is the EPSG code GDAL writes in the crs member, or, for a CRS GDAL finds no
// code for (a hand-written .prj), its definition for store to match.
func openOGR(path, layer string, src Source, progress func(int64)) (Reader, error) {
	bin, err := exec.LookPath("ogr2ogr")
	if err != nil {
		return nil, ErrNoGDAL
	}
	if _, err := os.Stat(path); err != nil {
		return nil, err
	}
	in := path
	if strings.EqualFold(filepath.Ext(path), ".zip") {
		in = "/vsizip/" + path
	}
	if layer, err = chooseLayer(in, layer, src); err != nil {
		return nil, err
	}
	args := []string{"-f", "GeoJSON", "/vsistdout/", in, "-lco", "RFC7946=NO", "-lco", "WRITE_NAME=NO", "-lco", "COORDINATE_PRECISION=10"}
	if layer != "" {
		args = append(args[:4], append([]string{layer}, args[4:]...)...)
	}
	// GDAL recodes a .dbf to UTF-8 from its .cpg or its header's code page (Latin-1 when it
	// says none). Legacy TCVN3/VNI text then arrives as Latin-1 letters that checkText flags,
	// while files that declare Windows-1258 honestly load; SHAPE_ENCODING="" (raw bytes) would
	// refuse those.
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, args...)
	stderr := &limitedBuffer{max: 8 << 10}
	cmd.Stderr = stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		cancel()
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		cancel()
		return nil, fmt.Errorf("ingest: ogr2ogr: %w", err)
	}
	o := &ogrReader{cmd: cmd, cancel: cancel, stderr: stderr}
	var r io.Reader = out
	if progress != nil {
		r = &countingReader{r: out, progress: progress}
	}
	g, err := newGeoJSON(r, src)
	if err != nil {
		o.Close()
		if msg := stderr.String(); msg != "" {
			return nil, fmt.Errorf("ingest: ogr2ogr could not read %s: %s", src.File, strings.TrimSpace(msg))
		}
		return nil, err
	}
	if g.src.CRSFrom == "default" { // GDAL wrote no crs: the file has none, or one without an EPSG code
		if def := gdalSRS(in); def != nil {
			g.src.SRID, g.src.CRSFrom, g.src.CRSDef = 0, "file", def
		}
	}
	o.geojsonReader = g
	return o, nil
}

type ogrReader struct {
	*geojsonReader
	cmd    *exec.Cmd
	cancel context.CancelFunc
	stderr *limitedBuffer
	once   sync.Once
	err    error
}

func (o *ogrReader) Next() (Record, error) {
	rec, err := o.geojsonReader.Next()
	if err == io.EOF {
		if werr := o.wait(); werr != nil {
			return Record{}, werr
		}
	} else if err != nil && o.stderr.String() != "" {
		err = fmt.Errorf("%w (ogr2ogr: %s)", err, strings.TrimSpace(o.stderr.String()))
	}
	return rec, err
}

func (o *ogrReader) wait() error {
	o.once.Do(func() {
		if err := o.cmd.Wait(); err != nil {
			o.err = fmt.Errorf("ingest: ogr2ogr: %w: %s", err, strings.TrimSpace(o.stderr.String()))
		}
	})
	return o.err
}

// Close stops ogr2ogr if it is still writing.
func (o *ogrReader) Close() error {
	o.cancel()
	_ = o.wait()
	return nil
}

// ErrLayer: the file holds several layers and none was chosen, or not one of its own.
var ErrLayer = errors.New("ingest: choose the file's layer")

// chooseLayer is the layer of in to read: the one asked for, which must be there, or the only
// one. A file of several layers read whole would be several datasets mixed, or GDAL would
// stop after the first.
func chooseLayer(in, layer string, src Source) (string, error) {
	out, err := exec.Command("ogrinfo", "-q", "-ro", in).Output()
	if err != nil {
		return layer, nil // ogr2ogr will say what is wrong with the file
	}
	var names []string
	for _, line := range strings.Split(string(out), "\n") {
		// "1: phuong (Multi Polygon)"
		_, rest, ok := strings.Cut(line, ": ")
		if !ok {
			continue
		}
		name := rest
		if i := strings.LastIndex(rest, " ("); i > 0 {
			name = rest[:i]
		}
		names = append(names, name)
	}
	switch {
	case layer != "" && !slices.Contains(names, layer):
		return "", fmt.Errorf("%w: the %s holds no layer %q; its layers: %s", ErrLayer, formatName(src.Format), layer, strings.Join(names, ", "))
	case layer == "" && len(names) > 1:
		return "", fmt.Errorf("%w: the %s holds %d layers: %s", ErrLayer, formatName(src.Format), len(names), strings.Join(names, ", "))
	case layer == "" && len(names) == 1:
		return names[0], nil
	}
	return layer, nil
}

// gdalSRS describes the CRS of a dataset GDAL found no EPSG code for, nil when it has none
// (a Shapefile without its .prj).
func gdalSRS(in string) *CRSDef {
	out := func(format string) string {
		b, err := exec.Command("gdalsrsinfo", "--single-line", "-o", format, in).Output()
		if err != nil {
			return ""
		}
		return strings.TrimSpace(string(b))
	}
	def := CRSDef{Proj4: out("proj4"), WKT: out("wkt1")}
	if !strings.HasPrefix(def.Proj4, "+proj=") {
		return nil
	}
	return &def
}

// limitedBuffer keeps the first max bytes of a process's stderr.
type limitedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
	max int
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if room := b.max - b.buf.Len(); room > 0 {
		b.buf.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

func (b *limitedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
