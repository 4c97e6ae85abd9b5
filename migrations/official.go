package migrations

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strconv"
	"strings"
)

// The national statistics office's lists of every unit of the country before and after the
// 2025 reform; see reference/SOURCE.md.
const (
	unitsBefore = "reference/gso_units_pre2025.csv"
	unitsAfter  = "reference/units_2025.csv"
)

// OfficialUnit is a unit as an official list names it. Era is "old" (before 2025-07-01) or
// "new". Label and AreaKM2 are those the government's merger look-up site publishes for the
// new wards (a label position, not a seat); zero elsewhere or where the list lacks them.
type OfficialUnit struct {
	Era, Level, Code, Name, Kind, ParentCode, ProvinceCode string
	LabelLon, LabelLat, AreaKM2                            float64
}

// OfficialUnits parses both embedded lists: provinces, districts and wards before the reform,
// provinces and wards after it, each unit once.
func OfficialUnits() ([]OfficialUnit, error) {
	var out []OfficialUnit
	seen := map[[3]string]bool{}
	add := func(u OfficialUnit) {
		if k := [3]string{u.Era, u.Level, u.Code}; !seen[k] {
			seen[k] = true
			out = append(out, u)
		}
	}
	err := readList(unitsBefore, "province,province_code,district,district_code,ward,ward_code,kind,english_name", func(r []string) error {
		add(OfficialUnit{Era: "old", Level: "province", Code: r[1], Name: clean(r[0]), Kind: Kind(clean(r[0])), ProvinceCode: r[1]})
		add(OfficialUnit{Era: "old", Level: "district", Code: r[3], Name: clean(r[2]), Kind: Kind(clean(r[2])), ParentCode: r[1], ProvinceCode: r[1]})
		if r[5] != "" { // island districts without wards (Côn Đảo, Bạch Long Vĩ, …) have a row of their own
			add(OfficialUnit{Era: "old", Level: "ward", Code: r[5], Name: clean(r[4]), Kind: clean(r[6]), ParentCode: r[3], ProvinceCode: r[1]})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = readList(unitsAfter, "province,province_code,ward,ward_code,kind,ward_lat,ward_lon,ward_area_km2", func(r []string) error {
		var nums [3]float64
		for i, s := range r[5:8] {
			if s == "" { // a few wards lack an area
				continue
			}
			f, err := strconv.ParseFloat(s, 64)
			if err != nil {
				return fmt.Errorf("ward %s: %q is not a number", r[3], s)
			}
			nums[i] = f
		}
		add(OfficialUnit{Era: "new", Level: "province", Code: r[1], Name: clean(r[0]), Kind: Kind(clean(r[0])), ProvinceCode: r[1]})
		add(OfficialUnit{Era: "new", Level: "ward", Code: r[3], Name: clean(r[2]), Kind: clean(r[4]), ParentCode: r[1], ProvinceCode: r[1],
			LabelLat: nums[0], LabelLon: nums[1], AreaKM2: nums[2]})
		return nil
	})
	return out, err
}

// readList calls fn for every row of an embedded CSV after checking its header.
func readList(name, header string, fn func([]string) error) error {
	b, err := FS.ReadFile(name)
	if err != nil {
		return err
	}
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		return fmt.Errorf("migrations: %s: %w", name, err)
	}
	if len(recs) == 0 || strings.Join(recs[0], ",") != header {
		return fmt.Errorf("migrations: %s: header is not %s", name, header)
	}
	for i, r := range recs[1:] {
		if err := fn(r); err != nil {
			return fmt.Errorf("migrations: %s line %d: %w", name, i+2, err)
		}
	}
	return nil
}
