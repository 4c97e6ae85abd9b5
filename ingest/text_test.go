package ingest

import (
	"testing"

	"golang.org/x/text/unicode/norm"
)

// TestCheckTextUnicodeVietnamese: valid Unicode Vietnamese is never taken for legacy text,
// whatever look-alike or compatibility form it is written with, and comes out as the layers
// store it.
func TestCheckTextUnicodeVietnamese(t *testing.T) {
	cases := []struct{ in, want string }{
		{"Ðường Nguyễn Thị Minh Khai", "Đường Nguyễn Thị Minh Khai"}, // U+00D0, as OpenStreetMap often has it
		{"ÐINH TIÊN HOÀNG", "ĐINH TIÊN HOÀNG"},
		{"Phạm Ngũ Lão, Ðà Nẵng", "Phạm Ngũ Lão, Đà Nẵng"},
		{"ðường số 5", "đường số 5"},
		{"Ɖiện Biên Phủ", "Điện Biên Phủ"},
		{norm.NFD.String("Hồ Chí Minh"), "Hồ Chí Minh"},
		{"Bến\u00a0Thành", "Bến Thành"},                          // no-break space
		{"Lô Ｂ２", "Lô B2"},                                       // full-width
		{"Sài Gòn © 2025 · 10°46′N", "Sài Gòn © 2025 · 10°46′N"}, // symbols beside Vietnamese letters
		{"Ðinh Bo Linh", "Đinh Bo Linh"},                         // no diacritic but the folded Đ
		{"Pasteur", "Pasteur"},
	}
	for _, c := range cases {
		got, p := checkText("name", c.in)
		if p != nil {
			t.Errorf("checkText(%q): %s: %s", c.in, p.Problem, p.Detail)
			continue
		}
		if got != c.want {
			t.Errorf("checkText(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestCheckTextLegacy: TCVN3 (ABC) and VNI text read as Windows-1252 is still refused.
func TestCheckTextLegacy(t *testing.T) {
	for _, s := range []string{
		"Hå ChÝ Minh",        // TCVN3 "Hồ Chí Minh"
		"§­êng Lª Lîi",       // TCVN3 "Đường Lê Lợi"
		"NguyÔn TrÇn",        // TCVN3 "Nguyễn Trần"
		"Phöôøng Beán Ngheù", // VNI "Phường Bến Nghé"
	} {
		if _, p := checkText("name", s); p == nil || p.Problem != NotUnicode {
			t.Errorf("checkText(%q) = %v, want a %s problem", s, p, NotUnicode)
		}
	}
	if _, p := checkText("name", "H\xe5 Ch\xdd Minh"); p == nil || p.Problem != NotUnicode {
		t.Errorf("legacy bytes: %v, want %s", p, NotUnicode)
	}
}
