package api

import (
	"net/url"
	"testing"
	"time"
)

// TestParseRFC3339: the space a query string makes of an offset's '+' is read as the '+';
// no other space is.
func TestParseRFC3339(t *testing.T) {
	want := time.Date(2025, 7, 1, 1, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		query string // as the client wrote it
		ok    bool
	}{
		{"t=2025-07-01T08:00:00%2B07:00", true},
		{"t=2025-07-01T08:00:00+07:00", true},
		{"t=2025-07-01T01:00:00Z", true},
		{"t=2025-06-30T18:00:00-07:00", true},
		{"t=2025-07-01T08:00:00.000+07:00", true},
		{"t=2025-07-01T08:00:00++07:00", false},
		{"t=2025-07-01+T08:00:00+07:00", false},
		{"t=2025-07-01T08:00:00+0700", false},
		{"t=+07:00", false},
		{"t=2025-07-01", false},
	} {
		q, err := url.ParseQuery(c.query)
		if err != nil {
			t.Fatal(err)
		}
		got, err := parseRFC3339(q.Get("t"))
		if ok := err == nil && got.Equal(want); ok != c.ok {
			t.Errorf("%s: %v, %v; want %v: %t", c.query, got, err, want, c.ok)
		}
	}
}
