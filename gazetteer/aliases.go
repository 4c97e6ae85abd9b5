package gazetteer

import "bandoso/address"

// aliases are names people write for units other than their official ones, as keys
// ([address.UnitKey]), by the unit's level and code in either era.
var aliases = []struct {
	level, code string
	keys        []string
}{
	// Thành phố Hồ Chí Minh: TP.HCM, TPHCM, HCM, HCMC, Sài Gòn, SG
	{address.LevelProvince, "79", []string{"hcm", "tphcm", "hcmc", "saigon", "sg", "tpsg"}},
	// Thành phố Hà Nội: HN, TPHN
	{address.LevelProvince, "01", []string{"hn", "tphn"}},
	// Tỉnh Thừa Thiên Huế became Thành phố Huế in 2025 and was called Huế before
	{address.LevelProvince, "46", []string{"hue", "tth"}},
	// Tỉnh Bà Rịa - Vũng Tàu
	{address.LevelProvince, "77", []string{"brvt"}},
	// Thành phố Thủ Đức (769) took in Quận 2 and Quận 9 in 2021; people still write them
	{address.LevelDistrict, "769", []string{"2", "9", "td"}},
}

// shadows are names that, written without their kind word, mean one unit although a unit of
// another level bears them too; that one is found with its kind word ("Phường Thủ Đức").
// Thủ Đức alone is the former city, which people still name years after it was dissolved,
// not the ward of 2025 named after it.
var shadows = []struct{ level, code, key string }{
	{address.LevelDistrict, "769", "thuduc"},
}

// addAliases files each alias under the units of both eras it names.
func (g *Gazetteer) addAliases() {
	for _, a := range aliases {
		for _, era := range []string{address.EraOld, address.EraNew} {
			u, ok := g.Unit(ref(era, a.level, a.code))
			if !ok {
				continue
			}
			for _, k := range a.keys {
				g.index(k, u)
			}
		}
	}
	for _, sh := range shadows {
		var keep []address.Unit
		for _, u := range g.byKey[sh.key] {
			if u.Level == sh.level && u.Code == sh.code {
				keep = append(keep, u)
			} else {
				g.index(address.UnitKey(u.Name), u)
			}
		}
		g.byKey[sh.key] = keep
	}
}
