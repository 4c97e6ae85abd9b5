package gazetteer

import (
	"slices"
	"strings"

	"bandoso/address"
	"bandoso/migrations"
)

// New builds a gazetteer from official units (before and after the reform) and the rows of
// the conversion table; rows naming units not among them are ignored. Tests build one from a
// few rows.
func New(units []migrations.OfficialUnit, table []migrations.ConversionRow) *Gazetteer {
	g := &Gazetteer{byRef: map[address.UnitRef]int{}, byKey: map[string][]address.Unit{},
		deletes: map[string][]string{}, succ: map[address.UnitRef][]succession{}}
	for _, o := range units {
		u := address.Unit{UnitRef: address.UnitRef{Era: o.Era, Level: o.Level, Code: o.Code}, Name: o.Name, Kind: o.Kind}
		// the kind word the name opens with is what people write, and the lists' kind column
		// disagrees with it now and then (Phường 5 of Phú Nhuận, 27046, is listed as a xã)
		if k := migrations.Kind(o.Name); k != "" {
			u.Kind = k
		}
		if _, dup := g.byRef[u.UnitRef]; dup {
			continue
		}
		switch o.Level {
		case address.LevelWard:
			if o.Era == address.EraOld {
				u.In = append(u.In, ref(o.Era, address.LevelDistrict, o.ParentCode))
			}
			u.In = append(u.In, ref(o.Era, address.LevelProvince, o.ProvinceCode))
		case address.LevelDistrict:
			u.In = append(u.In, ref(o.Era, address.LevelProvince, o.ProvinceCode))
		}
		g.byRef[u.UnitRef] = len(g.units)
		g.units = append(g.units, u)
	}
	g.addTable(table)
	for i := range g.units {
		g.units[i].Within = g.within(g.units[i])
	}
	for _, u := range g.units {
		g.index(address.UnitKey(u.Bare()), u)
	}
	g.addAliases()
	return g
}

func ref(era, level, code string) address.UnitRef {
	return address.UnitRef{Era: era, Level: level, Code: code}
}

// addTable links old and new units across the reform: an old ward or district lies in the
// new province it went into, and a new ward in the old district and province it came from,
// so that an address mixing the two systems fits; and it records each old unit's successors.
func (g *Gazetteer) addTable(table []migrations.ConversionRow) {
	for _, r := range table {
		newWard := ref(address.EraNew, address.LevelWard, r.New.Code)
		newProvince := ref(address.EraNew, address.LevelProvince, r.NewProvince.Code)
		oldDistrict := ref(address.EraOld, address.LevelDistrict, r.OldDistrict.Code)
		oldProvince := ref(address.EraOld, address.LevelProvince, r.OldProvince.Code)
		old := oldDistrict // a whole district became the new unit (Huyện Côn Đảo → Đặc khu Côn Đảo)
		switch {
		case r.Old.Code != "":
			old = ref(address.EraOld, address.LevelWard, r.Old.Code)
		case r.Old.Name != "":
			continue // a stretch of land no ward held
		}
		if _, ok := g.byRef[old]; !ok {
			continue
		}
		if _, ok := g.byRef[newWard]; !ok {
			continue
		}
		g.addIn(old, newProvince)
		g.addIn(oldDistrict, newProvince)
		g.addIn(oldProvince, newProvince) // the provinces its wards went into (ProvinceSince)
		g.addIn(newWard, oldDistrict)
		g.addIn(newWard, oldProvince)
		g.succ[old] = append(g.succ[old], succession{to: newWard, note: r.Note})
	}
}

// addIn says unit u lies in unit in, when both are known.
func (g *Gazetteer) addIn(u, in address.UnitRef) {
	i, ok := g.byRef[u]
	if _, known := g.byRef[in]; !ok || !known || slices.Contains(g.units[i].In, in) {
		return
	}
	g.units[i].In = append(g.units[i].In, in)
}

// within names the district and province a unit lies in, in its own era.
func (g *Gazetteer) within(u address.Unit) string {
	var names []string
	for _, r := range u.In {
		if r.Era != u.Era {
			continue
		}
		if p, ok := g.Unit(r); ok {
			names = append(names, p.Name)
		}
	}
	return strings.Join(names, ", ")
}

// index files u under key, once.
func (g *Gazetteer) index(key string, u address.Unit) {
	if key == "" {
		return
	}
	us := g.byKey[key]
	if slices.ContainsFunc(us, func(v address.Unit) bool { return v.UnitRef == u.UnitRef }) {
		return
	}
	if len(us) == 0 && letters(key) >= minTypoLetters {
		for _, d := range deletions(key) {
			if !slices.Contains(g.deletes[d], key) {
				g.deletes[d] = append(g.deletes[d], key)
			}
		}
	}
	g.byKey[key] = append(us, u)
}
