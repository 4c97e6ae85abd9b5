package geo_test

import (
	"fmt"

	"bandoso/geo"
)

func ExampleAddressCode() {
	code := geo.AddressCode(123456)
	fmt.Println(code)
	serial, err := geo.ParseAddressCode(code)
	fmt.Println(serial, err)
	fmt.Println(geo.ValidAddressCode("003RJ90")) // last two characters swapped
	// Output:
	// 003RJ09
	// 123456 <nil>
	// false
}

func ExampleLocalPlane() {
	p := geo.NewLocalPlane(106.70, 10.78)
	lon, lat := p.LonLat(1000, 1000) // one kilometre east and north
	fmt.Printf("%.7f %.7f\n", geo.Round7(lon), geo.Round7(lat))
	// Output: 106.7091435 10.7890405
}
