package geocode

import (
	"context"

	"bandoso/address"
	"bandoso/store"
)

// suggestStreets is how many streets a prefix may stand for in a suggestion.
const suggestStreets = 5

// Autocomplete suggests what the user typing r.Text may be after: the street part is read
// as the start of a name, and with a house number the registered numbers starting with it on
// the best street come first; without one, the named places whose name starts so are
// suggested too. Suggesting streets costs two statements (named places and streets, or streets
// and house numbers), so it can run on every key.
func (g *Geocoder) Autocomplete(ctx context.Context, r Request) (Answer, error) {
	q, err := g.read(ctx, r)
	if err != nil {
		return Answer{}, err
	}
	var results []Result
	if q.number == "" {
		if results, err = g.places(ctx, q, r, true); err != nil {
			return Answer{}, err
		}
	}
	if q.street == "" {
		wards, err := g.wards(ctx, q)
		return q.suggest(append(results, wards...), r), err
	}
	streets, err := g.db.StreetsPrefixed(ctx, q.street, r.Focus, suggestStreets)
	if err != nil {
		return Answer{}, err
	}
	if q.number != "" && len(streets) > 0 {
		prefix := q.key
		if prefix == "" {
			prefix = q.number
		}
		found, err := g.db.AddressesPrefixed(ctx, []int64{streets[0].ID}, prefix, r.limit())
		if err != nil {
			return Answer{}, err
		}
		for _, a := range found {
			res := q.scoreAddress(a, streets[0])
			if address.NormHouseNumber(a.HouseNumber) != q.key {
				res.Score = round(res.Score * 0.9)
			}
			results = append(results, res)
		}
	}
	for _, s := range streets {
		p := store.Place{Kind: "street", Name: s.Name, StreetID: s.ID, Street: s.Name, Lon: s.Lon, Lat: s.Lat}
		results = append(results, q.scorePlace(p, s))
	}
	return q.suggest(results, r), nil
}

// suggest judges suggestions as the geocoder judges answers, the street's name aside (it is
// being typed), and keeps the best whatever their confidence: a suggestion is a question.
func (q query) suggest(results []Result, r Request) Answer {
	results, _ = q.judge(r.keep(results), true)
	return Answer{Parsed: q.parsed, Results: rank(results, r)}
}
