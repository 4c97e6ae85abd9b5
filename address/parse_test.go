package address_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"bandoso/address"
)

// parseCases are real-world ways of writing addresses with the canonical form Parse must give
// and how many ambiguities it should report.
var parseCases = []struct {
	in, want    string
	ambiguities int
}{
	{"122 Hàm Nghi, Q1, TPHCM", "122 Hàm Nghi, Quận 1, TP. Hồ Chí Minh", 0},
	{"123/45/6A Nguyễn Trãi P.Bến Thành Q.1 HCM", "123/45/6A Nguyễn Trãi, Phường Bến Thành, Quận 1, TP. Hồ Chí Minh", 0},
	{"số 5 ngõ 10 ngách 3 Láng Hạ, Đống Đa, Hà Nội", "10/3/5 Láng Hạ, Quận Đống Đa, TP. Hà Nội", 1},
	{"12 Đường 3/2, F12, Q10", "12 Đường 3 Tháng 2, Phường 12, Quận 10", 0},
	{"P.501 tòa nhà A, 15 Lê Duẩn", "Phòng 501, Tòa nhà A, 15 Lê Duẩn", 0},
	{"K448 H20/2 Trưng Nữ Vương", "448/20/2 Trưng Nữ Vương", 0},
	{"40bis/1 Lý Chính Thắng", "40bis/1 Lý Chính Thắng", 0},
	{"123 nguyen trai phuong ben thanh quan 1", "123 Nguyen Trai, Phường Ben Thanh, Quận 1", 0},
	{"73B/563B bis Nguyễn Đình Chiểu, Q.3", "73B/563Bbis Nguyễn Đình Chiểu, Quận 3", 0},
	{"10-12 Lê Lợi, Q.TB", "10-12 Lê Lợi, Quận Tân Bình", 0},
	{"Ngã tư 30/4", "Ngã tư 30 Tháng 4", 0},
	{"12 Đường 30/4, Phường 12, Quận Tân Bình", "12 Đường 30 Tháng 4, Phường 12, Quận Tân Bình", 0},
	{"45 Cách Mạng Tháng 8, P.11, Q.3, TP.HCM", "45 Cách Mạng Tháng 8, Phường 11, Quận 3, TP. Hồ Chí Minh", 0},
	{"45 CMT8 Q3", "45 Cách Mạng Tháng 8, Quận 3", 0},
	{"Số 7 Đường số 5, P. Bình Trị Đông B, Q. Bình Tân", "7 Đường Số 5, Phường Bình Trị Đông B, Quận Bình Tân", 0},
	{"SN 12 Nguyễn Huệ, Phường Sài Gòn, TP. Hồ Chí Minh", "12 Nguyễn Huệ, Phường Sài Gòn, TP. Hồ Chí Minh", 0},
	{"số nhà 9, ngõ 5, phố Huế, Hai Bà Trưng, Hà Nội", "5/9 Phố Huế, Quận Hai Bà Trưng, TP. Hà Nội", 1},
	{"hẻm 12 Nguyễn Trãi, Q1", "Hẻm 12 Nguyễn Trãi, Quận 1", 0},
	{"12 hẻm 34 Võ Văn Tần, Phường 6, Quận 3", "34/12 Võ Văn Tần, Phường 6, Quận 3", 0},
	{"1A Lê Lợi, phường Bến Nghé, quận 1, thành phố Hồ Chí Minh", "1A Lê Lợi, Phường Bến Nghé, Quận 1, TP. Hồ Chí Minh", 0},
	{"2 Quốc lộ 1A, Bình Tân", "2 Quốc lộ 1A, Quận Bình Tân", 1},
	{"QL13, Hiệp Bình Phước, TP.TĐ", "Quốc lộ 13, Hiệp Bình Phước, Thành phố Thủ Đức", 1},
	{"100 Điện Biên Phủ, Q.BT", "100 Điện Biên Phủ, Quận Bình Thạnh", 0},
	{"12 Phan Xích Long, Q.PN", "12 Phan Xích Long, Quận Phú Nhuận", 0},
	{"88 Quang Trung, Q.GV", "88 Quang Trung, Quận Gò Vấp", 0},
	{"5 Hoàng Văn Thụ, Quận Phú Nhuận, Sài Gòn", "5 Hoàng Văn Thụ, Quận Phú Nhuận, TP. Hồ Chí Minh", 0},
	{"3 Lê Văn Sỹ P12 Q3 SG", "3 Lê Văn Sỹ, Phường 12, Quận 3, TP. Hồ Chí Minh", 0},
	{"20 Trần Hưng Đạo, W5, Q5", "20 Trần Hưng Đạo, Phường 5, Quận 5", 0},
	{"7/2 Thành Thái, F14, Q.10, TP HCM", "7/2 Thành Thái, Phường 14, Quận 10, TP. Hồ Chí Minh", 0},
	{"33 Tôn Đức Thắng, Bến Nghé, Quận 1", "33 Tôn Đức Thắng, Bến Nghé, Quận 1", 1},
	{"Tổ 5, KP3, Phường Linh Trung, TP Thủ Đức", "Tổ 5, Phường Linh Trung, Thành phố Thủ Đức", 2},
	{"Ấp 3, Xã Tân Thạnh Đông, Huyện Củ Chi", "Ấp 3, Xã Tân Thạnh Đông, Huyện Củ Chi", 0},
	{"Thôn Đông, Xã Ứng Hòa, Hà Nội", "Thôn Đông, Xã Ứng Hòa, TP. Hà Nội", 0},
	{"Thị trấn Nhà Bè, H. Nhà Bè", "Thị trấn Nhà Bè, Huyện Nhà Bè", 0},
	{"TT Củ Chi, H.CC, TPHCM", "Thị trấn Củ Chi, Huyện Củ Chi, TP. Hồ Chí Minh", 0},
	{"Đặc khu Côn Đảo, TP. Hồ Chí Minh", "Đặc khu Côn Đảo, TP. Hồ Chí Minh", 0},
	{"Phường Hoà Hưng, TP.HCM", "Phường Hòa Hưng, TP. Hồ Chí Minh", 0},
	{"Phường Hòa Hưng, TP.HCM", "Phường Hòa Hưng, TP. Hồ Chí Minh", 0},
	{"12 Lê Duẩn, Phường Sài Gòn, Hồ Chí Minh", "12 Lê Duẩn, Phường Sài Gòn, TP. Hồ Chí Minh", 0},
	{"Tầng 5, tòa nhà Bitexco, 2 Hải Triều, Q1", "Tầng 5, Tòa nhà Bitexco, 2 Hải Triều, Quận 1", 0},
	{"Phòng 1203, chung cư Sky Garden, Q7", "Phòng 1203, Chung cư Sky Garden, Quận 7", 0},
	{"P.12 tòa nhà B, 5 Lê Lợi", "Phòng 12, Tòa nhà B, 5 Lê Lợi", 0},
	{"căn hộ A1.05 Chung cư Mỹ Khánh", "Căn hộ A1.05, Chung cư Mỹ Khánh", 0},
	{"12,  Lê   Lợi ,,Q.1", "12 Lê Lợi, Quận 1", 0},
	{"  122  Hàm Nghi;Q1;TPHCM  ", "122 Hàm Nghi, Quận 1, TP. Hồ Chí Minh", 0},
	{"122 HAM NGHI, QUAN 1, TP HCM", "122 HAM NGHI, Quận 1, TP. Hồ Chí Minh", 0},
	{"12 Lý Tự Trọng, Quận 1, Tỉnh Bình Dương", "12 Lý Tự Trọng, Quận 1, Tỉnh Bình Dương", 0},
	{"8 Đường 19/5, Hà Đông, Hà Nội", "8 Đường 19 Tháng 5, Quận Hà Đông, TP. Hà Nội", 1},
	{"15 Phố 8/3, Hai Bà Trưng, HN", "15 Phố 8 Tháng 3, Quận Hai Bà Trưng, TP. Hà Nội", 1},
	{"3 Đường 2/9, Đà Nẵng", "3 Đường 2 Tháng 9, TP. Đà Nẵng", 0},
	{"12 Đ. Nguyễn Văn Linh, Q.7", "12 Nguyễn Văn Linh, Quận 7", 0},
	{"12 Đường Dương Bá Trạc, Quận 8", "12 Dương Bá Trạc, Quận 8", 0},
	{"12 duong Tran Hung Dao quan 5", "12 Tran Hung Dao, Quận 5", 0},
	{"5 Tô Hiến Thành, Q.10", "5 Tô Hiến Thành, Quận 10", 0},
	{"5 ngo 12 Ton Duc Thang", "12/5 Ton Duc Thang", 0},
	{"9 Kiệt 12 Hùng Vương", "12/9 Hùng Vương", 0},
	{"K12/3 Hùng Vương, Đà Nẵng", "12/3 Hùng Vương, TP. Đà Nẵng", 0},
	{"17 TL10, Bình Tân", "17 Tỉnh lộ 10, Quận Bình Tân", 1},
	{"3/2 Nguyễn Trãi", "3/2 Nguyễn Trãi", 0},
	{"12A-12B Nguyễn Trãi, Q5, Việt Nam", "12A-12B Nguyễn Trãi, Quận 5", 0},
	{"123/45/6A Nguyễn Trãi, Phường Bến Thành, Quận 1", "123/45/6A Nguyễn Trãi, Phường Bến Thành, Quận 1", 0},
	{"Phường Hoà Hưng, Quận 10", "Phường Hòa Hưng, Quận 10", 0},
}

func TestParse(t *testing.T) {
	for _, c := range parseCases {
		t.Run(c.in, func(t *testing.T) {
			p := address.Parse(c.in)
			if got := p.String(); got != c.want {
				t.Errorf("Parse(%q).String() = %q, want %q", c.in, got, c.want)
			}
			if len(p.Ambiguities) != c.ambiguities {
				t.Errorf("ambiguities %q, want %d", p.Ambiguities, c.ambiguities)
			}
			checkSpans(t, c.in, p)
		})
	}
}

// checkSpans checks every part's span lies in the input and holds its text.
func checkSpans(t *testing.T, in string, p address.Parsed) {
	t.Helper()
	parts := append([]address.Part{p.Room, p.Floor, p.Building, p.House, p.Street, p.Neighbourhood, p.Qualifier, p.Landmark,
		p.Ward, p.District, p.Province}, p.Alley...)
	for _, part := range parts {
		if part.IsZero() {
			continue
		}
		if part.Start < 0 || part.End > len(in) || part.Start > part.End || in[part.Start:part.End] != part.Text {
			t.Fatalf("%q: part %+v: span outside the input or not its text", in, part)
		}
		if part.Fold != address.Fold(part.Value) || !utf8.ValidString(part.Value) {
			t.Fatalf("%q: part %+v: bad value or fold", in, part)
		}
	}
}

func TestParseParts(t *testing.T) {
	p := address.Parse("123/45/6A Nguyễn Trãi P.Bến Thành Q.1 HCM")
	if p.House.Value != "6A" || len(p.Alley) != 2 || p.Alley[0].Value != "123" || p.Alley[1].Value != "45" {
		t.Errorf("house %q alleys %+v", p.House.Value, p.Alley)
	}
	if p.Ward.Text != "P.Bến Thành" || p.Ward.Fold != "ben thanh" || p.Ward.Label != "Phường" {
		t.Errorf("ward %+v", p.Ward)
	}
	if p.Street.Start != 10 || p.Street.Text != "Nguyễn Trãi" {
		t.Errorf("street %+v", p.Street)
	}

	// P.501 by a building is a room; P.12 alone is a ward; Phường 12 keeps its number.
	if p := address.Parse("P.501 tòa nhà A, 15 Lê Duẩn"); p.Room.Value != "501" || !p.Ward.IsZero() {
		t.Errorf("P.501: room %q ward %q", p.Room.Value, p.Ward.Value)
	}
	if p := address.Parse("15 Lê Duẩn, P.12, Q.3"); p.Ward.Value != "12" || !p.Room.IsZero() {
		t.Errorf("P.12: room %q ward %q", p.Room.Value, p.Ward.Value)
	}

	// Đà Nẵng: kiệt 448, hẻm 20, house 2.
	if p := address.Parse("K448 H20/2 Trưng Nữ Vương"); p.House.Value != "2" || len(p.Alley) != 2 ||
		p.Alley[0].Label != "Kiệt" || p.Alley[1].Label != "Hẻm" || p.Street.Value != "Trưng Nữ Vương" {
		t.Errorf("K448 H20/2: %+v", p)
	}

	// A street named with a slash is not an alley, and a caller's list is used.
	if p := address.Parse("12 Đường 3/2, F12, Q10"); p.Number() != "12" || p.Street.Fold != "3 thang 2" {
		t.Errorf("3/2: number %q street %q", p.Number(), p.Street.Value)
	}
	streets := address.NewStreetList().Add("Dương Bá Trạc")
	if p := address.Parse("12 duong ba trac q8", address.WithStreets(streets)); p.Street.Value != "Dương Bá Trạc" {
		t.Errorf("with a street list: %q", p.Street.Value)
	}
}

func TestParseNFD(t *testing.T) {
	for _, c := range parseCases {
		if got, want := address.Parse(norm.NFD.String(c.in)).String(), address.Parse(c.in).String(); got != want {
			t.Errorf("NFD %q: %q, NFC gives %q", c.in, got, want)
		}
	}
}

func TestParseLongInput(t *testing.T) {
	p := address.Parse(strings.Repeat("12/", 2000))
	if len(p.Ambiguities) == 0 {
		t.Error("input over MaxInput not noted")
	}
}
