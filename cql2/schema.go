package cql2

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

// Schema is what a filter may name, and the CRS its literals are in. Names outside Properties
// are refused, so a filter can only reach the queryables the collection publishes.
type Schema struct {
	// Properties maps each queryable, by the name filters use (case-sensitive), to its type.
	Properties map[string]Type
	// FilterSRID is the CRS of geometry literals (the filter-crs parameter); 0 means
	// 4326 with longitude first (CRS84).
	FilterSRID int
}

const srid4326 = 4326

func (s Schema) filterSRID() int {
	if s.FilterSRID == 0 {
		return srid4326
	}
	return s.FilterSRID
}
