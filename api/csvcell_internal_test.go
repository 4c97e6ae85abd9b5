package api

import "testing"

func TestCSVCell(t *testing.T) {
	for in, want := range map[string]string{
		"": "", "Lê Lợi": "Lê Lợi", "-1.5": "-1.5", "+84": "+84", "106.7000000": "106.7000000", "-2e-3": "-2e-3",
		"=1+2": "'=1+2", "-2+3+cmd|' /C calc'!A0": "'-2+3+cmd|' /C calc'!A0", "@SUM(A1)": "'@SUM(A1)", "+": "'+",
		"\tx": "'\tx", "\rx": "'\rx", "-": "'-", "-1.5.2": "'-1.5.2", "-1e": "'-1e", "-.": "'-.",
	} {
		if got := csvCell(in); got != want {
			t.Errorf("csvCell(%q) = %q, want %q", in, got, want)
		}
	}
}
