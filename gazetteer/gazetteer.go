// Package gazetteer knows every administrative unit of Việt Nam (đơn vị hành chính) by name:
// the provinces, districts and wards before the 2025 reform, the provinces and wards since
// 1 July 2025, and how each old unit went into the new ones. It recognises names as people
// write them, without diacritics, abbreviated or run together, for the address parser
// ([address.WithUnits]), and converts old units to new ones.
//
// The data are the official lists and the conversion table embedded by package migrations
// (migrations/reference/SOURCE.md); nothing is read from a database.
package gazetteer

import (
	"sync"

	"bandoso/address"
	"bandoso/migrations"
)

// Gazetteer is an index of administrative units by name and by code. It is read-only once
// built and safe for concurrent use.
type Gazetteer struct {
	units   []address.Unit
	byRef   map[address.UnitRef]int
	byKey   map[string][]address.Unit
	deletes map[string][]string // a key less one letter → the keys it comes from (typos)
	succ    map[address.UnitRef][]succession
}

var (
	official     *Gazetteer
	officialErr  error
	officialOnce sync.Once
)

// Official returns the gazetteer of the embedded official lists, built on first use (about
// 14,000 units) and shared. It panics when the embedded data do not parse, which a test of
// this package rules out for any build.
func Official() *Gazetteer {
	officialOnce.Do(func() {
		units, err := migrations.OfficialUnits()
		if err != nil {
			officialErr = err
			return
		}
		table, err := migrations.NationalConversionTable()
		if err != nil {
			officialErr = err
			return
		}
		official = New(units, table)
	})
	if officialErr != nil {
		panic("gazetteer: embedded data: " + officialErr.Error())
	}
	return official
}

// Unit returns the unit ref names.
func (g *Gazetteer) Unit(ref address.UnitRef) (address.Unit, bool) {
	i, ok := g.byRef[ref]
	if !ok {
		return address.Unit{}, false
	}
	return g.units[i], true
}

// Units returns every unit, in the order of the lists it was built from. The slice must not
// be modified.
func (g *Gazetteer) Units() []address.Unit { return g.units }

// MatchUnit implements [address.UnitMatcher].
func (g *Gazetteer) MatchUnit(key string, near bool) []address.Unit {
	if near {
		return g.near(key)
	}
	return g.byKey[key]
}

// Lookup reads s as administrative units only, right to left, and returns each unit named
// with its candidates: the one unit that fits, or every unit that fits equally well with the
// reason. Units named together must lie in one another, in any order: "P1, Q3, TP.HCM",
// "Hồ Chí Minh, Quận 3, Phường 1", "Thị trấn Yên Viên, Gia Lâm".
func (g *Gazetteer) Lookup(s string) []address.UnitMatch { return address.ReadUnits(s, g) }
