package geo_test

import (
	"fmt"

	"bandoso/geo"
)

func ExampleLocalPlane() {
	p := geo.NewLocalPlane(106.70, 10.78)
	lon, lat := p.LonLat(1000, 1000) // one kilometre east and north
	fmt.Printf("%.7f %.7f\n", geo.Round7(lon), geo.Round7(lat))
	// Output: 106.7091435 10.7890405
}

func ExampleEncodeOLC() {
	code, _ := geo.EncodeOLC(10.776889, 106.700806, 0) // Saigon Opera House, default length
	fmt.Println(code)
	a, _ := geo.DecodeOLC(code)
	fmt.Printf("%.6f %.6f %.6f %.6f\n", a.LatLo, a.LngLo, a.LatHi, a.LngHi)
	short, _ := geo.ShortenOLC(code, 10.78, 106.70)
	fmt.Println(short)
	full, _ := geo.RecoverNearestOLC(short, 10.78, 106.70)
	fmt.Println(full)
	// Output:
	// 7P28QPG2+Q8
	// 10.776875 106.700750 10.777000 106.700875
	// G2+Q8
	// 7P28QPG2+Q8
}

func ExampleRegistryCode() {
	code, _ := geo.RegistryCode(12345678901)
	fmt.Println(geo.FormatRegistryCode(code))
	serial, err := geo.ParseRegistryCode("1234-5678-9018")
	fmt.Println(serial, err)
	_, err = geo.ParseRegistryCode("1234 5678 9108") // two digits swapped
	fmt.Println(err)
	// Output:
	// 1234 5678 9018
	// 12345678901 <nil>
	// geo: registry code check digit does not match
}
