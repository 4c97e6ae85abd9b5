package tiles

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"sync"

	"github.com/klauspost/compress/gzip"
)

// GzipLevel is the compression level of tiles, of github.com/klauspost/compress's gzip: its
// level 4 made the one-million-parcel city's tiles 3–5% smaller than the standard library's
// level 1 did, in about four fifths of the time (docs/benchmarks.md, "Tile bytes"). A cold
// tile's compression is a fair part of the instance's work for it; the output is gzip as
// every client reads it.
const GzipLevel = 4

// gzipWriters keeps compressors for reuse: each holds about a megabyte of tables, which
// Gzip would otherwise allocate and clear for every tile.
var gzipWriters = sync.Pool{New: func() any {
	zw, _ := gzip.NewWriterLevel(nil, GzipLevel) // the level is valid
	return zw
}}

// Tile is one encoded vector tile with what serving it takes. A tile that a cache keeps is
// hashed and compressed once, before it is kept (seal): a cache hit then costs neither. A tile
// served once and forgotten (no cache, a past tile) is hashed or compressed only if the answer
// needs it: a client that does not take gzip gets Data as it came from the database.
type Tile struct {
	// Data is the MVT; empty for a tile with no features.
	Data []byte
	// gzip is Data gzipped, and hash identifies Data (hashOf); both empty until sealed.
	gzip []byte
	hash string
}

// Empty reports whether the tile has no features.
func (t *Tile) Empty() bool { return len(t.Data) == 0 }

// size is what the tile costs the cache.
func (t *Tile) size() int64 { return int64(len(t.Data) + len(t.gzip) + len(t.hash)) }

// Hash identifies Data: hex of the first 128 bits of its SHA-256; empty for an empty tile.
// A tile not sealed is hashed anew at each call.
func (t *Tile) Hash() string {
	if t.hash != "" || t.Empty() {
		return t.hash
	}
	return hashOf(t.Data)
}

// Gzip is Data gzipped at GzipLevel, for clients that accept it; empty for an empty tile. A
// tile not sealed is compressed anew at each call.
func (t *Tile) Gzip() ([]byte, error) {
	if t.gzip != nil || t.Empty() {
		return t.gzip, nil
	}
	return Gzip(t.Data)
}

// seal hashes and compresses the tile once, before it is kept or shared; only its maker may
// call it, before anyone else holds the tile.
func (t *Tile) seal() error {
	if t.gzip != nil || t.Empty() {
		return nil
	}
	gz, err := Gzip(t.Data)
	if err != nil {
		return err
	}
	t.gzip, t.hash = gz, hashOf(t.Data)
	return nil
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

// FromGzip is the sealed tile whose gzipped bytes are gz, as an archive stores them: unpacked
// and hashed as seal does, so that it is served with the ETag the live tile has.
func FromGzip(gz []byte) (*Tile, error) {
	if len(gz) == 0 {
		return &Tile{}, nil
	}
	data, err := gunzip(gz)
	if err != nil {
		return nil, err
	}
	return &Tile{Data: data, gzip: gz, hash: hashOf(data)}, nil
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
