package cql2

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/paulmach/orb"
)

// ParseJSON parses a filter in CQL2 JSON (OGC 21-065r2, cql2.json schema): {"op": …, "args":
// […]}, {"property": …}, {"date": …}, {"timestamp": …}, {"bbox": […]}, GeoJSON geometries
// and JSON strings, numbers and booleans. Operator names are case-insensitive. Errors are
// *Error with the JSON Pointer of the faulty member, or the byte offset of a syntax error.
func ParseJSON(b []byte) (Expr, error) {
	if len(b) > MaxLength {
		return nil, errAt(MaxLength, "filter is longer than %d bytes", MaxLength)
	}
	if !utf8.Valid(b) {
		return nil, errAt(invalidUTF8At(string(b)), "invalid UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		var syn *json.SyntaxError
		if errors.As(err, &syn) {
			return nil, errAt(int(syn.Offset), "invalid JSON: %s", syn.Error())
		}
		return nil, errAt(len(b), "invalid JSON: %s", err.Error())
	}
	if dec.More() {
		return nil, errAt(int(dec.InputOffset()), "unexpected data after the filter")
	}
	p := &jsonParser{}
	return p.boolean(v, "", 0)
}

type jsonParser struct{ literals int }

func (p *jsonParser) literal(path string) error {
	p.literals++
	if p.literals > MaxLiterals {
		return errPath(path, "filter has more than %d literals", MaxLiterals)
	}
	return nil
}

// boolean parses a predicate: an operation or a boolean literal.
func (p *jsonParser) boolean(v any, path string, depth int) (Expr, error) {
	if depth > MaxDepth {
		return nil, errPath(path, "filter is nested deeper than %d levels", MaxDepth)
	}
	switch v := v.(type) {
	case bool:
		return Bool{Value: v}, p.literal(path)
	case map[string]any:
		if _, ok := v["op"]; ok {
			return p.operation(v, path, depth)
		}
	}
	return nil, errPath(path, "expected a predicate such as {\"op\": \"=\", \"args\": [...]}, found %s", jsonKind(v))
}

func (p *jsonParser) operation(m map[string]any, path string, depth int) (Expr, error) {
	opv, ok := m["op"].(string)
	if !ok {
		return nil, errPath(path+"/op", "\"op\" must be a string")
	}
	for k := range m {
		if k != "op" && k != "args" {
			return nil, errPath(path+"/"+escapePointer(k), "unexpected member %q in an operation", clip(k))
		}
	}
	args, ok := m["args"].([]any)
	if !ok {
		return nil, errPath(path+"/args", "operation '%s' needs an \"args\" array", clip(opv))
	}
	op := strings.ToLower(opv)
	if op == "isnull" {
		op = "isNull"
	}
	arity := func(n int) error {
		if len(args) != n {
			return errPath(path+"/args", "'%s' takes %d arguments, not %d", opv, n, len(args))
		}
		return nil
	}
	argPath := func(i int) string { return path + "/args/" + strconv.Itoa(i) }
	switch {
	case op == "and" || op == "or":
		if len(args) < 2 {
			return nil, errPath(path+"/args", "'%s' takes at least 2 arguments, not %d", opv, len(args))
		}
		list := make([]Expr, len(args))
		for i, a := range args {
			e, err := p.boolean(a, argPath(i), depth+1)
			if err != nil {
				return nil, err
			}
			list[i] = e
		}
		if op == "and" {
			return newAnd(list), nil
		}
		return newOr(list), nil
	case op == "not":
		if err := arity(1); err != nil {
			return nil, err
		}
		e, err := p.boolean(args[0], argPath(0), depth+1)
		if err != nil {
			return nil, err
		}
		return Not{Arg: e}, nil
	case comparisonOps[op], op == "like", spatialOps[op]:
		if err := arity(2); err != nil {
			return nil, err
		}
		ops, err := p.operands(args, path, depth)
		if err != nil {
			return nil, err
		}
		switch {
		case op == "like":
			return Like{Arg: ops[0], Pattern: ops[1]}, nil
		case spatialOps[op]:
			return Spatial{Op: op, Left: ops[0], Right: ops[1]}, nil
		}
		return Compare{Op: op, Left: ops[0], Right: ops[1]}, nil
	case op == "between":
		if err := arity(3); err != nil {
			return nil, err
		}
		ops, err := p.operands(args, path, depth)
		if err != nil {
			return nil, err
		}
		return Between{Arg: ops[0], Low: ops[1], High: ops[2]}, nil
	case op == "in":
		if err := arity(2); err != nil {
			return nil, err
		}
		arg, err := p.scalar(args[0], argPath(0), depth+1)
		if err != nil {
			return nil, err
		}
		items, ok := args[1].([]any)
		if !ok || len(items) == 0 {
			return nil, errPath(argPath(1), "'in' needs a non-empty array of values")
		}
		list := make([]Expr, len(items))
		for i, it := range items {
			if list[i], err = p.scalar(it, argPath(1)+"/"+strconv.Itoa(i), depth+1); err != nil {
				return nil, err
			}
		}
		return In{Arg: arg, List: list}, nil
	case op == "isNull":
		if err := arity(1); err != nil {
			return nil, err
		}
		arg, err := p.scalar(args[0], argPath(0), depth+1)
		if err != nil {
			return nil, err
		}
		return IsNull{Arg: arg}, nil
	case knownFunction(op):
		ops, err := p.operands(args, path, depth)
		if err != nil {
			return nil, err
		}
		return Call{Name: op, Args: ops}, nil
	}
	return nil, errPath(path+"/op", "unknown operator '%s'", clip(opv))
}

func (p *jsonParser) operands(args []any, path string, depth int) ([]Expr, error) {
	out := make([]Expr, len(args))
	for i, a := range args {
		e, err := p.scalar(a, path+"/args/"+strconv.Itoa(i), depth+1)
		if err != nil {
			return nil, err
		}
		out[i] = e
	}
	return out, nil
}

// scalar parses an operand: a literal, a property, a temporal or spatial literal, or a
// function call.
func (p *jsonParser) scalar(v any, path string, depth int) (Expr, error) {
	if depth > MaxDepth {
		return nil, errPath(path, "filter is nested deeper than %d levels", MaxDepth)
	}
	switch v := v.(type) {
	case string:
		return String{Value: v}, p.literal(path)
	case json.Number:
		f, err := strconv.ParseFloat(string(v), 64)
		if err != nil || math.IsInf(f, 0) {
			return nil, errPath(path, "number %s is out of range", clip(string(v)))
		}
		return Number{Value: f}, p.literal(path)
	case bool:
		return Bool{Value: v}, p.literal(path)
	case map[string]any:
		return p.object(v, path, depth)
	case nil:
		return nil, errPath(path, "null is not a value; use {\"op\": \"isNull\", ...} to test for null")
	}
	return nil, errPath(path, "expected a value, found %s", jsonKind(v))
}

func (p *jsonParser) object(m map[string]any, path string, depth int) (Expr, error) {
	if _, ok := m["op"]; ok {
		e, err := p.operation(m, path, depth)
		if err != nil {
			return nil, err
		}
		if c, ok := e.(Call); ok {
			return c, nil
		}
		return nil, errPath(path, "expected a value, found a predicate")
	}
	if len(m) == 1 {
		for k, v := range m {
			switch k {
			case "property":
				name, ok := v.(string)
				if !ok || name == "" {
					return nil, errPath(path+"/property", "a property name must be a non-empty string")
				}
				return Property{Name: name}, nil
			case "date", "timestamp":
				s, ok := v.(string)
				if !ok {
					return nil, errPath(path+"/"+k, "a %s must be a string", k)
				}
				e, msg := parseInstant(strings.ToUpper(k), s)
				if msg != "" {
					return nil, errPath(path+"/"+k, "%s", msg)
				}
				return e, p.literal(path)
			case "bbox":
				vals, ok := v.([]any)
				if !ok {
					return nil, errPath(path+"/bbox", "a bbox must be an array of 4 or 6 numbers")
				}
				nums := make([]float64, len(vals))
				for i, x := range vals {
					f, err := jsonFloat(x, path+"/bbox/"+strconv.Itoa(i))
					if err != nil {
						return nil, err
					}
					nums[i] = f
				}
				b, msg := makeBound(nums)
				if msg != "" {
					return nil, errPath(path+"/bbox", "%s", msg)
				}
				return Geometry{Value: b}, p.literal(path)
			}
		}
	}
	if _, ok := m["type"]; ok {
		g, err := geoJSON(m, path, depth)
		if err != nil {
			return nil, err
		}
		return Geometry{Value: g}, p.literal(path)
	}
	return nil, errPath(path, "expected a value such as {\"property\": ...}, {\"date\": ...}, {\"bbox\": [...]} or a GeoJSON geometry")
}

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case json.Number:
		return "a number"
	case string:
		return "a string"
	case []any:
		return "an array"
	}
	return "an object"
}

func jsonFloat(v any, path string) (float64, error) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, errPath(path, "expected a number, found %s", jsonKind(v))
	}
	f, err := strconv.ParseFloat(string(n), 64)
	if err != nil || math.IsInf(f, 0) {
		return 0, errPath(path, "number %s is out of range", clip(string(n)))
	}
	return f, nil
}

// escapePointer escapes a member name for a JSON Pointer (RFC 6901 §4).
func escapePointer(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

// geoJSON reads a GeoJSON geometry object (RFC 7946 §3.1) with two-dimensional positions.
func geoJSON(m map[string]any, path string, depth int) (orb.Geometry, error) {
	if depth > MaxDepth {
		return nil, errPath(path, "filter is nested deeper than %d levels", MaxDepth)
	}
	typ, _ := m["type"].(string)
	if typ == "GeometryCollection" {
		gs, ok := m["geometries"].([]any)
		if !ok || len(gs) == 0 {
			return nil, errPath(path+"/geometries", "a GeometryCollection needs a non-empty \"geometries\" array")
		}
		var c orb.Collection
		for i, g := range gs {
			gm, ok := g.(map[string]any)
			if !ok {
				return nil, errPath(path+"/geometries/"+strconv.Itoa(i), "expected a GeoJSON geometry")
			}
			x, err := geoJSON(gm, path+"/geometries/"+strconv.Itoa(i), depth+1)
			if err != nil {
				return nil, err
			}
			c = append(c, x)
		}
		return c, nil
	}
	cp := path + "/coordinates"
	coords, ok := m["coordinates"].([]any)
	if !ok {
		if _, known := geoJSONTypes[typ]; !known {
			return nil, errPath(path+"/type", "unknown GeoJSON geometry type %q", clip(typ))
		}
		return nil, errPath(cp, "a %s needs a \"coordinates\" array", typ)
	}
	switch typ {
	case "Point":
		return position(coords, cp)
	case "LineString":
		return lineString(coords, cp, false)
	case "Polygon":
		return polygon(coords, cp)
	case "MultiPoint":
		var mp orb.MultiPoint
		for i, c := range coords {
			pt, err := position(c, cp+"/"+strconv.Itoa(i))
			if err != nil {
				return nil, err
			}
			mp = append(mp, pt)
		}
		return nonEmpty(mp, len(mp), cp)
	case "MultiLineString":
		var mls orb.MultiLineString
		for i, c := range coords {
			ls, err := lineString(c, cp+"/"+strconv.Itoa(i), false)
			if err != nil {
				return nil, err
			}
			mls = append(mls, ls)
		}
		return nonEmpty(mls, len(mls), cp)
	case "MultiPolygon":
		var mp orb.MultiPolygon
		for i, c := range coords {
			poly, err := polygon(c, cp+"/"+strconv.Itoa(i))
			if err != nil {
				return nil, err
			}
			mp = append(mp, poly)
		}
		return nonEmpty(mp, len(mp), cp)
	}
	return nil, errPath(path+"/type", "unknown GeoJSON geometry type %q", clip(typ))
}

var geoJSONTypes = map[string]struct{}{"Point": {}, "LineString": {}, "Polygon": {}, "MultiPoint": {},
	"MultiLineString": {}, "MultiPolygon": {}}

func nonEmpty(g orb.Geometry, n int, path string) (orb.Geometry, error) {
	if n == 0 {
		return nil, errPath(path, "empty geometries are not supported")
	}
	return g, nil
}

func position(v any, path string) (orb.Point, error) {
	a, ok := v.([]any)
	if !ok || len(a) < 2 {
		return orb.Point{}, errPath(path, "a position is an array of 2 numbers")
	}
	if len(a) > 2 {
		return orb.Point{}, errPath(path, "only two-dimensional coordinates are supported")
	}
	x, err := jsonFloat(a[0], path+"/0")
	if err != nil {
		return orb.Point{}, err
	}
	y, err := jsonFloat(a[1], path+"/1")
	if err != nil {
		return orb.Point{}, err
	}
	return orb.Point{x, y}, nil
}

func lineString(v any, path string, ring bool) (orb.LineString, error) {
	a, ok := v.([]any)
	if !ok {
		return nil, errPath(path, "expected an array of positions")
	}
	ls := make(orb.LineString, len(a))
	for i, c := range a {
		pt, err := position(c, path+"/"+strconv.Itoa(i))
		if err != nil {
			return nil, err
		}
		ls[i] = pt
	}
	if msg := checkLine(ls, ring); msg != "" {
		return nil, errPath(path, "%s", msg)
	}
	return ls, nil
}

func polygon(v any, path string) (orb.Polygon, error) {
	a, ok := v.([]any)
	if !ok || len(a) == 0 {
		return nil, errPath(path, "a polygon is a non-empty array of rings")
	}
	poly := make(orb.Polygon, len(a))
	for i, r := range a {
		ls, err := lineString(r, path+"/"+strconv.Itoa(i), true)
		if err != nil {
			return nil, err
		}
		poly[i] = orb.Ring(ls)
	}
	return poly, nil
}
