package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"net/url"
	"strconv"
	"strings"
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
	b       Bounds
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
func NewWorkload(cfg Config, b Bounds, geocodeTexts, parcelIDs []string) (*Workload, error) {
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
		lon, lat := randomPoint(w.r, w.b)
		return k, "/v1/reverse?lon=" + coord(lon) + "&lat=" + coord(lat), user
	default:
		return k, "/v1/parcels/" + w.parcelIDs[w.r.IntN(len(w.parcelIDs))] + "/planning", user
	}
}

// userAddr is user's made-up address, sent as X-Forwarded-For with -forwarded-for.
func userAddr(user int) string { return fmt.Sprintf("10.77.%d.%d", user/250, user%250+1) }

func randomPoint(r *rand.Rand, b Bounds) (lon, lat float64) {
	return b[0] + r.Float64()*(b[2]-b[0]), b[1] + r.Float64()*(b[3]-b[1])
}

// randomBox is a square of a random side between minM and maxM metres centred in b.
func randomBox(r *rand.Rand, b Bounds, minM, maxM float64) Bounds {
	lon, lat := randomPoint(r, b)
	half := (minM + r.Float64()*(maxM-minM)) / 2
	dLat := half / 111320
	dLon := dLat / math.Cos(lat*math.Pi/180)
	return Bounds{lon - dLon, lat - dLat, lon + dLon, lat + dLat}
}

func bboxParam(b Bounds) string {
	parts := make([]string, 4)
	for i, v := range b {
		parts[i] = coord(v)
	}
	return strings.Join(parts, ",")
}

// coord writes degrees to 7 decimals, about a centimetre.
func coord(v float64) string { return strconv.FormatFloat(v, 'f', 7, 64) }
