package address_test

import (
	"testing"

	"golang.org/x/text/unicode/norm"

	"bandoso/address"
)

// normTextCases are the outputs of PostgreSQL's norm_text() (migrations/00001_extensions.sql,
// unaccent of PostgreSQL 15) on these inputs, copied from psql. Fold must give the same.
var normTextCases = []struct{ in, want string }{
	{"Phường Bến Thành", "phuong ben thanh"},
	{"Quận Thủ Đức", "quan thu duc"},
	{"ĐƯỜNG Điện Biên Phủ", "duong dien bien phu"},
	{"  Hoà   Hưng ", "hoa hung"},
	{"Thuỷ", "thuy"},
	{"Khỏe", "khoe"},
	{"Phường Bình Hưng Hòa", "phuong binh hung hoa"},
	{"Xã Ứng Hòa", "xa ung hoa"},
	{"Quận Đống Đa", "quan dong da"},
	{"Nguyễn Thị Minh Khai", "nguyen thi minh khai"},
	{"Gò Vấp", "go vap"},
	{"Bà Rịa - Vũng Tàu", "ba ria - vung tau"},
	{"Đặc khu Côn Đảo", "dac khu con dao"},
	{"Ngõ 10/3 Láng Hạ", "ngo 10/3 lang ha"},
	{"Huyện Củ Chi", "huyen cu chi"},
	{"Cách Mạng Tháng Tám", "cach mang thang tam"},
	{"ưỡ ậ ỷ ặ ờ ữ ẫ ở", "uo a y a o u a o"},
	{"Đắk Lắk", "dak lak"},
	{"Nam Từ Liêm", "nam tu liem"},
	{"Phường Sài Gòn", "phuong sai gon"},
	{"Đường 3/2", "duong 3/2"},
	{"Quốc Lộ 1A", "quoc lo 1a"},
	{"Hẻm 123/45 Nguyễn Trãi", "hem 123/45 nguyen trai"},
	{"Thị Xã Sơn Tây", "thi xa son tay"},
	{"Ỳ Ý Ỷ Ỹ Ỵ ÀẢÃÁẠ Ê Ơ Ư Ă Â Ô", "y y y y y aaaaa e o u a a o"},
	{"Nguyễn Trãi Hoà Thuỷ ĐÀ NẴNG", "nguyen trai hoa thuy da nang"},
	{"Qu\u0303ang\tNgãi\u00a0x", "quang ngai x"}, // a stray combining tilde, a tab, a no-break space
}

func TestFoldAgreesWithNormText(t *testing.T) {
	for _, c := range normTextCases {
		if got := address.Fold(c.in); got != c.want {
			t.Errorf("Fold(%q) = %q, norm_text gives %q", c.in, got, c.want)
		}
		if got := address.Fold(norm.NFD.String(c.in)); got != c.want {
			t.Errorf("Fold(NFD %q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestToneFold(t *testing.T) {
	cases := []struct{ in, want string }{
		{"hoà", "hòa"},
		{"hòa", "hòa"},
		{"Thuỷ", "thủy"},
		{"thủy", "thủy"},
		{"khoẻ", "khỏe"},
		{"Phường Hoà Hưng", "phường hòa hưng"},
		{"Bình  Hưng Hoà", "bình hưng hòa"},
		{"hòang", "hoàng"}, // closed syllable: on the last vowel whatever the convention
		{"Hoàng Mai", "hoàng mai"},
		{"quý", "quý"}, // qu is a consonant
		{"qúy", "quý"},
		{"già", "già"}, // gi is a consonant
		{"gìn", "gìn"}, // but not before a consonant
		{"giữa", "giữa"},
		{"khoái", "khoái"}, // three vowels: the middle
		{"xoáy", "xoáy"},
		{"khuỷu", "khuỷu"},
		{"rượu", "rượu"}, // ơ of ươ
		{"thuở", "thuở"},
		{"mùa", "mùa"},
		{"múa", "múa"},
		{"tài", "tài"},
		{"ĐƯỜNG", "đường"},
		{"dương", "dương"}, // diacritics stay: not đường
		{"Nguyễn Trãi", "nguyễn trãi"},
		{"Pasteur", "pasteur"},
		{"café", "café"},
		{"123/45/6A", "123/45/6a"},
	}
	for _, c := range cases {
		if got := address.ToneFold(c.in); got != c.want {
			t.Errorf("ToneFold(%q) = %q, want %q", c.in, got, c.want)
		}
		if got := address.ToneFold(norm.NFD.String(c.in)); got != c.want {
			t.Errorf("ToneFold(NFD %q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestNormalizeKeepsCase(t *testing.T) {
	if got, want := address.Normalize("  Phường  Hoà Hưng "), "Phường Hòa Hưng"; got != want {
		t.Errorf("Normalize = %q, want %q", got, want)
	}
	if got, want := address.Normalize("THUỶ"), "THỦY"; got != want {
		t.Errorf("Normalize = %q, want %q", got, want)
	}
}

func TestKey(t *testing.T) {
	cases := []struct{ in, want string }{
		{"Bà Rịa - Vũng Tàu", "ba ria vung tau"},
		{"Ba Ria–Vung Tau.", "ba ria vung tau"},
		{"Đường 3/2", "duong 3/2"},
		{"P.Bến Thành, Q.1", "p ben thanh q 1"},
	}
	for _, c := range cases {
		if got := address.Key(c.in); got != c.want {
			t.Errorf("Key(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestFoldsTreatNFDAsNFC(t *testing.T) {
	for _, c := range normTextCases {
		d := norm.NFD.String(c.in)
		if address.ToneFold(d) != address.ToneFold(c.in) || address.Key(d) != address.Key(c.in) ||
			address.NFC(d) != address.NFC(c.in) {
			t.Errorf("%q: NFD and NFC fold differently", c.in)
		}
	}
}
