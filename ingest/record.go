package ingest

import (
	"errors"

	"github.com/paulmach/orb"
)

// Record is one feature of a file: N counts from 1 in file order, ID is the source's own id
// when it has one, Props the attributes by their source names (null and empty values left
// out), Geom the geometry in source coordinates (nil when missing or unreadable, as Problems
// then says). RawGeom is a geometry that reads but that the database cannot take as it is (a
// ring not closed): --fix repairs it, and a rejects file gives it back.
type Record struct {
	N        int
	ID       string
	Props    map[string]string
	Geom     orb.Geometry
	RawGeom  orb.Geometry
	Problems []Problem
}

// Problem codes, the report's vocabulary.
const (
	InvalidGeometry   = "invalid_geometry"
	WrongGeometryType = "wrong_geometry_type"
	OutOfBounds       = "out_of_bounds"
	MissingField      = "missing_field"
	BadValue          = "bad_value"
	DuplicateKey      = "duplicate_key"
	NotUnicode        = "not_unicode"
	UnknownStreet     = "unknown_street"
	Rejected          = "rejected" // the database refused the row (a constraint validation missed)
	AxisSwap          = "axis_swap"
	CRSOverridden     = "crs_overridden" // the file names a CRS and the caller gave another
	OfficialValue     = "official_value" // the file's value differs from the official list's, which is kept
	NotOfficial       = "not_official"   // a code the official lists do not have
	Derived           = "derived"        // a value the file lacks, found (by location)
	Implausible       = "implausible"    // allowed, but unlikely to be meant
	Merged            = "merged"         // one of several features written as one (a street's segments)
)

// Actions: what the import does about a problem.
const (
	Refused  = "refused"  // the feature, and so the file, is not written
	Repaired = "repaired" // --fix repaired it and it is written repaired
	Warning  = "warning"  // written as is; the report says why it might be wrong
)

// Problem is one thing wrong with one feature (Feature 0: the file as a whole).
type Problem struct {
	Feature int    `json:"feature"`
	ID      string `json:"id,omitempty"`
	Field   string `json:"field,omitempty"`
	Problem string `json:"problem"`
	Detail  string `json:"detail"`
	Action  string `json:"action"`
}

// Source describes a file being read: its name, format, CRS and how the CRS was found.
type Source struct {
	File   string `json:"file"`
	Format string `json:"format"`
	SRID   int    `json:"srid"`
	// CRSFrom says where SRID came from: "flag", "file" or "default".
	CRSFrom string `json:"crs_from"`
	// FileSRID is the CRS the file itself names when a flag overrode it, 0 otherwise.
	FileSRID int `json:"file_srid,omitempty"`
	// CRSDef is the file's CRS when it has no EPSG code (SRID is then 0 until store matches
	// it against the database's CRSs).
	CRSDef *CRSDef `json:"-"`
	// XYSwapped: the file's x column held northings (Vietnamese "X") and was read as y.
	XYSwapped bool `json:"xy_swapped,omitempty"`
	// Columns are a CSV's attribute columns in order (not its coordinates), for a rejects
	// file to keep them.
	Columns []string `json:"-"`
}

// Reader yields a file's records in order. Next returns io.EOF after the last one. Source
// may change while reading (a CSV's axis order is known at its first row).
type Reader interface {
	Next() (Record, error)
	Source() Source
	Close() error
}

// ErrNeedCRS: the file names no CRS, or none that can be read, and its coordinates are not
// degrees; the caller must give one.
var ErrNeedCRS = errors.New("ingest: the file's CRS is not known")
