package geocode_test

import (
	"context"
	"testing"

	"bandoso/address"
	"bandoso/geocode"
	"bandoso/internal/housenumbers"
	"bandoso/store/storetest"
)

// TestGeocodeHouseNumbers registers one address for each canonical house number of
// internal/housenumbers, written in the first form the file gives, and
// geocodes every form, in free text and as the structured house part: each finds its address.
func TestGeocodeHouseNumbers(t *testing.T) {
	ctx := context.Background()
	db, pool := storetest.NewWithPool(t)
	cases := housenumbers.Cases(t)
	var street int64
	if err := pool.QueryRow(ctx, `INSERT INTO streets (name, geom)
		VALUES ('Lê Lợi', 'SRID=4326;MULTILINESTRING((106.70 10.77, 106.71 10.77))') RETURNING id`).Scan(&street); err != nil {
		t.Fatal(err)
	}
	ids := map[string]int64{}
	register := func(number string, x float64) int64 {
		var id int64
		err := pool.QueryRow(ctx, `INSERT INTO addresses (house_number, street_id, ward_code, geom)
			VALUES ($1, $2, '26734', ST_SetSRID(ST_MakePoint($3, 10.7701), 4326)) RETURNING id`, number, street, x).Scan(&id)
		if err != nil {
			t.Fatalf("%q: %v", number, err)
		}
		return id
	}
	for i, c := range cases {
		if c.Error == "" && ids[c.Want] == 0 {
			ids[c.Want] = register(c.In, 106.70+float64(i)*1e-5)
		}
	}
	house100 := register("100", 106.705)
	g := geocode.New(db)
	top := func(r geocode.Request) (int64, string) {
		t.Helper()
		ans, err := g.Geocode(ctx, r)
		if err != nil {
			t.Fatalf("%+v: %v", r, err)
		}
		if len(ans.Results) == 0 || ans.Results[0].Kind != "address" {
			return 0, ""
		}
		return ans.Results[0].Address.ID, ans.Results[0].Address.HouseNumber
	}
	freeText := 0
	for _, c := range cases {
		if c.Error != "" {
			continue
		}
		requests := []geocode.Request{{House: c.In, Street: "Lê Lợi"}}
		text := c.In + " Lê Lợi"
		// address's tests list the forms its parser does not read in running text
		if h, err := address.Parse(text).HouseNumber(); err == nil && h.String() == c.Want {
			requests = append(requests, geocode.Request{Text: text})
			freeText++
		}
		for _, r := range requests {
			if id, number := top(r); id != ids[c.Want] {
				t.Errorf("%+v found %d %q, want %d (%s)", r, id, number, ids[c.Want], c.Want)
			}
		}
	}
	if freeText < len(ids) {
		t.Errorf("only %d forms tried in free text", freeText)
	}
	if id, _ := top(geocode.Request{Text: "100 Lê Lợi"}); id != house100 {
		t.Errorf("100 Lê Lợi found %d, want house 100 (%d)", id, house100)
	}
	ans, err := g.Geocode(ctx, geocode.Request{Text: "Ngõ 100 Lê Lợi"})
	if err != nil || len(ans.Results) == 0 || ans.Results[0].Address.ID != ids["ALLEY:100"] {
		t.Fatalf("Ngõ 100 Lê Lợi: %+v, %v", ans.Results, err)
	}
	for _, r := range ans.Results {
		if r.Address.ID == house100 {
			t.Error("Ngõ 100 found house 100")
		}
	}
	ans, err = g.Autocomplete(ctx, geocode.Request{House: "120 b", Street: "Lê L"})
	if err != nil || len(ans.Results) == 0 || ans.Results[0].Address.ID != ids["120BIS"] {
		t.Errorf("typing 120 b on Lê L: %+v, %v", ans.Results, err)
	}
}
