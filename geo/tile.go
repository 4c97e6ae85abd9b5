package geo

import (
	"math"
	"strconv"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
)

// Vector tile geometry (MVT 2.1 §4.3): a tile's own coordinates run from 0 to TileExtent
// across, and features are drawn TileBuffer units beyond each edge so that lines and
// outlines continue across tile seams.
const (
	TileExtent = 4096
	TileBuffer = 64
	// TileMargin is TileBuffer as a fraction of the tile's width: PostGIS's
	// ST_TileEnvelope margin.
	TileMargin = float64(TileBuffer) / TileExtent
)

// Tile is one tile of WebMercatorQuad addressed as XYZ's z/x/y: column X and row Y of tile
// matrix Z, rows counted down from the top. It is orb's maptile.Tile, whose Center, Parent
// and Children it keeps; Valid, Bound, BoundM and BufferBound speak of WebMercatorQuad as
// served here.
type Tile struct{ maptile.Tile }

// NewTile returns tile z/x/y. Coordinates no tile has (negative, or too large for any zoom)
// give a tile that is not Valid.
func NewTile(z, x, y int) Tile {
	if min(z, x, y) < 0 || max(z, x, y) > math.MaxUint32 {
		return Tile{maptile.New(0, 0, MaxZoom+1)}
	}
	return Tile{maptile.New(uint32(x), uint32(y), maptile.Zoom(z))}
}

// Valid reports whether the tile is in WebMercatorQuad: its zoom at most MaxZoom, its column
// and row below 2^z.
func (t Tile) Valid() bool { return t.Z <= MaxZoom && t.Tile.Valid() }

// String is the tile as a path, z/x/y: "16/52192/30793".
func (t Tile) String() string {
	return strconv.Itoa(int(t.Z)) + "/" + strconv.Itoa(int(t.X)) + "/" + strconv.Itoa(int(t.Y))
}

// Bound is the tile's extent in degrees, west, south, east, north.
func (t Tile) Bound() orb.Bound { return t.Tile.Bound() }

// BoundM is the tile's extent in EPSG:3857 metres.
func (t Tile) BoundM() orb.Bound {
	size := 2 * WebMercatorHalfWorldM / float64(MatrixSize(int(t.Z)))
	minX := -WebMercatorHalfWorldM + float64(t.X)*size
	maxY := WebMercatorHalfWorldM - float64(t.Y)*size
	return orb.Bound{Min: orb.Point{minX, maxY - size}, Max: orb.Point{minX + size, maxY}}
}

// BufferBound is the tile grown by units of TileExtent beyond each edge, in degrees: what a
// tile drawn with that buffer may show. As PostGIS's ST_TileEnvelope with a margin does, it
// grows past the antimeridian but stops at the top and bottom of the world (85.0511°).
func (t Tile) BufferBound(units float64) orb.Bound { return t.Tile.Bound(units / TileExtent) }

// TilePoint is the point, in degrees, at fractional tile position f of zoom z (tile widths
// right of and below the world's top left corner): the inverse of maptile.Fraction.
func TilePoint(f orb.Point, z int) orb.Point {
	n := math.Exp2(float64(z))
	return orb.Point{f[0]/n*360 - 180, math.Atan(math.Sinh(math.Pi*(1-2*f[1]/n))) * 180 / math.Pi}
}

// TileAt is the tile of zoom z holding p, in degrees; points beyond the top and bottom of
// the world (85.0511°) fall in its first and last rows.
func TileAt(p orb.Point, z int) Tile { return Tile{maptile.At(p, maptile.Zoom(z))} }
