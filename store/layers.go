package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
)

// LayerRow is one published layer of the catalog (table layers), as tiles read it.
type LayerRow struct {
	Name        string
	Title       string
	Description string
	Source      string
	Licence     string
	Synthetic   bool
	// Public layers are read by anyone; the others only with an API key.
	Public       bool
	GeometryType string
	// Fields are the attributes published, in order, with their PostgreSQL types
	// (format_type); a field missing from the table has the type "".
	Fields, FieldTypes []string
	MinZoom, MaxZoom   int
	// Tiles is how tiles draw the layer where no band applies; Bands, in zoom order, are
	// the zoom ranges drawn otherwise (generalized tables, fewer rows, simplification).
	Tiles TileSource
	Bands []TileSource
	// Table, GeomColumn (EPSG:4326, the truth), IDColumn and RowFilter are the layer's own
	// rows, as features and lookups read them.
	Table, GeomColumn, IDColumn string
	RowFilter                   *string
	// UpdatedAt is when the catalog entry or a bulk load of the layer last changed.
	UpdatedAt time.Time
	// TimeStart and TimeEnd name the columns of the rows' validity (end exclusive, NULL
	// for still valid), for datetime queries; nil when the layer has none.
	TimeStart, TimeEnd *string
}

// TileSource is where and how one zoom range of a layer is drawn.
type TileSource struct {
	MinZoom, MaxZoom int
	Table            string
	GeomColumn       string
	// SRID is the geometry column's; 3857 is drawn without a per-row transform.
	SRID     int
	IDColumn string
	// Filters are SQL conditions on the table's rows, all of which must hold.
	Filters            []string
	Fields, FieldTypes []string
	// SimplifyPx is the simplification tolerance and MinSizePx the least size (length of a
	// line, square root of a polygon's area) of a feature kept, in CSS pixels of a
	// 512-pixel tile, MapLibre's size for vector tiles.
	SimplifyPx, MinSizePx float64
	GeometryType          string
}

// Covers reports whether the source draws zoom z.
func (s TileSource) Covers(z int) bool { return z >= s.MinZoom && z <= s.MaxZoom }

// sqlFieldTypes gives the types of the fields (text[]) of table (text), in order.
const sqlFieldTypes = `array(SELECT coalesce(format_type(a.atttypid, a.atttypmod), '')
		FROM unnest(%[2]s) WITH ORDINALITY f (name, i)
		LEFT JOIN pg_attribute a ON a.attrelid = to_regclass(%[1]s) AND a.attname = f.name AND NOT a.attisdropped
		ORDER BY f.i)`

// sqlSRID gives the SRID declared by column geom (text) of table (text), or 0.
const sqlSRID = `coalesce((SELECT postgis_typmod_srid(a.atttypmod) FROM pg_attribute a
		WHERE a.attrelid = to_regclass(%[1]s) AND a.attname = %[2]s AND NOT a.attisdropped), 0)`

var sqlTileLayers = `
SELECT l.name, l.title, l.description, l.source, l.licence, l.synthetic, l.public, l.geometry_type,
	l.table_name, l.geom_column, coalesce(l.tile_geom_column, l.geom_column), l.id_column, l.row_filter,
	l.fields, ` + fmt.Sprintf(sqlFieldTypes, "l.table_name", "l.fields") + `,
	` + fmt.Sprintf(sqlSRID, "l.table_name", "coalesce(l.tile_geom_column, l.geom_column)") + `,
	l.min_zoom, l.max_zoom, l.time_start, l.time_end, l.updated_at
FROM layers l
ORDER BY l.name`

var sqlTileBands = `
SELECT b.layer, b.min_zoom, b.max_zoom, b.table_name IS NOT NULL,
	t.tbl, t.geom, coalesce(b.id_column, l.id_column), b.row_filter, t.fields,
	` + fmt.Sprintf(sqlFieldTypes, "t.tbl", "t.fields") + `,
	` + fmt.Sprintf(sqlSRID, "t.tbl", "t.geom") + `,
	b.simplify_px, b.min_size_px
FROM layer_bands b
JOIN layers l ON l.name = b.layer
CROSS JOIN LATERAL (SELECT coalesce(b.table_name, l.table_name) AS tbl,
	coalesce(b.geom_column, l.tile_geom_column, l.geom_column) AS geom,
	coalesce(b.fields, l.fields) AS fields) t
ORDER BY b.layer, b.min_zoom`

// TileLayers reads the layers of the catalog, public and restricted, with their zoom bands. A database
// without the catalog answers ErrNotMigrated.
func (db *DB) TileLayers(ctx context.Context) ([]LayerRow, error) {
	var layers []LayerRow
	err := db.readTx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, sqlTileLayers)
		if err != nil {
			return err
		}
		byName := map[string]int{}
		var l LayerRow
		var minZ, maxZ int16
		_, err = pgx.ForEachRow(rows, []any{&l.Name, &l.Title, &l.Description, &l.Source, &l.Licence, &l.Synthetic,
			&l.Public, &l.GeometryType, &l.Table, &l.GeomColumn, &l.Tiles.GeomColumn, &l.IDColumn, &l.RowFilter,
			&l.Fields, &l.FieldTypes, &l.Tiles.SRID, &minZ, &maxZ, &l.TimeStart, &l.TimeEnd, &l.UpdatedAt}, func() error {
			l.MinZoom, l.MaxZoom = int(minZ), int(maxZ)
			t := &l.Tiles
			t.MinZoom, t.MaxZoom, t.Table, t.GeometryType = l.MinZoom, l.MaxZoom, l.Table, l.GeometryType
			t.IDColumn = l.IDColumn
			t.Filters = conjuncts(nil, l.RowFilter)
			t.Fields, t.FieldTypes = l.Fields, l.FieldTypes
			byName[l.Name] = len(layers)
			layers = append(layers, l)
			l = LayerRow{}
			return nil
		})
		if err != nil {
			return err
		}
		rows, err = tx.Query(ctx, sqlTileBands)
		if err != nil {
			return err
		}
		var b TileSource
		var name string
		var ownTable bool
		var filter *string
		var simplify, minSize float32
		_, err = pgx.ForEachRow(rows, []any{&name, &minZ, &maxZ, &ownTable, &b.Table, &b.GeomColumn, &b.IDColumn,
			&filter, &b.Fields, &b.FieldTypes, &b.SRID, &simplify, &minSize}, func() error {
			l := &layers[byName[name]]
			b.MinZoom, b.MaxZoom = int(minZ), int(maxZ)
			b.SimplifyPx, b.MinSizePx = float64(simplify), float64(minSize)
			b.GeometryType = l.GeometryType
			// A band over the layer's own table keeps the layer's row filter.
			if !ownTable {
				b.Filters = conjuncts(nil, l.RowFilter)
			}
			b.Filters = conjuncts(b.Filters, filter)
			l.Bands = append(l.Bands, b)
			b = TileSource{}
			return nil
		})
		return err
	})
	if err != nil {
		if isUndefinedTable(err) {
			return nil, fmt.Errorf("%w: %w", ErrNotMigrated, err)
		}
		return nil, translate(err)
	}
	return layers, nil
}

func conjuncts(list []string, filter *string) []string {
	if filter == nil || strings.TrimSpace(*filter) == "" {
		return list
	}
	return append(list, *filter)
}

// whereAll joins filters as conjuncts to append after a WHERE condition.
func whereAll(filters []string) string {
	var b strings.Builder
	for _, f := range filters {
		b.WriteString(" AND (" + f + ")")
	}
	return b.String()
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
// Verbs: the geometry in EPSG:4326, table, row filter.
const sqlFmtLayerBounds = `
SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)
FROM (SELECT ST_Extent(%s) AS e FROM %s t WHERE true%s) s
WHERE e IS NOT NULL`

// LayerBounds returns the extent of layer l's rows in degrees; ok is false for a layer with
// no rows. It reads the whole layer: call it once per catalog. A column declared in EPSG:4326
// is read as it is: ST_Extent then takes each row's box from its header, where a transform
// to the same SRID would read the whole geometry (868 against 1,489 ms on a million parcels).
func (db *DB) LayerBounds(ctx context.Context, l LayerRow) (bounds orb.Bound, ok bool, err error) {
	var srid int
	if err := db.pool.QueryRow(ctx, "SELECT "+fmt.Sprintf(sqlSRID, "$1", "$2"), l.Table, l.GeomColumn).Scan(&srid); err != nil {
		return bounds, false, translate(err)
	}
	geom := "t." + pgx.Identifier{l.GeomColumn}.Sanitize()
	if srid != 4326 {
		geom = "ST_Transform(" + geom + ", 4326)"
	}
	sql := fmt.Sprintf(sqlFmtLayerBounds, geom, pgx.Identifier{l.Table}.Sanitize(), whereAll(conjuncts(nil, l.RowFilter)))
	err = db.pool.QueryRow(ctx, sql).Scan(&bounds.Min[0], &bounds.Min[1], &bounds.Max[0], &bounds.Max[1])
	if errors.Is(err, pgx.ErrNoRows) {
		return bounds, false, nil
	}
	if err != nil {
		return bounds, false, translate(err)
	}
	return bounds, true, nil
}

// refreshTileTables brings the generalized tables behind low-zoom tiles (parcel_ward_totals)
// up to date with the layers they summarize, and their statistics with them.
func refreshTileTables(ctx context.Context, tx pgx.Tx) error {
	_, err := tx.Exec(ctx, "SELECT refresh_tile_tables(); ANALYZE parcel_ward_totals")
	return err
}
