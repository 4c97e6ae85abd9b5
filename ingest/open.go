package ingest

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Formats Open reads.
const (
	FormatGeoJSON    = "geojson"
	FormatCSV        = "csv"
	FormatShapefile  = "shapefile"
	FormatGeoPackage = "geopackage"
	// FormatOSM is an OpenStreetMap extract, which OpenOSM reads (as layer osm), not Open.
	FormatOSM = "osm"
)

// ErrOSM: an OpenStreetMap extract is not a file of one layer; OpenOSM reads it.
var ErrOSM = errors.New("ingest: an OpenStreetMap extract imports as layer osm, into streets, addresses, places and the basemap")

// Options says how to read a file.
type Options struct {
	// Format is one of the Format constants; empty guesses it from the file name.
	Format string
	// SRID is the CRS of the coordinates when the caller knows it (--crs); 0 takes the file's
	// own, else WGS84 where the values are degrees.
	SRID int
	// Name is the file name to report (an upload's own name rather than its temp file).
	Name string
	// Progress, when set, is told the bytes read so far (of the file, or of ogr2ogr's output).
	Progress func(int64)
	// Fix repairs what must be repaired before the database reads a geometry: rings closed,
	// repeated points removed; each repair is a problem of its record.
	Fix bool
	// Layer is the layer of a GeoPackage (or zipped Shapefiles) holding several to read; a
	// file of one layer needs none.
	Layer string
}

// Open starts reading path. The caller closes the reader.
func Open(path string, opt Options) (Reader, error) {
	r, err := open(path, opt)
	if err != nil || !opt.Fix {
		return r, err
	}
	return fixingReader{r}, nil
}

func open(path string, opt Options) (Reader, error) {
	if opt.Format == "" {
		f, err := FormatOf(path)
		if err != nil {
			return nil, err
		}
		opt.Format = f
	}
	if opt.Name == "" {
		opt.Name = filepath.Base(path)
	}
	src := Source{File: opt.Name, Format: opt.Format, SRID: opt.SRID}
	if opt.SRID != 0 {
		src.CRSFrom = "flag"
	}
	switch opt.Format {
	case FormatShapefile, FormatGeoPackage:
		return openOGR(path, opt.Layer, src, opt.Progress)
	case FormatGeoJSON, FormatCSV:
	case FormatOSM:
		return nil, ErrOSM
	default:
		return nil, fmt.Errorf("ingest: unknown format %q (geojson, csv, shapefile, geopackage)", opt.Format)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	var r io.Reader = f
	if opt.Progress != nil {
		r = &countingReader{r: f, progress: opt.Progress}
	}
	var rd Reader
	if opt.Format == FormatCSV {
		var c *csvReader
		c, err = newCSV(r, src)
		if c != nil {
			c.closer, rd = f, c
		}
	} else {
		var g *geojsonReader
		g, err = newGeoJSON(r, src)
		if g != nil {
			g.closer, rd = f, g
		}
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return rd, nil
}

// FormatOf guesses a file's format from its extension.
func FormatOf(path string) (string, error) {
	low := strings.ToLower(path)
	for _, ext := range []string{".osm.pbf", ".osm.gz", ".osm.bz2"} {
		if strings.HasSuffix(low, ext) {
			return FormatOSM, nil
		}
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".pbf", ".osm":
		return FormatOSM, nil
	case ".geojson", ".json", ".geojsonl", ".geojsons", ".ndjson", ".jsonl":
		return FormatGeoJSON, nil
	case ".csv", ".tsv", ".txt":
		return FormatCSV, nil
	case ".shp", ".zip":
		return FormatShapefile, nil
	case ".gpkg":
		return FormatGeoPackage, nil
	}
	return "", fmt.Errorf("ingest: cannot tell the format of %q from its extension (.geojson, .csv, .shp, .zip, .gpkg, .osm.pbf, .osm)", filepath.Base(path))
}

// ParseKeyValues reads target=value pairs separated by commas, as --map and --set take them
// (and the import form's map and set fields), into into.
func ParseKeyValues(s string, into map[string]string) error {
	for _, pair := range strings.Split(s, ",") {
		t, v, ok := strings.Cut(pair, "=")
		t = strings.TrimSpace(t)
		if !ok || t == "" {
			return fmt.Errorf("%q is not target=value", pair)
		}
		into[t] = strings.TrimSpace(v)
	}
	return nil
}

type countingReader struct {
	r        io.Reader
	n        int64
	progress func(int64)
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	c.progress(c.n)
	return n, err
}
