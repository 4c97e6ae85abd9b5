package demo

import (
	"time"

	"github.com/paulmach/orb"
)

// The rows the generator produces, one type per table, with WGS84 geometries whose
// coordinates are rounded to 1e-7 degrees. Zero IDs stand for NULL references.

// Unit is a province, district or ward (admin_units). A nil Geom is filled by the
// loader as the union of the unit's children.
type Unit struct {
	Code       string
	Name       string
	Level      string // province, district, ward
	Kind       string // Thành phố, Quận, Huyện, Phường, Xã, Thị trấn
	ParentCode string // "" for provinces
	ValidFrom  time.Time
	ValidTo    time.Time // zero: current
	Geom       orb.MultiPolygon
}

// Street is a named street or an alley (hẻm) off a street or another alley (streets).
type Street struct {
	ID       int64
	Name     string
	Kind     string // street, alley
	ParentID int64
	AlleyNo  string
	Geom     orb.MultiLineString
}

// Parcel is a land parcel (thửa đất) on a cadastral map sheet (parcels).
type Parcel struct {
	ID       int64
	WardCode string // cadastral ward: the old ward the sheet was drawn for
	SheetNo  int
	ParcelNo int
	LandUse  string
	AreaM2   float64 // legal area, rounded to 0.1 m²
	Geom     orb.MultiPolygon
}

// Address is a house number on a street with its registry code and, for some, its national
// code (addresses).
type Address struct {
	ID           int64
	Code         string // 12-digit registry code
	NationalCode string // 10-digit national code (postcode + serial), or ""
	HouseNumber  string
	StreetID     int64
	WardCode     string
	OldWardCode  string
	ParcelID     int64
	Geom         orb.Point
}

// Plan is an approved detailed plan (plans).
type Plan struct {
	ID           int64
	Name         string
	DecisionNo   string
	DecisionDate time.Time
	ApprovedBy   string
	Scale        int
	Geom         orb.MultiPolygon
}

// Zone is one planning zone (ô quy hoạch) of a plan (planning_zones).
type Zone struct {
	ID           int64
	PlanID       int64
	ZoneCode     string
	LandUse      string
	FunctionName string
	FAR          float64
	DensityPct   float64
	FloorsMin    int
	FloorsMax    int
	HeightMaxM   float64
	Geom         orb.MultiPolygon
}

// RoadBoundary is the planned width (lộ giới) of a street along its centre line.
type RoadBoundary struct {
	ID         int64
	StreetID   int64
	StreetName string
	WidthM     float64
	PlanID     int64
	Geom       orb.MultiLineString
}

// Block is what one city block yields: its alleys, parcels, addresses and planning zone.
// The generator reuses a Block between calls; copy what must outlive the callback.
type Block struct {
	Alleys    []Street
	Parcels   []Parcel
	Addresses []Address
	Zone      Zone

	plan blockPlan // where things lie in the plane, for the OpenStreetMap export
}

// blockPlan is a block's layout in uv metres: the block inside its road land, each parcel's
// rectangle and each alley's centre line, in the order of Parcels and Alleys.
type blockPlan struct {
	i, j           int
	kind           blockKind
	x0, y0, x1, y1 float64
	lots           []rectUV
	alleys         []lineUV
	oldWard        *ward
	newWard        *ward
}

type blockKind int

const (
	blockHouses blockKind = iota
	blockInstitution
	blockFarmland
)

type rectUV struct{ x0, y0, x1, y1 float64 }

// lineUV is a straight alley from (u0, v0) to (u1, v1), along u or along v.
type lineUV struct{ u0, v0, u1, v1 float64 }
