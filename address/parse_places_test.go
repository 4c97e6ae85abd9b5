package address_test

import (
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"

	"bandoso/address"
)

// knownStreets are the streets the place cases know, as a city's list would. "Trước Đình"
// stands for a street whose name opens with a qualifier's word; "Chợ Lớn" for one named like
// a landmark.
var knownStreets = []string{"Hai Bà Trưng", "Pasteur", "Lê Lợi", "Lý Chính Thắng", "Nguyễn Chí Thanh", "Hải Triều",
	"Láng Hạ", "Trưng Nữ Vương", "Nguyễn Trãi", "Hùng Vương", "Trước Đình", "Chợ Lớn"}

// parts are the values of a parsed address, Number() for the house and its alleys; every part
// not named must be empty.
type parts struct {
	qualifier, landmark, room, floor, building, number, street, hood, ward, district, province string
}

func partsOf(p address.Parsed) parts {
	return parts{p.Qualifier.Value, p.Landmark.Value, p.Room.Value, p.Floor.Value, p.Building.Value, p.Number(),
		p.Street.Value, p.Neighbourhood.Value, p.Ward.Value, p.District.Value, p.Province.Value}
}

// placeCases are addresses with qualifiers, landmarks, buildings, letters written apart and
// alleys, with the parts Parse must find (with knownStreets unless bare) and what it notes.
var placeCases = []struct {
	in    string
	bare  bool // without the street list
	want  parts
	notes []string // a word of each ambiguity, in order
}{
	// qualifiers, with or without diacritics, any case
	{in: "Đối diện 274, Hai Bà Trưng, Quận 3", want: parts{qualifier: "Đối diện", number: "274", street: "Hai Bà Trưng", district: "3"}},
	{in: "Đối diện 274, Hai Bà Trưng, Quận 3", bare: true, want: parts{qualifier: "Đối diện", number: "274", street: "Hai Bà Trưng", district: "3"}},
	{in: "doi dien 274, Hai Ba Trung, Quan 3", want: parts{qualifier: "Đối diện", number: "274", street: "Hai Bà Trưng", district: "3"}},
	{in: "ĐỐI DIỆN 274 Hai Bà Trưng", want: parts{qualifier: "Đối diện", number: "274", street: "Hai Bà Trưng"}},
	{in: "đ/d 274 Hai Bà Trưng, Q.3", want: parts{qualifier: "Đối diện", number: "274", street: "Hai Bà Trưng", district: "3"}},
	{in: "Cạnh 12 Lê Lợi", want: parts{qualifier: "Cạnh", number: "12", street: "Lê Lợi"}},
	{in: "bên cạnh 12 Lê Lợi", want: parts{qualifier: "Cạnh", number: "12", street: "Lê Lợi"}},
	{in: "Gần 12 Lê Lợi, Quận 1", want: parts{qualifier: "Gần", number: "12", street: "Lê Lợi", district: "1"}},
	{in: "trước 12 Lê Lợi", want: parts{qualifier: "Trước", number: "12", street: "Lê Lợi"}},
	{in: "Sau 12 Lê Lợi", want: parts{qualifier: "Sau", number: "12", street: "Lê Lợi"}},
	{in: "12 Lê Lợi, sau chợ Bến Thành", want: parts{qualifier: "Sau", landmark: "Chợ Bến Thành", number: "12", street: "Lê Lợi"}},
	{in: "Đối diện chợ Bến Thành, Q1", want: parts{qualifier: "Đối diện", landmark: "Chợ Bến Thành", district: "1"}},
	{in: "Gần BV Chợ Rẫy", want: parts{qualifier: "Gần", landmark: "Bệnh viện Chợ Rẫy"}},
	// corners: the first street, the corner noted
	{in: "Góc Lê Lợi - Pasteur", want: parts{qualifier: "Góc", street: "Lê Lợi"}, notes: []string{"corner"}},
	{in: "Góc Lê Lợi - Pasteur", bare: true, want: parts{qualifier: "Góc", street: "Lê Lợi"}, notes: []string{"corner"}},
	{in: "ngã tư Hai Bà Trưng, Lý Chính Thắng", want: parts{qualifier: "Ngã tư", street: "Hai Bà Trưng"}, notes: []string{"corner"}},
	{in: "Ngã ba Hùng Vương và Nguyễn Trãi, Quận 5", bare: true, want: parts{qualifier: "Ngã ba", street: "Hùng Vương", district: "5"}, notes: []string{"corner"}},
	{in: "ngã năm Lê Lợi", want: parts{qualifier: "Ngã năm", street: "Lê Lợi"}},
	{in: "Ngã tư 30/4", bare: true, want: parts{qualifier: "Ngã tư", street: "30 Tháng 4"}},
	// alley ends
	{in: "Đầu hẻm 123 Nguyễn Trãi", want: parts{qualifier: "Đầu hẻm", number: "123", street: "Nguyễn Trãi"}},
	{in: "cuối ngõ 12 Láng Hạ", want: parts{qualifier: "Cuối ngõ", number: "12", street: "Láng Hạ"}},

	// qualifier words that are not: a known street, a syllable with other marks, in a name
	{in: "Trước Đình, Quận 3", want: parts{street: "Trước Đình", district: "3"}},
	{in: "Trước Đình, Quận 3", bare: true, want: parts{qualifier: "Trước", street: "Đình", district: "3"}},
	{in: "Gốc Đề, Hoàng Mai", bare: true, want: parts{street: "Gốc Đề", district: "Hoàng Mai"}, notes: []string{"district"}},
	{in: "Sáu Nhỏ, Quận 8", bare: true, want: parts{street: "Sáu Nhỏ", district: "8"}},
	{in: "Phường Ngã Tư Sở, Quận Đống Đa", want: parts{ward: "Ngã Tư Sở", district: "Đống Đa"}},
	{in: "12 Lê Lợi, Góc", want: parts{number: "12", street: "Lê Lợi", ward: "Góc"}, notes: []string{"ward"}},

	// landmarks
	{in: "Chợ Bến Thành", want: parts{landmark: "Chợ Bến Thành"}},
	{in: "cho ben thanh", bare: true, want: parts{landmark: "Chợ Ben Thanh"}},
	{in: "Chợ Bến Thành Q1, TP.HCM", want: parts{landmark: "Chợ Bến Thành", district: "1", province: "Hồ Chí Minh"}},
	{in: "Chợ Bến Thành, Bến Thành, Quận 1", bare: true, want: parts{landmark: "Chợ Bến Thành", ward: "Bến Thành", district: "1"}, notes: []string{"ward"}},
	{in: "UBND Phường 6, Quận 3", want: parts{landmark: "UBND Phường 6", district: "3"}},
	{in: "Ủy ban nhân dân P.6 Q.3", want: parts{landmark: "UBND P.6", district: "3"}},
	{in: "Bệnh viện Chợ Rẫy, 201B Nguyễn Chí Thanh", want: parts{landmark: "Bệnh viện Chợ Rẫy", number: "201B", street: "Nguyễn Chí Thanh"}},
	{in: "Bệnh viện Chợ Rẫy 201B Nguyễn Chí Thanh", want: parts{landmark: "Bệnh viện Chợ Rẫy", number: "201B", street: "Nguyễn Chí Thanh"}},
	{in: "Bệnh viện Quận 1", bare: true, want: parts{landmark: "Bệnh viện Quận 1"}},
	{in: "Trường THPT Lê Quý Đôn, 110 Nguyễn Thị Minh Khai, Quận 3", bare: true,
		want: parts{landmark: "Trường THPT Lê Quý Đôn", number: "110", street: "Nguyễn Thị Minh Khai", district: "3"}},
	{in: "ĐH Bách Khoa", bare: true, want: parts{landmark: "Trường Đại học Bách Khoa"}},
	{in: "Trường Mầm non Tỉnh Lộ 10", bare: true, want: parts{landmark: "Trường Mầm non Tỉnh Lộ 10"}},
	{in: "Nhà thờ Đức Bà, Quận 1", bare: true, want: parts{landmark: "Nhà thờ Đức Bà", district: "1"}},
	{in: "Chùa Vĩnh Nghiêm P. Võ Thị Sáu", bare: true, want: parts{landmark: "Chùa Vĩnh Nghiêm", ward: "Võ Thị Sáu"}},
	{in: "Ga Sài Gòn, Quận 3", bare: true, want: parts{landmark: "Ga Sài Gòn", district: "3"}},
	{in: "Sân bay Tân Sơn Nhất", bare: true, want: parts{landmark: "Sân bay Tân Sơn Nhất"}},
	{in: "TTTM Vincom, 72 Lê Thánh Tôn", bare: true, want: parts{landmark: "Trung tâm thương mại Vincom", number: "72", street: "Lê Thánh Tôn"}},
	{in: "Công viên Tao Đàn; Bến xe Miền Đông; Siêu thị Co.opmart", bare: true, want: parts{landmark: "Công viên Tao Đàn"},
		notes: []string{"landmark", "landmark"}},
	{in: "Khách sạn Rex, Bưu điện", bare: true, want: parts{landmark: "Khách sạn Rex", ward: "Bưu Điện"}, notes: []string{"ward"}},
	{in: "cây xăng Lê Lợi", bare: true, want: parts{landmark: "Cây xăng Lê Lợi"}},

	// landmark words that are not: a school's word alone, a known street after a house
	// number, a street keyword, nothing after the word
	{in: "Trường Chinh, Tân Bình", bare: true, want: parts{street: "Trường Chinh", district: "Tân Bình"}, notes: []string{"district"}},
	{in: "274, Chợ Lớn, Quận 5", want: parts{number: "274", street: "Chợ Lớn", district: "5"}},
	{in: "Chợ Lớn, Quận 5", want: parts{landmark: "Chợ Lớn", district: "5"}},
	{in: "Đường Chợ Lớn, Quận 6", bare: true, want: parts{street: "Chợ Lớn", district: "6"}},
	{in: "Chợ, Quận 1", bare: true, want: parts{street: "Chợ", district: "1"}},

	// buildings and rooms
	{in: "Phòng 1203, Tầng 12, Tòa nhà Bitexco, 2 Hải Triều, Bến Nghé, Quận 1",
		want: parts{room: "1203", floor: "12", building: "Bitexco", number: "2", street: "Hải Triều", ward: "Bến Nghé", district: "1"}, notes: []string{"ward"}},
	{in: "Lô B, chung cư Nguyễn Thiện Thuật, Phường 1, Quận 3", want: parts{building: "Nguyễn Thiện Thuật", number: "Lô B", ward: "1", district: "3"}},
	{in: "lô A2 chung cư Nguyễn Thiện Thuật", want: parts{building: "Nguyễn Thiện Thuật", number: "Lô A2"}},
	{in: "Block A2 CC Phú Mỹ Thuận", want: parts{building: "A2, Chung cư Phú Mỹ Thuận"}},
	{in: "P.501 Blk A2, CC Phú Mỹ Thuận", want: parts{room: "501", building: "A2, Chung cư Phú Mỹ Thuận"}},
	{in: "P.12 CC Phú Mỹ Thuận, Quận 7", want: parts{room: "12", building: "Phú Mỹ Thuận", district: "7"}},
	{in: "căn hộ 12.05, toà nhà A, lầu 12, 5 Lê Lợi", want: parts{room: "12.05", building: "A", floor: "12", number: "5", street: "Lê Lợi"}},
	{in: "Sông Lô, Phường 1", bare: true, want: parts{street: "Sông Lô", ward: "1"}},

	// a letter written apart from its house number, before a known street
	{in: "194 D, Pasteur", want: parts{number: "194D", street: "Pasteur"}},
	{in: "194 d Pasteur, Quận 3", want: parts{number: "194D", street: "Pasteur", district: "3"}},
	{in: "194 D, Pasteur", bare: true, want: parts{number: "194", street: "D", ward: "Pasteur"}, notes: []string{"ward"}},
	{in: "194 Q, Pasteur", want: parts{number: "194", street: "Pasteur"}},
	{in: "274, Hai Bà Trưng, Quận 3", want: parts{number: "274", street: "Hai Bà Trưng", district: "3"}},

	// the alleys of Ho Chi Minh City, Đà Nẵng and Hà Nội
	{in: "hẻm 123/45 Nguyễn Trãi", want: parts{number: "123/45", street: "Nguyễn Trãi"}},
	{in: "6A hẻm 123/45 Nguyễn Trãi", want: parts{number: "123/45/6A", street: "Nguyễn Trãi"}},
	{in: "kiệt 12/3 Hùng Vương", want: parts{number: "12/3", street: "Hùng Vương"}},
	{in: "K448 H20/2 Trưng Nữ Vương, Hải Châu, Đà Nẵng", want: parts{number: "448/20/2", street: "Trưng Nữ Vương", ward: "Hải Châu", province: "Đà Nẵng"},
		notes: []string{"ward"}},
	{in: "số 5 ngõ 12 ngách 3 hẻm 4 Láng Hạ", want: parts{number: "12/3/4/5", street: "Láng Hạ"}},
	{in: "ngõ 12 ngách 3 hẻm 4 Láng Hạ", want: parts{number: "12/3/4", street: "Láng Hạ"}},
}

func TestParsePlaces(t *testing.T) {
	streets := address.NewStreetList()
	for _, s := range knownStreets {
		streets.Add(s)
	}
	for _, c := range placeCases {
		var opts []address.Option
		if !c.bare {
			opts = append(opts, address.WithStreets(streets))
		}
		p := address.Parse(c.in, opts...)
		if got := partsOf(p); got != c.want {
			t.Errorf("Parse(%q, bare %v):\n got %+v\nwant %+v", c.in, c.bare, got, c.want)
		}
		if len(p.Ambiguities) != len(c.notes) {
			t.Errorf("%q: ambiguities %q, want %d", c.in, p.Ambiguities, len(c.notes))
		} else {
			for i, w := range c.notes {
				if !strings.Contains(p.Ambiguities[i], w) {
					t.Errorf("%q: ambiguity %q, want one about %q", c.in, p.Ambiguities[i], w)
				}
			}
		}
		checkSpans(t, c.in, p)
		if d := address.Parse(norm.NFD.String(c.in), opts...); partsOf(d) != partsOf(p) {
			t.Errorf("NFD %q: %+v, NFC gives %+v", c.in, partsOf(d), partsOf(p))
		}
	}
}

// TestParsePlaceParts checks the labels and spans of qualifiers and landmarks, and how String
// writes them.
func TestParsePlaceParts(t *testing.T) {
	streets := address.NewStreetList().Add("Nguyễn Chí Thanh").Add("Hai Bà Trưng")
	p := address.Parse("doi dien BV. Chợ Rẫy, 201B Nguyễn Chí Thanh", address.WithStreets(streets))
	if q := p.Qualifier; q.Label != "Đối diện" || q.Text != "doi dien" || q.Start != 0 || q.End != 8 || q.Fold != "doi dien" {
		t.Errorf("qualifier %+v", q)
	}
	if l := p.Landmark; l.Label != "Bệnh viện" || l.Text != "BV. Chợ Rẫy" || l.Start != 9 || l.Fold != "benh vien cho ray" {
		t.Errorf("landmark %+v", l)
	}
	for in, want := range map[string]string{
		"doi dien BV. Chợ Rẫy, 201B Nguyễn Chí Thanh": "Đối diện Bệnh viện Chợ Rẫy, 201B Nguyễn Chí Thanh",
		"Đối diện 274, Hai Bà Trưng, Quận 3":          "Đối diện 274 Hai Bà Trưng, Quận 3",
		"Đầu hẻm 123 Hai Bà Trưng":                    "Đầu hẻm 123 Hai Bà Trưng",
		"UBND Phường 6, Quận 3":                       "UBND Phường 6, Quận 3",
		"Block A2 CC Phú Mỹ Thuận":                    "Block A2, Chung cư Phú Mỹ Thuận",
	} {
		if got := address.Parse(in, address.WithStreets(streets)).String(); got != want {
			t.Errorf("Parse(%q).String() = %q, want %q", in, got, want)
		}
	}
	if got := address.Parse("Ngã tư 30/4").String(); got != "Ngã tư 30 Tháng 4" {
		t.Errorf("a corner of a street named with a number: %q", got)
	}
}

// TestParsePlacesWithUnits checks that units read by name at the end do not take a
// landmark's name: Phường 1 of "UBND Phường 1" is the landmark's, not the ward.
func TestParsePlacesWithUnits(t *testing.T) {
	unitsWithChoLon := unitList{}
	for k, v := range someUnits {
		unitsWithChoLon[k] = v
	}
	unitsWithChoLon.add(address.Unit{UnitRef: address.UnitRef{Era: address.EraNew, Level: address.LevelWard, Code: "27343"},
		Name: "Phường Chợ Lớn", Kind: "Phường", In: []address.UnitRef{hcm}})
	for _, c := range []struct {
		in                             string
		landmark, ward, district, prov string // ward, district and province by code
	}{
		{"UBND Phường 1, Quận 3", "UBND Phường 1", "", "770", ""},
		{"UBND Phường 1 Quận 3 TPHCM", "UBND Phường 1", "", "770", "79"},
		{"Chợ Bến Nghé Quận 1", "Chợ Bến Nghé", "", "760", ""},
		{"Đối diện chợ Bến Nghé, Quận 1", "Chợ Bến Nghé", "", "760", ""},
		{"Chợ Bến Thành, Bến Nghé, Quận 1", "Chợ Bến Thành", "26740", "760", ""},
		{"Chợ Bến Thành Phường Bến Nghé Quận 1", "Chợ Bến Thành", "26740", "760", ""},
		// a ward of 2025 named like a landmark, in its own segment, stays the ward
		{"12 Hải Thượng Lãn Ông, Chợ Lớn, TP.HCM", "", "27343", "", "79"},
	} {
		p := address.Parse(c.in, address.WithUnits(unitsWithChoLon))
		if p.Landmark.Value != c.landmark || p.Ward.Code != c.ward || p.District.Code != c.district || p.Province.Code != c.prov {
			t.Errorf("%q: landmark %q ward %q district %q province %q, want %q %q %q %q", c.in, p.Landmark.Value,
				p.Ward.Code, p.District.Code, p.Province.Code, c.landmark, c.ward, c.district, c.prov)
		}
		checkSpans(t, c.in, p)
	}
}
