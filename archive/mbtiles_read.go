package archive

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
)

// mbtilesReader reads tiles of an MBTiles file with SQL.
type mbtilesReader struct {
	db   *sql.DB
	tile *sql.Stmt
	meta Metadata
}

func openMBTiles(path string) (*mbtilesReader, error) {
	db, err := sql.Open("sqlite", path+"?mode=ro&_pragma=query_only(1)")
	if err != nil {
		return nil, err
	}
	r := &mbtilesReader{db: db}
	if err := r.read(); err != nil {
		db.Close()
		return nil, fmt.Errorf("archive: %s: %w", path, err)
	}
	return r, nil
}

func (r *mbtilesReader) read() error {
	rows, err := r.db.Query(`SELECT name, value FROM metadata`)
	if err != nil {
		return err
	}
	meta := map[string]string{}
	for rows.Next() {
		var name, value sql.NullString
		if err := rows.Scan(&name, &value); err != nil {
			rows.Close()
			return err
		}
		meta[name.String] = value.String
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if _, ok := meta[metaDone]; ok {
		return ErrIncomplete
	}
	if meta["format"] != "pbf" {
		return fmt.Errorf("format %q, not pbf (vector tiles)", meta["format"])
	}
	if err := parseMBTilesMetadata(meta, &r.meta); err != nil {
		return err
	}
	r.tile, err = r.db.Prepare(`SELECT tile_data FROM tiles WHERE zoom_level = $1 AND tile_column = $2 AND tile_row = $3`)
	return err
}

func parseMBTilesMetadata(meta map[string]string, m *Metadata) error {
	var j jsonMetadata
	if raw := meta["json"]; raw != "" {
		if err := json.Unmarshal([]byte(raw), &j); err != nil {
			return fmt.Errorf("metadata json: %w", err)
		}
	}
	j.Name, j.Description, j.Version, j.Attribution = meta["name"], meta["description"], meta["version"], meta["attribution"]
	j.apply(m)
	var err error
	num := func(s string) float64 {
		v, perr := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if perr != nil && err == nil {
			err = fmt.Errorf("metadata: %q is not a number", s)
		}
		return v
	}
	m.MinZoom, m.MaxZoom = int(num(meta["minzoom"])), int(num(meta["maxzoom"]))
	if b := strings.Split(meta["bounds"], ","); len(b) == 4 {
		m.Bounds = orb.Bound{Min: orb.Point{num(b[0]), num(b[1])}, Max: orb.Point{num(b[2]), num(b[3])}}
	}
	if c := strings.Split(meta["center"], ","); len(c) == 3 {
		m.Center, m.CenterZoom = orb.Point{num(c[0]), num(c[1])}, int(num(c[2]))
	}
	return err
}

func (r *mbtilesReader) Metadata() Metadata { return r.meta }
func (r *mbtilesReader) Close() error       { return r.db.Close() }

func (r *mbtilesReader) Tile(z, x, y int) ([]byte, error) {
	if z < 0 || z > 31 || x < 0 || y < 0 || x >= 1<<z || y >= 1<<z {
		return nil, nil
	}
	var data []byte
	err := r.tile.QueryRow(z, x, (1<<z)-1-y).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return data, err
}
