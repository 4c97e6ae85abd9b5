package geocode

import (
	"context"
	"slices"
	"strings"
	"unicode/utf8"

	"bandoso/address"
	"bandoso/store"
)

// Named places (địa điểm: markets, schools, pagodas, shops, offices) are found by their name
// in the pois layer, as people write landmarks instead of addresses ("Chợ Bến Thành").

// KindPOI is the kind of a result that is a named place.
const KindPOI = "poi"

// weightName is the weight of a place's name in its score: what the street and the house
// number weigh in an address's, as the name alone says where.
const weightName = weightStreet + weightHouse

// poiMatch scales a named place's score, so that a place named exactly as asked still comes
// after an address, street or ward that matches the text exactly.
const poiMatch = 0.95

// minPOISimilarity is the least trigram similarity (pg_trgm) of a place's folded name to the
// name asked for: a looser match is no answer, since a place named like part of an address
// ("Lê Lợi Coffee" for "Lê Lợi") is not where the address is.
const minPOISimilarity = 0.5

// poiSpread is how much less similar to the name asked for than the best a place's name may
// be and still be an answer: a place named as asked leaves out those that merely share words
// with it (the other "Trường Mầm non …" for "Trường Mầm non Đề Thám").
const poiSpread = 0.25

// minPlaceName is the fewest letters of a name worth looking for.
const minPlaceName = 2

// placeName is a name a place the request's text may be, and the query whose units a place
// of that name is scored by.
type placeName struct {
	text string
	q    query
}

// placeNames reads the names of a place the request's free text may be: the text before
// its first comma or semicolon, and that text without the units written there with their
// keyword when it has some: "Chợ Bến Thành Q1" is Chợ Bến Thành in Quận 1, but "Bệnh viện
// Quận 1" is a hospital of that name. A name's query asks only
// for the units written apart from it: a word the parser took for a unit inside the name
// ("Lê Lợi Coffee": street Lê Lợi, ward "Coffee") is part of the name. Units given as
// structured parameters are asked for as they are. None for a request without free text.
func (q query) placeNames() []placeName {
	in := q.parsed.Input
	end := strings.IndexAny(in, ",;")
	if end < 0 {
		end = len(in)
	}
	whole, cut := q, q
	var cuts [][2]int
	for _, u := range []struct {
		part       address.Part
		whole, cut *string
	}{{q.parsed.Ward, &whole.ward, &cut.ward}, {q.parsed.District, &whole.district, &cut.district},
		{q.parsed.Province, &whole.province, &cut.province}} {
		part := u.part
		// a structured parameter's part has offsets in that parameter, not in the text
		inText := !part.IsZero() && part.Start < part.End && part.End <= len(in) && in[part.Start:part.End] == part.Text
		if !inText || part.Start >= end {
			continue
		}
		*u.whole = ""
		if part.Label == "" {
			*u.cut = ""
		} else {
			cuts = append(cuts, [2]int{part.Start, min(part.End, end)})
		}
	}
	text := strings.Join(strings.Fields(in[:end]), " ")
	if text == "" {
		return nil
	}
	names := []placeName{{text: text, q: whole}}
	if len(cuts) == 0 {
		return names
	}
	slices.SortFunc(cuts, func(a, b [2]int) int { return a[0] - b[0] })
	var b strings.Builder
	at := 0
	for _, c := range cuts {
		if c[0] > at {
			b.WriteString(in[at:c[0]])
			b.WriteByte(' ')
		}
		at = max(at, c[1])
	}
	if at < end {
		b.WriteString(in[at:end])
	}
	if rest := strings.Join(strings.Fields(b.String()), " "); rest != "" {
		names = append(names, placeName{text: rest, q: cut})
	}
	return names
}

// places finds the named places the request's text may name, by name or, when prefix is set,
// by the start of one, and scores them, each by the name it matches best; none when the
// asker may not see them.
func (g *Geocoder) places(ctx context.Context, q query, r Request, prefix bool) ([]Result, error) {
	if r.Omit[KindPOI] {
		return nil, nil
	}
	var results []Result
	var sims []float64    // the similarity of each result's name
	at := map[int64]int{} // index in results, by POI id
	best := 0.0
	for _, n := range q.placeNames() {
		fold := address.Fold(n.text)
		if utf8.RuneCountInString(fold) < minPlaceName {
			continue
		}
		var found []store.POIMatch
		var err error
		if prefix {
			found, err = g.db.POIsPrefixed(ctx, fold, r.Focus, r.limit())
		} else {
			found, err = g.db.POIsNamed(ctx, fold, minPOISimilarity, r.Focus, r.limit())
		}
		if err != nil {
			return nil, err
		}
		for _, m := range found {
			best = max(best, m.Similarity)
			res := n.q.scorePOI(m, n.text)
			if i, seen := at[m.POI.ID]; !seen {
				at[m.POI.ID] = len(results)
				results, sims = append(results, res), append(sims, m.Similarity)
			} else if res.Score > results[i].Score {
				results[i], sims[i] = res, max(sims[i], m.Similarity)
			}
		}
	}
	kept := results[:0]
	for i, res := range results {
		if sims[i] >= best-poiSpread {
			kept = append(kept, res)
		}
	}
	return kept, nil
}

// scorePOI scores a named place found for the name asked for, written name.
func (q query) scorePOI(m store.POIMatch, name string) Result {
	matched := map[string]string{"name": name}
	got := weightName*poiMatch*m.Similarity + q.units(matched, m.Ward.Name, m.OldWard.Name, m.OldDistrict.Name, m.Province.Name)
	return Result{Kind: KindPOI, Place: m.Place, Score: round(got / (weightName + q.unitsAsked())), Matched: matched,
		lon: m.Lon, lat: m.Lat}
}
