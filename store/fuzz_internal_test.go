package store

import (
	"errors"
	"math"
	"strconv"
	"testing"
	"time"
)

// The fuzz tests of store's own parsing. Seeds: testdata/fuzz/<name>.

// FuzzCheckValue: a filter value on a column is accepted only as the column's type reads
// it: an integer in the type's bits, a finite decimal within numeric(p,s)'s digits, true or
// false, a date; any text for text.
func FuzzCheckValue(f *testing.F) {
	types := []string{"integer", "smallint", "bigint", "numeric(12,2)", "double precision", "real", "boolean", "date", "text"}
	f.Fuzz(func(t *testing.T, kind uint8, v string) {
		typ := types[int(kind)%len(types)]
		if CheckValue(typ, v) != nil {
			if typ == "text" {
				t.Fatalf("text %q refused", v)
			}
			return
		}
		x, isNumber := decimalNumber(v)
		var err error
		switch typ {
		case "integer":
			_, err = strconv.ParseInt(v, 10, 32)
		case "smallint":
			_, err = strconv.ParseInt(v, 10, 16)
		case "bigint":
			_, err = strconv.ParseInt(v, 10, 64)
		case "numeric(12,2)":
			if !isNumber || math.Abs(x) >= 1e10 {
				err = errors.New("out of numeric(12,2)")
			}
		case "double precision", "real":
			if !isNumber || typ == "real" && math.Abs(x) > math.MaxFloat32 {
				err = errors.New("not a finite number")
			}
		case "boolean":
			_, err = strconv.ParseBool(v)
		case "date":
			_, err = time.Parse(time.DateOnly, v)
		}
		if err != nil {
			t.Fatalf("%s %q accepted: %v", typ, v, err)
		}
	})
}
