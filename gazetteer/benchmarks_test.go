package gazetteer_test

import (
	"slices"
	"testing"
	"time"

	"bandoso/address"
	"bandoso/gazetteer"
)

// noisy are addresses as people type them: run together, abbreviated, without diacritics or
// keywords, in either system.
var noisy = []string{
	"357/28,Ng-T- Thuật,P1,Q3,TP.HồChíMinh.",
	"122 Hàm Nghi, Q1, TPHCM",
	"123/45/6A Nguyễn Trãi P.Bến Thành Q.1 HCM",
	"số 5 ngõ 10 ngách 3 Láng Hạ, Đống Đa, Hà Nội",
	"12 Đường 3/2, F12, Q10",
	"45 Cách Mạng Tháng 8, P.11, Q.3, TP.HCM",
	"123 nguyen trai phuong ben thanh quan 1",
	"18 Phố Huế, P.Phố Huế, Q.Hai Bà Trưng, HN",
	"Số 7 ngõ 12 Quán Thánh, Phuong Quan Thanh, Quan Ba Dinh, Ha Noi",
	"Thôn Đông, TT.Yên Viên, H.Gia Lâm, TP Hà Nội",
	"25 Lê Lợi, Phường Minh Xuân, Tuyên Quang",
	"KP3, P.Linh Trung, TP.Thủ Đức, TP.HCM",
	"Ấp 3, X.Tân Thạnh Đông, H.Củ Chi, TPHCM",
	"88 Trần Hưng Đạo, Phường Sài Gòn, Hồ Chí Minh",
	"12A Nguyễn Văn Cừ, TX.Dĩ An, Bình Dương",
	"7 duong so 5 phuong binh tri dong b quan binh tan tphcm",
	"56 BếnNghé,Q1,SàiGòn",
	"9 Lý Thường Kiệt, P.Văn Quán, Q.Hà Đông, Hà Nội, Việt Nam",
}

// BenchmarkParseNoisy parses noisy addresses with the national gazetteer and reports the
// median and 99th percentile of one parse.
func BenchmarkParseNoisy(b *testing.B) {
	opt := address.WithUnits(gazetteer.Official())
	times := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		t0 := time.Now()
		address.Parse(noisy[i%len(noisy)], opt)
		times = append(times, time.Since(t0))
	}
	b.StopTimer()
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2].Nanoseconds()), "p50-ns")
	b.ReportMetric(float64(times[len(times)*99/100].Nanoseconds()), "p99-ns")
}

// BenchmarkParseNoisyKeywords is the same addresses without the gazetteer, for comparison.
func BenchmarkParseNoisyKeywords(b *testing.B) {
	for i := 0; b.Loop(); i++ {
		address.Parse(noisy[i%len(noisy)])
	}
}
