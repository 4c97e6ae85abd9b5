package demo

import (
	"bufio"
	"bytes"
	_ "embed"
	"encoding/csv"
	"fmt"
	"strings"
)

// hcmcWards is the Ho Chi Minh City part (former province 79) of the national statistics
// office's old → new ward conversion table of the 2025 reform; see
// data/SOURCE.md. Names and codes are government facts.
//
//go:embed data/hcmc_wards.csv
var hcmcWards []byte

//go:embed data/streets.txt
var streetList []byte

// unitName is an official unit with its kind ("Phường") and, for old wards, its district.
type unitName struct {
	code, name, kind       string
	districtCode, district string
	districtKind           string
}

// wardNames returns the distinct old and new wards of the conversion table in table order.
func wardNames() (old, current []unitName, err error) {
	recs, err := csv.NewReader(bytes.NewReader(hcmcWards)).ReadAll()
	if err != nil {
		return nil, nil, fmt.Errorf("demo: ward table: %w", err)
	}
	seenOld, seenNew := map[string]bool{}, map[string]bool{}
	for _, r := range recs[1:] {
		newName, newCode, oldName, oldCode, district := r[0], r[1], r[2], r[3], r[5]
		if !seenNew[newCode] {
			seenNew[newCode] = true
			current = append(current, unitName{code: newCode, name: newName, kind: kindOf(newName)})
		}
		if !seenOld[oldCode] {
			seenOld[oldCode] = true
			// "Quận 1 (760)": name, then the code in brackets
			open := strings.LastIndexByte(district, '(')
			if open < 0 {
				return nil, nil, fmt.Errorf("demo: ward table: district %q has no code", district)
			}
			dname := strings.TrimSpace(district[:open])
			old = append(old, unitName{code: oldCode, name: oldName, kind: kindOf(oldName),
				districtCode: strings.Trim(district[open:], "()"), district: dname, districtKind: kindOf(dname)})
		}
	}
	return old, current, nil
}

// kindOf is the unit's kind as its official name starts: Phường, Xã, Thị trấn, Quận, Huyện,
// Thành phố.
func kindOf(name string) string {
	for _, k := range []string{"Thành phố", "Thị trấn", "Đặc khu", "Phường", "Quận", "Huyện", "Xã"} {
		if strings.HasPrefix(name, k) {
			return k
		}
	}
	return "Phường"
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
