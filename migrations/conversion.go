package migrations

import (
	"fmt"
	"strings"
)

// The national statistics office's old → new conversion tables of the 2025 reform: Hanoi and
// Ho Chi Minh City, which migration 00011 loads, and the whole country; see
// reference/SOURCE.md.
const (
	conversionFile         = "reference/nso_conversion_hcmc_hanoi.csv"
	nationalConversionFile = "reference/nso_conversion_national.csv"
)

// Unit is an administrative unit as the conversion table names it: "Quận 1 (760)".
type Unit struct {
	Code, Name string
}

// ConversionRow is one row of the conversion table: old ward Old of district OldDistrict in
// OldProvince went, wholly or in part as Note says, into new ward New of NewProvince. Old is
// zero when a whole district became the new unit (Huyện Côn Đảo → Đặc khu Côn Đảo).
type ConversionRow struct {
	NewProvince, New              Unit
	Old, OldDistrict, OldProvince Unit
	Note                          string
}

// codeFixes correct old ward codes the published table gets wrong, keyed by new ward code,
// old ward name and the published code (see reference/SOURCE.md).
var codeFixes = map[[3]string]string{
	{"00562", "Xã Đặng Xá", "00553"}: "00556",
}

// ConversionTable parses the embedded conversion table of Hanoi and Ho Chi Minh City, in table
// order.
func ConversionTable() ([]ConversionRow, error) { return readConversionTable(conversionFile) }

// NationalConversionTable parses the embedded conversion table of the whole country (a superset
// of [ConversionTable]'s rows), in table order.
func NationalConversionTable() ([]ConversionRow, error) {
	return readConversionTable(nationalConversionFile)
}

func readConversionTable(name string) ([]ConversionRow, error) {
	var rows []ConversionRow
	header := "new_province,new_ward_name,new_ward_code,old_ward_name,old_ward_code,note,old_district,old_province"
	err := readList(name, header, func(rec []string) error {
		var row ConversionRow
		var errs [3]error
		row.NewProvince, errs[0] = coded(rec[0])
		row.OldDistrict, errs[1] = coded(rec[6])
		row.OldProvince, errs[2] = coded(rec[7])
		for _, err := range errs {
			if err != nil {
				return err
			}
		}
		row.New = Unit{Code: rec[2], Name: clean(rec[1])}
		row.Old = Unit{Code: rec[4], Name: clean(rec[3])}
		if fix, ok := codeFixes[[3]string{row.New.Code, row.Old.Name, row.Old.Code}]; ok {
			row.Old.Code = fix
		}
		row.Note = clean(rec[5])
		rows = append(rows, row)
		return nil
	})
	return rows, err
}

// coded splits "Quận 1 (760)" into its name and code.
func coded(s string) (Unit, error) {
	open := strings.LastIndexByte(s, '(')
	if open < 0 || !strings.HasSuffix(s, ")") {
		return Unit{}, fmt.Errorf("%q has no code in brackets", s)
	}
	return Unit{Code: s[open+1 : len(s)-1], Name: clean(s[:open])}, nil
}

// clean collapses runs of white space, line breaks included, into one space.
func clean(s string) string { return strings.Join(strings.Fields(s), " ") }

// Kind is a unit's kind as its official name begins: Thành phố, Tỉnh, Quận, Huyện, Thị xã,
// Phường, Xã, Thị trấn, Đặc khu.
func Kind(name string) string {
	// The table writes "Thị Xã Sơn Tây" too.
	for _, k := range []string{"Thành phố", "Thị trấn", "Thị xã", "Đặc khu", "Phường", "Quận", "Huyện", "Tỉnh", "Xã"} {
		if len(name) > len(k) && strings.EqualFold(name[:len(k)], k) && name[len(k)] == ' ' {
			return k
		}
	}
	return ""
}
