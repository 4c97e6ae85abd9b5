package geo

import "math"

// WebMercatorQuad is the OGC 2D Tile Matrix Set 2.0 (OGC 17-083r4, Annex D.1) for Web
// Mercator, EPSG:3857: at zoom z the square world is a matrix of 2^z by 2^z tiles of 256 by
// 256 cells, counted from the top left corner. It is the XYZ scheme of web maps; its tile
// matrix identifiers are the zooms "0" to "24", its rows are XYZ's y and its columns x.
const (
	// MaxZoom is the deepest tile matrix the OGC definition lists, and the deepest zoom
	// served.
	MaxZoom = 24
	// TileSizePx is the width and height of a WebMercatorQuad tile in cells.
	TileSizePx = 256
	// VectorTileSizePx is the width, in CSS pixels, at which MapLibre draws a vector tile
	// (its default tileSize for vector sources): at map zoom z it shows tiles of zoom z.
	VectorTileSizePx = 512
	// WebMercatorHalfWorldM is half the width of the Web Mercator world in metres: π times
	// the WGS84 semi-major axis, the sphere EPSG:3857 projects on.
	WebMercatorHalfWorldM = math.Pi * wgs84A
)

// standardPixelM is the size of the "standardized rendering pixel", 0.28 mm, that turns a
// cell size into a scale denominator (OGC 17-083r4 §6.1.1, from WMS 1.3 and SLD).
const standardPixelM = 0.00028

// CellSizeM is the width of one cell of WebMercatorQuad's tile matrix z, in metres at the
// equator: 156543.03392804097 at zoom 0, halving at each zoom.
func CellSizeM(z int) float64 {
	return 2 * WebMercatorHalfWorldM / (TileSizePx * math.Exp2(float64(z)))
}

// ScaleDenominator is the scale denominator of tile matrix z: its cell size over the
// standardized rendering pixel, 559082264.0287178 at zoom 0.
func ScaleDenominator(z int) float64 { return CellSizeM(z) / standardPixelM }

// CSSPixelM is the width of one CSS pixel of a vector tile of zoom z as MapLibre draws it, in
// metres at the equator: 78271.51696402048 at zoom 0, halving at each zoom.
func CSSPixelM(z int) float64 { return CellSizeM(z) * TileSizePx / VectorTileSizePx }

// MatrixSize is the number of tiles across (and down) tile matrix z: 2^z.
func MatrixSize(z int) int { return 1 << z }
