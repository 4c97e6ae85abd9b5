package store

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"

	"bandoso/cql2"
	"github.com/paulmach/orb"
)

// FeatureQuery selects features of one catalog layer for OGC API – Features. Every value
// from the request travels as a parameter; the SQL text is made only of the catalog's
// identifiers.
type FeatureQuery struct {
	Layer LayerRow
	// BBox is in BBoxSRID (4326 when zero), axes east then north.
	BBox     *orb.Bound
	BBoxSRID int
	// Equals are property = value filters, by field name; values are parsed by the column's
	// own type, so a bad value is ErrInvalid.
	Equals map[string]string
	// Filter is a CQL2 filter on the layer's queryables: its fields by name and its
	// geometry as GeometryQueryable. CheckFilter says whether it can run; nil is none.
	Filter cql2.Expr
	// FilterSRID is the CRS of Filter's geometry literals (4326, longitude first, when zero).
	FilterSRID int
	// SortBy orders the features before the id, which ends every order.
	SortBy []SortKey
	// After and Before page by keyset: the Limit rows after After, or the last Limit rows
	// before Before.
	After, Before *Cursor
	Limit         int
	// SRID is the output CRS (4326 when zero); FlipAxes writes latitude (northing) first.
	SRID     int
	FlipAxes bool
	// Properties are the fields written, in order; nil writes all the layer's.
	Properties []string
	// From and To select rows valid at some time in [From, To] (either may be nil for an
	// open end), by the layer's TimeStart and TimeEnd; ErrInvalid for a layer without them.
	From, To *time.Time
	// AsOf reads the layer as it was at that time, from its table and its history; nil
	// reads the current rows.
	AsOf *time.Time
	// MatchedCap bounds the count of a first page (Page.Matched); 0 is DefaultMatchedCap.
	MatchedCap int
}

// DefaultMatchedCap is how far a first page counts the features that match. Past it the
// count is left out (OGC API – Features makes numberMatched optional), so that the first page
// of a large layer costs what its rows cost: counting a million parcels took 118 ms, counting
// up to the cap under 1 ms.
const DefaultMatchedCap = 10_000

// from is the FROM item of q's rows: the layer's table, or its rows as of q.AsOf, whose
// time becomes an argument.
func (db *DB) from(ctx context.Context, q FeatureQuery, args *[]any) (string, error) {
	if q.AsOf == nil {
		return pgx.Identifier{q.Layer.Table}.Sanitize(), nil
	}
	cols, err := db.asOfColumns(ctx, q.Layer.Table, q.Layer.IDColumn)
	if err != nil {
		return "", err
	}
	*args = append(*args, *q.AsOf)
	return asOfFrom(q.Layer.Table, cols, fmt.Sprintf("$%d::timestamptz", len(*args))), nil
}

// OutFields are the fields a feature carries in the output.
func (q FeatureQuery) OutFields() []string {
	if q.Properties != nil {
		return q.Properties
	}
	return q.Layer.Fields
}

// conditions builds the WHERE clause and arguments shared by the page and the count.
func (q FeatureQuery) conditions() (string, []any, error) {
	filter, args, err := q.filterSQL(0)
	if err != nil {
		return "", nil, err
	}
	param := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	conds := []string{"true"}
	if filter != "" {
		conds = append(conds, "("+filter+")")
	}
	conds = append(conds, conjuncts(nil, q.Layer.RowFilter)...)
	geom := "t." + pgx.Identifier{q.Layer.GeomColumn}.Sanitize()
	if q.BBox != nil {
		srid := q.BBoxSRID
		if srid == 0 {
			srid = 4326
		}
		b := q.BBox
		env := fmt.Sprintf("ST_Transform(ST_MakeEnvelope(%s, %s, %s, %s, %s::int), 4326)",
			param(b.Min[0]), param(b.Min[1]), param(b.Max[0]), param(b.Max[1]), param(srid))
		conds = append(conds, fmt.Sprintf("ST_Intersects(%s, %s)", geom, env))
	}
	if q.From != nil || q.To != nil {
		if q.Layer.TimeStart == nil {
			return "", nil, fmt.Errorf("%w: %s has no validity dates", ErrInvalid, q.Layer.Name)
		}
		start := "t." + pgx.Identifier{*q.Layer.TimeStart}.Sanitize()
		if q.To != nil {
			conds = append(conds, fmt.Sprintf("%s <= %s::timestamp", start, param(utcText(*q.To))))
		}
		if q.From != nil {
			end := start
			op := ">="
			if q.Layer.TimeEnd != nil {
				end, op = "t."+pgx.Identifier{*q.Layer.TimeEnd}.Sanitize(), ">"
			}
			conds = append(conds, fmt.Sprintf("(%s IS NULL OR %s %s %s::timestamp)", end, end, op, param(utcText(*q.From))))
		}
	}
	types := map[string]string{}
	for i, f := range q.Layer.Fields {
		types[f] = q.Layer.FieldTypes[i]
	}
	for _, name := range slices.Sorted(maps.Keys(q.Equals)) {
		typ, ok := types[name]
		if !ok {
			return "", nil, fmt.Errorf("%w: %q is not a property of %s", ErrInvalid, name, q.Layer.Name)
		}
		// The type comes from format_type of the catalog's own column, never from the request.
		conds = append(conds, fmt.Sprintf("t.%s = %s::%s", pgx.Identifier{name}.Sanitize(), param(q.Equals[name]), typ))
	}
	return strings.Join(conds, " AND "), args, nil
}

// featureJSON is the expression making one GeoJSON Feature of a row of t, with the output
// SRID as parameter $srid. Degrees get 9 decimals (0.1 mm), metres 4; option 0 leaves out
// PostGIS's non-standard "crs" member, since RFC 7946 has none and Content-Crs says it.
func (q FeatureQuery) featureJSON(srid string) string {
	var props strings.Builder
	for i, f := range q.OutFields() {
		if i > 0 {
			props.WriteString(", ")
		}
		fmt.Fprintf(&props, "%s, t.%s", quoteLiteral(f), pgx.Identifier{f}.Sanitize())
	}
	// Written by concatenation: json_build_object would parse the geometry's GeoJSON again
	// to check it (about a fifth of the statement's time on a page of parcels).
	return fmt.Sprintf(`'{"type":"Feature","id":' || to_json(t.%s)::text || ',"geometry":' ||
		coalesce(ST_AsGeoJSON(%s, %d, 0), 'null') || ',"properties":' || json_build_object(%s)::text || '}'`,
		pgx.Identifier{q.Layer.IDColumn}.Sanitize(), q.outputGeom(srid), q.digits(), props.String())
}

// outputGeom is the row's geometry in the output CRS, whose SRID is the parameter srid.
func (q FeatureQuery) outputGeom(srid string) string {
	geom := fmt.Sprintf("ST_Transform(t.%s, %s::int)", pgx.Identifier{q.Layer.GeomColumn}.Sanitize(), srid)
	if q.FlipAxes {
		geom = "ST_FlipCoordinates(" + geom + ")"
	}
	return geom
}

// digits is the decimals written: 9 for degrees (0.1 mm), 4 for metres.
func (q FeatureQuery) digits() int {
	if q.SRID == 0 || q.SRID == 4326 || q.SRID == 4756 {
		return 9
	}
	return 4
}

// FeatureFormat chooses what Features emits per row.
type FeatureFormat int

const (
	// FormatGeoJSON emits one column, the GeoJSON Feature as JSON text.
	FormatGeoJSON FeatureFormat = iota
	// FormatCSV emits the id, each field as text (NULL as nil) and the geometry as WKT.
	FormatCSV
)

// featureCSV is the select list of FormatCSV.
func (q FeatureQuery) featureCSV(srid string) string {
	cols := []string{"t." + pgx.Identifier{q.Layer.IDColumn}.Sanitize() + "::text"}
	for _, f := range q.OutFields() {
		cols = append(cols, "t."+pgx.Identifier{f}.Sanitize()+"::text")
	}
	return strings.Join(append(cols, "ST_AsText("+q.outputGeom(srid)+", "+fmt.Sprint(q.digits())+")"), ", ")
}

// selectList is the select list of format, with the output SRID as a parameter of param.
func (q FeatureQuery) selectList(format FeatureFormat, param func(any) string) string {
	srid := q.SRID
	if srid == 0 {
		srid = 4326
	}
	if format == FormatCSV {
		return q.featureCSV(param(srid))
	}
	return q.featureJSON(param(srid))
}

// sortTypes are the types of the layer's fields by name, once every sort key is known to
// be one of them (ErrInvalid otherwise).
func (q FeatureQuery) sortTypes() (map[string]string, error) {
	types := map[string]string{}
	for i, f := range q.Layer.Fields {
		types[f] = q.Layer.FieldTypes[i]
	}
	for _, k := range q.SortBy {
		if _, ok := types[k.Field]; !ok {
			return nil, fmt.Errorf("%w: %q is not a property of %s", ErrInvalid, k.Field, q.Layer.Name)
		}
	}
	return types, nil
}

// Page is what Features learnt while streaming a page.
type Page struct {
	// Matched counts the features matching the query, without paging; -1 on pages after
	// the first, where counting a large layer again would cost more than the page, and past
	// the query's MatchedCap.
	Matched int64
	// Returned counts the features emitted; First and Last bound them.
	Returned    int
	First, Last Cursor
	// More reports matching features after LastID.
	More bool
}

// Features streams one page of q's features, in order, to emit, one row at a time, so
// memory stays bounded whatever the page size. On the first page it counts all matching
// features (up to MatchedCap): the page's own when it holds them all, else after the page.
// emit gets each row's columns as text, nil for a NULL, valid only until it returns.
func (db *DB) Features(ctx context.Context, q FeatureQuery, format FeatureFormat, emit func(cols [][]byte) error) (Page, error) {
	// A read that failed after rows went out cannot start again elsewhere: the rows would
	// go out twice. Failing then, it fails.
	emitted := false
	once := func(cols [][]byte) error { emitted = true; return emit(cols) }
	return readOn(ctx, db, func(on *DB) (Page, error) {
		if emitted {
			return Page{}, fmt.Errorf("%w: the replica failed while rows were sent", ErrUnavailable)
		}
		return on.features(ctx, q, format, once)
	})
}

// features is Features on the server db stands for.
func (db *DB) features(ctx context.Context, q FeatureQuery, format FeatureFormat, emit func(cols [][]byte) error) (Page, error) {
	var page Page
	where, args, err := q.conditions()
	if err != nil {
		return page, err
	}
	id := "t." + pgx.Identifier{q.Layer.IDColumn}.Sanitize()
	table, err := db.from(ctx, q, &args)
	if err != nil {
		return page, err
	}
	matchedCap := q.MatchedCap
	if matchedCap <= 0 {
		matchedCap = DefaultMatchedCap
	}
	count := fmt.Sprintf("SELECT count(*) FROM (SELECT FROM %s t WHERE %s LIMIT %d) s", table, where, matchedCap+1)

	pageArgs := append([]any(nil), args...)
	param := func(v any) string {
		pageArgs = append(pageArgs, v)
		return fmt.Sprintf("$%d", len(pageArgs))
	}
	list := q.selectList(format, param)
	types, err := q.sortTypes()
	if err != nil {
		return page, err
	}
	ks := keyset{q: q, types: types, param: param}
	var sql string
	switch {
	case q.Before != nil:
		// The page ending just before the cursor: the last Limit rows before it, found by
		// reading backwards, then written in order.
		sql = fmt.Sprintf(`SELECT %[1]s, ARRAY[NULL::text%[2]s], %[3]s FROM %[4]s t WHERE %[1]s IN (
			SELECT %[1]s FROM %[4]s t WHERE %[5]s AND %[6]s ORDER BY %[7]s LIMIT %[8]s) ORDER BY %[9]s`,
			id, ks.keyColumns(), list, table, where, ks.beyond(*q.Before, true), ks.orderBy(true), param(q.Limit), ks.orderBy(false))
	case q.After != nil:
		sql = fmt.Sprintf("SELECT %s, ARRAY[NULL::text%s], %s FROM %s t WHERE %s AND %s ORDER BY %s LIMIT %s",
			id, ks.keyColumns(), list, table, where, ks.beyond(*q.After, false), ks.orderBy(false), param(q.Limit+1))
	default:
		sql = fmt.Sprintf("SELECT %s, ARRAY[NULL::text%s], %s FROM %s t WHERE %s ORDER BY %s LIMIT %s",
			id, ks.keyColumns(), list, table, where, ks.orderBy(false), param(q.Limit+1))
	}

	// The page goes in one round trip with its read-only transaction. A first page that holds
	// every match has counted them; only a full one asks the database for the count, after
	// the page (in READ COMMITTED each statement reads a snapshot of its own either way).
	err = db.pipelined(ctx, nil, func(b *pgx.Batch) { b.Queue(sql, pageArgs...) }, func(br pgx.BatchResults) error {
		if q.Before != nil {
			page.More = true // the cursor's own row follows the page
		}
		rows, err := br.Query()
		if err != nil {
			return err
		}
		return streamRows(rows, q.Limit, &page, emit)
	})
	if err != nil {
		return page, err
	}
	page.Matched = -1
	if q.After == nil && q.Before == nil {
		page.Matched = int64(page.Returned)
		if page.More {
			if page.Matched, err = db.countMatched(ctx, count, args); err != nil {
				return page, err
			}
		}
		if page.Matched > int64(matchedCap) {
			page.Matched = -1
		}
	}
	return page, nil
}

// countMatched runs sql, a count of the features a first page matched, capped. numberMatched
// is optional (OGC API – Features): a count that fails while the request goes on is left out
// (-1) rather than fail a page already sent.
func (db *DB) countMatched(ctx context.Context, sql string, args []any) (int64, error) {
	matched := int64(-1)
	err := db.pipelined(ctx, nil, func(b *pgx.Batch) { b.Queue(sql, args...) }, func(br pgx.BatchResults) error {
		return br.QueryRow().Scan(&matched)
	})
	if err != nil {
		if ctx.Err() != nil {
			return -1, err
		}
		return -1, nil
	}
	return matched, nil
}

// streamRows emits rows (id and sort values first, then the columns), stopping after limit
// rows; a row beyond the limit sets page.More. It closes rows. The columns go out as the
// server sent them, text, without a Go string each: only the first and last rows' sort
// values are decoded, for the cursors.
func streamRows(rows pgx.Rows, limit int, page *Page, emit func([][]byte) error) error {
	defer rows.Close()
	m := rows.Conn().TypeMap()
	fds := rows.FieldDescriptions()
	var lastID int64
	var lastValues []byte
	for rows.Next() {
		if page.Returned == limit {
			page.More = true
			break
		}
		raw := rows.RawValues()
		var id int64
		if err := m.Scan(fds[0].DataTypeOID, fds[0].Format, raw[0], &id); err != nil {
			return err
		}
		if page.Returned == 0 {
			first, err := cursorOf(m, fds[1], id, raw[1])
			if err != nil {
				return err
			}
			page.First = first
		}
		lastID, lastValues = id, append(lastValues[:0], raw[1]...)
		page.Returned++
		if err := emit(raw[2:]); err != nil {
			return err
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if page.Returned > 0 {
		last, err := cursorOf(m, fds[1], lastID, lastValues)
		if err != nil {
			return err
		}
		page.Last = last
	}
	return nil
}

// cursorOf is the cursor of the row of id whose sort values came as raw (an array led by a
// NULL that keeps it typed when there are none).
func cursorOf(m *pgtype.Map, fd pgconn.FieldDescription, id int64, raw []byte) (Cursor, error) {
	c := Cursor{ID: id}
	if err := m.Scan(fd.DataTypeOID, fd.Format, raw, &c.Values); err != nil {
		return c, err
	}
	c.Values = c.Values[1:]
	return c, nil
}

// Feature returns one feature of layer l by id as GeoJSON, or ErrNotFound.
func (db *DB) Feature(ctx context.Context, q FeatureQuery, id int64) ([]byte, error) {
	return readOn(ctx, db, func(db *DB) ([]byte, error) { return db.feature(ctx, q, id) })
}

// feature is Feature on the server db stands for.
func (db *DB) feature(ctx context.Context, q FeatureQuery, id int64) ([]byte, error) {
	q.BBox, q.Equals, q.Filter = nil, nil, nil
	where, args, err := q.conditions()
	if err != nil {
		return nil, err
	}
	srid := q.SRID
	if srid == 0 {
		srid = 4326
	}
	table, err := db.from(ctx, q, &args)
	if err != nil {
		return nil, err
	}
	args = append(args, srid, id)
	sql := fmt.Sprintf("SELECT %s FROM %s t WHERE %s AND t.%s = $%d::bigint",
		q.featureJSON(fmt.Sprintf("$%d", len(args)-1)), table, where,
		pgx.Identifier{q.Layer.IDColumn}.Sanitize(), len(args))
	var feature []byte
	if err := db.pool.QueryRow(ctx, sql, args...).Scan(&feature); err != nil {
		return nil, translate(err)
	}
	return feature, nil
}

// utcText writes t as a timestamp without zone, in UTC: validity columns are dates or UTC
// timestamps, and a text parameter keeps the session's time zone out of the comparison.
func utcText(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05.999999") }
