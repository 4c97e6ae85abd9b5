package gazetteer

import (
	"strings"

	"bandoso/address"
)

type succession struct {
	to   address.UnitRef
	note string
}

// Successor is a unit of the system since 2025-07-01 that an old unit went into.
type Successor struct {
	Unit address.Unit
	// Whole says the old unit went into it whole (merged, unchanged or renamed); otherwise
	// only part of the old unit did, and another successor holds the rest.
	Whole bool
	Note  string // the conversion table's note, verbatim: "Nhập toàn bộ", "Nhập một phần"
}

// Conversion is where an old unit went in the 2025 reform.
type Conversion struct {
	Old address.Unit
	New []Successor
	// NeedsLocation says the old unit was split between several new ones: which one an
	// address of it is in depends on where it lies, which its name cannot tell.
	NeedsLocation bool
}

// Convert returns the successors of old unit old (a ward, or an island district that became
// a đặc khu), by the official conversion table; false when the table has no row for it.
func (g *Gazetteer) Convert(old address.UnitRef) (Conversion, bool) {
	rows := g.succ[old]
	u, ok := g.Unit(old)
	if !ok || len(rows) == 0 {
		return Conversion{}, false
	}
	c := Conversion{Old: u, NeedsLocation: len(rows) > 1}
	for _, r := range rows {
		n, _ := g.Unit(r.to)
		c.New = append(c.New, Successor{Unit: n, Whole: !strings.HasPrefix(r.note, "Nhập một phần"), Note: r.note})
	}
	return c, true
}

// ProvinceSince returns the province since 2025-07-01 that old province old went into, by the
// conversion table: Tỉnh Bình Dương (74) into Thành phố Hồ Chí Minh (79). False when the
// table sends its wards into several provinces, or has none of them.
func (g *Gazetteer) ProvinceSince(old address.UnitRef) (address.Unit, bool) {
	u, ok := g.Unit(old)
	if !ok || old.Level != address.LevelProvince {
		return address.Unit{}, false
	}
	var to []address.UnitRef
	for _, in := range u.In {
		if in.Era == address.EraNew && in.Level == address.LevelProvince {
			to = append(to, in)
		}
	}
	if len(to) != 1 {
		return address.Unit{}, false
	}
	return g.Unit(to[0])
}
