package store

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
)

// LayerRow is one published layer of the catalog (table layers), as tiles read it.
type LayerRow struct {
	Name         string  `db:"name"`
	Title        string  `db:"title"`
	Description  string  `db:"description"`
	Source       string  `db:"source"`
	Licence      string  `db:"licence"`
	Synthetic    bool    `db:"synthetic"`
	TableName    string  `db:"table_name"`
	GeomColumn   string  `db:"geom_column"`
	IDColumn     string  `db:"id_column"`
	RowFilter    *string `db:"row_filter"`
	GeometryType string  `db:"geometry_type"`
	Fields       []string
	// FieldTypes are the PostgreSQL types of Fields, in the same order (format_type); a
	// field missing from the table has the type "".
	FieldTypes []string `db:"field_types"`
	MinZoom    int      `db:"min_zoom"`
	MaxZoom    int      `db:"max_zoom"`
}

const sqlTileLayers = `
SELECT l.name, l.title, l.description, l.source, l.licence, l.synthetic, l.table_name,
	l.geom_column, l.id_column, l.row_filter, l.geometry_type, l.fields,
	array(SELECT coalesce(format_type(a.atttypid, a.atttypmod), '')
		FROM unnest(l.fields) WITH ORDINALITY f (name, i)
		LEFT JOIN pg_attribute a ON a.attrelid = to_regclass(l.table_name) AND a.attname = f.name AND NOT a.attisdropped
		ORDER BY f.i) AS field_types,
	l.min_zoom::int AS min_zoom, l.max_zoom::int AS max_zoom
FROM layers l
WHERE l.public
ORDER BY l.name`

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
	for i, f := range l.Fields {
		fmt.Fprintf(&fields, ", %s", mvtValue(f, l.FieldTypes, i))
	}
	filter := rowFilter(l.RowFilter)
	geom := pgx.Identifier{l.GeomColumn}.Sanitize()
	margin := fmt.Sprintf("%g", float64(TileBuffer)/TileExtent)
	return TileQuery{sql: fmt.Sprintf(sqlFmtTile,
		quoteLiteral(l.Name), TileExtent,
		pgx.Identifier{l.IDColumn}.Sanitize(),
		geom, TileExtent, TileBuffer, fields.String(),
		pgx.Identifier{l.TableName}.Sanitize(),
		geom, margin, filter)}
}

// mvtValue selects field i for a tile. ST_AsMVT writes only booleans, integers and floats as
// numbers and everything else as text, so numeric columns (areas, FAR) become float8: a
// style can then compare them as numbers.
func mvtValue(field string, types []string, i int) string {
	col := "t." + pgx.Identifier{field}.Sanitize()
	if i < len(types) && FieldKind(types[i]) == "Number" && strings.HasPrefix(types[i], "numeric") {
		return col + "::float8 AS " + pgx.Identifier{field}.Sanitize()
	}
	return col
}

// FieldKind is the TileJSON and MVT kind of a PostgreSQL type: "Number", "Boolean" or
// "String" (every other type reaches a tile as text).
func FieldKind(pgType string) string {
	base, _, _ := strings.Cut(pgType, "(")
	switch base {
	case "smallint", "integer", "bigint", "real", "double precision", "numeric":
		return "Number"
	case "boolean":
		return "Boolean"
	}
	return "String"
}

// sqlFmtLayerBounds is the extent of a layer's rows in longitude and latitude.
// Verbs: geometry column, table, row filter.
const sqlFmtLayerBounds = `
SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)
FROM (SELECT ST_Extent(ST_Transform(t.%s, 4326)) AS e FROM %s t WHERE true%s) s
WHERE e IS NOT NULL`

// LayerBounds returns the extent of layer l's rows as west, south, east, north in degrees;
// ok is false for a layer with no rows. It reads the whole layer: call it once per catalog.
func (db *DB) LayerBounds(ctx context.Context, l LayerRow) (bounds [4]float64, ok bool, err error) {
	sql := fmt.Sprintf(sqlFmtLayerBounds, pgx.Identifier{l.GeomColumn}.Sanitize(),
		pgx.Identifier{l.TableName}.Sanitize(), rowFilter(l.RowFilter))
	err = db.pool.QueryRow(ctx, sql).Scan(&bounds[0], &bounds[1], &bounds[2], &bounds[3])
	if errors.Is(err, pgx.ErrNoRows) {
		return bounds, false, nil
	}
	if err != nil {
		return bounds, false, translate(err)
	}
	return bounds, true, nil
}

// rowFilter is the catalog's row filter as a conjunct to append to a WHERE clause.
func rowFilter(f *string) string {
	if f == nil || strings.TrimSpace(*f) == "" {
		return ""
	}
	return " AND (" + *f + ")"
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
