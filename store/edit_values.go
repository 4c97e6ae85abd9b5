package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"bandoso/address"
)

// value is one property of an edit, as text for PostgreSQL to cast to its column's type.
type value struct {
	col  column
	text *string // nil is NULL
}

// editValues checks the properties of an edit against the table's columns and returns the
// writable ones, by column order. A property naming a column the database fills (the id, a
// registry code, a generated column) is left out, so that a feature read with GET can be
// sent back with PUT; one naming no column is a PropertyError.
func editValues(l LayerRow, tc tableColumns, props map[string]json.RawMessage) ([]value, error) {
	var vals []value
	for _, name := range slices.Sorted(maps.Keys(props)) {
		c, ok := tc.find(name)
		if !ok || c.Geometry && name != l.GeomColumn {
			return nil, &PropertyError{name, "not a property of layer " + l.Name}
		}
		if !c.Writable {
			continue
		}
		text, err := jsonText(c, props[name])
		if err != nil {
			return nil, &PropertyError{name, err.Error()}
		}
		if rule := valueRules[l.Table][name]; rule != nil && text != nil {
			if reason := rule(*text); reason != "" {
				return nil, &PropertyError{name, reason}
			}
		}
		vals = append(vals, value{c, text})
	}
	slices.SortFunc(vals, func(a, b value) int {
		return slices.IndexFunc(tc.all, func(c column) bool { return c.Name == a.col.Name }) -
			slices.IndexFunc(tc.all, func(c column) bool { return c.Name == b.col.Name })
	})
	return vals, nil
}

// valueRules check, by table and column, values that a CHECK would refuse without saying why,
// and say it.
var valueRules = map[string]map[string]func(string) string{
	"addresses": {"house_number": houseNumberRule},
}

// houseNumberRule is migration 00018's rule on house numbers, in the words of
// address.ParseHouseNumber.
func houseNumberRule(s string) string {
	var he *address.HouseNumberError
	if _, err := address.ParseHouseNumber(s); errors.As(err, &he) {
		return "not a house number: " + he.Reason
	}
	return ""
}

// jsonText is a JSON value as the text PostgreSQL casts to column c's type. The JSON kind
// must fit the column: a number for numbers, true or false for booleans, a string for text
// and dates; so "79001" is never taken for 79001, nor a number for a ward code.
func jsonText(c column, raw json.RawMessage) (*string, error) {
	raw = json.RawMessage(strings.TrimSpace(string(raw)))
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	kind := FieldKind(c.Type)
	isJSON := strings.HasPrefix(c.Type, "json")
	var text string
	switch {
	case isJSON:
		text = string(raw)
	case raw[0] == '"':
		if kind != "String" {
			return nil, fmt.Errorf("want a %s (column type %s), not a string", strings.ToLower(kind), c.Type)
		}
		if err := json.Unmarshal(raw, &text); err != nil {
			return nil, err
		}
	case raw[0] == 't' || raw[0] == 'f':
		if kind != "Boolean" {
			return nil, fmt.Errorf("want a value of type %s, not true or false", c.Type)
		}
		text = string(raw)
	case raw[0] == '{' || raw[0] == '[':
		return nil, fmt.Errorf("want a value of type %s, not a JSON object or array", c.Type)
	default:
		if kind != "Number" {
			return nil, fmt.Errorf("want a string (column type %s), not a number", c.Type)
		}
		text = string(raw)
	}
	return &text, nil
}

// checkValues has PostgreSQL cast each value to its column's type, in one round trip, so
// that a value out of range or badly formed (an integer too large, a date 2025-13-01) is a
// PropertyError naming its property rather than an error of the whole statement.
func checkValues(ctx context.Context, tx pgx.Tx, vals []value) error {
	b := &pgx.Batch{}
	var checked []value
	for _, v := range vals {
		if v.text != nil {
			b.Queue("SELECT $1::text::"+v.col.Type+" IS NOT NULL", *v.text)
			checked = append(checked, v)
		}
	}
	if len(checked) == 0 {
		return nil
	}
	br := tx.SendBatch(ctx, b)
	defer br.Close()
	for _, v := range checked {
		var ok bool
		if err := br.QueryRow().Scan(&ok); err != nil {
			var pgErr *pgconn.PgError
			if errors.As(err, &pgErr) && (pgErr.Code[:2] == "22" || pgErr.Code == "XX000") {
				return &PropertyError{v.col.Name, pgErr.Message}
			}
			return err
		}
	}
	return br.Close()
}
