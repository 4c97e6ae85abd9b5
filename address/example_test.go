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
