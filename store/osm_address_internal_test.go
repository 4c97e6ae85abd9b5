package store

import "testing"

// TestOSMAddressTags: the house number and street of an object's tags, the number written
// into addr:street too, as real data has it.
func TestOSMAddressTags(t *testing.T) {
	cases := []struct {
		tags          map[string]string
		house, street string
	}{
		{map[string]string{"addr:housenumber": "12", "addr:street": "Nguyễn Trãi"}, "12", "Nguyễn Trãi"},
		{map[string]string{"addr:street": "12 Nguyễn Trãi"}, "12", "Nguyễn Trãi"},
		{map[string]string{"addr:street": "45 3 Tháng 2"}, "45", "3 Tháng 2"}, // a street that begins with a number
		{map[string]string{"addr:street": "123/45/6A Lê Văn Sỹ"}, "123/45/6A", "Lê Văn Sỹ"},
		{map[string]string{"addr:housenumber": "120 bis", "addr:street": "Đường Pasteur"}, "120 bis", "Đường Pasteur"},
		{map[string]string{"addr:housenumber": "12", "addr:place": "Ấp 3"}, "12", ""},
	}
	for _, c := range cases {
		house, street, p := osmAddress(c.tags)
		if p != nil || house != c.house || street != c.street {
			t.Errorf("%v: %q, %q, %v; want %q, %q", c.tags, house, street, p, c.house, c.street)
		}
	}
	for _, tags := range []map[string]string{{"addr:street": "Nguyễn Trãi"}, {"addr:housenumber": "nhà thờ", "addr:street": "Pasteur"}} {
		if _, _, p := osmAddress(tags); p == nil {
			t.Errorf("%v: no problem", tags)
		}
	}
}
