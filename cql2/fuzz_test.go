package cql2_test

import (
	"errors"
	"testing"

	"bandoso/cql2"
)

// The fuzz tests check that no input panics and that every refusal, of the parser or of
// Check, is an *Error. store's tests translate the corpus in testdata/fuzz to SQL and
// prepare it against PostGIS.

func FuzzParseText(f *testing.F) {
	for _, s := range textSeeds {
		f.Add(s)
	}
	for _, c := range parseCases {
		f.Add(c.text)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := cql2.ParseText(s)
		checkParsed(t, e, err)
	})
}

func FuzzParseJSON(f *testing.F) {
	for _, s := range jsonSeeds {
		f.Add([]byte(s))
	}
	for _, c := range parseCases {
		f.Add([]byte(c.json))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		e, err := cql2.ParseJSON(b)
		checkParsed(t, e, err)
	})
}

func checkParsed(t *testing.T, e cql2.Expr, err error) {
	var ce *cql2.Error
	if err != nil {
		if !errors.As(err, &ce) {
			t.Fatalf("error %v is not a *cql2.Error", err)
		}
		return
	}
	if e == nil {
		t.Fatal("nil filter without an error")
	}
	if err := cql2.Check(e, parcels); err != nil && !errors.As(err, &ce) {
		t.Fatalf("check error %v is not a *cql2.Error", err)
	}
}
