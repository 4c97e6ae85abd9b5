package api

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"bandoso/address"
	"bandoso/gazetteer"
)

// unitsRead are the units of an address in both systems; nil where unknown.
type unitsRead struct {
	oldWard, oldDistrict, oldProvince *address.Unit
	newWard, newProvince              *address.Unit
	warnings                          []parseWarning
}

// placeUnits finds the units p names, those they lie in, and the units of today they went
// into by the conversion table. A unit named but not decided by the parser is explained by a
// warning: it lies in none of the units named with it, or none bears its name.
func placeUnits(p address.Parsed, g *gazetteer.Gazetteer) unitsRead {
	var u unitsRead
	parts := []struct {
		part  address.Part
		level string
	}{{p.Ward, address.LevelWard}, {p.District, address.LevelDistrict}, {p.Province, address.LevelProvince}}
	for i, x := range parts {
		if x.part.IsZero() {
			continue
		}
		unit, ok := g.Unit(address.UnitRef{Era: x.part.Era, Level: x.level, Code: x.part.Code})
		if !ok {
			outer := map[string]address.Part{}
			for _, y := range parts[i+1:] {
				outer[y.level] = y.part
			}
			if w, ok := undecided(p, g, x.part, x.level, outer, len(u.warnings) > 0); ok {
				u.warnings = append(u.warnings, w)
			}
			continue
		}
		switch {
		case x.level == address.LevelWard && unit.Era == address.EraOld:
			u.oldWard = &unit
		case x.level == address.LevelWard:
			u.newWard = &unit
		case x.level == address.LevelDistrict:
			u.oldDistrict = &unit
		case unit.Era == address.EraOld:
			u.oldProvince = &unit
		default:
			u.newProvince = &unit
		}
	}
	u.convert(g)
	u.fill(g)
	return u
}

// convert finds the new ward of the old one by the table; a split leaves it unknown.
func (u *unitsRead) convert(g *gazetteer.Gazetteer) {
	if u.oldWard == nil || u.newWard != nil {
		return
	}
	c, ok := g.Convert(u.oldWard.UnitRef)
	if !ok {
		u.warnings = append(u.warnings, parseWarning{warnNotConverted,
			fmt.Sprintf("the conversion table has no row for %s (%s)", u.oldWard.Name, u.oldWard.Code)})
		return
	}
	var names []string
	var provinces []address.UnitRef
	for _, n := range c.New {
		names = append(names, fmt.Sprintf("%s (%s)", n.Unit.Name, n.Unit.Code))
		for _, in := range n.Unit.In {
			if in.Era == address.EraNew && in.Level == address.LevelProvince && !slices.Contains(provinces, in) {
				provinces = append(provinces, in)
			}
		}
	}
	if len(provinces) == 1 && u.newProvince == nil {
		if p, ok := g.Unit(provinces[0]); ok {
			u.newProvince = &p
		}
	}
	if c.NeedsLocation {
		u.warnings = append(u.warnings, parseWarning{warnNeedsLocation, fmt.Sprintf(
			"%s was split in 2025: the address lies in %s, by where it is; give its location to /v1/convert",
			u.oldWard.Name, strings.Join(names, " or "))})
		return
	}
	u.newWard = &c.New[0].Unit
}

// fill names the units the known ones lie in: an old ward's district and province, a new
// ward's province; the province of today of an old district or province.
func (u *unitsRead) fill(g *gazetteer.Gazetteer) {
	within := func(of *address.Unit, era, level string) *address.Unit {
		if of == nil {
			return nil
		}
		var found *address.Unit
		for _, in := range of.In {
			if in.Era != era || in.Level != level {
				continue
			}
			if found != nil {
				return nil // several: not known
			}
			if unit, ok := g.Unit(in); ok {
				found = &unit
			}
		}
		return found
	}
	if u.oldDistrict == nil {
		u.oldDistrict = within(u.oldWard, address.EraOld, address.LevelDistrict)
	}
	if u.oldProvince == nil {
		u.oldProvince = cmpOr(within(u.oldWard, address.EraOld, address.LevelProvince), within(u.oldDistrict, address.EraOld, address.LevelProvince))
	}
	if u.newProvince == nil {
		u.newProvince = cmpOr(within(u.newWard, address.EraNew, address.LevelProvince), within(u.oldDistrict, address.EraNew, address.LevelProvince))
	}
	if u.newProvince == nil && u.oldProvince != nil {
		if p, ok := g.ProvinceSince(u.oldProvince.UnitRef); ok {
			u.newProvince = &p
		}
	}
}

// cmpOr is the first of its arguments that is not nil.
func cmpOr(us ...*address.Unit) *address.Unit {
	for _, u := range us {
		if u != nil {
			return u
		}
	}
	return nil
}

// undecided explains a unit part the parser read by its keyword but did not decide: the
// units bearing its name lie in none of the units named after it (outer, by level), or no
// unit bears it. A name fitting several units is the parser's own warning; a name that
// fits but for the units named before it, once they are explained, needs none.
func undecided(p address.Parsed, g *gazetteer.Gazetteer, part address.Part, level string, outer map[string]address.Part, explained bool) (parseWarning, bool) {
	if slices.ContainsFunc(p.Units, func(m address.UnitMatch) bool { return m.Reason != "" && m.Part.Start == part.Start }) {
		return parseWarning{}, false
	}
	named := written(part)
	var found []address.Unit
	for _, key := range []string{address.UnitKey(*named), address.UnitKey(part.Value)} {
		for _, c := range g.MatchUnit(key, false) {
			if c.Level == level && !slices.ContainsFunc(found, func(f address.Unit) bool { return f.UnitRef == c.UnitRef }) {
				found = append(found, c)
			}
		}
	}
	if len(found) == 0 {
		return parseWarning{warnUnknownUnit, fmt.Sprintf("no %s is named %s", level, *named)}, true
	}
	var given []string
	code := ""
	for _, l := range []string{address.LevelDistrict, address.LevelProvince} {
		if w := written(outer[l]); w != nil {
			given = append(given, *w)
			code = cmp.Or(code, level+"_not_in_"+l)
		}
	}
	if code == "" {
		if explained {
			return parseWarning{}, false
		}
		return parseWarning{warnUnknownUnit, fmt.Sprintf("%s fits no unit named with it", *named)}, true
	}
	var where []string
	for i, c := range found {
		if i == 5 {
			where = append(where, fmt.Sprintf("and %d more", len(found)-i))
			break
		}
		where = append(where, fmt.Sprintf("%s (%s, %s)", c.Name, c.Code, c.Within))
	}
	return parseWarning{code, fmt.Sprintf("%s does not lie in %s: the %ss so named are %s; none is chosen",
		*named, strings.Join(given, ", "), level, strings.Join(where, "; "))}, true
}

// officialUnit is a unit's code and official name; nil for none.
func officialUnit(u *address.Unit) *unitJSON {
	if u == nil {
		return nil
	}
	return &unitJSON{Code: u.Code, Name: u.Name}
}
