package store

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"bandoso/address"
	"bandoso/ingest"
)

// fieldMap turns a file's attributes into the layer's columns: --map target=source first,
// then --set constants, then source fields named like a target.
type fieldMap struct {
	target   importTarget
	explicit map[string]string // target → source
	sources  map[string]bool   // sources taken by explicit mappings
	set      map[string]string
	supplied map[string]bool // targets some feature gave a value (columns to write on update)
}

func newFieldMap(t importTarget, m, set map[string]string) (*fieldMap, error) {
	f := &fieldMap{target: t, explicit: m, sources: map[string]bool{}, set: set, supplied: map[string]bool{}}
	for _, names := range []map[string]string{m, set} {
		for target := range names {
			if _, ok := t.column(target); !ok && !t.isVirtual(target) {
				return nil, &ImportParamError{Param: "map", Reason: fmt.Sprintf("%q is not a field of layer %s; fields: %s", target, t.layer, t.targets())}
			}
		}
	}
	for _, src := range m {
		f.sources[src] = true
	}
	for k := range set {
		f.supplied[k] = true
	}
	return f, nil
}

// uses says whether the source field src feeds a target.
func (f *fieldMap) uses(src string) bool {
	if f.sources[src] {
		return true
	}
	if _, ok := f.target.column(strings.ToLower(src)); ok {
		return true
	}
	return f.target.isVirtual(strings.ToLower(src))
}

// ImportParamError names a bad import parameter (--map, --set, --mode, --crs).
type ImportParamError struct {
	Param, Reason string
}

func (e *ImportParamError) Error() string { return "import: " + e.Param + ": " + e.Reason }

// staged is one feature's values ready for the staging table.
type staged struct {
	vals     map[string]string
	street   string
	reported []string // fields already reported as bad, not to be reported missing too
	refused  bool     // a problem found while reading refuses the feature
}

// apply maps rec's attributes, checks each value against its column's type and splits a
// full address; problems are appended to rec.
func (f *fieldMap) apply(rec *ingest.Record) staged {
	out := staged{vals: map[string]string{}}
	unreadable := map[string]bool{} // source fields whose text was refused
	for _, p := range rec.Problems {
		unreadable[strings.ToLower(p.Field)] = true
	}
	get := func(target string) (string, bool) {
		if src, ok := f.explicit[target]; ok {
			v, ok := rec.Props[src]
			return v, ok
		}
		if v, ok := f.set[target]; ok {
			return v, true
		}
		for k, v := range rec.Props {
			if !f.sources[k] && strings.EqualFold(k, target) {
				return v, true
			}
		}
		return "", false
	}
	for _, c := range f.target.columns {
		if !c.writable {
			continue
		}
		v, ok := get(c.name)
		if src, mapped := f.explicit[c.name]; !ok && (mapped && unreadable[strings.ToLower(src)] || !mapped && unreadable[c.name]) {
			out.reported = append(out.reported, c.name) // reported already, not missing too
		}
		if !ok {
			continue
		}
		if norm, err := checkValue(c.typ, v); err != nil {
			out.reported = append(out.reported, c.name)
			rec.Problems = append(rec.Problems, ingest.Problem{Field: c.name, Problem: ingest.BadValue, Action: ingest.Refused,
				Detail: fmt.Sprintf("%q is not %s", v, err)})
			continue
		} else {
			v = norm
		}
		out.vals[c.name] = v
		f.supplied[c.name] = true
	}
	if !f.target.isVirtual("address") {
		return out
	}
	if v, ok := get("address"); ok {
		f.splitAddress(rec, &out, v)
	}
	if v, ok := get("street"); ok {
		out.street = v
	}
	return out
}

// splitAddress fills house number and street from one full-address column ("122, Hàm Nghi,
// Quận 1") through the address parser, where the file does not give them separately.
func (f *fieldMap) splitAddress(rec *ingest.Record, out *staged, text string) {
	p := address.Parse(text)
	if _, ok := out.vals["house_number"]; !ok {
		if n := writtenNumber(p); n != "" {
			out.vals["house_number"] = n
			f.supplied["house_number"] = true
		} else {
			rec.Problems = append(rec.Problems, ingest.Problem{Field: "address", Problem: ingest.MissingField, Action: ingest.Refused,
				Detail: fmt.Sprintf("no house number in %q", text)})
			out.reported = append(out.reported, "house_number")
		}
	}
	if out.street == "" && !p.Street.IsZero() {
		out.street = p.Street.Value
	}
}

// writtenNumber is the house number of a parsed address as the text wrote it, alley words
// and all ("Ngõ 100", "120/5A", "số 5 ngõ 12"), so that the register keeps what was written.
func writtenNumber(p address.Parsed) string {
	start, end := -1, -1
	for _, part := range append(append([]address.Part{}, p.Alley...), p.House) {
		if part.IsZero() {
			continue
		}
		if start < 0 || part.Start < start {
			start = part.Start
		}
		end = max(end, part.End)
	}
	if start < 0 {
		return ""
	}
	return strings.Trim(p.Input[start:end], " ,;")
}

// checkValue says whether v reads as a value of the PostgreSQL type typ, and returns it in
// the form PostgreSQL reads. Types not listed are left to the database.
func checkValue(typ, v string) (string, error) {
	v = strings.TrimSpace(v)
	base, mods, _ := strings.Cut(typ, "(")
	switch base {
	case "smallint", "integer", "bigint":
		bits := map[string]int{"smallint": 16, "integer": 32, "bigint": 64}[base]
		// integers written as 3.0 (spreadsheets, GDAL's reals) are integers
		if x, err := strconv.ParseFloat(v, 64); err == nil && x == math.Trunc(x) && !strings.ContainsAny(v, "eE") {
			v = strconv.FormatFloat(x, 'f', -1, 64)
		}
		if _, err := strconv.ParseInt(v, 10, bits); err != nil {
			return "", fmt.Errorf("an integer (%s)", base)
		}
	case "numeric", "double precision", "real":
		x, err := strconv.ParseFloat(strings.Replace(v, ",", ".", 1), 64)
		if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
			return "", fmt.Errorf("a number (%s)", typ)
		}
		var p, s int
		if _, err := fmt.Sscanf(mods, "%d,%d)", &p, &s); err == nil && math.Abs(x) >= math.Pow10(p-s) {
			return "", fmt.Errorf("a number below %g (%s)", math.Pow10(p-s), typ)
		}
		v = strconv.FormatFloat(x, 'f', -1, 64)
	case "date":
		if _, err := time.Parse("2006-01-02", v); err != nil {
			return "", fmt.Errorf("a date as YYYY-MM-DD")
		}
	case "boolean":
		b, err := strconv.ParseBool(strings.ToLower(v))
		if err != nil {
			return "", fmt.Errorf("true or false")
		}
		v = strconv.FormatBool(b)
	}
	return v, nil
}
