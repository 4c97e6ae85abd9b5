package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
)

// LayerRow is one published layer of the catalog (table layers), as tiles read it.
type LayerRow struct {
	Name         string  `db:"name"`
	Title        string  `db:"title"`
	TableName    string  `db:"table_name"`
	GeomColumn   string  `db:"geom_column"`
	IDColumn     string  `db:"id_column"`
	RowFilter    *string `db:"row_filter"`
	GeometryType string  `db:"geometry_type"`
	Fields       []string
	MinZoom      int `db:"min_zoom"`
	MaxZoom      int `db:"max_zoom"`
}

const sqlTileLayers = `
SELECT name, title, table_name, geom_column, id_column, row_filter, geometry_type,
	fields, min_zoom::int AS min_zoom, max_zoom::int AS max_zoom
FROM layers
WHERE public
ORDER BY name`

// TileLayers reads the public layers of the catalog. A database without the catalog table
// answers ErrNotMigrated.
func (db *DB) TileLayers(ctx context.Context) ([]LayerRow, error) {
	rows, err := db.pool.Query(ctx, sqlTileLayers)
	if err != nil {
		if isUndefinedTable(err) {
			return nil, fmt.Errorf("%w: %w", ErrNotMigrated, err)
		}
		return nil, translate(err)
	}
	layers, err := pgx.CollectRows(rows, pgx.RowToStructByNameLax[LayerRow])
	if err != nil {
		return nil, translate(err)
	}
	return layers, nil
}

// TileQuery is the statement that makes one layer's part of a vector tile. Its SQL is built
// once from the catalog; each tile runs it with $1, $2, $3 = z, x, y, so no SQL text is ever
// built per request, and pgx prepares it once per connection.
type TileQuery struct {
	sql string
}

// Tile geometry parameters (MVT 2.1 §4.3): the extent of a tile in its own coordinates and
// the buffer drawn beyond each edge, so that lines and outlines continue across tile seams.
const (
	TileExtent = 4096
	TileBuffer = 64
)

// sqlFmtTile makes one MVT layer. The envelope widened by the buffer (ST_TileEnvelope's
// margin, a fraction of the tile) is brought to the storage CRS, EPSG:4326, so that && can use
// the geometry's GiST index; a Web Mercator rectangle is a rectangle in longitude and latitude
// too. Features go in id order so that a tile's bytes, and so its ETag, do not change with
// the plan (custom or generic, index or bitmap scan) or the instance that made it.
// Verbs: layer name literal, extent, id column, geometry column, extent, buffer, fields,
// table, geometry column, margin, row filter.
const sqlFmtTile = `
SELECT ST_AsMVT(mvt, %s, %d, 'mvt_geom', 'mvt_id' ORDER BY mvt_id)
FROM (
	SELECT t.%s AS mvt_id,
		ST_AsMVTGeom(ST_Transform(t.%s, 3857), ST_TileEnvelope($1, $2, $3), %d, %d, true) AS mvt_geom%s
	FROM %s t
	WHERE t.%s && ST_Transform(ST_TileEnvelope($1, $2, $3, margin => %s), 4326)%s
) mvt
WHERE mvt_geom IS NOT NULL`

// NewTileQuery builds the statement for layer l. Identifiers go through
// pgx.Identifier.Sanitize; the row filter is SQL the catalog's operators wrote.
func NewTileQuery(l LayerRow) TileQuery {
	var fields strings.Builder
	for _, f := range l.Fields {
		fmt.Fprintf(&fields, ", t.%s", pgx.Identifier{f}.Sanitize())
	}
	filter := ""
	if l.RowFilter != nil && strings.TrimSpace(*l.RowFilter) != "" {
		filter = " AND (" + *l.RowFilter + ")"
	}
	geom := pgx.Identifier{l.GeomColumn}.Sanitize()
	margin := fmt.Sprintf("%g", float64(TileBuffer)/TileExtent)
	return TileQuery{sql: fmt.Sprintf(sqlFmtTile,
		quoteLiteral(l.Name), TileExtent,
		pgx.Identifier{l.IDColumn}.Sanitize(),
		geom, TileExtent, TileBuffer, fields.String(),
		pgx.Identifier{l.TableName}.Sanitize(),
		geom, margin, filter)}
}

// quoteLiteral quotes s as an SQL string literal. Layer names are checked against
// ^[a-z][a-z0-9_]*$ by the catalog, so this only guards against a catalog gone wrong.
func quoteLiteral(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// Tile runs the queries for tile z/x/y and returns each layer's MVT bytes, in order; a layer
// with no features in the tile gives no bytes. All queries go in one round trip, in one
// read-only transaction with parallel query off: a tile touches few rows, and parallel
// workers cost more to start than they save.
func (db *DB) Tile(ctx context.Context, qs []TileQuery, z, x, y int) ([][]byte, error) {
	out := make([][]byte, len(qs))
	err := db.readTx(ctx, func(tx pgx.Tx) error {
		b := &pgx.Batch{}
		b.Queue("SET LOCAL max_parallel_workers_per_gather = 0")
		for _, q := range qs {
			b.Queue(q.sql, z, x, y)
		}
		br := tx.SendBatch(ctx, b)
		defer br.Close()
		if _, err := br.Exec(); err != nil {
			return err
		}
		for i := range qs {
			if err := br.QueryRow().Scan(&out[i]); err != nil {
				return err
			}
		}
		return br.Close()
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
