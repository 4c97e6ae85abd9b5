package geocode_test

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"

	"bandoso/address"
	"bandoso/store"
)

// negative is a query whose street or place the data does not hold, and why.
type negative struct {
	group, text string
}

// otherCities are units of other cities, written the ways people write them.
var otherCities = []string{"Hà Nội", "Quận Hoàn Kiếm, Hà Nội", "Q. Đống Đa, TP Hà Nội", "Phường Kim Liên, Thành phố Hà Nội",
	"Quận Hải Châu, Đà Nẵng", "TP Đà Nẵng", "Quận Ninh Kiều, Cần Thơ", "Quận Lê Chân, Hải Phòng", "Thành phố Huế",
	"Phường Phú Hội, TP Huế", "Thành phố Vinh, Nghệ An", "Tỉnh Khánh Hòa"}

// hanoiStreets are streets of Hanoi's old quarter and centre, none of which Ho Chi Minh City has.
var hanoiStreets = []string{"Hàng Bạc", "Hàng Gai", "Hàng Đào", "Hàng Bông", "Tràng Tiền", "Phố Huế", "Bà Triệu", "Kim Mã",
	"Láng Hạ", "Đội Cấn", "Hoàng Hoa Thám", "Cầu Giấy", "Xuân Thủy", "Thái Hà", "Tây Sơn", "Khâm Thiên", "Giảng Võ", "Hàng Buồm"}

// hcmcStreets are real streets of Ho Chi Minh City; those the extract lacks are asked for
// with the wards of an address of the city. The demo's own list of names adds more.
var hcmcStreets = []string{"Nguyễn Thị Diệu", "Trần Quốc Thảo", "Bà Huyện Thanh Quan", "Tú Xương", "Kỳ Đồng", "Trương Định",
	"Nguyễn Đình Chiểu", "Võ Thị Sáu", "Lê Văn Sỹ", "Trần Quang Diệu", "Rạch Bùng Binh", "Nguyễn Thông", "Cao Thắng",
	"Nguyễn Văn Trỗi", "Hoàng Văn Thụ", "Phan Đăng Lưu", "Xô Viết Nghệ Tĩnh", "Bạch Đằng", "Phan Xích Long", "Lê Quang Định"}

// missingPlaces are well-known places of the city; those the extract lacks are asked for.
var missingPlaces = []string{"Chợ Tân Định", "Bệnh viện Chợ Rẫy", "Nhà thờ Đức Bà", "Dinh Độc Lập", "Bưu điện Thành phố",
	"Sân bay Tân Sơn Nhất", "Công viên Tao Đàn", "Chợ Bình Tây", "Bảo tàng Chứng tích Chiến tranh", "Nhà hát Thành phố",
	"Bệnh viện Từ Dũ", "Chùa Vĩnh Nghiêm", "Thảo Cầm Viên", "Chợ An Đông", "Ga Sài Gòn", "Bến xe Miền Đông",
	"Trường Đại học Bách khoa", "Landmark 81", "Nhà Văn hóa Thanh niên", "Công viên Lê Văn Tám", "Chợ Hòa Hưng",
	"Bệnh viện Nhi Đồng 1"}

// Syllables of made-up streets: a family name, a middle name, and given names rare in
// street names, paired at random.
var (
	familyNames = []string{"Nguyễn", "Trần", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô", "Dương", "Lâm", "Quách"}
	middleNames = []string{"Văn", "Thị", "Hữu", "Đình", "Minh", "Ngọc", "Khắc", "Bảo"}
	givenNames  = []string{"Khiêm", "Lạc", "Tường", "Vy", "Quyên", "Thoại", "Duệ", "Nhiên", "Kha", "Uyển", "Triệu", "Miên", "Sa", "Yến", "Hiểu"}
	plainWords  = []string{"Hoa Sữa Tím", "Mây Ngàn", "Sông Trăng", "Lá Me Bay", "Gió Bấc", "Đồi Thông Xanh", "Bến Cát Trắng", "Vườn Quế"}
)

// negatives builds the negative set from the data's own streets, places and addresses: real
// streets of the city named with another city's units, Hanoi's streets, made-up streets,
// real streets of this city that the extract lacks, and places it lacks.
func negatives(t *testing.T, rng *rand.Rand, streets, places []string, sample []store.Address) []negative {
	t.Helper()
	has := map[string]bool{}
	for _, s := range append(append([]string{}, streets...), places...) {
		has[address.Fold(s)] = true
	}
	var out []negative
	add := func(group, text string) { out = append(out, negative{group, text}) }
	near := func() store.Address { return sample[rng.IntN(len(sample))] }
	number := func() string { return fmt.Sprint(1 + rng.IntN(400)) }

	// a street of this city, in another city: "21 Nguyễn Du, Hà Nội"
	var ours []string
	for _, a := range sample {
		if !slices.Contains(ours, a.Street) {
			ours = append(ours, a.Street)
		}
	}
	for i := range 60 {
		add("street of the data, other city", fmt.Sprintf("%s %s, %s", number(), ours[rng.IntN(len(ours))], otherCities[i%len(otherCities)]))
	}
	for i, s := range hanoiStreets {
		if !has[address.Fold(s)] {
			add("street of another city", fmt.Sprintf("%s %s, %s", number(), s, otherCities[i%4]))
			add("street of another city", fmt.Sprintf("%s %s", number(), s))
		}
	}
	// made up, and not one or two letters from a street of the data
	for made := 0; made < 50; {
		name := pick(rng, familyNames...) + " " + pick(rng, middleNames...) + " " + pick(rng, givenNames...)
		if made%5 == 4 {
			name = pick(rng, plainWords...)
		}
		if nearName(address.Fold(name), streets) {
			continue
		}
		a := near()
		add("made-up street", fmt.Sprintf("%s %s, %s", number(), name, units(a, rng.IntN(2) == 0, rng.IntN(2) == 0)))
		made++
	}
	// real streets of the city that the extract lacks: "22 Nguyễn Thị Diệu, Phường 6, Quận 3"
	absent := 0
	for _, s := range append(hcmcStreets, demoStreetNames(t)...) {
		if has[address.Fold(s)] || absent == 80 {
			continue
		}
		absent++
		a := near()
		add("real street not in the data", fmt.Sprintf("%s %s, %s", number(), s, units(a, rng.IntN(2) == 0, true)))
	}
	for _, p := range missingPlaces {
		if has[address.Fold(p)] {
			continue
		}
		a := near()
		add("place not in the data", p)
		add("place not in the data", fmt.Sprintf("%s, %s", p, units(a, true, false)))
	}
	return out
}

// nearName says fold is a street name of the data with at most two letters changed.
func nearName(fold string, streets []string) bool {
	for _, s := range streets {
		if editDistance(fold, address.Fold(s)) <= 2 {
			return true
		}
	}
	return false
}

// editDistance is the Levenshtein distance of a and b in runes.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := range ra {
		cur := make([]int, len(rb)+1)
		cur[0] = i + 1
		for j := range rb {
			cost := 1
			if ra[i] == rb[j] {
				cost = 0
			}
			cur[j+1] = min(prev[j+1]+1, cur[j]+1, prev[j]+cost)
		}
		prev = cur
	}
	return prev[len(rb)]
}

// demoStreetNames are the real street names the demo city draws from (demo/data/streets.txt);
// a small city uses only some of them.
func demoStreetNames(t *testing.T) []string {
	t.Helper()
	f, err := os.Open("../demo/data/streets.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var names []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if s := strings.TrimSpace(sc.Text()); s != "" && !strings.HasPrefix(s, "#") {
			names = append(names, s)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return names
}
