package cql2_test

import (
	"errors"
	"testing"

	"bandoso/cql2"
)

// The fuzz tests check that no input panics, that every refusal is an *Error, and that every
// filter both parsed and compiled holds only placeholders and quoted schema columns.
// TestAcceptedFiltersPrepare prepares the corpus in testdata/fuzz against PostGIS.

func FuzzParseText(f *testing.F) {
	for _, s := range textSeeds {
		f.Add(s)
	}
	for _, c := range parseCases {
		f.Add(c.text)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := cql2.ParseText(s)
		checkCompiled(t, e, err)
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
		checkCompiled(t, e, err)
	})
}

func checkCompiled(t *testing.T, e cql2.Expr, err error) {
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
	where, args, err := cql2.Compile(e, parcels, 3)
	if err != nil {
		if !errors.As(err, &ce) {
			t.Fatalf("compile error %v is not a *cql2.Error", err)
		}
		return
	}
	checkSQL(t, where, args, 3)
}
