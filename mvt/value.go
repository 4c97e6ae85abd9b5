package mvt

import "math"

// Value is a property's value as a vector tile holds it. The zero Value is Null: the feature
// has no such property. Numbers are kept as PostGIS's ST_AsMVT writes them: integers as
// uint_value, or sint_value when negative; float4 as float_value, float8 as double_value.
type Value struct {
	field int // the Value message's field; 0 for Null
	bits  uint64
	s     string
}

// Null is no value.
var Null = Value{}

// String is a text value.
func String(s string) Value { return Value{field: valueString, s: s} }

// Bool is a boolean value.
func Bool(b bool) Value {
	v := Value{field: valueBool}
	if b {
		v.bits = 1
	}
	return v
}

// Int is an integer value.
func Int(i int64) Value {
	if i < 0 {
		return Value{field: valueSint, bits: uint64(i<<1) ^ uint64(i>>63)}
	}
	return Value{field: valueUint, bits: uint64(i)}
}

// Float32 is a single-precision value.
func Float32(f float32) Value { return Value{field: valueFloat, bits: uint64(math.Float32bits(f))} }

// Float64 is a double-precision value.
func Float64(f float64) Value { return Value{field: valueDouble, bits: math.Float64bits(f)} }

// Integer is v's integer, if it is one.
func (v Value) Integer() (int64, bool) {
	switch v.field {
	case valueUint:
		return int64(v.bits), true
	case valueSint:
		return int64(v.bits>>1) ^ -int64(v.bits&1), true
	}
	return 0, false
}
