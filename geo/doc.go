// Package geo holds bandoso's pure geometry helpers: a local metric plane for building and
// measuring shapes in metres, coordinate rounding, the check characters of digital address
// and registry codes, Open Location Codes (plus codes), and the Web Mercator tile matrix with
// its tiles (Tile) and their vector tile extent and buffer. It knows nothing of the database
// or HTTP. Units are part of the names (AreaM2, xM), and orb's own geo package, when needed,
// is imported as orbgeo.
package geo
