package store

import (
	"encoding/binary"
	"fmt"
	"math"
	"strconv"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"

	"bandoso/geo"
	"bandoso/mvt"
)

// draw reads the rows of q's statement from br and returns the layer they make in tile t. A
// statement of no layer gives the layer's bytes itself (tests). The rows' columns are read
// as the server sent them, without a Go value for each: a tile has thousands.
func (q TileQuery) draw(br pgx.BatchResults, t geo.Tile) ([]byte, error) {
	if q.layer == "" {
		var b []byte
		err := br.QueryRow().Scan(&b)
		return b, err
	}
	rows, err := br.Query()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	bound := t.BoundM()
	grid := mvt.Grid{Bound: bound, Extent: geo.TileExtent, Buffer: geo.TileBuffer,
		Simplify: q.simplifyPx * geo.CSSPixelM(int(t.Z)) * geo.TileExtent / (bound.Max[0] - bound.Min[0])}
	layer := mvt.NewLayer(q.layer, q.fields, grid)
	defer layer.Release()
	values := make([]mvt.Value, len(q.fields))
	for rows.Next() {
		raw := rows.RawValues()
		fds := rows.FieldDescriptions()
		last := len(raw) - 1
		if raw[last] == nil {
			continue // no geometry: nothing to draw, as ST_AsMVT draws nothing
		}
		id := int64(-1)
		if raw[0] != nil {
			v, err := rawValue(layer, fds[0], raw[0])
			if err != nil {
				return nil, err
			}
			if i, ok := v.Integer(); ok {
				id = i
			}
		}
		for i := range values {
			if values[i], err = rawValue(layer, fds[i+1], raw[i+1]); err != nil {
				return nil, fmt.Errorf("%s.%s: %w", q.layer, q.fields[i], err)
			}
		}
		if err := layer.AddTWKB(id, raw[last], values); err != nil {
			return nil, err
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return layer.Bytes()
}

// rawValue is the value of a column as the server sent it (nil: NULL). featureValue selects
// only these types.
func rawValue(l *mvt.Layer, fd pgconn.FieldDescription, raw []byte) (mvt.Value, error) {
	if raw == nil {
		return mvt.Null, nil
	}
	switch fd.DataTypeOID {
	case pgtype.TextOID, pgtype.VarcharOID, pgtype.BPCharOID, pgtype.NameOID:
		return l.Text(raw), nil
	}
	if fd.Format == pgtype.TextFormatCode {
		return textValue(fd.DataTypeOID, string(raw))
	}
	switch {
	case fd.DataTypeOID == pgtype.BoolOID && len(raw) == 1:
		return mvt.Bool(raw[0] != 0), nil
	case fd.DataTypeOID == pgtype.Int2OID && len(raw) == 2:
		return mvt.Int(int64(int16(binary.BigEndian.Uint16(raw)))), nil
	case fd.DataTypeOID == pgtype.Int4OID && len(raw) == 4:
		return mvt.Int(int64(int32(binary.BigEndian.Uint32(raw)))), nil
	case fd.DataTypeOID == pgtype.Int8OID && len(raw) == 8:
		return mvt.Int(int64(binary.BigEndian.Uint64(raw))), nil
	case fd.DataTypeOID == pgtype.Float4OID && len(raw) == 4:
		return mvt.Float32(math.Float32frombits(binary.BigEndian.Uint32(raw))), nil
	case fd.DataTypeOID == pgtype.Float8OID && len(raw) == 8:
		return mvt.Float64(math.Float64frombits(binary.BigEndian.Uint64(raw))), nil
	}
	return mvt.Null, fmt.Errorf("a value of type %d, %d bytes, format %d", fd.DataTypeOID, len(raw), fd.Format)
}

// textValue is a value the server sent as text.
func textValue(oid uint32, s string) (mvt.Value, error) {
	var err error
	switch oid {
	case pgtype.BoolOID:
		return mvt.Bool(s == "t"), nil
	case pgtype.Int2OID, pgtype.Int4OID, pgtype.Int8OID:
		var i int64
		if i, err = strconv.ParseInt(s, 10, 64); err == nil {
			return mvt.Int(i), nil
		}
	case pgtype.Float4OID:
		var f float64
		if f, err = strconv.ParseFloat(s, 32); err == nil {
			return mvt.Float32(float32(f)), nil
		}
	case pgtype.Float8OID:
		var f float64
		if f, err = strconv.ParseFloat(s, 64); err == nil {
			return mvt.Float64(f), nil
		}
	default:
		return mvt.String(s), nil
	}
	return mvt.Null, err
}
