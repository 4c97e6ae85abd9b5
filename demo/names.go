package demo

import (
	"bufio"
	"bytes"
	_ "embed"
	"fmt"
	"strings"

	"bandoso/migrations"
)

//go:embed data/streets.txt
var streetList []byte

// unitName is an official unit with its kind ("Phường") and, for old wards, its district.
type unitName struct {
	code, name, kind       string
	districtCode, district string
	districtKind           string
}

// wardNames returns the distinct old and new wards of former Ho Chi Minh City (old province
// 79) in the official conversion table (migrations/reference/SOURCE.md), in table order.
func wardNames() (old, current []unitName, err error) {
	rows, err := migrations.ConversionTable()
	if err != nil {
		return nil, nil, fmt.Errorf("demo: ward table: %w", err)
	}
	seenOld, seenNew := map[string]bool{}, map[string]bool{}
	for _, r := range rows {
		if r.OldProvince.Code != "79" {
			continue
		}
		if !seenNew[r.New.Code] {
			seenNew[r.New.Code] = true
			current = append(current, unitName{code: r.New.Code, name: r.New.Name, kind: migrations.Kind(r.New.Name)})
		}
		if !seenOld[r.Old.Code] {
			seenOld[r.Old.Code] = true
			old = append(old, unitName{code: r.Old.Code, name: r.Old.Name, kind: migrations.Kind(r.Old.Name),
				districtCode: r.OldDistrict.Code, district: r.OldDistrict.Name, districtKind: migrations.Kind(r.OldDistrict.Name)})
		}
	}
	return old, current, nil
}

// streetNames returns the embedded real street names in file order, each once.
func streetNames() []string {
	var names []string
	seen := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(streetList))
	for sc.Scan() {
		s := strings.TrimSpace(sc.Text())
		if s == "" || strings.HasPrefix(s, "#") || seen[s] {
			continue
		}
		seen[s] = true
		names = append(names, s)
	}
	return names
}
