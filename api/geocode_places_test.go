package api_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"bandoso/store"
	"bandoso/store/storetest"
)

// Named places through the API, on the demo city imported from its OpenStreetMap export:
// geocoding and autocomplete answer the market as kind "poi" with its name, what it is and
// the wards at its point, the batch geocoder too; a house number on a street stays an
// address; and once the pois layer is restricted, only a request with a key gets places.
func TestGeocodePlacesAPI(t *testing.T) {
	e := newOSMCityEnv(t, 2000)
	market := storetest.ReadLandmark(t, e.pool, "Chợ Bến Thành")
	g := geoEnv{url: e.url, pool: e.pool, db: e.db}
	isMarket := func(what string, h hits) {
		t.Helper()
		if len(h.Features) == 0 {
			t.Fatalf("%s: nothing", what)
		}
		f := h.Features[0]
		p := f.Properties
		if p.Kind != "poi" || p.Name != "Chợ Bến Thành" || p.Category != "amenity" || p.Class != "marketplace" || p.POIID != market.ID ||
			p.Ward != market.Ward || !strings.HasPrefix(p.Label, "Chợ Bến Thành, "+market.Ward.Name+", ") ||
			f.Geometry.Coordinates != [2]float64{market.Lon, market.Lat} || p.Codes.PlusCode == "" || p.Score >= 1 {
			t.Errorf("%s: %+v", what, f)
		}
	}
	isMarket("geocode", g.geocode(t, "/v1/geocode", url.Values{"q": {"cho ben thanh"}}))
	isMarket("autocomplete", g.geocode(t, "/v1/autocomplete", url.Values{"q": {"Chợ Bến"}}))

	// An address written with its number answers the address, not a place.
	addr := e.addressText(t)
	for _, f := range g.geocode(t, "/v1/geocode", url.Values{"q": {addr}}).Features {
		if f.Properties.Kind == "poi" {
			t.Errorf("%q answers the place %q", addr, f.Properties.Name)
		}
	}

	res, body := sendBody(t, http.MethodPost, e.url+"/v1/geocode/batch", "address\nChợ Bến Thành\n", "Content-Type", "text/csv")
	rows, err := csv.NewReader(strings.NewReader(string(body))).ReadAll()
	if res.StatusCode != http.StatusOK || err != nil || len(rows) != 2 {
		t.Fatalf("batch: status %d, %v: %s", res.StatusCode, err, body)
	}
	if kind := rows[1][slices.Index(rows[0], "kind")]; kind != "poi" {
		t.Errorf("batch: kind %q in %v", kind, rows)
	}

	t.Run("restricted", func(t *testing.T) {
		admin := newKey(t, e.db, "places-admin", store.RoleAdmin)
		reader := newKey(t, e.db, "places-reader", store.RoleReader)
		setPublic(t, e, admin, "pois", false)
		for _, path := range []string{"/v1/geocode?q=", "/v1/autocomplete?q="} {
			kinds := func(header ...string) []string {
				t.Helper()
				res, body := send(t, http.MethodGet, e.url+path+url.QueryEscape("Chợ Bến Thành"), header...)
				var h hits
				if err := json.Unmarshal(body, &h); res.StatusCode != http.StatusOK || err != nil {
					t.Fatalf("%s: status %d, %v: %s", path, res.StatusCode, err, body)
				}
				var out []string
				for _, f := range h.Features {
					out = append(out, f.Properties.Kind)
				}
				return out
			}
			if got := kinds(); slices.Contains(got, "poi") {
				t.Errorf("%s without a key: %v", path, got)
			}
			if got := kinds(reader...); len(got) == 0 || got[0] != "poi" {
				t.Errorf("%s with a reader key: %v", path, got)
			}
		}
	})
}

// addressText is a registered address of the city as people write it: number and street.
func (e tileEnv) addressText(t *testing.T) string {
	t.Helper()
	var text string
	if err := e.pool.QueryRow(context.Background(), `SELECT a.house_number || ' ' || s.name FROM addresses a
		JOIN streets s ON s.id = a.street_id WHERE s.kind = 'street' ORDER BY a.id LIMIT 1`).Scan(&text); err != nil {
		t.Fatal(err)
	}
	return text
}
