package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// sqlCheckGeometry parses GeoJSON $1 as WGS84 and reports its type, its emptiness, why it is
// invalid (NULL when valid), whether its positions carry a height, and whether it lies in the city: within the extent of its
// administrative units widened by about 5 km, or, before any are loaded, Vietnam's.
const sqlCheckGeometry = `
SELECT GeometryType(g), ST_IsEmpty(g), CASE WHEN NOT ST_IsValid(g) THEN ST_IsValidReason(g) END, ST_NDims(g) > 2,
	coalesce((SELECT ST_SetSRID(ST_Expand(ST_Extent(geom), 0.05)::geometry, 4326) FROM admin_units),
		ST_MakeEnvelope(102.1, 8.1, 109.5, 23.4, 4326)) ~ g
FROM (SELECT ST_SetSRID(ST_GeomFromGeoJSON($1), 4326) AS g) s`

// geometryExpr checks the GeoJSON geometry raw for column c of layer l and returns the SQL
// expression storing it from placeholder p: malformed GeoJSON is a PropertyError; a wrong
// type, an invalid or empty geometry, or one outside the city is a ConstraintError. A
// Polygon or LineString goes into a Multi column as a one-part Multi geometry.
func geometryExpr(ctx context.Context, tx pgx.Tx, l LayerRow, c column, raw json.RawMessage, p string) (string, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return "", &PropertyError{"geometry", "a feature needs a geometry"}
	}
	var typ string
	var empty, height, inCity bool
	var invalid *string
	err := tx.QueryRow(ctx, sqlCheckGeometry, string(raw)).Scan(&typ, &empty, &invalid, &height, &inCity)
	if err != nil {
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) && (pgErr.Code == "XX000" || pgErr.Code[:2] == "22") {
			return "", &PropertyError{"geometry", "not a GeoJSON geometry: " + pgErr.Message}
		}
		return "", err
	}
	declared := strings.ToUpper(declaredType(c.Type, l.GeometryType))
	multi := strings.HasPrefix(declared, "MULTI")
	if typ != declared && !(multi && "MULTI"+typ == declared) {
		want := strings.TrimPrefix(declared, "MULTI")
		if multi {
			want += " or MULTI" + want
		}
		return "", &ConstraintError{Column: "geometry", Reason: fmt.Sprintf("layer %s takes %s geometries, not %s", l.Name, want, typ), err: ErrInvalid}
	}
	switch {
	case empty:
		return "", &ConstraintError{Column: "geometry", Reason: "the geometry is empty", err: ErrInvalid}
	case height:
		return "", &ConstraintError{Column: "geometry", Reason: "its positions have a third number (a height): layer " + l.Name +
			" keeps longitude and latitude only", err: ErrInvalid}
	case invalid != nil:
		return "", &ConstraintError{Column: "geometry", Reason: "the geometry is not valid: " + *invalid, err: ErrInvalid}
	case !inCity:
		return "", &ConstraintError{Column: "geometry", Reason: "the geometry lies outside the city (coordinates are longitude, latitude in WGS84)", err: ErrInvalid}
	}
	expr := "ST_SetSRID(ST_GeomFromGeoJSON(" + p + "::text), 4326)"
	if multi {
		expr = "ST_Multi(" + expr + ")"
	}
	return expr, nil
}

// declaredType is the geometry type of a column typed geometry(Type,SRID); for a column of
// any geometry, the layer's own type.
func declaredType(colType, layerType string) string {
	_, rest, ok := strings.Cut(colType, "(")
	if !ok {
		return layerType
	}
	t, _, _ := strings.Cut(rest, ",")
	return strings.TrimSuffix(t, ")")
}
