package cql2

import (
	"strconv"
	"strings"
)

// Type is the type of a queryable as a filter sees it.
type Type int

// The queryable types. Integer and Number compare with each other; Date and Timestamp too.
const (
	TypeString Type = iota + 1
	TypeNumber
	TypeInteger
	TypeBoolean
	TypeDate
	TypeTimestamp
	TypeGeometry
)

func (t Type) String() string {
	switch t {
	case TypeString:
		return "string"
	case TypeNumber:
		return "number"
	case TypeInteger:
		return "integer"
	case TypeBoolean:
		return "boolean"
	case TypeDate:
		return "date"
	case TypeTimestamp:
		return "timestamp"
	case TypeGeometry:
		return "geometry"
	}
	return "unknown"
}

// family groups the types that may be compared with each other.
func (t Type) family() Type {
	switch t {
	case TypeInteger:
		return TypeNumber
	case TypeTimestamp:
		return TypeDate
	}
	return t
}

// TypeOf maps a PostgreSQL type as format_type writes it ("integer", "numeric(12,1)",
// "character varying(20)", "timestamp with time zone", "geometry(MultiPolygon,4326)") to
// the queryable type, and reads a geometry's SRID from its typmod. ok is false for types a
// filter cannot use (arrays, json, ranges, …): leave those out of the Schema.
func TypeOf(formatType string) (t Type, srid int, ok bool) {
	name, mod, _ := strings.Cut(strings.ToLower(strings.TrimSpace(formatType)), "(")
	switch name {
	case "smallint", "integer", "bigint":
		return TypeInteger, 0, true
	case "numeric", "real", "double precision":
		return TypeNumber, 0, true
	case "text", "character varying", "character", "varchar", "char", "citext", "name":
		return TypeString, 0, true
	case "boolean":
		return TypeBoolean, 0, true
	case "date":
		return TypeDate, 0, true
	case "timestamp with time zone", "timestamp without time zone":
		return TypeTimestamp, 0, true
	case "geometry":
		// geometry(MultiPolygon,4326): the SRID follows the last comma; plain geometry has none.
		if i := strings.LastIndexByte(mod, ','); i >= 0 {
			srid, _ = strconv.Atoi(strings.TrimSuffix(mod[i+1:], ")"))
		}
		return TypeGeometry, srid, true
	}
	return 0, 0, false
}

// Column is where a queryable lives in SQL.
type Column struct {
	// Name is the SQL column, quoted by Compile.
	Name string
	Type Type
	// SRID of a geometry column (EPSG code); 0 means 4326.
	SRID int
}

// Schema is what a filter may name, and the CRS its literals are in. Names outside Properties
// are refused, so a filter can only reach the columns the collection publishes.
type Schema struct {
	// Properties maps each queryable, by the name filters use (case-sensitive), to its column.
	Properties map[string]Column
	// Table, when set, qualifies every column ("p"."geom"), for queries that join.
	Table string
	// FilterSRID is the CRS of geometry literals (the filter-crs parameter); 0 means
	// 4326 with longitude first (CRS84). Literals are transformed to each column's SRID in SQL.
	FilterSRID int
}

const srid4326 = 4326

func (s Schema) filterSRID() int {
	if s.FilterSRID == 0 {
		return srid4326
	}
	return s.FilterSRID
}
