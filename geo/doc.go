// Package geo holds bandoso's pure geometry helpers: a local metric plane for building and
// measuring shapes in metres, coordinate rounding, the check characters of digital address
// and registry codes, and Open Location Codes (plus codes). It knows nothing of the database
// or HTTP. Units are part of the names (AreaM2, xM), and orb's own geo package, when needed,
// is imported as orbgeo.
package geo
