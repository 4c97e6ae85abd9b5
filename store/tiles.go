package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"bandoso/geo"
)

// TileQuery is the statement that finds one layer's features for a vector tile. Its SQL is
// built once from the catalog; each tile runs it with $1, $2, $3 = its z, x, y, so no SQL text
// is ever built per request, and pgx prepares it once per connection. The database finds the
// rows through the geometry's index and sends them with their geometry in Web Mercator as
// TWKB; the layer's MVT is drawn and written here (package mvt), not by ST_AsMVTGeom and
// ST_AsMVT: the primary is shared by every instance, instances are cheap, and that is most of
// a tile's work (docs/benchmarks.md, "Tiles drawn by the service").
type TileQuery struct {
	sql, mvtSQL string
	layer       string
	fields      []string
	simplifyPx  float64
}

// SQL is the statement's text, for EXPLAIN and for benchmarks that run it bare.
func (q TileQuery) SQL() string { return q.sql }

// MVTSQL is a statement giving the same layer's MVT bytes made by PostGIS (ST_AsMVTGeom and
// ST_AsMVT), with the same arguments: what tests and benchmarks compare the service's tiles
// with.
func (q TileQuery) MVTSQL() string { return q.mvtSQL }

// sqlPixelM is the size in metres of Web Mercator of one CSS pixel at zoom $1 (geo.CSSPixelM).
var sqlPixelM = "(" + strconv.FormatFloat(geo.CSSPixelM(0), 'g', -1, 64) + " / (1::bigint << $1))"

// sqlFmtTile makes one MVT layer. The envelope widened by the buffer (ST_TileEnvelope's
// margin, a fraction of the tile) is brought to the source's CRS so that && can use the
// geometry's GiST index. Features go in id order so that a tile's bytes, which caches compare,
// do not change with the plan (custom or generic, index or bitmap scan) or the instance
// that made it. OFFSET 0 keeps the subquery a subquery: without it PostgreSQL pulls it up and
// pushes mvt_geom IS NOT NULL down into the scan, where ST_AsMVTGeom, most of a tile's work,
// then runs twice a row, once for the filter and once for the output (docs/benchmarks.md,
// "Tiles"). Behind the fence the filter costs nothing measurable, and it stays because
// ST_AsMVT's documentation says nothing of NULL geometries (PostGIS 3.3 skips them, and gives
// no bytes for a layer left without features).
// Verbs: layer name literal, extent, id column, geometry, extent, buffer, fields, table,
// geometry column, envelope, conditions.
const sqlFmtMVT = `
SELECT ST_AsMVT(mvt, %s, %d, 'mvt_geom', 'mvt_id' ORDER BY mvt_id)
FROM (
	SELECT t.%s AS mvt_id,
		ST_AsMVTGeom(%s, ST_TileEnvelope($1, $2, $3), %d, %d, true) AS mvt_geom%s
	FROM %s t
	WHERE t.%s && %s%s
	OFFSET 0
) mvt
WHERE mvt_geom IS NOT NULL`

// sqlFmtFeatures finds one layer's features in a tile. The geometries go as TWKB, whose
// integer coordinates are a third of WKB's bytes and cheaper for PostGIS to write than WKB,
// at a precision (decimal digits of a metre) of a hundredth of the tile's unit at zoom $1:
// rounded twice, to that and then to the tile's grid, a point lands where rounding once puts
// it but for one time in a hundred or so that it lay within that hundredth of a half unit.
// Verbs: id column, fields, geometry, table, geometry column, envelope, conditions.
var sqlFmtFeatures = `
SELECT t.%s%s, ST_AsTWKB(%s, ` + sqlTWKBPrecision + `)
FROM %s t
WHERE t.%s && %s%s`

// sqlTWKBPrecision is the TWKB precision of zoom $1: 10^-p metres at most a hundredth of
// a tile unit, within TWKB's range (at most 7).
// Arithmetic in float8: numeric's log, evaluated for each row, would cost more than the TWKB.
var sqlTWKBPrecision = "least(7, greatest(0, ceil(log(" + strconv.Itoa(geo.TileExtent) + "::float8 * (1::bigint << $1) / " +
	strconv.FormatFloat(2*geo.WebMercatorHalfWorldM, 'g', -1, 64) + "::float8)) + 2))::int"

// NewTileQuery builds the statement drawing layer name from src. Identifiers go through
// pgx.Identifier.Sanitize; the row filters are SQL the catalog's operators wrote.
func NewTileQuery(name string, src TileSource) TileQuery {
	return newTileQuery(name, src, pgx.Identifier{src.Table}.Sanitize())
}

// newTileQuery builds the statement drawing layer name from src, whose rows are FROM item from.
func newTileQuery(name string, src TileSource, from string) TileQuery {
	var fields, values strings.Builder
	for i, f := range src.Fields {
		fmt.Fprintf(&fields, ", %s", mvtValue(f, src.FieldTypes, i))
		fmt.Fprintf(&values, ", %s", featureValue(f, src.FieldTypes, i))
	}
	col := "t." + pgx.Identifier{src.GeomColumn}.Sanitize()
	geom3857 := col
	envelope := fmt.Sprintf("ST_TileEnvelope($1, $2, $3, margin => %g)", geo.TileMargin)
	if src.SRID != 3857 {
		geom3857 = "ST_Transform(" + col + ", 3857)"
		srid := src.SRID
		if srid == 0 {
			srid = 4326
		}
		envelope = fmt.Sprintf("ST_Transform(%s, %d)", envelope, srid)
	}
	conds := whereAll(src.Filters)
	if src.MinSizePx > 0 {
		switch src.GeometryType {
		case "Polygon":
			conds += fmt.Sprintf(" AND ST_Area(%s) >= power(%g * %s, 2)", geom3857, src.MinSizePx, sqlPixelM)
		case "LineString":
			conds += fmt.Sprintf(" AND ST_Length(%s) >= %g * %s", geom3857, src.MinSizePx, sqlPixelM)
		}
	}
	drawn := geom3857
	if src.SimplifyPx > 0 && src.GeometryType != "Point" {
		drawn = fmt.Sprintf("ST_Simplify(%s, %g * %s, true)", geom3857, src.SimplifyPx, sqlPixelM)
	}
	id, geomCol := pgx.Identifier{src.IDColumn}.Sanitize(), pgx.Identifier{src.GeomColumn}.Sanitize()
	return TileQuery{
		sql: fmt.Sprintf(sqlFmtFeatures, id, values.String(), geom3857, from, geomCol, envelope, conds),
		mvtSQL: fmt.Sprintf(sqlFmtMVT,
			quoteLiteral(name), geo.TileExtent, id,
			drawn, geo.TileExtent, geo.TileBuffer, fields.String(),
			from, geomCol, envelope, conds),
		layer: name, fields: src.Fields, simplifyPx: simplifyPx(src),
	}
}

// simplifyPx is the simplification src asks for, in CSS pixels.
func simplifyPx(src TileSource) float64 {
	if src.GeometryType == "Point" {
		return 0
	}
	return src.SimplifyPx
}

// mvtValue selects field i for a tile. ST_AsMVT writes only booleans, integers and floats as
// numbers and everything else as text, so numeric columns (areas, FAR) become float8: a
// style can then compare them as numbers.
func mvtValue(field string, types []string, i int) string {
	col := "t." + pgx.Identifier{field}.Sanitize()
	if i < len(types) && strings.HasPrefix(types[i], "numeric") {
		return col + "::float8 AS " + pgx.Identifier{field}.Sanitize()
	}
	return col
}

// featureValue selects field i for a feature drawn here: booleans, integers, floats and
// text as they are, numeric as float8 (as mvtValue), and every other type as its text, as
// ST_AsMVT writes it.
func featureValue(field string, types []string, i int) string {
	col := "t." + pgx.Identifier{field}.Sanitize()
	typ := ""
	if i < len(types) {
		typ = types[i]
	}
	switch {
	case strings.HasPrefix(typ, "numeric"):
		return col + "::float8"
	case typ == "boolean", typ == "smallint", typ == "integer", typ == "bigint", typ == "real",
		typ == "double precision", typ == "text", strings.HasPrefix(typ, "character"):
		return col
	}
	return col + "::text"
}

// quoteLiteral quotes s as an SQL string literal. Layer names are checked against
// ^[a-z][a-z0-9_]*$ by the catalog, so this only guards against a catalog gone wrong.
func quoteLiteral(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// Tile runs the queries for tile t and returns each layer's MVT bytes, in order; a layer
// with no features in the tile gives no bytes. All queries go in one round trip, in one
// read-only transaction with parallel query off: a tile touches few rows, and parallel
// workers cost more to start than they save. The tile is made on a replica that has replayed
// every change seen (Saw) when one is healthy, else on the primary; replayed is how far the
// server that made it had replayed the primary's WAL before (the primary: its position then),
// so that a cache keeps the tile only when it holds every change seen when it was asked for.
func (db *DB) Tile(ctx context.Context, qs []TileQuery, t geo.Tile) (parts [][]byte, replayed LSN, err error) {
	type made struct {
		parts [][]byte
		at    LSN
	}
	m, err := readOn(ctx, db, func(db *DB) (made, error) {
		parts, at, err := db.tile(ctx, qs, t)
		return made{parts, at}, err
	})
	return m.parts, m.at, err
}

// tile runs qs with arguments t's z, x, y and then more, if any (an as-of time), after
// reading how much of the primary's WAL the server shows (sqlReadLSN): each statement of the
// transaction takes a snapshot of its own, later than that read. The transaction's begin,
// settings and commit go in the one pipeline with the statements (a round trip each cost a
// tenth to a fifth of a small tile's time on a busy machine: docs/benchmarks.md, "Tiles").
func (db *DB) tile(ctx context.Context, qs []TileQuery, t geo.Tile, more ...any) ([][]byte, LSN, error) {
	out := make([][]byte, len(qs))
	var at int64
	err := db.pipelined(ctx, []string{"SET LOCAL max_parallel_workers_per_gather = 0"}, func(b *pgx.Batch) {
		b.Queue(sqlReadLSN)
		for _, q := range qs {
			b.Queue(q.sql, append([]any{int(t.Z), int(t.X), int(t.Y)}, more...)...)
		}
	}, func(br pgx.BatchResults) error {
		if err := br.QueryRow().Scan(&at); err != nil {
			return err
		}
		for i, q := range qs {
			var err error
			if out[i], err = q.draw(br, t); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	if db.replica != nil {
		db.replica.saw(LSN(at))
	}
	return out, LSN(at), nil
}
