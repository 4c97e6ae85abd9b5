package main

import (
	"strings"
	"testing"
)

func TestDatabaseURLRedacted(t *testing.T) {
	for _, u := range []string{
		"postgres://bandoso:s3cret-pw@db:5432/bandoso?sslmode=disable",
		"postgres://bandoso@db/bandoso?password=s3cret-pw",
		"postgres://db/bandoso?sslpassword=s3cret-pw&user=bandoso",
		"host=db user=bandoso password=s3cret-pw dbname=bandoso",
	} {
		got := secretURL(u).LogValue().String()
		if strings.Contains(got, "s3cret-pw") {
			t.Errorf("%s logged as %s", u, got)
		}
	}
}
