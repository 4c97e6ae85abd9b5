package address_test

import (
	"testing"

	"bandoso/address"
)

// benchPlaces are addresses with qualifiers, landmarks, buildings and alleys, as people write
// them.
var benchPlaces = []string{
	"Đối diện 274, Hai Bà Trưng, Quận 3",
	"Góc Lê Lợi - Pasteur",
	"ngã tư Hai Bà Trưng, Lý Chính Thắng",
	"Chợ Bến Thành",
	"UBND Phường 6, Quận 3",
	"Bệnh viện Chợ Rẫy, 201B Nguyễn Chí Thanh",
	"Phòng 1203, Tầng 12, Tòa nhà Bitexco, 2 Hải Triều, Bến Nghé, Quận 1",
	"Lô B, chung cư Nguyễn Thiện Thuật, Phường 1, Quận 3",
	"Block A2 CC Phú Mỹ Thuận",
	"194 D, Pasteur",
	"274, Hai Bà Trưng, Quận 3",
	"ngõ 12 ngách 3 hẻm 4 Láng Hạ, Đống Đa, Hà Nội",
	"K448 H20/2 Trưng Nữ Vương, Hải Châu, Đà Nẵng",
}

// BenchmarkParse parses the table's addresses and the ones above, with a list of streets.
func BenchmarkParse(b *testing.B) {
	streets := address.NewStreetList()
	for _, s := range []string{"Hai Bà Trưng", "Lê Lợi", "Pasteur", "Lý Chính Thắng", "Nguyễn Chí Thanh", "Hải Triều", "Láng Hạ"} {
		streets.Add(s)
	}
	in := append([]string(nil), benchPlaces...)
	for _, c := range parseCases {
		in = append(in, c.in)
	}
	opt := address.WithStreets(streets)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		address.Parse(in[i%len(in)], opt)
	}
}
