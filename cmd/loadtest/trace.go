package main

import (
	"math"
	"math/rand/v2"
	"strconv"
)

// Bounds is an extent in degrees: west, south, east, north.
type Bounds [4]float64

// tileSize is the pixel size MapLibre gives a vector tile source without a tileSize: at map
// zoom z it draws tiles of zoom z, 512 pixels wide.
const tileSize = 512

// Tile is one tile position.
type Tile struct{ Z, X, Y int }

func (t Tile) String() string {
	return strconv.Itoa(t.Z) + "/" + strconv.Itoa(t.X) + "/" + strconv.Itoa(t.Y)
}

// View is a map viewport: its centre in degrees and its integer zoom.
type View struct {
	Lon, Lat float64
	Zoom     int
}

// worldPixel returns lon, lat in Web Mercator pixels at zoom z (512-pixel tiles).
func worldPixel(lon, lat float64, z int) (x, y float64) {
	size := tileSize * math.Exp2(float64(z))
	s := math.Sin(lat * math.Pi / 180)
	x = (lon + 180) / 360 * size
	y = (0.5 - math.Log((1+s)/(1-s))/(4*math.Pi)) * size
	return x, y
}

// lonLat is the inverse of worldPixel.
func lonLat(x, y float64, z int) (lon, lat float64) {
	size := tileSize * math.Exp2(float64(z))
	lon = x/size*360 - 180
	n := math.Pi - 2*math.Pi*y/size
	lat = 180 / math.Pi * math.Atan(math.Sinh(n))
	return lon, lat
}

// screenTiles lists the tiles a w×h pixel screen centred on v needs, row by row, as MapLibre
// asks for them: every tile the screen touches, none outside the world.
func screenTiles(v View, w, h int) []Tile {
	cx, cy := worldPixel(v.Lon, v.Lat, v.Zoom)
	n := 1 << v.Zoom
	x0 := int(math.Floor((cx - float64(w)/2) / tileSize))
	x1 := int(math.Floor((cx + float64(w)/2 - 1e-9) / tileSize))
	y0 := int(math.Floor((cy - float64(h)/2) / tileSize))
	y1 := int(math.Floor((cy + float64(h)/2 - 1e-9) / tileSize))
	var out []Tile
	for y := max(y0, 0); y <= min(y1, n-1); y++ {
		for x := max(x0, 0); x <= min(x1, n-1); x++ {
			out = append(out, Tile{v.Zoom, x, y})
		}
	}
	return out
}

// Trace is one user's pan-and-zoom session: a seeded random walk of a viewport over an
// extent. Each step pans by up to half a screen or zooms in or out by one, and yields the
// tiles the new view needs that the last view did not have (the map keeps those).
type Trace struct {
	b          Bounds
	minZ, maxZ int
	w, h       int
	r          *rand.Rand
	view       View
	shown      map[Tile]bool
	pending    []Tile
}

// NewTrace starts a walk at a random place in b at a random zoom in minZ..maxZ.
func NewTrace(b Bounds, minZ, maxZ, w, h int, seed uint64) *Trace {
	t := &Trace{b: b, minZ: minZ, maxZ: maxZ, w: w, h: h, r: rand.New(rand.NewPCG(seed, 0x7ace))}
	t.view = View{
		Lon:  b[0] + t.r.Float64()*(b[2]-b[0]),
		Lat:  b[1] + t.r.Float64()*(b[3]-b[1]),
		Zoom: minZ + t.r.IntN(maxZ-minZ+1),
	}
	t.show()
	return t
}

// View is the current viewport.
func (t *Trace) View() View { return t.view }

// Next returns the next tile to fetch, stepping the walk whenever the view's new tiles are
// all handed out (a step that needs none, rare, is stepped past).
func (t *Trace) Next() Tile {
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
		x, y := worldPixel(v.Lon, v.Lat, v.Zoom)
		x += (t.r.Float64() - 0.5) * float64(t.w)
		y += (t.r.Float64() - 0.5) * float64(t.h)
		v.Lon, v.Lat = lonLat(x, y, v.Zoom)
	}
	// Stay over the city: a walk that leaves it is put back on its edge.
	v.Lon = min(max(v.Lon, t.b[0]), t.b[2])
	v.Lat = min(max(v.Lat, t.b[1]), t.b[3])
	t.view = v
	t.show()
}

// show queues the tiles of the current view not in the previous one.
func (t *Trace) show() {
	tiles := screenTiles(t.view, t.w, t.h)
	shown := make(map[Tile]bool, len(tiles))
	for _, tile := range tiles {
		shown[tile] = true
		if !t.shown[tile] {
			t.pending = append(t.pending, tile)
		}
	}
	t.shown = shown
}
