package archive

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"

	_ "modernc.org/sqlite" // the pure Go SQLite driver "sqlite"

	"bandoso/geo"
)

// MBTiles 1.3 in the map/images schema (github.com/mapbox/mbtiles-spec 1.3, "Tiles"): tiles
// is a view joining map, one row per z/x/y, to images, one row per distinct tile, whose
// tile_id is the SHA-256 of its bytes. Rows are TMS: tile_row counts up from the south.
const sqlMBTilesSchema = `
CREATE TABLE metadata (name TEXT, value TEXT);
CREATE UNIQUE INDEX metadata_name ON metadata (name);
CREATE TABLE map (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_id TEXT);
CREATE UNIQUE INDEX map_index ON map (zoom_level, tile_column, tile_row);
CREATE TABLE images (tile_data BLOB, tile_id TEXT);
CREATE UNIQUE INDEX images_id ON images (tile_id);
CREATE VIEW tiles AS SELECT map.zoom_level AS zoom_level, map.tile_column AS tile_column, map.tile_row AS tile_row,
	images.tile_data AS tile_data FROM map JOIN images ON images.tile_id = map.tile_id;`

// An unfinished export keeps two rows in metadata: what it exports (the plan's key) and how
// many tiles of the plan it has done; finishing deletes them.
const (
	metaExport = "bandoso:export"
	metaDone   = "bandoso:done"
)

// mbtilesWriter writes an MBTiles file in place, a transaction per batch, each recording
// how far the plan is done: a rerun of the same export continues from there.
type mbtilesWriter struct {
	path     string
	db       *sql.DB
	tx       *sql.Tx
	resumeAt int
}

func createMBTiles(path, key string) (*mbtilesWriter, error) {
	w := &mbtilesWriter{path: path}
	if n, ok := unfinished(path, key); ok {
		w.resumeAt = n
	} else if err := removeFile(path); err != nil {
		return nil, err
	}
	db, err := sql.Open("sqlite", path+"?_pragma=synchronous(normal)")
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	w.db = db
	if !w.resuming() {
		if _, err := db.Exec(sqlMBTilesSchema); err != nil {
			db.Close()
			return nil, fmt.Errorf("archive: %s: %w", path, err)
		}
		if err := setMetadata(db, map[string]string{metaExport: key, metaDone: "0"}); err != nil {
			db.Close()
			return nil, err
		}
	}
	if w.tx, err = db.Begin(); err != nil {
		db.Close()
		return nil, err
	}
	return w, nil
}

func (w *mbtilesWriter) resuming() bool { return w.resumeAt > 0 }

// unfinished reports how far an export of key got in the MBTiles file at path; ok is false
// when there is no such file, or it is finished, or another export's.
func unfinished(path, key string) (done int, ok bool) {
	if _, err := os.Stat(path); err != nil {
		return 0, false
	}
	db, err := sql.Open("sqlite", path+"?mode=ro")
	if err != nil {
		return 0, false
	}
	defer db.Close()
	meta := map[string]string{}
	rows, err := db.Query(`SELECT name, value FROM metadata WHERE name IN ($1, $2)`, metaExport, metaDone)
	if err != nil {
		return 0, false
	}
	defer rows.Close()
	for rows.Next() {
		var name, value string
		if rows.Scan(&name, &value) == nil {
			meta[name] = value
		}
	}
	n, err := strconv.Atoi(meta[metaDone])
	return n, err == nil && meta[metaExport] == key && rows.Err() == nil
}

func removeFile(path string) error {
	for _, p := range []string{path, path + "-journal", path + "-wal", path + "-shm"} {
		if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return nil
}

func (w *mbtilesWriter) done() int { return w.resumeAt }

func (w *mbtilesWriter) put(t geo.Tile, gz []byte) error {
	sum := sha256.Sum256(gz)
	id := hex.EncodeToString(sum[:])
	if _, err := w.tx.Exec(`INSERT OR IGNORE INTO images (tile_data, tile_id) VALUES ($1, $2)`, gz, id); err != nil {
		return err
	}
	tmsRow := geo.MatrixSize(int(t.Z)) - 1 - int(t.Y)
	_, err := w.tx.Exec(`INSERT OR REPLACE INTO map (zoom_level, tile_column, tile_row, tile_id) VALUES ($1, $2, $3, $4)`,
		int(t.Z), int(t.X), tmsRow, id)
	return err
}

func (w *mbtilesWriter) checkpoint(n int) error {
	if _, err := w.tx.Exec(`UPDATE metadata SET value = $1 WHERE name = $2`, strconv.Itoa(n), metaDone); err != nil {
		return err
	}
	if err := w.tx.Commit(); err != nil {
		return err
	}
	var err error
	w.tx, err = w.db.Begin()
	return err
}

func (w *mbtilesWriter) abort() {
	if w.tx != nil {
		_ = w.tx.Rollback()
	}
	w.db.Close()
}

func (w *mbtilesWriter) finish(m Metadata) (tiles, unique int, err error) {
	defer w.abort()
	rows, err := mbtilesMetadata(m)
	if err != nil {
		return 0, 0, err
	}
	ctx := context.Background()
	for name, value := range rows {
		if _, err := w.tx.ExecContext(ctx, `INSERT OR REPLACE INTO metadata (name, value) VALUES ($1, $2)`, name, value); err != nil {
			return 0, 0, err
		}
	}
	if _, err := w.tx.ExecContext(ctx, `DELETE FROM metadata WHERE name IN ($1, $2)`, metaExport, metaDone); err != nil {
		return 0, 0, err
	}
	if err := w.tx.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM map), (SELECT count(*) FROM images)`).Scan(&tiles, &unique); err != nil {
		return 0, 0, err
	}
	if err := w.tx.Commit(); err != nil {
		return 0, 0, err
	}
	w.tx = nil
	return tiles, unique, nil
}

func setMetadata(db *sql.DB, rows map[string]string) error {
	for name, value := range rows {
		if _, err := db.Exec(`INSERT OR REPLACE INTO metadata (name, value) VALUES ($1, $2)`, name, value); err != nil {
			return err
		}
	}
	return nil
}

// mbtilesMetadata is m as MBTiles 1.3 metadata rows, vector_layers in the json row.
func mbtilesMetadata(m Metadata) (map[string]string, error) {
	j := m.json()
	layers, err := json.Marshal(struct {
		VectorLayers []VectorLayer `json:"vector_layers"`
	}{j.VectorLayers})
	if err != nil {
		return nil, err
	}
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	b := m.Bounds
	rows := map[string]string{"name": j.Name, "format": j.Format, "type": j.Type, "version": j.Version,
		"description": j.Description, "attribution": j.Attribution, "compression": j.Compression,
		"bounds":  f(b.Min[0]) + "," + f(b.Min[1]) + "," + f(b.Max[0]) + "," + f(b.Max[1]),
		"center":  f(m.Center[0]) + "," + f(m.Center[1]) + "," + strconv.Itoa(m.CenterZoom),
		"minzoom": strconv.Itoa(m.MinZoom), "maxzoom": strconv.Itoa(m.MaxZoom), "json": string(layers)}
	return rows, nil
}
