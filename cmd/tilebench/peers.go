package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"bandoso/geo"
)

// peerFields are the parcels' fields bandoso draws from zoom 16 and a peer is asked for, so
// that every server writes the same features with the same attributes.
const peerFields = "id,ward_code,sheet_no,parcel_no,land_use,area_m2"

// Peer is one server of the comparison and the paths it answers the same requests at; a
// path func is nil where the server has no such request.
type Peer struct {
	Name string
	Base string
	Tile func(geo.Tile) string
	// Items is a page of at most limit parcels in bbox (longitude, latitude).
	Items func(bbox orb.Bound, limit int) string
	Item  func(id int64) string
}

// bandosoPeer asks bandoso for its parcels layer alone (not the style's composite) and for
// the parcels collection of its OGC API.
func bandosoPeer(base string) Peer {
	return Peer{Name: "bandoso", Base: base,
		Tile: func(t geo.Tile) string { return "/tiles/parcels/" + t.String() + ".mvt" },
		Items: func(b orb.Bound, limit int) string {
			return "/ogc/collections/parcels/items?limit=" + strconv.Itoa(limit) + "&bbox=" + bboxParam(b)
		},
		Item: func(id int64) string { return "/ogc/collections/parcels/items/" + strconv.FormatInt(id, 10) },
	}
}

// pgTileservPeer asks pg_tileserv for public.parcels with bandoso's fields.
func pgTileservPeer(base string) Peer {
	return Peer{Name: "pg_tileserv", Base: base, Tile: func(t geo.Tile) string {
		return "/public.parcels/" + t.String() + ".pbf?properties=" + peerFields
	}}
}

// tegolaPeer asks tegola for the map of the configuration in /work/shared/peers, whose one
// layer draws bandoso's fields.
func tegolaPeer(name, base string) Peer {
	return Peer{Name: name, Base: base, Tile: func(t geo.Tile) string { return "/maps/city/" + t.String() + ".pbf" }}
}

// pgFeatureservPeer asks pg_featureserv for public.parcels with bandoso's properties.
func pgFeatureservPeer(base string) Peer {
	props := "&properties=" + strings.TrimPrefix(peerFields, "id,")
	return Peer{Name: "pg_featureserv", Base: base,
		Items: func(b orb.Bound, limit int) string {
			return "/collections/public.parcels/items.json?limit=" + strconv.Itoa(limit) + "&bbox=" + bboxParam(b) + props
		},
		Item: func(id int64) string {
			return "/collections/public.parcels/items/" + strconv.FormatInt(id, 10) + ".json?" + props[1:]
		},
	}
}

// Scenario is one kind of request asked of every server that has it: request i of the run
// is path(peer, i), the same list for every server.
type Scenario struct {
	Name string
	// N is the list's length; a run splits it into slices, one per round and client count,
	// so that no request repeats when Unique is set (a cold tile is one not asked before).
	N      int
	Unique bool
	path   func(p Peer, i int) string
	// has tells whether p answers this scenario.
	has func(p Peer) bool
}

func tileScenario(name string, list []geo.Tile, unique bool) Scenario {
	return Scenario{Name: name, N: len(list), Unique: unique,
		path: func(p Peer, i int) string { return p.Tile(list[i]) },
		has:  func(p Peer) bool { return p.Tile != nil }}
}

func itemsScenario(name string, boxes []orb.Bound, limit int) Scenario {
	return Scenario{Name: name, N: len(boxes),
		path: func(p Peer, i int) string { return p.Items(boxes[i], limit) },
		has:  func(p Peer) bool { return p.Items != nil }}
}

func itemScenario(ids []int64) Scenario {
	return Scenario{Name: "single item", N: len(ids),
		path: func(p Peer, i int) string { return p.Item(ids[i]) },
		has:  func(p Peer) bool { return p.Item != nil }}
}

// coldTiles lists the cold tile scenarios' tiles, each tile in one list only: a pan-and-zoom
// sample from zoom 12 to 18 (views 2×2 viewports per zoom), and every other tile at zoom 16
// and at 15 over b, each list shuffled.
func coldTiles(b orb.Bound, views int, seed uint64) (z16, z15, mix []geo.Tile) {
	r := rand.New(rand.NewPCG(seed, 0x9ee5))
	mix = viewTiles(b, 12, 18, 11, views, seed)
	inMix := map[geo.Tile]bool{}
	for _, t := range mix {
		inMix[t] = true
	}
	rest := func(z int) []geo.Tile {
		var out []geo.Tile
		for _, t := range allTiles(b, z) {
			if !inMix[t] {
				out = append(out, t)
			}
		}
		r.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
		return out
	}
	r.Shuffle(len(mix), func(i, j int) { mix[i], mix[j] = mix[j], mix[i] })
	return rest(16), rest(15), mix
}

// boxes are n squares of side metres at random places in b, the same for the same seed.
func boxes(b orb.Bound, n int, side float64, seed uint64) []orb.Bound {
	r := rand.New(rand.NewPCG(seed, 0xb0c5))
	out := make([]orb.Bound, n)
	for i := range out {
		p := orb.Point{b.Min[0] + r.Float64()*(b.Max[0]-b.Min[0]), b.Min[1] + r.Float64()*(b.Max[1]-b.Min[1])}
		dLat := side / 2 / 111320
		dLon := dLat / math.Cos(p.Lat()*math.Pi/180)
		out[i] = orb.Bound{Min: orb.Point{p[0] - dLon, p[1] - dLat}, Max: orb.Point{p[0] + dLon, p[1] + dLat}}
	}
	return out
}

// bboxParam is b as a bbox parameter: minlon,minlat,maxlon,maxlat to about a centimetre.
func bboxParam(b orb.Bound) string {
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', 7, 64) }
	return f(b.Min[0]) + "," + f(b.Min[1]) + "," + f(b.Max[0]) + "," + f(b.Max[1])
}

// PeerRun is one server's figures for one scenario at one client count, over its rounds.
type PeerRun struct {
	Scenario string
	Peer     string
	Run
}

// sliceOf splits n requests into k equal slices; slice s is [from, from+size).
func sliceOf(n, k, s int) (from, size int) {
	size = n / k
	return s * size, size
}

// compare runs scenario sc on every peer that has it at each client count, rounds times,
// the servers in rotation (one loaded at a time, the first one changing each round) so that
// each meets the same share of whatever else loads the machine. Each round at each client
// count asks the next slice of the list, the same slice of every server; with sc.Unique the
// slices do not overlap. When sc.Unique is not set, perSlice requests go in one slice,
// wrapping over the list.
func compare(ctx context.Context, peers []Peer, sc Scenario, clients []int, rounds, perSlice int, clientsFor func(Peer, int) *client) []PeerRun {
	var on []Peer
	for _, p := range peers {
		if sc.has(p) {
			on = append(on, p)
		}
	}
	var out []PeerRun
	for ci, n := range clients {
		acc := make([]Run, len(on))
		for r := range rounds {
			from, size := sliceOf(sc.N, len(clients)*rounds, ci*rounds+r)
			if !sc.Unique {
				from, size = (ci*rounds+r)*perSlice, perSlice
			}
			for k := range on {
				p := on[(k+r)%len(on)]
				c := clientsFor(p, n)
				get := c.get
				if sc.Unique {
					get = c.getCold
				}
				run := measure(ctx, size, n, path{p.Name, func(ctx context.Context, i int) ([]byte, error) {
					return get(ctx, sc.path(p, (from+i)%sc.N))
				}, nil})[0]
				merge(&acc[(k+r)%len(on)], run)
			}
		}
		for k, p := range on {
			out = append(out, PeerRun{Scenario: sc.Name, Peer: p.Name, Run: acc[k]})
		}
	}
	return out
}

// reportPeers prints runs as one Markdown table: per scenario and client count, each
// server's throughput and latency of the answers, errors, requests shed (503 or 429 with
// Retry-After, in percent of the requests) and mean answer size, and bandoso's throughput over
// it (above 1: bandoso answers more per second).
func reportPeers(w io.Writer, runs []PeerRun) {
	fmt.Fprintln(w, "| scenario | clients | server | requests | req/s | p50 ms | p99 ms | errors | shed % | KB/answer (as sent) | bandoso ÷ server |")
	fmt.Fprintln(w, "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|")
	base := map[string]float64{}
	for _, r := range runs {
		if r.Peer == "bandoso" {
			base[r.Scenario+"/"+strconv.Itoa(r.Clients)] = r.PerSecond()
		}
	}
	for _, r := range runs {
		rat := "—"
		if b, ok := base[r.Scenario+"/"+strconv.Itoa(r.Clients)]; ok && r.Peer != "bandoso" && r.PerSecond() > 0 {
			rat = ratio(b, r.PerSecond())
		}
		perAnswer := 0.0
		if answered := r.Requests - r.Shed; answered > 0 {
			perAnswer = float64(r.Bytes) / float64(answered) / 1024
		}
		fmt.Fprintf(w, "| %s | %d | %s | %d | %.0f | %s | %s | %d | %.1f | %.1f | %s |\n", r.Scenario, r.Clients, r.Peer, r.Requests,
			r.PerSecond(), ms(r.Quantile(0.5)), ms(r.Quantile(0.99)), r.Errors, r.ShedShare(), perAnswer, rat)
	}
}
