package address

import "strings"

// kind is what a keyword introduces.
type kind int

const (
	kNone kind = iota
	kRoom
	kFloor
	kBuilding
	kHouse    // số, số nhà, SN, No.
	kLot      // lô, before a lot's name (Lô B2)
	kMark     // Km, a kilometre mark (Km 7+500)
	kAlley    // hẻm, ngõ, ngách, kiệt, and K / H glued to a number (Đà Nẵng)
	kStreet   // đường, Đ., phố, quốc lộ, ngã tư …
	kHood     // khu phố, tổ, ấp, thôn
	kWard     // phường, P., F, W, xã, thị trấn, đặc khu
	kDistrict // quận, Q., huyện, H., thị xã, TX
	kCity     // TP, thành phố: a province or a city-level district, by what follows
	kProvince // tỉnh
	kProvinceName
	kCountry
)

// The labels of a house number that is a lot or a kilometre mark rather than a house.
const (
	labelLot = "Lô"
	labelKm  = "Km"
)

// keyword is one way of writing a keyword.
type keyword struct {
	words []string // as written with diacritics, one per token ("." is a token)
	kind  kind
	label string // the canonical word written before the value: "Phường", "Quốc lộ"
	num   bool   // only before a number (tổ 5, hẻm 12): the plain word is also a common name
	abbr  bool   // an abbreviation: only in capitals, or before "." or a number
	rank  int    // alleys: ngõ before ngách before hẻm (Hanoi); provinces: the canonical name
	value string // province names: the canonical name
}

var keywords = []keyword{
	{words: []string{"phòng"}, kind: kRoom, label: "Phòng", num: true},
	{words: []string{"căn", "hộ"}, kind: kRoom, label: "Căn hộ"},
	{words: []string{"tầng"}, kind: kFloor, label: "Tầng", num: true},
	{words: []string{"lầu"}, kind: kFloor, label: "Lầu", num: true},
	{words: []string{"tòa", "nhà"}, kind: kBuilding, label: "Tòa nhà"},
	{words: []string{"toà", "nhà"}, kind: kBuilding, label: "Tòa nhà"},
	{words: []string{"tòa"}, kind: kBuilding, label: "Tòa"},
	{words: []string{"chung", "cư"}, kind: kBuilding, label: "Chung cư"},
	{words: []string{"cao", "ốc"}, kind: kBuilding, label: "Cao ốc"},
	{words: []string{"cc"}, kind: kBuilding, label: "Chung cư", abbr: true},
	{words: []string{"block"}, kind: kBuilding, label: "Block"},
	{words: []string{"blk"}, kind: kBuilding, label: "Block", abbr: true},

	{words: []string{"số", "nhà"}, kind: kHouse, label: "Số"},
	{words: []string{"nhà", "số"}, kind: kHouse, label: "Số"},
	{words: []string{"số"}, kind: kHouse, label: "Số", num: true},
	{words: []string{"sn"}, kind: kHouse, label: "Số", abbr: true},
	{words: []string{"no"}, kind: kHouse, label: "Số", num: true},
	{words: []string{"lô"}, kind: kLot, label: labelLot},
	{words: []string{"km"}, kind: kMark, label: labelKm, num: true},

	{words: []string{"hẻm", "xe", "hơi"}, kind: kAlley, label: "Hẻm", num: true},
	{words: []string{"hxh"}, kind: kAlley, label: "Hẻm", num: true},
	{words: []string{"hẻm"}, kind: kAlley, label: "Hẻm", num: true, rank: 2},
	{words: []string{"ngõ"}, kind: kAlley, label: "Ngõ", num: true},
	{words: []string{"ngách"}, kind: kAlley, label: "Ngách", num: true, rank: 1},
	{words: []string{"kiệt"}, kind: kAlley, label: "Kiệt", num: true},
	{words: []string{"k"}, kind: kAlley, label: "Kiệt", num: true, abbr: true},
	{words: []string{"h"}, kind: kAlley, label: "Hẻm", num: true, abbr: true, rank: 1},

	{words: []string{"đường"}, kind: kStreet, label: "Đường"},
	{words: []string{"đ", "."}, kind: kStreet, label: "Đường"},
	{words: []string{"d", "."}, kind: kStreet, label: "Đường"},
	{words: []string{"phố"}, kind: kStreet, label: "Phố"},
	{words: []string{"đại", "lộ"}, kind: kStreet, label: "Đại lộ"},
	{words: []string{"xa", "lộ"}, kind: kStreet, label: "Xa lộ"},
	{words: []string{"quốc", "lộ"}, kind: kStreet, label: "Quốc lộ"},
	{words: []string{"ql"}, kind: kStreet, label: "Quốc lộ", abbr: true},
	{words: []string{"tỉnh", "lộ"}, kind: kStreet, label: "Tỉnh lộ"},
	{words: []string{"tl"}, kind: kStreet, label: "Tỉnh lộ", abbr: true},
	{words: []string{"hương", "lộ"}, kind: kStreet, label: "Hương lộ"},
	{words: []string{"hl"}, kind: kStreet, label: "Hương lộ", abbr: true},
	{words: []string{"ngã", "ba"}, kind: kStreet, label: "Ngã ba"},
	{words: []string{"ngã", "tư"}, kind: kStreet, label: "Ngã tư"},
	{words: []string{"ngã", "năm"}, kind: kStreet, label: "Ngã năm"},
	{words: []string{"ngã", "sáu"}, kind: kStreet, label: "Ngã sáu"},
	{words: []string{"ngã", "bảy"}, kind: kStreet, label: "Ngã bảy"},

	{words: []string{"khu", "phố"}, kind: kHood, label: "Khu phố"},
	{words: []string{"kp"}, kind: kHood, label: "Khu phố", abbr: true},
	{words: []string{"tổ", "dân", "phố"}, kind: kHood, label: "Tổ dân phố"},
	{words: []string{"tổ"}, kind: kHood, label: "Tổ", num: true},
	{words: []string{"ấp"}, kind: kHood, label: "Ấp"},
	{words: []string{"thôn"}, kind: kHood, label: "Thôn"},
	{words: []string{"xóm"}, kind: kHood, label: "Xóm"},

	{words: []string{"phường"}, kind: kWard, label: "Phường"},
	{words: []string{"p"}, kind: kWard, label: "Phường", abbr: true},
	{words: []string{"f"}, kind: kWard, label: "Phường", abbr: true, num: true},
	{words: []string{"w"}, kind: kWard, label: "Phường", abbr: true, num: true},
	{words: []string{"xã"}, kind: kWard, label: "Xã"},
	{words: []string{"x", "."}, kind: kWard, label: "Xã"},
	{words: []string{"x"}, kind: kWard, label: "Xã", abbr: true},
	{words: []string{"thị", "trấn"}, kind: kWard, label: "Thị trấn"},
	{words: []string{"tt"}, kind: kWard, label: "Thị trấn", abbr: true},
	{words: []string{"đặc", "khu"}, kind: kWard, label: "Đặc khu"},

	{words: []string{"quận"}, kind: kDistrict, label: "Quận"},
	{words: []string{"q"}, kind: kDistrict, label: "Quận", abbr: true},
	{words: []string{"huyện"}, kind: kDistrict, label: "Huyện"},
	{words: []string{"h", "."}, kind: kDistrict, label: "Huyện"},
	{words: []string{"h"}, kind: kDistrict, label: "Huyện", abbr: true}, // after H20, the alley
	{words: []string{"thị", "xã"}, kind: kDistrict, label: "Thị xã"},
	{words: []string{"tx"}, kind: kDistrict, label: "Thị xã", abbr: true},

	{words: []string{"thành", "phố"}, kind: kCity, label: "Thành phố"},
	{words: []string{"tp"}, kind: kCity, label: "Thành phố", abbr: true},
	{words: []string{"tỉnh"}, kind: kProvince, label: "Tỉnh"},

	{words: []string{"tphcm"}, kind: kProvinceName, value: "Hồ Chí Minh"},
	{words: []string{"hcm"}, kind: kProvinceName, value: "Hồ Chí Minh"},
	{words: []string{"hcmc"}, kind: kProvinceName, value: "Hồ Chí Minh"},
	{words: []string{"hồ", "chí", "minh"}, kind: kProvinceName, value: "Hồ Chí Minh"},
	{words: []string{"sg"}, kind: kProvinceName, value: "Hồ Chí Minh", abbr: true},
	{words: []string{"sài", "gòn"}, kind: kProvinceName, value: "Hồ Chí Minh"},
	{words: []string{"saigon"}, kind: kProvinceName, value: "Hồ Chí Minh"},
	{words: []string{"hà", "nội"}, kind: kProvinceName, value: "Hà Nội"},
	{words: []string{"hn"}, kind: kProvinceName, value: "Hà Nội", abbr: true},
	{words: []string{"hanoi"}, kind: kProvinceName, value: "Hà Nội"},
	{words: []string{"đà", "nẵng"}, kind: kProvinceName, value: "Đà Nẵng"},
	{words: []string{"hải", "phòng"}, kind: kProvinceName, value: "Hải Phòng"},
	{words: []string{"cần", "thơ"}, kind: kProvinceName, value: "Cần Thơ"},
	{words: []string{"huế"}, kind: kProvinceName, value: "Huế"},

	{words: []string{"việt", "nam"}, kind: kCountry},
	{words: []string{"vn"}, kind: kCountry, abbr: true},
}

// keywordFolds holds each keyword word's fold and tone fold, made once.
var keywordFolds = func() map[string][2]string {
	m := map[string][2]string{}
	for _, k := range keywords {
		for _, w := range k.words {
			m[w] = [2]string{Fold(w), ToneFold(w)}
		}
	}
	return m
}()

// wordIs says token t spells w: the same letters and marks (tone placement aside), or, when t
// was written without diacritics, the same letters.
// keywordsByFirst files the keywords by the fold of their first word (a token matches a word
// only if it folds alike), in their order, so that a token is tried against its few.
var keywordsByFirst = func() map[string][]keyword {
	m := map[string][]keyword{}
	for _, k := range keywords {
		key := k.words[0]
		if key != "." {
			key = Fold(key)
		}
		m[key] = append(m[key], k)
	}
	return m
}()

// firstKey is the key of keywordsByFirst a token is looked up by.
func firstKey(t token) string {
	if t.punct {
		return t.text
	}
	return t.fold
}

func wordIs(t token, w string) bool {
	f := keywordFolds[w]
	if f == [2]string{} {
		f = [2]string{Fold(w), ToneFold(w)}
	}
	return t.tone == f[1] || (t.plain() && t.fold == f[0])
}

// districtAbbr are the initials of districts written after Q., H. and TP. (Q.TB is Tân Bình).
var districtAbbr = map[string]map[string]string{
	"Quận": {
		"tb": "Tân Bình", "bt": "Bình Thạnh", "pn": "Phú Nhuận", "gv": "Gò Vấp", "tp": "Tân Phú",
		"btan": "Bình Tân", "td": "Thủ Đức", "hk": "Hoàn Kiếm", "bd": "Ba Đình", "dd": "Đống Đa",
		"hbt": "Hai Bà Trưng", "cg": "Cầu Giấy", "tx": "Thanh Xuân", "hm": "Hoàng Mai",
		"lb": "Long Biên", "th": "Tây Hồ", "hd": "Hà Đông", "ntl": "Nam Từ Liêm", "btl": "Bắc Từ Liêm",
	},
	"Huyện": {
		"cc": "Củ Chi", "hm": "Hóc Môn", "bc": "Bình Chánh", "nb": "Nhà Bè", "cg": "Cần Giờ",
		"gl": "Gia Lâm", "da": "Đông Anh", "ss": "Sóc Sơn", "tt": "Thanh Trì",
	},
	"Thành phố": {"td": "Thủ Đức"},
}

// districtNames are the districts of Ho Chi Minh City and Hanoi before the 2025 reform, by fold:
// a bare name after the street is taken for a district when it is one of these.
var districtNames = func() map[string]string {
	m := map[string]string{}
	for _, n := range strings.Split("Bình Thạnh|Bình Tân|Gò Vấp|Phú Nhuận|Tân Bình|Tân Phú|Thủ Đức|"+
		"Bình Chánh|Cần Giờ|Củ Chi|Hóc Môn|Nhà Bè|Ba Đình|Bắc Từ Liêm|Cầu Giấy|Hai Bà Trưng|"+
		"Hoàn Kiếm|Hoàng Mai|Hà Đông|Long Biên|Nam Từ Liêm|Thanh Xuân|Tây Hồ|Đống Đa|Sơn Tây|Ba Vì|"+
		"Chương Mỹ|Gia Lâm|Hoài Đức|Mê Linh|Mỹ Đức|Phú Xuyên|Phúc Thọ|Quốc Oai|Sóc Sơn|Thanh Oai|"+
		"Thanh Trì|Thường Tín|Thạch Thất|Đan Phượng|Đông Anh|Ứng Hòa", "|") {
		m[Fold(n)] = n
	}
	return m
}()

// buildingWords mark a nearby "P.501" as a room.
var buildingWords = []string{"tòa", "toà", "chung", "cc", "cao", "block", "blk", "tầng", "lầu", "căn"}

// districtLabel is the kind of a pre-2025 district named by its fold: Huyện, Thị xã, Thành
// phố or, for the rest, Quận.
func districtLabel(fold string) string {
	switch fold {
	case "binh chanh", "can gio", "cu chi", "hoc mon", "nha be", "ba vi", "chuong my", "gia lam",
		"hoai duc", "me linh", "my duc", "phu xuyen", "phuc tho", "quoc oai", "soc son", "thanh oai",
		"thanh tri", "thuong tin", "thach that", "dan phuong", "dong anh", "ung hoa":
		return "Huyện"
	case "thu duc":
		return "Thành phố"
	case "son tay":
		return "Thị xã"
	}
	return "Quận"
}
