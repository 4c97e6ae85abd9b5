package geocode_test

import (
	"context"
	"strings"
	"testing"

	"bandoso/geocode"
	"bandoso/store/storetest"
)

// TestGeocodePlaces: on the demo city imported from its OpenStreetMap export, a landmark's
// name written as people write it finds the named place, with the wards at its point; a
// house number on a street finds the address and no place, however the places are named;
// and a place is never invented for an asker who may not see them.
func TestGeocodePlaces(t *testing.T) {
	db, pool := storetest.NewWithPool(t)
	storetest.LoadDemoOSM(t, db, 1, 2000)
	ctx := context.Background()
	market := storetest.ReadLandmark(t, pool, "Chợ Bến Thành")
	var address struct {
		id            int64
		house, street string
	}
	// An address on a named street, and places named after that street: one as the street
	// is, one as a café on it might be.
	if err := pool.QueryRow(ctx, `SELECT a.id, a.house_number, s.name FROM addresses a JOIN streets s ON s.id = a.street_id
		WHERE s.kind = 'street' AND a.number_norm ~ '^[0-9]+$' ORDER BY a.id LIMIT 1`).Scan(&address.id, &address.house, &address.street); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `INSERT INTO pois (category, class, name, geom) VALUES
		('amenity', 'school', $1, ST_SetSRID(ST_MakePoint($3, $4), 4326)),
		('amenity', 'cafe', $2, ST_SetSRID(ST_MakePoint($3, $4), 4326))`,
		address.street, address.street+" Coffee", market.Lon+0.001, market.Lat); err != nil {
		t.Fatal(err)
	}
	g := geocode.New(db)
	geocodeText := func(text string, omit ...string) []geocode.Result {
		t.Helper()
		ans, err := g.Geocode(ctx, request(text, omit...))
		if err != nil {
			t.Fatalf("%q: %v", text, err)
		}
		return ans.Results
	}
	isPlace := func(text string, res []geocode.Result, name, class string) {
		t.Helper()
		if len(res) == 0 || res[0].Kind != geocode.KindPOI || res[0].Place.Name != name || res[0].Place.POI.Class != class ||
			res[0].Score >= 1 || res[0].Score < 0.6 || res[0].Place.Ward.Name == "" || res[0].Place.Province.Name == "" {
			t.Errorf("%q: first %+v, want the place %s (%s)", text, first(res), name, class)
		}
	}

	for _, text := range []string{"Chợ Bến Thành", "cho ben thanh", "CHỢ BẾN THÀNH", "Chợ Bến Thành, " + market.OldDistrict.Name,
		"Chợ Bến Thành " + strings.Replace(market.OldDistrict.Name, "Quận ", "Q", 1), "chợ bến thanh, tp hcm"} {
		res := geocodeText(text)
		isPlace(text, res, "Chợ Bến Thành", "marketplace")
		p := res[0].Place
		if lon, lat := res[0].Point(); p.POI.ID != market.ID || p.POI.Category != "amenity" || p.Ward.Code != market.Ward.Code ||
			p.OldDistrict.Name != market.OldDistrict.Name || lon != market.Lon || lat != market.Lat || res[0].Matched["name"] == "" {
			t.Errorf("%q: %+v", text, res[0])
		}
	}
	if res := geocodeText("Chợ Bến Thành, " + market.OldDistrict.Name); res[0].Matched["district"] == "" || res[0].Score <= 0.95 {
		t.Errorf("the market in its district: %+v", res[0])
	}
	isPlace("Chùa Giác Lâm", geocodeText("chùa giác lâm"), "Chùa Giác Lâm", "place_of_worship")
	isPlace("a school", geocodeText("Trường Mầm non Tỉnh Lộ 10"), "Trường Mầm non Tỉnh Lộ 10", "kindergarten")
	// a place named like another leaves it out
	for _, r := range geocodeText("Trường Mầm non Tỉnh Lộ 10") {
		if r.Place.Name != "Trường Mầm non Tỉnh Lộ 10" {
			t.Errorf("Trường Mầm non Tỉnh Lộ 10 found %q too", r.Place.Name)
		}
	}
	isPlace("the café", geocodeText(address.street+" Coffee"), address.street+" Coffee", "cafe")

	// An address is an address: the house, then no place of a like name.
	addr := address.house + " " + address.street
	res := geocodeText(addr)
	if len(res) == 0 || res[0].Kind != "address" || res[0].Address.ID != address.id || res[0].Score != 1 {
		t.Errorf("%q: first %+v, want address %d", addr, first(res), address.id)
	}
	for _, r := range res {
		if r.Kind == geocode.KindPOI {
			t.Errorf("%q found the place %q", addr, r.Place.Name)
		}
	}
	// A street's name alone is the street before the place named as it is.
	res = geocodeText(address.street)
	if len(res) < 2 || res[0].Kind != "street" || res[0].Score != 1 {
		t.Errorf("%q: first %+v, want the street", address.street, first(res))
	}
	school := -1
	for i, r := range res {
		if r.Kind == geocode.KindPOI && r.Place.Name == address.street {
			school = i
		}
	}
	if school < 1 || res[school].Score >= res[0].Score {
		t.Errorf("%q: the school of that name is answer %d of %d", address.street, school, len(res))
	}

	if res := geocodeText("Chợ Bến Thành", geocode.KindPOI); len(res) > 0 && res[0].Kind == geocode.KindPOI {
		t.Errorf("places omitted, yet %+v", res[0])
	}
	if res := geocodeText("Nhà văn hóa Thanh Niên"); len(res) > 0 && res[0].Kind == geocode.KindPOI {
		t.Errorf("a place the city lacks: %+v", res[0])
	}

	t.Run("autocomplete", func(t *testing.T) {
		suggest := func(text string, omit ...string) []geocode.Result {
			t.Helper()
			ans, err := g.Autocomplete(ctx, request(text, omit...))
			if err != nil {
				t.Fatalf("%q: %v", text, err)
			}
			return ans.Results
		}
		for _, text := range []string{"Chợ Bế", "cho ben", "ben th"} {
			res := suggest(text)
			if len(res) == 0 || res[0].Kind != geocode.KindPOI || res[0].Place.POI.ID != market.ID {
				t.Errorf("typing %q: first %+v, want the market", text, first(res))
			}
		}
		// a house number being typed is an address being typed
		typed := address.house + " " + address.street[:len(address.street)-2]
		for _, r := range suggest(typed) {
			if r.Kind == geocode.KindPOI {
				t.Errorf("typing %q suggests the place %q", typed, r.Place.Name)
			}
		}
		for _, r := range suggest("cho ben", geocode.KindPOI) {
			if r.Kind == geocode.KindPOI {
				t.Errorf("places omitted, yet %+v", r)
			}
		}
	})
}

// request asks for text, omitting the kinds of result omit names.
func request(text string, omit ...string) geocode.Request {
	r := geocode.Request{Text: text, Omit: map[string]bool{}}
	for _, k := range omit {
		r.Omit[k] = true
	}
	return r
}

// first is the first result, for messages.
func first(res []geocode.Result) any {
	if len(res) == 0 {
		return "nothing"
	}
	return res[0]
}
