package address_test

import (
	"testing"

	"bandoso/address"
)

// unitList is a small [address.UnitMatcher] over a few real units, by key; no typos.
type unitList map[string][]address.Unit

func (l unitList) MatchUnit(key string, near bool) []address.Unit {
	if near {
		return nil
	}
	return l[key]
}

func (l unitList) add(u address.Unit, aliases ...string) unitList {
	for _, k := range append([]string{address.UnitKey(u.Bare())}, aliases...) {
		l[k] = append(l[k], u)
	}
	return l
}

func ref(level, code string) address.UnitRef {
	return address.UnitRef{Era: address.EraOld, Level: level, Code: code}
}

func unit(level, code, name, kind string, in ...address.UnitRef) address.Unit {
	return address.Unit{UnitRef: ref(level, code), Name: name, Kind: kind, In: in}
}

var (
	hcm, hanoi, tuyenQuang = ref(address.LevelProvince, "79"), ref(address.LevelProvince, "01"), ref(address.LevelProvince, "08")
	q1, q3, baDinh, giaLam = ref(address.LevelDistrict, "760"), ref(address.LevelDistrict, "770"), ref(address.LevelDistrict, "001"), ref(address.LevelDistrict, "018")
)

var someUnits = unitList{}.
	add(unit(address.LevelProvince, "79", "Thành phố Hồ Chí Minh", "Thành phố"), "hcm", "tphcm").
	add(unit(address.LevelProvince, "01", "Thành phố Hà Nội", "Thành phố"), "hn").
	add(unit(address.LevelProvince, "08", "Tỉnh Tuyên Quang", "Tỉnh")).
	add(unit(address.LevelDistrict, "070", "Thành phố Tuyên Quang", "Thành phố", tuyenQuang)).
	add(unit(address.LevelDistrict, "760", "Quận 1", "Quận", hcm)).
	add(unit(address.LevelDistrict, "770", "Quận 3", "Quận", hcm)).
	add(unit(address.LevelDistrict, "001", "Quận Ba Đình", "Quận", hanoi)).
	add(unit(address.LevelDistrict, "018", "Huyện Gia Lâm", "Huyện", hanoi)).
	add(unit(address.LevelWard, "26740", "Phường Bến Nghé", "Phường", q1, hcm)).
	add(unit(address.LevelWard, "27160", "Phường 1", "Phường", q3, hcm)).
	add(unit(address.LevelWard, "00001", "Phường Phúc Xá", "Phường", baDinh, hanoi)).
	add(unit(address.LevelWard, "00013", "Phường Quán Thánh", "Phường", baDinh, hanoi)).
	add(unit(address.LevelWard, "00526", "Thị trấn Yên Viên", "Thị trấn", giaLam, hanoi)).
	add(unit(address.LevelWard, "00532", "Xã Yên Viên", "Xã", giaLam, hanoi))

func TestParseWithUnits(t *testing.T) {
	for _, c := range []struct {
		in                       string
		ward, district, province string // codes
		street                   string
	}{
		{"357/28,Ng-T- Thuật,P1,Q3,TP.HồChíMinh.", "27160", "770", "79", "Ng-T- Thuật"},
		{"12 Lê Lợi, Tuyên Quang", "", "", "08", "Lê Lợi"},
		{"Tuyên Quang", "", "", "08", ""},
		{"TP Tuyên Quang", "", "070", "", ""},
		{"Phuong Phuc Xa, Quan Ba Dinh", "00001", "001", "", ""},
		{"5 Hàng Cót Phuong Quan Thanh Quan Ba Dinh HN", "00013", "001", "01", "Hàng Cót"},
		{"Hà Nội, Quận Ba Đình, Phường Quán Thánh", "00013", "001", "01", ""},
		{"Thị trấn Yên Viên, Gia Lâm", "00526", "018", "", ""},
		{"TT.Yên Viên, H.Gia Lâm", "00526", "018", "", ""},
		{"X Yên Viên, Gia Lâm, Hà Nội", "00532", "018", "01", ""},
		{"1A Lê Lợi, P.Bến Nghé, Q.1, TPHCM", "26740", "760", "79", "Lê Lợi"},
		{"1A Lê Lợi, BếnNghé, Q1, HồChíMinh", "26740", "760", "79", "Lê Lợi"},
		{"1A Lê Lợi, Phường 01, Quận 3", "27160", "770", "", "Lê Lợi"},
		// Bến Nghé is not in Quận 3: read by its keyword, without a code
		{"1A Lê Lợi, Phường Bến Nghé, Quận 3", "", "770", "", "Lê Lợi"},
		// a name after the house number, or first, is the street, whatever unit it names
		{"12 Bến Nghé, Hồ Chí Minh", "", "", "79", "Bến Nghé"},
		{"Bến Nghé, Quận 1", "", "760", "", "Bến Nghé"},
	} {
		t.Run(c.in, func(t *testing.T) {
			p := address.Parse(c.in, address.WithUnits(someUnits))
			if p.Ward.Code != c.ward || p.District.Code != c.district || p.Province.Code != c.province {
				t.Errorf("codes %q %q %q, want %q %q %q (%s; %q)", p.Ward.Code, p.District.Code, p.Province.Code,
					c.ward, c.district, c.province, p, p.Ambiguities)
			}
			if p.Street.Text != c.street {
				t.Errorf("street %q, want %q (%s)", p.Street.Text, c.street, p)
			}
			checkSpans(t, c.in, p)
		})
	}
}

// TestParseWithUnitsAmbiguous: two units that fit equally are both reported, neither chosen.
func TestParseWithUnitsAmbiguous(t *testing.T) {
	p := address.Parse("5 Lê Lợi, Yên Viên, Gia Lâm, Hà Nội", address.WithUnits(someUnits))
	if p.Ward.Code != "" || p.Ward.Value != "Yên Viên" || len(p.Ambiguities) != 1 {
		t.Errorf("ward %+v, ambiguities %q", p.Ward, p.Ambiguities)
	}
	if len(p.Units) != 3 || len(p.Units[0].Candidates) != 2 || p.Units[0].Reason == "" {
		t.Fatalf("units %+v", p.Units)
	}
	got := map[string]bool{}
	for _, u := range p.Units[0].Candidates {
		got[u.Code] = true
	}
	if !got["00526"] || !got["00532"] {
		t.Errorf("candidates %+v", p.Units[0].Candidates)
	}
}

func TestReadUnits(t *testing.T) {
	ms := address.ReadUnits("Hồ Chí Minh, Q3, P.1", someUnits)
	var codes []string
	for _, m := range ms {
		if len(m.Candidates) != 1 {
			t.Fatalf("%+v", m)
		}
		codes = append(codes, m.Level+" "+m.Part.Code)
	}
	if len(codes) != 3 || codes[0] != "province 79" || codes[1] != "district 770" || codes[2] != "ward 27160" {
		t.Errorf("%q", codes)
	}
	// read as units only, a name at the start is no street
	if ms := address.ReadUnits("Bến Nghé, Quận 1", someUnits); len(ms) != 2 || ms[0].Part.Code != "26740" {
		t.Errorf("%+v", ms)
	}
}

func TestUnitKey(t *testing.T) {
	for in, want := range map[string]string{
		"Bến Nghé": "bennghe", "BếnNghé": "bennghe", "ben-nghe.": "bennghe", "01": "1", "Mỹ Đình 01": "mydinh1",
		"Văn Miếu - Quốc Tử Giám": "vanmieuquoctugiam", "N.T Phong Hải": "ntphonghai",
	} {
		if got := address.UnitKey(in); got != want {
			t.Errorf("UnitKey(%q) = %q, want %q", in, got, want)
		}
	}
}

// A unit named without its kind word is not read out of the end of a known street's name:
// "Huê" of Hồ Văn Huê is not Huế, "Tất Thành" of Nguyễn Tất Thành not a district one letter
// from it.
func TestUnitsLeaveKnownStreetsWhole(t *testing.T) {
	units := unitList{}.
		add(unit(address.LevelProvince, "46", "Thành phố Huế", "Thành phố")).
		add(unit(address.LevelDistrict, "760", "Quận 1", "Quận", hcm)).
		add(unit(address.LevelDistrict, "999", "Huyện Tất Thành", "Huyện", hcm))
	streets := address.NewStreetList()
	streets.Add("Hồ Văn Huê")
	streets.Add("Nguyễn Tất Thành")
	for in, want := range map[string]string{
		"680A Hồ Văn Huê":               "Hồ Văn Huê",
		"Quận 1, 680A Hồ Văn Huê":       "Hồ Văn Huê",
		"2265 nguyen tat thanh":         "Nguyễn Tất Thành",
		"2265 Nguyễn Tất Thành, Q1":     "Nguyễn Tất Thành",
		"2265 Nguyễn Văn Cừ, Tất Thành": "Nguyễn Văn Cừ",
	} {
		p := address.Parse(in, address.WithStreets(streets), address.WithUnits(units))
		if p.Street.Value != want {
			t.Errorf("%q: street %q (district %q, province %q), want %q", in, p.Street.Value, p.District.Value, p.Province.Value, want)
		}
	}
	// with no street of that name, the unit is read as before
	if p := address.Parse("12 Lê Lợi Huế", address.WithStreets(streets), address.WithUnits(units)); p.Province.Code != "46" {
		t.Errorf("12 Lê Lợi Huế: province %+v, want Huế", p.Province)
	}
}
