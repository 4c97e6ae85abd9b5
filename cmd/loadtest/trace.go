package main

import (
	"math"
	"math/rand/v2"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"bandoso/geo"
)

// View is a map viewport: its centre in degrees and its integer zoom.
type View struct {
	Centre orb.Point
	Zoom   int
}

// worldPixel is p in Web Mercator pixels of MapLibre's vector tiles at zoom z.
func worldPixel(p orb.Point, z int) (x, y float64) {
	f := maptile.Fraction(p, maptile.Zoom(z))
	return f[0] * geo.VectorTileSizePx, f[1] * geo.VectorTileSizePx
}

// pixelPoint is the inverse of worldPixel.
func pixelPoint(x, y float64, z int) orb.Point {
	return geo.TilePoint(orb.Point{x / geo.VectorTileSizePx, y / geo.VectorTileSizePx}, z)
}

// screenTiles lists the tiles a w×h pixel screen centred on v needs, row by row, as MapLibre
// asks for them: every tile the screen touches, none outside the world.
func screenTiles(v View, w, h int) []geo.Tile {
	cx, cy := worldPixel(v.Centre, v.Zoom)
	n := geo.MatrixSize(v.Zoom)
	const size = geo.VectorTileSizePx
	x0 := int(math.Floor((cx - float64(w)/2) / size))
	x1 := int(math.Floor((cx + float64(w)/2 - 1e-9) / size))
	y0 := int(math.Floor((cy - float64(h)/2) / size))
	y1 := int(math.Floor((cy + float64(h)/2 - 1e-9) / size))
	var out []geo.Tile
	for y := max(y0, 0); y <= min(y1, n-1); y++ {
		for x := max(x0, 0); x <= min(x1, n-1); x++ {
			out = append(out, geo.NewTile(v.Zoom, x, y))
		}
	}
	return out
}

// Trace is one user's pan-and-zoom session: a seeded random walk of a viewport over an
// extent. Each step pans by up to half a screen or zooms in or out by one, and yields the
// tiles the new view needs that the last view did not have (the map keeps those).
type Trace struct {
	b          orb.Bound
	minZ, maxZ int
	w, h       int
	r          *rand.Rand
	view       View
	shown      map[geo.Tile]bool
	pending    []geo.Tile
}

// NewTrace starts a walk at a random place in b at a random zoom in minZ..maxZ.
func NewTrace(b orb.Bound, minZ, maxZ, w, h int, seed uint64) *Trace {
	t := &Trace{b: b, minZ: minZ, maxZ: maxZ, w: w, h: h, r: rand.New(rand.NewPCG(seed, 0x7ace))}
	t.view = View{Centre: randomPoint(t.r, b), Zoom: minZ + t.r.IntN(maxZ-minZ+1)}
	t.show()
	return t
}

// View is the current viewport.
func (t *Trace) View() View { return t.view }

// Next returns the next tile to fetch, stepping the walk whenever the view's new tiles are
// all handed out (a step that needs none, rare, is stepped past).
func (t *Trace) Next() geo.Tile {
	for len(t.pending) == 0 {
		t.Step()
	}
	tile := t.pending[0]
	t.pending = t.pending[1:]
	return tile
}

// Step moves the viewport once and queues the tiles it newly needs.
func (t *Trace) Step() {
	v := t.view
	switch p := t.r.Float64(); {
	case p < 0.15 && v.Zoom < t.maxZ:
		v.Zoom++
	case p < 0.30 && v.Zoom > t.minZ:
		v.Zoom--
	default:
		// Pan: up to half a screen each way, as a drag does.
		x, y := worldPixel(v.Centre, v.Zoom)
		x += (t.r.Float64() - 0.5) * float64(t.w)
		y += (t.r.Float64() - 0.5) * float64(t.h)
		v.Centre = pixelPoint(x, y, v.Zoom)
	}
	// Stay over the city: a walk that leaves it is put back on its edge.
	for i := range v.Centre {
		v.Centre[i] = min(max(v.Centre[i], t.b.Min[i]), t.b.Max[i])
	}
	t.view = v
	t.show()
}

// show queues the tiles of the current view not in the previous one.
func (t *Trace) show() {
	tiles := screenTiles(t.view, t.w, t.h)
	shown := make(map[geo.Tile]bool, len(tiles))
	for _, tile := range tiles {
		shown[tile] = true
		if !t.shown[tile] {
			t.pending = append(t.pending, tile)
		}
	}
	t.shown = shown
}
