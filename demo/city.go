// Package demo generates bandoso's synthetic demo city, deterministically from a seed and a
// size: wards of the administrative systems before and after the 2025 reform with their
// succession, streets with real Ho Chi Minh City names, blocks cut into tube-house lots,
// alleys (hẻm) with alley-numbered addresses, plans, zones and road boundaries. It is pure
// generation: City.Rows gives each table's rows, and copying them in is store's business.
// WriteOSM writes the same city as OpenStreetMap data, with the quirks of real OSM, to test an
// importer of OSM extracts.
//
// # Topology
//
// The city is built in a plane of metres (u east, v north) as a grid of blocks between
// street centre lines with uneven spacing, then bent by a gentle sinusoidal warp and rotated
// before conversion to WGS84 around 106.70 E, 10.78 N, so streets curve slightly and the map
// is not graph paper. Old wards are rectangles of k×k blocks; new wards are rectangles of
// about 2×2 old wards whose edges sometimes run along a street inside an old ward, which
// moves a boundary inside an old ward. Every ward boundary follows street centre lines, so no
// block straddles a ward of either system. Names and codes of wards and districts are the real
// ones of the official conversion table, but their placement is this grid's: an old ward's area
// on the grid need not lie in the new wards the table says it went into. The relations are
// the table's, loaded by migration 00011; the demo gives the units boundaries only.
//
// # Determinism
//
// The layout draws from a PCG generator seeded by the seed; each block draws from its own
// PCG stream keyed by the seed and the block's index, and blocks are visited in a fixed
// order, so every pass over the city yields the same rows. Coordinates are rounded to 1e-7
// degrees after being computed the same way for every polygon that shares them.
package demo

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"

	"github.com/paulmach/orb"

	"bandoso/geo"
)

// GeneratorVersion changes whenever the same seed and size would give different rows.
const GeneratorVersion = "3"

// Named sizes, in parcels.
const (
	SizeSmall    = 20_000
	SizeDistrict = 100_000
	SizeCity     = 1_000_000
)

// ParseSize reads a size flag: small, district, city, or a number of parcels.
func ParseSize(s string) (int, error) {
	switch s {
	case "small":
		return SizeSmall, nil
	case "district":
		return SizeDistrict, nil
	case "city":
		return SizeCity, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 100 || n > 20_000_000 {
		return 0, fmt.Errorf("demo: size %q is not small, district, city or a number of parcels from 100 to 20000000", s)
	}
	return n, nil
}

// Centre of the demo city (near Bến Thành, District 1).
const (
	centreLon = 106.70
	centreLat = 10.78
)

// The average yield of a block, used to size the grid for a target: outlying blocks of a
// large city are often fields of a few parcels.
const (
	parcelsPerBlock      = 225
	parcelsPerRuralBlock = 172
)

// City is a generated city's layout. Its methods produce rows; Blocks streams the bulk.
type City struct {
	Seed    uint64
	Parcels int // the target; the city yields about this many

	plane        geo.LocalPlane
	sinT, cosT   float64
	ampM, waveM  float64
	ph1, ph2     float64
	colX, rowY   []float64 // centre lines, uv metres
	nx, ny       int       // blocks
	k            int       // blocks per old ward side
	owx, owy     int       // old wards per row, column
	newX, newY   []int     // new ward edges in block indexes, from 0 to nx (ny)
	planStep     int       // new ward columns per plan
	lineNames    []string  // vertical lines 0..nx, then horizontal 0..ny
	oldWards     []ward    // row-major over the old ward grid
	newWards     []ward    // row-major over the new ward grid
	districts    []unitName
	halfWidthU   float64 // city half extent, for the outskirts
	halfHeightV  float64
	ruralOutside bool
}

type ward struct {
	id                 int64
	bx0, by0, bx1, by1 int
	unitName
}

// New lays out the city for seed and a target number of parcels.
func New(seed uint64, parcels int) (*City, error) {
	oldNames, newNames, err := wardNames()
	if err != nil {
		return nil, err
	}
	c := &City{Seed: seed, Parcels: parcels, plane: geo.NewLocalPlane(centreLon, centreLat)}
	r := rand.New(rand.NewPCG(seed, 0x64656d6f)) // "demo"
	perBlock := parcelsPerBlock
	if parcels >= SizeDistrict {
		perBlock = parcelsPerRuralBlock
	}
	blocks := max(4, (parcels+perBlock-1)/perBlock)
	c.nx = max(2, int(math.Round(math.Sqrt(float64(blocks)*0.65))))
	c.ny = (blocks + c.nx - 1) / c.nx
	// k grows until the old and new ward grids fit the real names available; wards on the
	// north and east edges may be cut short.
	for c.k = 3; ; c.k++ {
		c.owx, c.owy = (c.nx+c.k-1)/c.k, (c.ny+c.k-1)/c.k
		if c.owx*c.owy <= len(oldNames) && ((c.owx+2)/2)*((c.owy+2)/2) <= len(newNames) {
			break
		}
	}
	c.colX = spacing(r, c.nx, 170, 250)
	c.rowY = spacing(r, c.ny, 110, 150)
	c.halfWidthU, c.halfHeightV = c.colX[c.nx], c.rowY[c.ny]
	c.ruralOutside = parcels >= SizeDistrict
	theta := (5 + 10*r.Float64()) * math.Pi / 180
	c.sinT, c.cosT = math.Sin(theta), math.Cos(theta)
	c.ampM, c.waveM = 15, 2400
	c.ph1, c.ph2 = 2*math.Pi*r.Float64(), 2*math.Pi*r.Float64()
	c.newX = newWardEdges(r, c.owx, c.k, c.nx)
	c.newY = newWardEdges(r, c.owy, c.k, c.ny)
	c.planStep = 2
	c.lineNames = lineNames(r, c.nx+c.ny+2)
	c.layoutWards(oldNames, newNames)
	return c, nil
}

// spacing returns n+1 centre-line positions with gaps drawn from [lo, hi] metres, centred
// on zero.
func spacing(r *rand.Rand, n int, lo, hi float64) []float64 {
	xs := make([]float64, n+1)
	for i := 1; i <= n; i++ {
		xs[i] = xs[i-1] + math.Round(lo+(hi-lo)*r.Float64())
	}
	mid := math.Round(xs[n] / 2)
	for i := range xs {
		xs[i] -= mid
	}
	return xs
}

// newWardEdges cuts a row of n old wards of k blocks into new wards of about two old wards,
// moving some inner edges half an old ward so that they split the old ward they cross.
func newWardEdges(r *rand.Rand, n, k, blocks int) []int {
	edges := []int{0}
	for i := 2; i < n; i += 2 {
		e := i * k
		if i == 2 || r.IntN(2) == 0 { // the first always, so that every city has split wards
			e += k / 2
		}
		if e < blocks {
			edges = append(edges, e)
		}
	}
	return append(edges, blocks)
}

// lineNames gives each centre line a real street name while they last, then "Đường số N".
func lineNames(r *rand.Rand, n int) []string {
	real := streetNames()
	r.Shuffle(len(real), func(i, j int) { real[i], real[j] = real[j], real[i] })
	names := make([]string, n)
	for i := range names {
		if i < len(real) {
			names[i] = real[i]
		} else {
			names[i] = fmt.Sprintf("Đường số %d", i-len(real)+1)
		}
	}
	return names
}

// warpM maps uv metres to the bent and rotated plane, in metres.
func (c *City) warpM(u, v float64) (x, y float64) {
	x = u + c.ampM*math.Sin(2*math.Pi*v/c.waveM+c.ph1)
	y = v + c.ampM*math.Sin(2*math.Pi*u/c.waveM+c.ph2)
	return x*c.cosT - y*c.sinT, x*c.sinT + y*c.cosT
}

// point maps uv metres to a rounded WGS84 point.
func (c *City) point(u, v float64) orb.Point {
	x, y := c.warpM(u, v)
	lon, lat := c.plane.LonLat(x, y)
	return orb.Point{geo.Round7(lon), geo.Round7(lat)}
}

// vertical and horizontal street ids: line i of the columns, line j of the rows.
func (c *City) colStreet(i int) int64 { return int64(i + 1) }
func (c *City) rowStreet(j int) int64 { return int64(c.nx + 2 + j) }

// namedStreets is the number of named streets; alley ids follow.
func (c *City) namedStreets() int64 { return int64(c.nx + c.ny + 2) }

// mainLine says whether centre line n (of either direction) is a main street.
func mainLine(n int) bool { return n%4 == 0 }

// halfRoadM is half the width of the road land of a centre line, kerb to kerb plus pavement.
func halfRoadM(n int) float64 {
	if mainLine(n) {
		return 14
	}
	return 7
}
