// Package housenumbers holds the house numbers, as people write them, that every reader of
// house numbers is tested on: Go's address.ParseHouseNumber, the database's house_number_norm()
// and the geocoder.
package housenumbers

import (
	_ "embed"
	"encoding/json"
	"testing"
)

// Case is a house number as written (In) with its canonical form (Want), or, when it is not
// a house number, words the reason must hold (Error).
type Case struct {
	In    string `json:"in"`
	Want  string `json:"want"`
	Error string `json:"error"`
}

//go:embed cases.json
var casesJSON []byte

// Cases returns the cases of cases.json, in its order.
func Cases(t testing.TB) []Case {
	t.Helper()
	var cases []Case
	if err := json.Unmarshal(casesJSON, &cases); err != nil {
		t.Fatalf("housenumbers: cases.json: %v", err)
	}
	return cases
}
