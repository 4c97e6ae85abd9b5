package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"net/url"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
)

// Kind is one kind of request in the mix.
type Kind int

const (
	kindTiles Kind = iota
	kindItems
	kindGeocode
	kindReverse
	kindPlanning
	numKinds
)

var kindNames = [numKinds]string{"tiles", "items", "geocode", "reverse", "planning"}

func (k Kind) String() string { return kindNames[k] }

// Workload hands out the requests of the mix, each kind drawn by its weight from one seeded
// generator: the same seed and data give the same requests in the same order.
type Workload struct {
	r       *rand.Rand
	b       orb.Bound
	layers  string
	traces  []*Trace
	turn    int
	weights [numKinds]int
	total   int
	// Drawn from the city before the run (see prepare.go).
	geocodeTexts []string
	parcelIDs    []string
}

// Config is the workload's shape, from the flags.
type Config struct {
	Seed          uint64
	Weights       [numKinds]int
	Layers        string
	Users         int
	MinZ, MaxZ    int
	Width, Height int
}

// NewWorkload makes the mix over b with the texts and parcel ids taken from the city. A
// kind whose data is missing is left out of the mix.
func NewWorkload(cfg Config, b orb.Bound, geocodeTexts, parcelIDs []string) (*Workload, error) {
	w := &Workload{
		r: rand.New(rand.NewPCG(cfg.Seed, 0x10ad)), b: b, layers: cfg.Layers,
		weights: cfg.Weights, geocodeTexts: geocodeTexts, parcelIDs: parcelIDs,
	}
	if len(geocodeTexts) == 0 {
		w.weights[kindGeocode] = 0
	}
	if len(parcelIDs) == 0 {
		w.weights[kindPlanning] = 0
	}
	for k, wt := range w.weights {
		if wt < 0 {
			return nil, fmt.Errorf("weight of %s is negative", Kind(k))
		}
		w.total += wt
	}
	if w.total == 0 {
		return nil, fmt.Errorf("every weight in the mix is zero")
	}
	// Each user walks a trace of its own; their tiles interleave as many browsers' would.
	for i := range max(cfg.Users, 1) {
		w.traces = append(w.traces, NewTrace(b, cfg.MinZ, cfg.MaxZ, cfg.Width, cfg.Height, cfg.Seed*1000+uint64(i)))
	}
	return w, nil
}

// Next returns the next request: its kind, its path with query, and the user who sends it
// (tiles: the user whose walk it is; the rest: any user).
func (w *Workload) Next() (Kind, string, int) {
	n := w.r.IntN(w.total)
	k := Kind(0)
	for ; n >= w.weights[k]; k++ {
		n -= w.weights[k]
	}
	if k == kindTiles {
		user := w.turn % len(w.traces)
		w.turn++
		return k, "/tiles/" + w.layers + "/" + w.traces[user].Next().String() + ".mvt", user
	}
	user := w.r.IntN(len(w.traces))
	switch k {
	case kindItems:
		return k, "/ogc/collections/parcels/items?limit=100&bbox=" + bboxParam(randomBox(w.r, w.b, 100, 400)), user
	case kindGeocode:
		return k, "/v1/geocode?q=" + url.QueryEscape(w.geocodeTexts[w.r.IntN(len(w.geocodeTexts))]), user
	case kindReverse:
		p := randomPoint(w.r, w.b)
		return k, "/v1/reverse?lon=" + coord(p.Lon()) + "&lat=" + coord(p.Lat()), user
	default:
		return k, "/v1/parcels/" + w.parcelIDs[w.r.IntN(len(w.parcelIDs))] + "/planning", user
	}
}

// userAddr is user's made-up address, sent as X-Forwarded-For with -forwarded-for.
func userAddr(user int) string { return fmt.Sprintf("10.77.%d.%d", user/250, user%250+1) }

// randomPoint is a point in b, uniformly.
func randomPoint(r *rand.Rand, b orb.Bound) orb.Point {
	return orb.Point{b.Min[0] + r.Float64()*(b.Max[0]-b.Min[0]), b.Min[1] + r.Float64()*(b.Max[1]-b.Min[1])}
}

// randomBox is a square of a random side between minM and maxM metres centred in b.
func randomBox(r *rand.Rand, b orb.Bound, minM, maxM float64) orb.Bound {
	p := randomPoint(r, b)
	half := (minM + r.Float64()*(maxM-minM)) / 2
	dLat := half / 111320
	dLon := dLat / math.Cos(p.Lat()*math.Pi/180)
	return orb.Bound{Min: orb.Point{p[0] - dLon, p[1] - dLat}, Max: orb.Point{p[0] + dLon, p[1] + dLat}}
}

// bboxParam is b as a bbox parameter: minlon,minlat,maxlon,maxlat.
func bboxParam(b orb.Bound) string {
	return strings.Join([]string{coord(b.Min[0]), coord(b.Min[1]), coord(b.Max[0]), coord(b.Max[1])}, ",")
}

// coord writes degrees to 7 decimals, about a centimetre.
func coord(v float64) string { return strconv.FormatFloat(v, 'f', 7, 64) }
