// Package streetkeys holds the street names, as real files write them, whose matching key
// address.StreetKey and the database's street_key() must both give: one table for the tests
// of the two twins.
package streetkeys

// Cases maps a name to its key.
var Cases = map[string]string{
	"Pasteur":                    "pasteur",
	"Đường Pasteur":              "pasteur",
	"đường pasteur":              "pasteur",
	"Đ. Pasteur":                 "pasteur",
	"Đ.Pasteur":                  "pasteur",
	"Ðường Pasteur":              "pasteur", // U+00D0
	"Nguyễn Thị Minh Khai":       "nguyenthiminhkhai",
	"Đường Nguyễn Thị Minh Khai": "nguyenthiminhkhai",
	"NGUYỄN THỊ MINH KHAI":       "nguyenthiminhkhai",
	"Phố Huế":                    "hue",
	"Phố Hàng Bạc":               "hangbac",
	"Đại lộ Võ Văn Kiệt":         "vovankiet",
	"Đại Lộ Đông Tây":            "dongtay",
	"Quốc lộ 1A":                 "ql1a",
	"Quốc Lộ 1A":                 "ql1a",
	"QL1A":                       "ql1a",
	"QL.1A":                      "ql1a",
	"ql 1a":                      "ql1a",
	"Tỉnh lộ 10":                 "tl10",
	"TL10":                       "tl10",
	"TL.10":                      "tl10",
	"Hương lộ 2":                 "hl2",
	"HL2":                        "hl2",
	"Đường số 5":                 "so5",
	"Số 5":                       "so5",
	"Đường 3 Tháng 2":            "3thang2",
	"Đường D1":                   "d1",
	"D1":                         "d1",
	"Đường Lê Lợi":               "leloi",
	"Lê Lợi.":                    "leloi",
	"Hẻm 12/4 Nguyễn Trãi":       "hem12/4nguyentrai",
	"Đường Hoà Hưng":             "hoahung",
	"Hòa Hưng":                   "hoahung",
	"Đường":                      "duong",
	"Dương Bá Trạc":              "duongbatrac", // the surname Dương, not the word Đường
	"Đường Dương Bá Trạc":        "duongbatrac",
	"Phó Đức Chính":              "phoducchinh",  // Phó, not Phố
	"duong Pasteur":              "duongpasteur", // without diacritics the word cannot be told from the surname
	"D. Pasteur":                 "pasteur",
	"ĐƯỜNG ĐỒNG KHỞI":            "dongkhoi",
	"Đường Đồng Khởi":            "dongkhoi",
}
