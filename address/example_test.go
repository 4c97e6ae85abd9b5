package address_test

import (
	"fmt"

	"bandoso/address"
)

func ExampleNormHouseNumber() {
	for _, s := range []string{"25b", "120 bis", "176 - 181", "K448 H20/2", "số 5, ngõ 12, ngách 3, hẻm 4", "Ngõ 100", "Lô B2", "Km7+500", "abc"} {
		fmt.Printf("%s → %q\n", s, address.NormHouseNumber(s))
	}
	// Output:
	// 25b → "25B"
	// 120 bis → "120BIS"
	// 176 - 181 → "176-181"
	// K448 H20/2 → "448/20/2"
	// số 5, ngõ 12, ngách 3, hẻm 4 → "12/3/4/5"
	// Ngõ 100 → "ALLEY:100"
	// Lô B2 → "LOT:B2"
	// Km7+500 → "KM:7+500"
	// abc → ""
}

// WithUnits reads the units at the end of an address by name, however abbreviated; someUnits
// is a matcher over a few units (package gazetteer has the whole country's).
func ExampleWithUnits() {
	p := address.Parse("357/28,Ng-T- Thuật,P1,Q3,TP.HồChíMinh.", address.WithUnits(someUnits))
	fmt.Println(p)
	for _, part := range []address.Part{p.Ward, p.District, p.Province} {
		fmt.Printf("%s → %s %s (%s)\n", part.Text, part.Label, part.Value, part.Code)
	}
	// Output:
	// 357/28 Ng-T- Thuật, Phường 1, Quận 3, TP. Hồ Chí Minh
	// P1 → Phường 1 (27160)
	// Q3 → Quận 3 (770)
	// TP.HồChíMinh → Thành phố Hồ Chí Minh (79)
}
