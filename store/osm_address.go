package store

import (
	"fmt"
	"strings"

	"bandoso/address"
	"bandoso/ingest"
)

// osmAddress reads an address's house number (as written) and street from its tags. Real
// data puts both in addr:street now and then ("12 Nguyễn Trãi", no addr:housenumber): the
// address parser splits them. A number that is no house number is a problem.
func osmAddress(tags map[string]string) (house, street string, p *ingest.Problem) {
	house = strings.TrimSpace(tags["addr:housenumber"])
	street = strings.TrimSpace(tags["addr:street"])
	if house == "" && street != "" {
		parsed := address.Parse(street)
		if n := writtenNumber(parsed); n != "" && !parsed.Street.IsZero() {
			house, street = n, parsed.Street.Value
		}
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
