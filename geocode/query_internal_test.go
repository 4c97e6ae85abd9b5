package geocode

import (
	"slices"
	"testing"
)

func TestOneEditApart(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want bool
	}{
		{"ben nghe", "ben nghe", true},
		{"ben nghe", "ben ngh", true},
		{"ben nghe", "bxn nghe", true},
		{"ben nghe", "ben nhge", true},
		{"ben nghe", "bne nhge", false},
		{"ben nghe", "ben ng", false},
		{"tan dinh", "tan dinh x", false},
		{"", "a", true},
	} {
		if got := oneEditApart(c.a, c.b); got != c.want {
			t.Errorf("oneEditApart(%q, %q) = %v", c.a, c.b, got)
		}
		if got := oneEditApart(c.b, c.a); got != c.want {
			t.Errorf("oneEditApart(%q, %q) = %v", c.b, c.a, got)
		}
	}
}

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
