package store_test

import (
	"context"
	"testing"

	"github.com/paulmach/orb"

	"bandoso/store"
	"bandoso/store/storetest"
)

// Named places of the demo city imported from its OpenStreetMap export are found by their
// folded name, exactly, by trigrams, or by the start of a word, each with the wards at its
// point; a name too unlike theirs finds none.
func TestPOIsNamed(t *testing.T) {
	db, pool := storetest.NewWithPool(t)
	storetest.LoadDemoOSM(t, db, 1, 2000)
	ctx := context.Background()
	l := storetest.ReadLandmark(t, pool, "Chợ Bến Thành")
	market := store.Place{Kind: "poi", Name: l.Name, POI: store.POIRef{ID: l.ID, Category: l.Category, Class: l.Class},
		Ward: l.Ward, OldWard: l.OldWard, OldDistrict: l.OldDistrict, Lon: l.Lon, Lat: l.Lat}
	isMarket := func(what string, got []store.POIMatch, sim func(float64) bool) {
		t.Helper()
		if len(got) == 0 {
			t.Errorf("%s: nothing", what)
			return
		}
		m := got[0]
		if m.POI != market.POI || m.Name != market.Name || m.Kind != "poi" || m.Lon != market.Lon || m.Lat != market.Lat ||
			m.Ward != market.Ward || m.OldWard != market.OldWard || m.OldDistrict != market.OldDistrict ||
			m.Province.Name == "" || !sim(m.Similarity) {
			t.Errorf("%s: %+v, want %+v", what, m, market)
		}
	}
	named := func(fold string, minSim float64) []store.POIMatch {
		t.Helper()
		m, err := db.POIsNamed(ctx, fold, minSim, nil, 5)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	prefixed := func(fold string) []store.POIMatch {
		t.Helper()
		m, err := db.POIsPrefixed(ctx, fold, nil, 5)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	exact := func(s float64) bool { return s == 1 }
	isMarket("cho ben thanh", named("cho ben thanh", 0.5), exact)
	isMarket("a letter off", named("cho ben tanh", 0.5), func(s float64) bool { return s >= 0.5 && s < 1 })
	if m := named("cho ben tanh", 0.95); len(m) != 0 {
		t.Errorf("a letter off, at least 0.95 alike: %+v", m)
	}
	if m := named("nha van hoa thanh nien", 0.5); len(m) != 0 {
		t.Errorf("a place the city lacks: %+v", m)
	}
	isMarket("typing its name", prefixed("cho ben"), exact)
	isMarket("typing a word of it", prefixed("ben th"), func(s float64) bool { return s == 0.9 })
	for _, fold := range []string{"%", "cho_ben", "en th"} {
		if m := prefixed(fold); len(m) != 0 {
			t.Errorf("typing %q: %+v", fold, m)
		}
	}

	// Among places of one name, the nearest to the focus first.
	var lon, lat float64
	var n int
	if err := pool.QueryRow(ctx, `SELECT ST_X(geom), ST_Y(geom), (SELECT count(*) FROM pois WHERE name = 'Vietcombank')
		FROM pois WHERE name = 'Vietcombank' ORDER BY id DESC LIMIT 1`).Scan(&lon, &lat, &n); err != nil || n < 3 {
		t.Fatalf("%d banks (%v)", n, err)
	}
	for _, fold := range []string{"vietcombank", "vietcom"} {
		find := db.POIsNamed
		if fold == "vietcom" {
			find = func(ctx context.Context, fold string, _ float64, focus *orb.Point, limit int) ([]store.POIMatch, error) {
				return db.POIsPrefixed(ctx, fold, focus, limit)
			}
		}
		m, err := find(ctx, fold, 0.5, &orb.Point{lon, lat}, 10)
		if err != nil || len(m) != n || m[0].Lon != lon || m[0].Lat != lat {
			t.Fatalf("%s near the last bank: %d of %d (%v), first %+v", fold, len(m), n, err, m)
		}
		for i := 1; i < len(m); i++ {
			if storetest.OffsetM(lon, lat, m[i].Lon, m[i].Lat) < storetest.OffsetM(lon, lat, m[i-1].Lon, m[i-1].Lat) {
				t.Errorf("%s: bank %d is nearer than bank %d", fold, i, i-1)
			}
		}
	}
}
