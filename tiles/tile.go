package tiles

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
)

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
	sum := sha256.Sum256(data)
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(data); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return &Tile{Data: data, Gzip: buf.Bytes(), Hash: hex.EncodeToString(sum[:16])}, nil
}
