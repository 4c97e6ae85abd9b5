// Package geocode resolves Vietnamese address text to ranked places: registered addresses,
// house numbers interpolated along their street, streets, wards and named places (markets,
// schools, pagodas). It parses with package address, finds candidates through package
// store, and scores each by how much of what the user wrote it matches.
package geocode

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"bandoso/address"
	"bandoso/gazetteer"
	"bandoso/store"
)

// MaxLimit bounds the number of candidates one request may ask for.
const MaxLimit = 50

// DefaultLimit is the number of candidates when the request names none.
const DefaultLimit = 10

// streetCandidates is how many street names a name may stand for before house numbers are
// looked up (each name with every street of it, one per ward).
const streetCandidates = 5

// streetLookups is how many streets, at least, a house number is interpolated on or a street
// placed on, one statement each; the request's limit when larger. When a name stands for
// more, the likeliest go first (by name, then in the units asked, then nearest the focus), so
// that a name common across a whole country costs what a city's does. Registered numbers are
// looked for on every street of the names at once.
const streetLookups = 10

// Geocoder answers geocoding and autocomplete requests. It is safe for concurrent use.
type Geocoder struct {
	db      *store.DB
	streets *streetNames
	units   *gazetteer.Gazetteer
	memo    *streetMemo // nil but in a batch (ForBatch)
}

// New returns a geocoder over db. It reads the list of street names on first use and again
// after a minute, or at once after ForgetStreets, so that new streets are recognised in free
// text; structured requests find them at once anyway. It recognises the country's
// administrative units by name with the national gazetteer.
func New(db *store.DB) *Geocoder {
	return &Geocoder{db: db, streets: &streetNames{load: db.StreetNames, ttl: time.Minute}, units: gazetteer.Official()}
}

// ForgetStreets makes the next request read the list of street names again: streets
// changed.
func (g *Geocoder) ForgetStreets() { g.streets.forget() }

// Request is what to look for: free text, or its parts (structured search), or both, the
// parts then overriding what the text says.
type Request struct {
	Text                                    string
	House, Street, Ward, District, Province string
	Limit                                   int
	// Focus, when set, is a lon/lat; among equally good candidates the nearest come first.
	Focus *orb.Point
	// Omit holds the kinds of result (see Result.Kind) the asker may not see; the others
	// fill the limit.
	Omit map[string]bool
	// MinConfidence is the least confidence of a candidate returned; nil for
	// DefaultMinConfidence.
	MinConfidence *float64
}

// Result is one candidate: an Address when Kind is "address", else a Place.
type Result struct {
	Kind    string // address, interpolated, street, ward, poi (KindPOI)
	Address store.Address
	Place   store.Place
	Score   float64 // 0 to 1: the share of what was asked that the candidate matches
	// Confidence is the chance, 0 to 1, that the candidate is where what was asked for is, at
	// the precision asked (see judge.go).
	Confidence float64
	// Mismatch maps each part of the request the candidate disagrees with (ward, district) to
	// how; candidates whose street or province disagree are no answers at all.
	Mismatch map[string]string
	// Partial says the candidate is coarser than what was asked: the street of an address
	// whose number it cannot place, the ward of a street not in the data.
	Partial bool
	// Matched maps each part of the request the candidate matched (house, street, ward,
	// district, province; name for a named place) to the text that asked for it.
	Matched map[string]string
	// Number is the house number placed, for an interpolated candidate.
	Number string
	sure   float64 // the confidence before the candidates as good elsewhere are counted
	lon    float64
	lat    float64
}

// Point is the candidate's lon/lat: the address's, or the place's.
func (r Result) Point() (lon, lat float64) { return r.lon, r.lat }

// Answer is the candidates, best first, with the request as it was read.
type Answer struct {
	Parsed  address.Parsed
	Results []Result
	// Reason says why there are no results, when there are none.
	Reason string
}

// ErrEmpty is a request with nothing to look for.
var ErrEmpty = errors.New("geocode: nothing to look for: give text or at least a street or ward")

// Geocode resolves r to its best candidates.
func (g *Geocoder) Geocode(ctx context.Context, r Request) (Answer, error) {
	q, err := g.read(ctx, r)
	if err != nil {
		return Answer{}, err
	}
	var results []Result
	var dropped []string
	if q.street != "" {
		streets, err := g.streetsNamed(ctx, q.street)
		if err != nil {
			return Answer{}, err
		}
		lookups := max(r.limit(), streetLookups)
		if len(streets) > lookups && (q.unitsAsked() > 0 || r.Focus != nil) {
			near := store.Near{Ward: q.ward, District: q.district, Province: q.province, Focus: r.Focus}
			if err := g.db.StreetsNear(ctx, streets, near); err != nil {
				return Answer{}, err
			}
		}
		// Only the streets of the name asked are looked at: a name that is merely similar
		// is another street, and a number placed on it is nowhere near the address.
		streets = slices.DeleteFunc(streets, func(s store.StreetMatch) bool {
			f, why := q.streetAgreement(s.Name)
			if f == 0 {
				dropped = append(dropped, why)
			}
			return f == 0
		})
		if results, err = g.onStreets(ctx, q, q.likeliest(streets), lookups); err != nil {
			return Answer{}, err
		}
		results = r.keep(results)
	}
	onStreet := len(results) > 0
	if !onStreet {
		if results, err = g.wards(ctx, q); err != nil {
			return Answer{}, err
		}
		results = r.keep(results)
	}
	// A house number on a street of the city is an address: no place's name is looked for
	// in it ("12 Lê Lợi" is not the café Lê Lợi Coffee).
	if q.number == "" || !onStreet {
		places, err := g.places(ctx, q, r, false)
		if err != nil {
			return Answer{}, err
		}
		results = append(results, places...)
	}
	return q.answer(results, dropped, r), nil
}

// answer judges the candidates, keeps those confident enough, best first, and says why
// there are none when none are left.
func (q query) answer(results []Result, dropped []string, r Request) Answer {
	results, contradict := q.judge(results, false)
	dropped = append(contradict, dropped...) // a candidate's contradiction says more than a name's
	least := DefaultMinConfidence
	if r.MinConfidence != nil {
		least = *r.MinConfidence
	}
	var best *Result
	var kept []Result
	alike := 0 // candidates sure enough alone, but not among so many
	for i, res := range results {
		if best == nil || res.Confidence > best.Confidence {
			best = &results[i]
		}
		if res.Confidence >= least {
			kept = append(kept, res)
		} else if res.sure >= least {
			alike++
		}
	}
	ans := Answer{Parsed: q.parsed, Results: rank(kept, r)}
	switch {
	case len(ans.Results) > 0:
	case alike > 1:
		ans.Reason = fmt.Sprintf("%d candidates are as likely as each other, %s (%s) among them: name the ward or "+
			"district, or lower min_confidence to see them", alike, best.label(), best.Kind)
	case best != nil:
		ans.Reason = fmt.Sprintf("the best candidate, %s (%s), has confidence %.2f, under min_confidence %.2f",
			best.label(), best.Kind, best.Confidence, least)
	case len(dropped) > 0:
		ans.Reason = "no candidate agrees with what was asked: " + dropped[0]
	default:
		ans.Reason = q.nothing()
	}
	return ans
}

// nothing says what the data lacks when no candidate was found at all.
func (q query) nothing() string {
	var names []string
	for _, part := range []string{"street", "ward", "district", "province"} {
		if t := q.text[part]; t != "" {
			names = append(names, fmt.Sprintf("%s %q", part, t))
		}
	}
	if len(names) == 0 {
		return "nothing in the data matches"
	}
	return "nothing in the data matches the " + strings.Join(names, ", ")
}

// onStreets finds the house on every street that matched, or else interpolates it on the
// first lookups streets, or, when no house was asked for, places the first lookups streets
// themselves.
func (g *Geocoder) onStreets(ctx context.Context, q query, streets []store.StreetMatch, lookups int) ([]Result, error) {
	if len(streets) == 0 {
		return nil, nil
	}
	var results []Result
	if q.number != "" {
		var ids []int64
		for _, s := range streets {
			ids = append(ids, s.IDs...)
		}
		found, err := g.db.AddressesNumbered(ctx, ids, q.key)
		if err != nil {
			return nil, err
		}
		has := map[int64]bool{}
		for _, a := range found {
			s := streetOf(streets, a.StreetID)
			has[s.ID] = true
			results = append(results, q.scoreAddress(a, s))
		}
		tried := 0
		for _, s := range streets {
			if tried == lookups || q.mouth == 0 {
				break
			}
			if has[s.ID] {
				continue
			}
			tried++
			p, err := g.db.Interpolate(ctx, s.IDs, q.mouth)
			if errors.Is(err, store.ErrNotFound) {
				continue
			}
			if err != nil {
				return nil, err
			}
			results = append(results, q.scorePlace(p, s))
		}
		if len(results) > 0 {
			return results, nil
		}
	}
	wardCodes, err := g.wardCodes(ctx, q)
	if err != nil {
		return nil, err
	}
	for _, s := range streets[:min(len(streets), lookups)] {
		p, err := g.db.StreetPlace(ctx, s.IDs, wardCodes)
		if err != nil {
			return nil, err
		}
		results = append(results, q.scorePlace(p, s))
	}
	return results, nil
}

// streetOf is the street of streets stored in row id.
func streetOf(streets []store.StreetMatch, id int64) store.StreetMatch {
	for _, s := range streets {
		if slices.Contains(s.IDs, id) {
			return s
		}
	}
	return store.StreetMatch{ID: id, IDs: []int64{id}}
}

// wardCodes are the codes of the wards (either system) the request names, none when it
// names none.
func (g *Geocoder) wardCodes(ctx context.Context, q query) ([]string, error) {
	if q.ward == "" {
		return nil, nil
	}
	wards, err := g.db.WardsNamed(ctx, q.ward, false, 20)
	if err != nil {
		return nil, err
	}
	var codes []string
	for _, w := range wards {
		if q.district == "" || bare(w.District.Name) == q.district || w.Current {
			codes = append(codes, w.Code)
		}
	}
	return codes, nil
}

// wards answers with the wards the request names, when it names no street that exists. A
// street part that matched no street may be a ward's name written without its keyword.
func (g *Geocoder) wards(ctx context.Context, q query) ([]Result, error) {
	name := q.ward
	if name == "" {
		name = q.street
	}
	if name == "" {
		return nil, nil
	}
	wards, err := g.db.WardsNamed(ctx, name, true, 10)
	if err != nil {
		return nil, err
	}
	var results []Result
	for _, w := range wards {
		// a ward named otherwise than asked, beyond a slip of one letter, is another ward
		if !w.HasGeom || nameScore(name, bare(w.Name)) == 0 && nameScore(address.UnitKey(name), address.UnitKey(w.Name)) == 0 {
			continue
		}
		p, err := g.db.WardPlace(ctx, w.Code, w.Current)
		if err != nil {
			return nil, err
		}
		results = append(results, q.scoreWard(p, w, name))
	}
	return results, nil
}

// rank orders results by confidence, then by score, then by distance to the focus, then by kind and id, and
// keeps the first r.Limit.
func rank(results []Result, r Request) []Result {
	dist := func(x Result) float64 {
		if r.Focus == nil {
			return 0
		}
		return planar.DistanceSquared(orb.Point{x.lon, x.lat}, *r.Focus)
	}
	slices.SortStableFunc(results, func(a, b Result) int {
		return cmp.Or(cmp.Compare(b.Confidence, a.Confidence), cmp.Compare(b.Score, a.Score), cmp.Compare(dist(a), dist(b)),
			cmp.Compare(a.Address.ID, b.Address.ID))
	})
	return results[:min(len(results), r.limit())]
}

// keep returns the results whose kind r does not omit.
func (r Request) keep(results []Result) []Result {
	if len(r.Omit) == 0 {
		return results
	}
	return slices.DeleteFunc(results, func(x Result) bool { return r.Omit[x.Kind] })
}

func (r Request) limit() int {
	switch {
	case r.Limit <= 0:
		return DefaultLimit
	case r.Limit > MaxLimit:
		return MaxLimit
	}
	return r.Limit
}

// bare is the folded name of a unit without its kind: "Phường Bến Nghé" → "ben nghe",
// "Quận 1" → "1", "Thành phố Thủ Đức" → "thu duc".
func bare(name string) string {
	f := address.Fold(name)
	for _, kind := range []string{"phuong ", "xa ", "thi tran ", "dac khu ", "quan ", "huyen ", "thi xa ", "thanh pho ", "tinh "} {
		if rest, ok := strings.CutPrefix(f, kind); ok {
			return rest
		}
	}
	return f
}
