package store

import (
	"fmt"
	"strings"

	"bandoso/address"
	"bandoso/ingest"
)

// splitNumber splits "12 Nguyễn Trãi" into its house number and street: the first word when
// it is a house number (a street may begin with a number itself: "45 3 Tháng 2"), else what
// the address parser reads.
func splitNumber(s string) (house, street string) {
	if first, rest, ok := strings.Cut(strings.TrimSpace(s), " "); ok && strings.TrimSpace(rest) != "" {
		if h, err := address.ParseHouseNumber(first); err == nil && h.Kind == address.KindHouse {
			return first, strings.TrimSpace(rest)
		}
	}
	parsed := address.Parse(s)
	if n := writtenNumber(parsed); n != "" && !parsed.Street.IsZero() {
		return n, parsed.Street.Value
	}
	return "", s
}

// osmAddress reads an address's house number (as written) and street from its tags. Real
// data puts both in addr:street now and then ("12 Nguyễn Trãi", no addr:housenumber): the
// address parser splits them. A number that is no house number is a problem.
func osmAddress(tags map[string]string) (house, street string, p *ingest.Problem) {
	house = strings.TrimSpace(tags["addr:housenumber"])
	street = strings.TrimSpace(tags["addr:street"])
	if house == "" && street != "" {
		house, street = splitNumber(street)
	}
	if house == "" {
		return "", "", &ingest.Problem{Field: "addr:housenumber", Problem: ingest.MissingField, Action: ingest.Refused,
			Detail: fmt.Sprintf("no house number (addr:street %q)", street)}
	}
	if _, err := address.ParseHouseNumber(house); err != nil {
		return "", "", &ingest.Problem{Field: "addr:housenumber", Problem: ingest.BadValue, Action: ingest.Refused,
			Detail: fmt.Sprintf("%q is not a house number: %v", house, err)}
	}
	return house, street, nil
}
