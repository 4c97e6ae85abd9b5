package store

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// ValueType is what a column's values are, as a feature's properties carry them. It lets the
// packages above store describe and check values without reading PostgreSQL type names.
type ValueType int

// The value types.
const (
	// ValueText is text, and every type without a closer JSON form (time, json, arrays, …).
	ValueText ValueType = iota
	// ValueInt32 is smallint and integer.
	ValueInt32
	// ValueInt64 is bigint.
	ValueInt64
	// ValueNumber is numeric, real and double precision.
	ValueNumber
	ValueBoolean
	ValueDate
	// ValueTimestamp is a timestamp with or without time zone.
	ValueTimestamp
	ValueGeometry
)

// ValueTypeOf is the value type of a PostgreSQL type as format_type writes it: "integer",
// "numeric(12,1)", "character varying(20)", "timestamp(3) with time zone",
// "geometry(MultiPolygon,4326)".
func ValueTypeOf(pgType string) ValueType {
	base, _, _ := strings.Cut(pgType, "(")
	switch base {
	case "smallint", "integer":
		return ValueInt32
	case "bigint":
		return ValueInt64
	case "numeric", "real", "double precision":
		return ValueNumber
	case "boolean":
		return ValueBoolean
	case "date":
		return ValueDate
	case "geometry":
		return ValueGeometry
	}
	if strings.HasPrefix(base, "timestamp") {
		return ValueTimestamp
	}
	return ValueText
}

// CheckValue checks v against the PostgreSQL type pgType (format_type) of the column it is
// compared with, so that a bad value is refused naming its property rather than failing the
// statement: a decimal number within the column's range, true or false, a date. Values of
// other types are left for PostgreSQL to read.
func CheckValue(pgType, v string) error {
	base, typmod, _ := strings.Cut(pgType, "(")
	switch ValueTypeOf(pgType) {
	case ValueInt32, ValueInt64, ValueNumber:
		f, ok := decimalNumber(v)
		if !ok {
			return fmt.Errorf("%q is not a number", v)
		}
		if bits := map[string]int{"smallint": 16, "integer": 32, "bigint": 64}[base]; bits > 0 {
			if _, err := strconv.ParseInt(v, 10, bits); err != nil {
				return fmt.Errorf("%q is not an integer of %d bits", v, bits)
			}
		}
		// numeric(p,s) holds less than 10^(p-s) once rounded to s decimals (999.999 is
		// 1000.00 in numeric(5,2)); real and double precision any finite value
		var p, sc int
		if n, _ := fmt.Sscanf(typmod, "%d,%d)", &p, &sc); base == "numeric" && n == 2 && math.Round(math.Abs(f)*math.Pow10(sc)) >= math.Pow10(p) {
			return fmt.Errorf("%q is out of range: the values have %d digits before the point", v, p-sc)
		}
		if base == "real" && math.Abs(f) > math.MaxFloat32 {
			return fmt.Errorf("%q is out of range", v)
		}
	case ValueBoolean:
		if _, err := strconv.ParseBool(v); err != nil {
			return fmt.Errorf("%q is not true or false", v)
		}
	case ValueDate:
		if _, err := time.Parse(time.DateOnly, v); err != nil {
			return fmt.Errorf("%q is not a date (YYYY-MM-DD)", v)
		}
	}
	return nil
}

// decimalNumber reads a finite decimal number such as -12.5e3; strconv.ParseFloat alone
// also reads hexadecimal, "Inf" and "NaN", which no column of ours takes.
func decimalNumber(v string) (float64, bool) {
	if v == "" || strings.ContainsFunc(v, func(c rune) bool { return !strings.ContainsRune("0123456789+-.eE", c) }) {
		return 0, false
	}
	f, err := strconv.ParseFloat(v, 64)
	return f, err == nil && !math.IsInf(f, 0)
}
