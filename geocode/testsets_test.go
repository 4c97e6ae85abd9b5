package geocode_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"bandoso/address"
	"bandoso/demo"
	"bandoso/geocode"
	"bandoso/store"
	"bandoso/store/storetest"
)

// The labelled sets and what the geocoder must meet on them. The figures measured are in
// docs/benchmarks.md ("Geocoding accuracy").
const (
	setSize        = 1000 // addresses, each written every way
	wayFloor       = 0.97 // top-1 within rightWithinM of the address, per way
	negativeFloor  = 0.99 // negative queries without an address, a number placed or a street
	confidentAt    = 0.8  // answers at least this confident …
	confidentFloor = 0.97 // … are right this often
	rightWithinM   = 1.0
)

// The demo city with 4 wards and 12 old wards: the smaller ones have one ward, where the
// units written would decide nothing.
const (
	setSeed = 1
	setCity = demo.SizeSmall
)

// confidence is how sure the geocoder says it is of a result: the one place that reads it.
func confidence(r geocode.Result) float64 { return r.Confidence }

// outcome is one query of the sets and the geocoder's first answer.
type outcome struct {
	set, text string
	answered  bool
	right     bool
	conf      float64
	got       string // the first answer, described
	// streetLevel: a negative query found an address, a number placed, or a street.
	streetLevel bool
	failed      bool // the geocoder returned an error; got holds it
	// The first candidate whatever its confidence (min_confidence 0), for the reliability
	// table that the default minimum is chosen from: whether there is one, its confidence,
	// and whether it is right.
	anyAnswer bool
	anyConf   float64
	anyRight  bool
}

// TestGeocodeTestSets geocodes labelled sets over the demo city imported from its
// OpenStreetMap export: 1,000 of its addresses each written eight ways, and queries for
// streets and places the data does not hold. It fails when a way's top-1 accuracy, the
// share of negative queries answered with no address or street, or the share of confident
// answers that are right falls below its floor, and logs the figures and the misses.
func TestGeocodeTestSets(t *testing.T) {
	start := time.Now()
	db, pool := storetest.NewWithPool(t)
	storetest.LoadDemoOSM(t, db, setSeed, setCity)
	loaded := time.Since(start)
	rng := rand.New(rand.NewPCG(setSeed, 2025))
	sample, alleys := drawAddresses(t, db, pool, rng)
	g := geocode.New(db)

	// the queries are written first, in order, so that the sets do not depend on how the
	// geocoding is shared out
	var checks []func() outcome
	for _, w := range ways {
		set := sample
		if w.name == alleyWay {
			set = alleys
		}
		for _, a := range set {
			text := w.write(a, rng)
			checks = append(checks, func() outcome { return positive(g, w.name, text, a) })
		}
	}
	streets, places := names(t, pool)
	negs := negatives(t, rng, streets, places, sample)
	if len(negs) < 200 {
		t.Fatalf("%d negative queries, want at least 200", len(negs))
	}
	for _, n := range negs {
		checks = append(checks, func() outcome { return negativeOutcome(g, n) })
	}
	all := run(checks, 4)

	reportWays(t, all)
	reportNegatives(t, all)
	reportReliability(t, all)
	if failed := slices.DeleteFunc(slices.Clone(all), func(o outcome) bool { return !o.failed }); len(failed) > 0 {
		t.Errorf("%d queries failed with an error, e.g.:%s", len(failed), misses(failed, 5))
	}
	writeMisses(all)
	t.Logf("%d queries; demo city loaded in %s, all in %s", len(all), loaded.Round(time.Millisecond), time.Since(start).Round(time.Millisecond))
}

// run runs checks on workers goroutines and returns their outcomes in order.
func run(checks []func() outcome, workers int) []outcome {
	out := make([]outcome, len(checks))
	next := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := range next {
				out[i] = checks[i]()
			}
		})
	}
	for i := range checks {
		next <- i
	}
	close(next)
	wg.Wait()
	return out
}

// drawAddresses draws setSize addresses of the city, and setSize of those with an alley path,
// with their units as stored.
func drawAddresses(t *testing.T, db *store.DB, pool *pgxpool.Pool, rng *rand.Rand) (sample, alleys []store.Address) {
	t.Helper()
	rows, _ := pool.Query(context.Background(), `SELECT id, house_number FROM addresses ORDER BY id`)
	type row struct {
		ID     int64
		Number string
	}
	all, err := pgx.CollectRows(rows, pgx.RowToStructByPos[row])
	if err != nil {
		t.Fatal(err)
	}
	rng.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
	var ids, alleyIDs []int64
	for _, r := range all {
		if len(ids) < 2*setSize {
			ids = append(ids, r.ID)
		}
		if len(alleyIDs) < 2*setSize && alleyPath(r.Number) != nil {
			alleyIDs = append(alleyIDs, r.ID)
		}
	}
	read := func(ids []int64) []store.Address {
		got, err := db.AddressesByID(context.Background(), ids)
		if err != nil {
			t.Fatal(err)
		}
		byID := map[int64]store.Address{}
		for _, a := range got {
			byID[a.ID] = a
		}
		// an address whose units are not all known cannot be written every way
		var out []store.Address
		for _, id := range ids {
			if a := byID[id]; a.Ward.Name != "" && a.OldWard.Name != "" && a.OldDistrict.Name != "" && a.Province.Name != "" && len(out) < setSize {
				out = append(out, a)
			}
		}
		if len(out) < setSize {
			t.Fatalf("%d addresses with all their units, want %d", len(out), setSize)
		}
		return out
	}
	return read(ids), read(alleyIDs)
}

// positive geocodes text, written for address a: right when the first answer is within
// rightWithinM of it.
func positive(g *geocode.Geocoder, way, text string, a store.Address) outcome {
	o := outcome{set: way, text: text}
	all, err := geocodeAll(g, text)
	if err != nil {
		o.got, o.failed = err.Error(), true
		return o
	}
	if len(all) == 0 {
		return o
	}
	top := all[0]
	lon, lat := top.Point()
	d := storetest.OffsetM(lon, lat, a.Lon, a.Lat)
	o.anyAnswer, o.anyConf, o.anyRight = true, confidence(top), d <= rightWithinM
	o.got = fmt.Sprintf("%s, %.0f m from %s %s", describe(top), d, a.HouseNumber, a.Street)
	if shown(top) {
		o.answered, o.conf, o.right = true, o.anyConf, o.anyRight
	}
	return o
}

// negativeOutcome geocodes a query the data cannot answer: no candidate may be an address, a
// number placed on a street, or a street. A first answer that is a ward or a named place is
// right when the query names it.
func negativeOutcome(g *geocode.Geocoder, n negative) outcome {
	o := outcome{set: "negative: " + n.group, text: n.text, right: true}
	all, err := geocodeAll(g, n.text)
	if err != nil {
		o.got, o.failed, o.right = err.Error(), true, false
		return o
	}
	rightAnswer := func(r geocode.Result) bool {
		return !isStreetLevel(r) && strings.Contains(address.Fold(n.text), address.Fold(bareUnit(r.Place.Name)))
	}
	if len(all) > 0 {
		o.anyAnswer, o.anyConf, o.anyRight = true, confidence(all[0]), rightAnswer(all[0])
	}
	for _, r := range all {
		if shown(r) && isStreetLevel(r) {
			o.right, o.streetLevel = false, true
			o.got = describe(r)
			break
		}
	}
	if len(all) > 0 && shown(all[0]) {
		top := all[0]
		o.answered, o.conf = true, confidence(top)
		if o.got == "" {
			o.got = describe(top)
			o.right = rightAnswer(top)
		}
	}
	return o
}

// geocodeAll geocodes text showing every candidate that does not contradict it, whatever its
// confidence; those the default minimum returns are the first ones that are shown.
func geocodeAll(g *geocode.Geocoder, text string) ([]geocode.Result, error) {
	none := 0.0
	ans, err := g.Geocode(context.Background(), geocode.Request{Text: text, MinConfidence: &none})
	return ans.Results, err
}

// shown says the default minimum confidence returns r.
func shown(r geocode.Result) bool { return confidence(r) >= geocode.DefaultMinConfidence }

func isStreetLevel(r geocode.Result) bool {
	return r.Kind == "address" || r.Kind == "interpolated" || r.Kind == "street"
}

// bareUnit is a unit's name without its kind, as a query may write it: Phường 6 → 6 is too
// short to tell, so numbered units keep their kind.
func bareUnit(name string) string {
	kind, rest := unitKind(name)
	if kind == "" || isNumber(rest) {
		return name
	}
	return rest
}

// describe writes a result for a failure message.
func describe(r geocode.Result) string {
	if r.Kind == "address" {
		return fmt.Sprintf("address %s %s, %s (%.2f)", r.Address.HouseNumber, r.Address.Street, r.Address.Ward.Name, confidence(r))
	}
	return fmt.Sprintf("%s %s %s (%.2f)", r.Kind, r.Place.Name, r.Place.Ward.Name, confidence(r))
}

// names are the names of the data's streets (not alleys) and named places.
func names(t *testing.T, pool *pgxpool.Pool) (streets, places []string) {
	t.Helper()
	read := func(sql string) []string {
		rows, _ := pool.Query(context.Background(), sql)
		out, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	return read(`SELECT DISTINCT name FROM streets WHERE kind = 'street' ORDER BY name`), read(`SELECT DISTINCT name FROM pois ORDER BY name`)
}

// reportWays logs the top-1 accuracy of each way and fails each below wayFloor, with
// five of its misses.
func reportWays(t *testing.T, all []outcome) {
	t.Helper()
	t.Logf("| way | example | queries | top-1 within %g m | floor |", rightWithinM)
	for _, w := range ways {
		of := slices.DeleteFunc(slices.Clone(all), func(o outcome) bool { return o.set != w.name })
		right := count(of, func(o outcome) bool { return o.right })
		share := float64(right) / float64(len(of))
		t.Logf("| %s | %q | %d | %.1f%% | %.0f%% |", w.name, of[0].text, len(of), 100*share, 100*wayFloor)
		if share < wayFloor {
			t.Errorf("%s: %.1f%% of %d right, want %.0f%%; misses:%s", w.name, 100*share, len(of), 100*wayFloor, misses(of, 5))
		}
	}
}

// reportNegatives logs the share of negative queries answered with no address or street, by
// group, and fails below negativeFloor.
func reportNegatives(t *testing.T, all []outcome) {
	t.Helper()
	negs := slices.DeleteFunc(slices.Clone(all), func(o outcome) bool { return !strings.HasPrefix(o.set, "negative: ") })
	groups := map[string][2]int{}
	clean := 0
	for _, o := range negs {
		g := groups[o.set]
		g[0]++
		if !o.streetLevel {
			g[1]++
			clean++
		}
		groups[o.set] = g
	}
	for _, name := range sortedKeys(groups) {
		t.Logf("%s: %d of %d without an address or street", name, groups[name][1], groups[name][0])
	}
	share := float64(clean) / float64(len(negs))
	t.Logf("negative: %d of %d (%.1f%%) without an address or street, floor %.0f%%", clean, len(negs), 100*share, 100*negativeFloor)
	if share < negativeFloor {
		wrong := slices.DeleteFunc(slices.Clone(negs), func(o outcome) bool { return !o.streetLevel })
		t.Errorf("negative queries: %.1f%% without an address or street, want %.0f%%; e.g.:%s", 100*share, 100*negativeFloor, misses(wrong, 5))
	}
}

// reportReliability logs the first answers of every query by confidence, with the share
// right in each band, and fails when those at confidentAt or above are right less often than
// confidentFloor.
func reportReliability(t *testing.T, all []outcome) {
	t.Helper()
	bands := []struct {
		name   string
		lo, hi float64
	}{{"0.9–1", 0.9, 2}, {"0.8–0.9", 0.8, 0.9}, {"0.6–0.8", 0.6, 0.8}, {"0.4–0.6", 0.4, 0.6},
		{"0.3–0.4", 0.3, 0.4}, {"< 0.3, not returned by default", -1, 0.3}}
	t.Logf("| confidence | first candidates (min_confidence 0) | right |")
	for _, b := range bands {
		in := slices.DeleteFunc(slices.Clone(all), func(o outcome) bool { return !o.anyAnswer || o.anyConf < b.lo || o.anyConf >= b.hi })
		t.Logf("| %s | %d | %s |", b.name, len(in), percent(count(in, func(o outcome) bool { return o.anyRight }), len(in)))
	}
	t.Logf("| no candidate | %d | |", count(all, func(o outcome) bool { return !o.anyAnswer }))
	confident := slices.DeleteFunc(slices.Clone(all), func(o outcome) bool { return !o.answered || o.conf < confidentAt })
	right := count(confident, func(o outcome) bool { return o.right })
	wrongBy := map[string]int{}
	for _, o := range confident {
		if !o.right {
			wrongBy[o.set]++
		}
	}
	t.Logf("confidence ≥ %g: %d of %d right (%s); wrong by set: %v", confidentAt, right, len(confident), percent(right, len(confident)), wrongBy)
	if len(confident) == 0 || float64(right) < confidentFloor*float64(len(confident)) {
		wrong := slices.DeleteFunc(slices.Clone(confident), func(o outcome) bool { return o.right })
		t.Errorf("answers of confidence ≥ %g: %s right of %d, want %.0f%%; wrong:%s", confidentAt, percent(right, len(confident)), len(confident), 100*confidentFloor, misses(wrong, 5))
	}
}

// misses writes the first n wrong outcomes of outs.
func misses(outs []outcome, n int) string {
	var b strings.Builder
	for _, o := range outs {
		if o.right {
			continue
		}
		if n--; n < 0 {
			break
		}
		got := o.got
		if !o.answered && !o.failed {
			got = "nothing"
		}
		fmt.Fprintf(&b, "\n\t%s: %q → %s", o.set, o.text, got)
	}
	return b.String()
}

// writeMisses writes every wrong outcome to .artifacts/geocode-testsets-misses.txt, for
// reading after a failed run; a folder that cannot be made leaves the test as it is.
func writeMisses(all []outcome) {
	if err := os.MkdirAll("../.artifacts", 0o755); err != nil {
		return
	}
	_ = os.WriteFile(filepath.Join("../.artifacts", "geocode-testsets-misses.txt"), []byte(strings.TrimPrefix(misses(all, len(all)), "\n")+"\n"), 0o644)
}

func count(outs []outcome, f func(outcome) bool) int {
	n := 0
	for _, o := range outs {
		if f(o) {
			n++
		}
	}
	return n
}

func percent(n, of int) string {
	if of == 0 {
		return "—"
	}
	return fmt.Sprintf("%.1f%%", 100*float64(n)/float64(of))
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
