package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb"

	"bandoso/geo"
)

// PeerOptions are the servers and the shape of the comparison with peers (-run peers).
type PeerOptions struct {
	// URLs of running servers; an empty one is left out.
	Bandoso, Baseline, PgTileserv, Tegola, TegolaCached, PgFeatureserv string
	Clients                                                            []int
	Rounds                                                             int
	// Requests go in one slice of a scenario that may repeat requests (the mix, warm, items).
	Requests int
	Views    int
	Check    int
	// ColdPasses asks each cold list this many times over, each pass in another order: long
	// slices for a steady state, fair only when no server keeps tiles (bandoso with
	// --tile-cache-mb 0; an answer from a cache in a cold list is an error).
	ColdPasses int
	// Scenarios are the beginnings of the names of the scenarios to run; none: all.
	Scenarios []string
}

// runs tells whether the scenario named name is one to run.
func (o PeerOptions) runs(name string) bool {
	for _, s := range o.Scenarios {
		if strings.HasPrefix(name, s) {
			return true
		}
	}
	return len(o.Scenarios) == 0
}

// peerLists holds the request lists every server is asked.
type peerLists struct {
	z16, z15, z12to18 Scenario
	items100, items1k Scenario
	item              Scenario
	mix               []geo.Tile
	// warm are the z16 tiles again, asked over and over once cached
	warm Scenario
}

func newPeerLists(ctx context.Context, pool *pgxpool.Pool, b orb.Bound, o PeerOptions, seed uint64) (peerLists, error) {
	z16, z15, mix := coldTiles(b, o.Views, seed)
	z16, z15 = passes(z16, o.ColdPasses, seed), passes(z15, o.ColdPasses, seed)
	slices := len(o.Clients) * o.Rounds
	for name, list := range map[string][]geo.Tile{"z16": z16, "z15": z15, "pan-and-zoom": mix} {
		if len(list) < slices {
			return peerLists{}, fmt.Errorf("the %s list has %d tiles, fewer than its %d slices", name, len(list), slices)
		}
	}
	ids, err := parcelIDs(ctx, pool, slices*o.Requests, seed)
	if err != nil {
		return peerLists{}, err
	}
	n := slices * o.Requests
	return peerLists{
		z16:      tileScenario("z16 cold", z16, true),
		z15:      tileScenario("z15 cold", z15, true),
		z12to18:  tileScenario("pan-and-zoom z12–18 cold", passes(mix, o.ColdPasses, seed), true),
		items100: itemsScenario("items limit=100, 200 m box", boxes(b, n, 200, seed), 100),
		items1k:  itemsScenario("items limit=1000, 200 m box", boxes(b, n, 200, seed+1), 1000),
		item:     itemScenario(ids),
		mix:      mix,
		warm:     tileScenario("warm z16 (cached)", z16, false),
	}, nil
}

// passes is list asked n times over (once when n < 2), each pass after the first shuffled
// anew, the same for the same seed.
func passes(list []geo.Tile, n int, seed uint64) []geo.Tile {
	out := slices.Clone(list)
	r := rand.New(rand.NewPCG(seed, 0x9a55))
	for range n - 1 {
		pass := slices.Clone(list)
		r.Shuffle(len(pass), func(i, j int) { pass[i], pass[j] = pass[j], pass[i] })
		out = append(out, pass...)
	}
	return out
}

// parcelIDs draws n parcel ids at random, the same for the same seed and table.
func parcelIDs(ctx context.Context, pool *pgxpool.Pool, n int, seed uint64) ([]int64, error) {
	var hi int64
	if err := pool.QueryRow(ctx, "SELECT coalesce(max(id), 0) FROM parcels").Scan(&hi); err != nil {
		return nil, err
	}
	if hi == 0 {
		return nil, errors.New("no parcels")
	}
	r := rand.New(rand.NewPCG(seed, 0x1d5))
	want := make([]int64, 2*n)
	for i := range want {
		want[i] = 1 + r.Int64N(hi)
	}
	rows, err := pool.Query(ctx, "SELECT id FROM parcels WHERE id = ANY($1) ORDER BY array_position($1, id) LIMIT $2", want, n)
	if err != nil {
		return nil, err
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err == nil && len(ids) < n {
		err = fmt.Errorf("found %d of %d parcel ids", len(ids), n)
	}
	return ids, err
}

// peers runs the comparison: cold tiles of each list on bandoso, pg_tileserv and tegola; warm
// tiles on bandoso (its cache primed) and tegola with its file cache; items and single items
// on bandoso and pg_featureserv. Then it checks the answers' sizes.
func (r *report) peers(ctx context.Context) error {
	o, w := r.o.Peers, r.out
	if o.Bandoso == "" {
		return errors.New("-bandoso-url is needed for -run peers")
	}
	l, err := newPeerLists(ctx, r.b.Pool, r.bounds, o, r.o.Seed)
	if err != nil {
		return err
	}
	bandoso := bandosoPeer(o.Bandoso)
	tileServers, warmServers, itemServers := []Peer{bandoso}, []Peer{bandoso}, []Peer{bandoso}
	if o.Baseline != "" {
		baseline := bandosoPeer(o.Baseline)
		baseline.Name = "bandoso (baseline)"
		tileServers, warmServers, itemServers = append(tileServers, baseline), append(warmServers, baseline), append(itemServers, baseline)
	}
	if o.PgTileserv != "" {
		tileServers = append(tileServers, pgTileservPeer(o.PgTileserv))
	}
	if o.Tegola != "" {
		tileServers = append(tileServers, tegolaPeer("tegola", o.Tegola))
	}
	if o.TegolaCached != "" {
		warmServers = append(warmServers, tegolaPeer("tegola (file cache)", o.TegolaCached))
	}
	if o.PgFeatureserv != "" {
		itemServers = append(itemServers, pgFeatureservPeer(o.PgFeatureserv))
	}
	clients := map[string]*client{}
	clientFor := func(p Peer, n int) *client {
		k := fmt.Sprintf("%s/%d", p.Name, n)
		if clients[k] == nil {
			clients[k] = newClient(p.Base, n, true)
		}
		return clients[k]
	}
	defer func() {
		for _, c := range clients {
			c.close()
		}
	}()
	warm := l.warm
	asked := "each asked once per server"
	if o.ColdPasses > 1 {
		asked = fmt.Sprintf("each list %d times over, no server keeping tiles", o.ColdPasses)
	}
	fmt.Fprintf(w, "## Against the peers: %d round(s), servers in rotation, clients %v; lists: %d z16 tiles, %d z15, %d pan-and-zoom z12–18 (%s), %d requests per slice for warm, items and single items\n\n",
		o.Rounds, o.Clients, l.z16.N, l.z15.N, l.z12to18.N, asked, o.Requests)
	start, load := time.Now(), loadAverage()
	var runs []PeerRun
	for _, sc := range []Scenario{l.z16, l.z15, l.z12to18} {
		if !o.runs(sc.Name) {
			continue
		}
		runs = append(runs, compare(ctx, tileServers, sc, o.Clients, o.Rounds, o.Requests, clientFor)...)
		fmt.Fprintf(r.errOut(), "%s done after %s, load %s\n", sc.Name, time.Since(start).Round(time.Second), loadAverage())
	}
	if o.runs(warm.Name) {
		// Prime: every server has asked its database for each warm tile once before the clock.
		primed := measure(ctx, warm.N, 2*runtime.NumCPU(), primePaths(warmServers, warm)...)
		r.check(primed...)
		runs = append(runs, compare(ctx, warmServers, warm, o.Clients, o.Rounds, 10*o.Requests, clientFor)...)
	}
	for _, sc := range []Scenario{l.items100, l.items1k, l.item} {
		if !o.runs(sc.Name) {
			continue
		}
		runs = append(runs, compare(ctx, itemServers, sc, o.Clients, o.Rounds, o.Requests, clientFor)...)
		fmt.Fprintf(r.errOut(), "%s done after %s, load %s\n", sc.Name, time.Since(start).Round(time.Second), loadAverage())
	}
	fmt.Fprintf(w, "Timed part: %s; load average before %s, after %s.\n\n", time.Since(start).Round(time.Second), load, loadAverage())
	reportPeers(w, runs)
	fmt.Fprintln(w)
	for _, run := range runs {
		r.check(run.Run)
	}
	fmt.Fprintf(w, "### Answers compared: the first %d requests of each list, uncompressed, features counted\n\n", o.Check)
	var stats []AnswerStat
	for _, sc := range append([]Scenario{l.z16, l.z15}, byZoom(l.mix, "pan-and-zoom")...) {
		if !o.runs(sc.Name) {
			continue
		}
		stats = append(stats, checkAnswers(ctx, tileServers, sc, o.Check, true)...)
	}
	for _, sc := range []Scenario{l.items100, l.items1k, l.item} {
		if !o.runs(sc.Name) {
			continue
		}
		stats = append(stats, checkAnswers(ctx, itemServers, sc, o.Check, false)...)
	}
	reportAnswers(w, stats)
	fmt.Fprintln(w)
	for _, s := range stats {
		if s.FirstErr != nil {
			r.failed = append(r.failed, fmt.Sprintf("%s on %s: %v", s.Scenario, s.Peer, s.FirstErr))
		}
	}
	return nil
}

// byZoom splits list into one scenario per zoom, named "name zN", in zoom order.
func byZoom(list []geo.Tile, name string) []Scenario {
	at := map[int][]geo.Tile{}
	for _, t := range list {
		at[int(t.Z)] = append(at[int(t.Z)], t)
	}
	var out []Scenario
	for z := range 25 {
		if len(at[z]) > 0 {
			out = append(out, tileScenario(fmt.Sprintf("%s z%d", name, z), at[z], true))
		}
	}
	return out
}

// primePaths asks every server in servers for each request of sc, one path per server.
func primePaths(servers []Peer, sc Scenario) []path {
	var ps []path
	for _, p := range servers {
		c := newClient(p.Base, 2*runtime.NumCPU(), true)
		ps = append(ps, path{"prime " + p.Name, func(ctx context.Context, i int) ([]byte, error) { return c.get(ctx, sc.path(p, i)) }, nil})
	}
	return ps
}

// loadAverage is the machine's load over 1, 5 and 15 minutes, as /proc/loadavg has it.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	f := strings.Fields(string(b))
	if err != nil || len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

// errOut is where progress goes: standard error, apart from the report.
func (r *report) errOut() io.Writer { return os.Stderr }
