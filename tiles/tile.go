package tiles

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"sync"
)

// GzipLevel is the compression level of tiles. Level 1 compressed vector tiles of the
// one-million-parcel city about 3.5 times faster than gzip's default level 6 for about 16%
// more bytes (docs/benchmarks.md, "Tiles"): a cold tile spent more time compressed at level
// 6 than in Go otherwise.
const GzipLevel = gzip.BestSpeed

// gzipWriters keeps compressors for reuse: each holds about a megabyte of tables, which
// newTile would otherwise allocate and clear for every tile.
var gzipWriters = sync.Pool{New: func() any {
	zw, _ := gzip.NewWriterLevel(nil, GzipLevel) // the level is valid
	return zw
}}

// Tile is one encoded vector tile with what serving it takes, made once when the tile is
// queried: a cache hit then costs neither hashing nor compression.
type Tile struct {
	// Data is the MVT; empty for a tile with no features.
	Data []byte
	// Gzip is Data gzipped, for clients that accept it; empty when Data is.
	Gzip []byte
	// Hash identifies Data: hex of the first 128 bits of its SHA-256.
	Hash string
}

// Empty reports whether the tile has no features.
func (t *Tile) Empty() bool { return len(t.Data) == 0 }

// size is what the tile costs the cache.
func (t *Tile) size() int64 { return int64(len(t.Data) + len(t.Gzip) + len(t.Hash)) }

// newTile hashes and compresses data.
func newTile(data []byte) (*Tile, error) {
	if len(data) == 0 {
		return &Tile{}, nil
	}
	gz, err := Gzip(data)
	if err != nil {
		return nil, err
	}
	return &Tile{Data: data, Gzip: gz, Hash: hashOf(data)}, nil
}

// Gzip compresses data as tiles are compressed, at GzipLevel.
func Gzip(data []byte) ([]byte, error) {
	var buf bytes.Buffer
	buf.Grow(len(data)/2 + 64)
	zw := gzipWriters.Get().(*gzip.Writer)
	defer gzipWriters.Put(zw)
	zw.Reset(&buf)
	if _, err := zw.Write(data); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// FromGzip is the tile whose gzipped bytes are gz, as an archive stores them: unpacked and
// hashed as newTile does, so that it is served with the ETag the live tile has.
func FromGzip(gz []byte) (*Tile, error) {
	if len(gz) == 0 {
		return &Tile{}, nil
	}
	data, err := gunzip(gz)
	if err != nil {
		return nil, err
	}
	return &Tile{Data: data, Gzip: gz, Hash: hashOf(data)}, nil
}

// gunzip unpacks a gzipped tile.
func gunzip(gz []byte) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, err
	}
	return io.ReadAll(zr)
}

// hashOf is a tile's Hash: hex of the first 128 bits of the SHA-256 of its MVT.
func hashOf(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:16])
}
