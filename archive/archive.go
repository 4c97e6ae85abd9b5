// Package archive writes and reads tile archives for offline use: PMTiles v3 (written and
// read here from its specification) and MBTiles 1.3 (SQLite, modernc.org/sqlite) files of
// vector tiles, each tile gzipped exactly as the server sends it with Content-Encoding gzip.
// It knows tiles only as bytes: where they come from is the caller's (cmd wires the tile
// service in), and it serves nothing over HTTP.
package archive

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/paulmach/orb"
)

// Format is a kind of archive file, named by its extension.
type Format string

const (
	// PMTiles is a PMTiles v3 file: one header, directories, tiles deduplicated and runs of
	// one tile stored as one entry.
	PMTiles Format = "pmtiles"
	// MBTiles is an MBTiles 1.3 SQLite file in the map/images schema: each distinct tile
	// stored once in images, map pointing every z/x/y at one.
	MBTiles Format = "mbtiles"
)

// TileCompression is how every tile of an archive written here is compressed, as its
// metadata says: gzip, the bytes served with Content-Encoding gzip.
const TileCompression = "gzip"

var (
	// ErrFormat is a file name whose extension is neither .pmtiles nor .mbtiles.
	ErrFormat = errors.New("archive: not a .pmtiles or .mbtiles file")
	// ErrIncomplete is an MBTiles file an export is still writing, or left unfinished.
	ErrIncomplete = errors.New("archive: export not finished")
)

// FormatOf is the format of the file at path, by its extension.
func FormatOf(path string) (Format, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".pmtiles":
		return PMTiles, nil
	case ".mbtiles":
		return MBTiles, nil
	}
	return "", fmt.Errorf("%w: %q", ErrFormat, path)
}

// Metadata is what an archive says of its tiles, the TileJSON 3.0.0 fields both formats
// carry.
type Metadata struct {
	Name        string
	Description string
	Version     string
	Attribution string
	// Bounds is the area exported, in degrees.
	Bounds orb.Bound
	// Center and CenterZoom are where a map opens.
	Center     orb.Point
	CenterZoom int
	MinZoom    int
	MaxZoom    int
	// VectorLayers are the layers the tiles hold, with their attributes.
	VectorLayers []VectorLayer
}

// VectorLayer is one layer of the tiles, as TileJSON 3.0.0's vector_layers lists it.
type VectorLayer struct {
	ID          string            `json:"id"`
	Description string            `json:"description,omitempty"`
	MinZoom     int               `json:"minzoom"`
	MaxZoom     int               `json:"maxzoom"`
	Fields      map[string]string `json:"fields"`
}

// jsonMetadata is the JSON both formats store the metadata in: PMTiles as its whole
// metadata, MBTiles as the json row beside its name/value rows.
type jsonMetadata struct {
	Name         string        `json:"name,omitempty"`
	Description  string        `json:"description,omitempty"`
	Version      string        `json:"version,omitempty"`
	Attribution  string        `json:"attribution,omitempty"`
	Type         string        `json:"type,omitempty"`
	Format       string        `json:"format,omitempty"`
	Compression  string        `json:"compression,omitempty"`
	VectorLayers []VectorLayer `json:"vector_layers"`
}

func (m Metadata) json() jsonMetadata {
	return jsonMetadata{Name: m.Name, Description: m.Description, Version: m.Version, Attribution: m.Attribution,
		Type: "overlay", Format: "pbf", Compression: TileCompression, VectorLayers: m.VectorLayers}
}

func (j jsonMetadata) apply(m *Metadata) {
	m.Name, m.Description, m.Version, m.Attribution, m.VectorLayers = j.Name, j.Description, j.Version, j.Attribution, j.VectorLayers
}

// Reader is an archive open for reading. It is safe for concurrent use.
type Reader interface {
	// Tile returns tile z/x/y as stored (gzipped), or nil when the archive does not hold it.
	Tile(z, x, y int) ([]byte, error)
	// Metadata is what the archive says of itself.
	Metadata() Metadata
	Close() error
}

// Open opens the archive at path for reading, its format by its extension. An MBTiles file
// an export has not finished is ErrIncomplete.
func Open(path string) (Reader, error) {
	f, err := FormatOf(path)
	if err != nil {
		return nil, err
	}
	if f == PMTiles {
		return openPMTiles(path)
	}
	return openMBTiles(path)
}
