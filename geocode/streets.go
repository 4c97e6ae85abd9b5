package geocode

import (
	"context"
	"strings"
	"sync"
	"time"

	"bandoso/address"
)

// streetNames is the parser's list of the city's street names, read from the database and
// read again once it is older than ttl. It is a cache: a failed refresh keeps the old list.
type streetNames struct {
	load func(context.Context) ([]string, error)
	ttl  time.Duration

	mu      sync.Mutex
	list    address.StreetMatcher
	fetched time.Time
}

// matcher returns the current list, loading it first when it is missing or stale.
func (s *streetNames) matcher(ctx context.Context) (address.StreetMatcher, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.list != nil && time.Since(s.fetched) < s.ttl {
		return s.list, nil
	}
	names, err := s.load(ctx)
	if err != nil {
		if s.list != nil {
			return s.list, nil
		}
		return nil, err
	}
	l := address.NewStreetList()
	for _, n := range names {
		l.Add(n, streetAliases(n)...)
	}
	s.list, s.fetched = either{l, address.DefaultStreets}, time.Now()
	return s.list, nil
}

// forget makes the next use read the list again; until then the old one stays.
func (s *streetNames) forget() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fetched = time.Time{}
}

// either matches with a, then b, keeping the longer match.
type either struct{ a, b address.StreetMatcher }

func (e either) MatchStreet(words []string) (int, string) {
	n, name := e.a.MatchStreet(words)
	if m, other := e.b.MatchStreet(words); m > n {
		return m, other
	}
	return n, name
}

// numberWords are the Vietnamese numbers that name days and months in street names.
var numberWords = map[string]string{
	"mot": "1", "hai": "2", "ba": "3", "bon": "4", "tu": "4", "nam": "5", "sau": "6", "bay": "7", "tam": "8",
	"chin": "9", "muoi": "10", "muoi mot": "11", "muoi hai": "12", "ba muoi": "30", "hai muoi": "20",
}

// streetAliases are other ways people write a street named after a date: Ba Tháng Hai is
// also "3 Tháng 2" and "3/2"; Cách Mạng Tháng Tám is also "Cách Mạng Tháng 8" and "CMT8".
func streetAliases(name string) []string {
	f := address.Fold(name)
	f = strings.TrimPrefix(f, "duong ")
	prefix, rest, ok := strings.Cut(f, "thang ")
	if !ok {
		return nil
	}
	month, isNumber := numberWords[rest]
	if !isNumber {
		return nil
	}
	switch day := strings.TrimSpace(prefix); {
	case day == "cach mang":
		return []string{"cach mang thang " + month, "cmt" + month}
	case numberWords[day] != "":
		d := numberWords[day]
		return []string{d + " thang " + month, d + "/" + month}
	}
	return nil
}
