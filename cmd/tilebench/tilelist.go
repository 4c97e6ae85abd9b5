package main

import (
	"context"
	"math/rand/v2"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"bandoso/geo"
	"bandoso/store"
	"bandoso/tiles"
)

// styleLayers are the layers the viewer's style asks for in one tile, in its order.
var styleLayers = []string{"wards", "wards_2024", "plans", "planning_zones", "road_boundaries", "streets", "parcels", "addresses"}

// Tile is one tile request of the benchmark: the named layers at a tile.
type Tile struct {
	Layers []string
	At     geo.Tile
	// qs are the statements the server runs for the tile (tiles.Service.Queries), each with
	// $1..$3 = z, x, y; postgis the same layers drawn by PostGIS (TileQuery.MVTSQL).
	qs      []store.TileQuery
	postgis []string
	// names are the layers qs draw, in the same order.
	names []string
}

// Path is the tile's URL path on the server.
func (t Tile) Path() string {
	return "/tiles/" + strings.Join(t.Layers, ",") + "/" + t.At.String() + ".mvt"
}

// newTile resolves the statements of tile at of layers from svc's catalog.
func newTile(ctx context.Context, svc *tiles.Service, layers []string, at geo.Tile) (Tile, error) {
	t := Tile{Layers: layers, At: at}
	names, qs, err := svc.Queries(ctx, layers, int(at.Z))
	if err != nil {
		return t, err
	}
	t.names = names
	t.qs = qs
	for _, q := range qs {
		t.postgis = append(t.postgis, q.MVTSQL())
	}
	return t, nil
}

// tileRange returns the tiles at zoom z covering b: x0..x1, y0..y1 inclusive.
func tileRange(b orb.Bound, z int) (x0, y0, x1, y1 int) {
	nw, se := geo.TileAt(b.LeftTop(), z), geo.TileAt(b.RightBottom(), z)
	return int(nw.X), int(nw.Y), int(se.X), int(se.Y)
}

// allTiles lists every tile at zoom z over b, row by row.
func allTiles(b orb.Bound, z int) []geo.Tile {
	x0, y0, x1, y1 := tileRange(b, z)
	var out []geo.Tile
	for y := y0; y <= y1; y++ {
		for x := x0; x <= x1; x++ {
			out = append(out, geo.NewTile(z, x, y))
		}
	}
	return out
}

// sampleTiles picks n distinct tiles at zoom z over b, uniformly, the same ones for the same
// seed; all of them when there are no more than n.
func sampleTiles(b orb.Bound, z, n int, seed uint64) []geo.Tile {
	all := allTiles(b, z)
	if len(all) <= n {
		return all
	}
	r := rand.New(rand.NewPCG(seed, uint64(z)))
	r.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
	return all[:n]
}

// viewTiles is a pan-and-zoom sample: at zooms up to allUpTo, every tile over b; deeper,
// views viewports placed at random in b, each the 2×2 tiles around its centre (a screen
// of about 1024 pixels). Positions repeat only by chance, and the same seed gives the same list.
func viewTiles(b orb.Bound, minZ, maxZ, allUpTo, views int, seed uint64) []geo.Tile {
	var out []geo.Tile
	for z := minZ; z <= maxZ; z++ {
		if z <= allUpTo {
			out = append(out, allTiles(b, z)...)
			continue
		}
		r := rand.New(rand.NewPCG(seed, uint64(z)))
		seen := map[geo.Tile]bool{}
		for range views {
			p := orb.Point{b.Min[0] + r.Float64()*(b.Max[0]-b.Min[0]), b.Min[1] + r.Float64()*(b.Max[1]-b.Min[1])}
			f := maptile.Fraction(p, maptile.Zoom(z))
			// the 2×2 block whose shared corner is nearest the centre
			x0, y0 := int(f[0]+0.5)-1, int(f[1]+0.5)-1
			for dy := range 2 {
				for dx := range 2 {
					c := geo.NewTile(z, x0+dx, y0+dy)
					if !seen[c] {
						seen[c] = true
						out = append(out, c)
					}
				}
			}
		}
	}
	return out
}

// benchList is the benchmark's tile list: each position of viewTiles once as the style's
// composite tile and once as a parcels tile.
func benchList(ctx context.Context, svc *tiles.Service, b orb.Bound, views int, seed uint64) ([]Tile, error) {
	var out []Tile
	for _, c := range viewTiles(b, 10, 18, 13, views, seed) {
		for _, layers := range [][]string{styleLayers, {"parcels"}} {
			t, err := newTile(ctx, svc, layers, c)
			if err != nil {
				return nil, err
			}
			out = append(out, t)
		}
	}
	return out, nil
}
