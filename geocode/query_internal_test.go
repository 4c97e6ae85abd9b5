package geocode

import (
	"slices"
	"testing"

	"bandoso/address"
)

func TestStreetAliases(t *testing.T) {
	for name, want := range map[string][]string{
		"Ba Tháng Hai":        {"3 thang 2", "3/2"},
		"Đường Ba Tháng Hai":  {"3 thang 2", "3/2"},
		"Cách Mạng Tháng Tám": {"cach mang thang 8", "cmt8"},
		"Nguyễn Trãi":         nil,
		"Tháng Tám":           nil,
	} {
		if got := streetAliases(name); !slices.Equal(got, want) {
			t.Errorf("streetAliases(%q) = %q, want %q", name, got, want)
		}
	}
}

func TestBare(t *testing.T) {
	for name, want := range map[string]string{"Phường Bến Nghé": "ben nghe", "Quận 1": "1", "Thành phố Thủ Đức": "thu duc",
		"Xã Bình Hưng": "binh hung", "Thị trấn Cần Thạnh": "can thanh", "Bến Nghé": "ben nghe"} {
		if got := bare(name); got != want {
			t.Errorf("bare(%q) = %q, want %q", name, got, want)
		}
	}
}

// The names a named place may have in free text, and the units it is then asked to be in.
func TestPlaceNames(t *testing.T) {
	type name struct{ text, ward, district, province string }
	for _, c := range []struct {
		in   string
		want []name
	}{
		{"Chợ Bến Thành", []name{{text: "Chợ Bến Thành"}}},
		{"  cho  ben thanh ", []name{{text: "cho ben thanh"}}},
		{"Chợ Bến Thành, Quận 1", []name{{text: "Chợ Bến Thành", district: "1"}}},
		{"Chợ Bến Thành, Bến Thành", []name{{text: "Chợ Bến Thành", ward: "ben thanh"}}},
		{"Chợ Bến Thành Q1, TP.HCM", []name{{text: "Chợ Bến Thành Q1", province: "ho chi minh"}, {text: "Chợ Bến Thành", district: "1", province: "ho chi minh"}}},
		{"Chùa Vĩnh Nghiêm P. Võ Thị Sáu", []name{{text: "Chùa Vĩnh Nghiêm P. Võ Thị Sáu"}, {text: "Chùa Vĩnh Nghiêm", ward: "vo thi sau"}}},
		{"Quận 1", []name{{text: "Quận 1"}}},
		{", Quận 1", nil},
		{"", nil},
	} {
		p := address.Parse(c.in)
		q := query{parsed: p, ward: p.Ward.Fold, district: p.District.Fold, province: p.Province.Fold}
		var got []name
		for _, n := range q.placeNames() {
			got = append(got, name{n.text, n.q.ward, n.q.district, n.q.province})
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%q: %+v, want %+v", c.in, got, c.want)
		}
	}
}
