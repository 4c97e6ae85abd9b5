// Package geo holds bandoso's pure geometry helpers: a local metric plane for building and
// measuring shapes in metres, coordinate rounding, and the check character of digital
// address codes. It knows nothing of the database or HTTP. Units are part of the names
// (AreaM2, xM), and orb's own geo package, when needed, is imported as orbgeo.
package geo
