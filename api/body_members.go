package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
)

// encoding/json matches members to fields case-insensitively and keeps the last of members
// given twice, so {"Public":true} or {"public":false,"public":true} would change what a
// reader of the body takes it to say. checkMembers refuses both before decoding, and a NUL
// in any string, which PostgreSQL cannot store: 400 naming the member.

// checkMembers walks the JSON value raw as it would decode into a value of type t.
func checkMembers(raw []byte, t reflect.Type) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	return walkValue(dec, t, "", 0)
}

// maxBodyDepth bounds the nesting of a JSON body: no body of the API nests deeper than a
// GeoJSON MultiPolygon's few levels, and a walk of a hostile one ("[[[[…", {"a":{"a":…}})
// would cost time and memory with each level.
const maxBodyDepth = 64

func walkValue(dec *json.Decoder, t reflect.Type, path string, depth int) error {
	if depth > maxBodyDepth {
		return &ParamError{memberName(path), fmt.Sprintf("nested deeper than %d levels", maxBodyDepth)}
	}
	tok, err := dec.Token()
	if err != nil {
		return nil // a malformed body: the decoder says why
	}
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch tok := tok.(type) {
	case json.Delim:
		if tok == '[' {
			var elem reflect.Type
			if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) && t != rawMessageType {
				elem = t.Elem()
			}
			for i := 0; dec.More(); i++ {
				if err := walkValue(dec, elem, path, depth+1); err != nil {
					return err
				}
			}
			_, _ = dec.Token()
			return nil
		}
		return walkObject(dec, t, path, depth)
	case string:
		if strings.ContainsRune(tok, 0) {
			return &ParamError{memberName(path), "holds a NUL character (\\u0000), which text cannot"}
		}
	}
	return nil
}

func walkObject(dec *json.Decoder, t reflect.Type, path string, depth int) error {
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil
		}
		key := tok.(string)
		member := key
		if path != "" {
			member = path + "." + key
		}
		if seen[key] {
			return &ParamError{member, "given twice: give each member once"}
		}
		seen[key] = true
		var inner reflect.Type
		if t != nil && t.Kind() == reflect.Struct {
			f, exact := structField(t, key)
			if f != nil && !exact {
				return &ParamError{member, "not a member: members are case-sensitive; did you mean " + jsonName(*f) + "?"}
			}
			if f != nil {
				inner = f.Type
			}
		} else if t != nil && t.Kind() == reflect.Map && t != rawMessageType {
			inner = t.Elem()
		}
		if err := walkValue(dec, inner, member, depth+1); err != nil {
			return err
		}
	}
	_, _ = dec.Token()
	return nil
}

var rawMessageType = reflect.TypeFor[json.RawMessage]()

// structField is the field of struct t that member key decodes into, and whether the
// names match exactly.
func structField(t reflect.Type, key string) (*reflect.StructField, bool) {
	var folded *reflect.StructField
	for i := range t.NumField() {
		f := t.Field(i)
		name := jsonName(f)
		if !f.IsExported() || name == "-" {
			continue
		}
		if name == key {
			return &f, true
		}
		if folded == nil && strings.EqualFold(name, key) {
			folded = &f
		}
	}
	return folded, false
}

// jsonName is the member name of field f.
func jsonName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	if name == "" {
		return f.Name
	}
	return name
}

// memberName is the member a path names; the whole body when empty.
func memberName(path string) string {
	if path == "" {
		return paramBody
	}
	return path
}
