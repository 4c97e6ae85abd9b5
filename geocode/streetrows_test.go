package geocode_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"bandoso/demo"
	"bandoso/geocode"
	"bandoso/store"
	"bandoso/store/storetest"
)

// rowsWard is a current ward of the demo city with a point inside it.
type rowsWard struct {
	code, name string
	lon, lat   float64
}

// TestGeocodeStreetOfManyRows: one street name stored as many rows, as a file imported
// without grouping keeps it: in one ward, Hai Bà Trưng is 20 segments, its house numbers
// each on the segment they face, the segment holding 243 stored last; in 15 other wards it
// is a short street with 241 to 247 of its own, stored before. A registered number is
// found on whichever row holds it; an unregistered one is placed between its neighbours on
// the street of the ward asked, however many rows they are on and however many other
// streets bear the name, ahead of the number registered on a namesake in another ward; and
// the street's rows give one candidate, not one each.
func TestGeocodeStreetOfManyRows(t *testing.T) {
	ctx := context.Background()
	db, pool := storetest.NewWithPool(t)
	city, err := demo.New(1, demo.SizeDistrict) // 18 wards
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.LoadDemo(ctx, city, store.DemoLoadOptions{BoundariesOnly: true}); err != nil {
		t.Fatal(err)
	}
	rows, _ := pool.Query(ctx, `SELECT code, name, ST_X(p), ST_Y(p) FROM admin_units, ST_PointOnSurface(geom) p
		WHERE level = 'ward' AND valid_to IS NULL AND geom IS NOT NULL ORDER BY code`)
	var wards []rowsWard
	for rows.Next() {
		var w rowsWard
		if err := rows.Scan(&w.code, &w.name, &w.lon, &w.lat); err != nil {
			t.Fatal(err)
		}
		wards = append(wards, w)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	const others = 15 // more streets of the name than the geocoder interpolates on
	if len(wards) < others+1 {
		t.Fatalf("the demo city has %d wards, want %d", len(wards), others+1)
	}
	home := wards[len(wards)/2]
	wards = slices.Delete(wards, len(wards)/2, len(wards)/2+1)[:others]

	f := rowsFixture{t: t, pool: pool}
	for _, w := range wards {
		street := f.street(w, 0, 1, w.code)
		for _, n := range []int{241, 243, 245, 247} {
			f.address(street, n, w, float64(n-240)/10)
		}
	}
	// the home street: 20 segments, stored in a shuffled order with the one holding 243 last
	const segments = 20
	segmentOf := func(n int) int { return min(segments-1, (n-200)*segments/100) }
	order := rand.New(rand.NewPCG(1, 2)).Perm(segments)
	at243 := slices.Index(order, segmentOf(243))
	order = append(slices.Delete(order, at243, at243+1), segmentOf(243))
	ids := make([]int64, segments)
	for _, i := range order {
		ids[i] = f.street(home, float64(i)/segments, float64(i+1)/segments, home.code)
	}
	// 245 and 251 are not registered there; 245 is in the other wards, 251 nowhere
	registered := map[int]int64{}
	for n := 200; n < 300; n++ {
		if n != 245 && n != 251 {
			registered[n] = f.address(ids[segmentOf(n)], n, home, float64(n-200)/100)
		}
	}
	if segmentOf(243) == segmentOf(247) || segmentOf(249) == segmentOf(253) {
		t.Fatal("neighbours on one segment: the fixture tests nothing")
	}

	g := geocode.New(db)
	geocodeText := func(t *testing.T, text string, limit int) []geocode.Result {
		t.Helper()
		ans, err := g.Geocode(ctx, geocode.Request{Text: text, Limit: limit})
		if err != nil {
			t.Fatalf("%s: %v", text, err)
		}
		if len(ans.Results) == 0 {
			t.Fatalf("%s: nothing found", text)
		}
		return ans.Results
	}
	t.Run("registered on the last row", func(t *testing.T) {
		for _, limit := range []int{1, 10} {
			text := "243 Hai Bà Trưng, " + home.name
			if res := geocodeText(t, text, limit); res[0].Kind != "address" || res[0].Address.ID != registered[243] {
				t.Errorf("%s (limit %d): %+v, want address %d", text, limit, res[0], registered[243])
			}
		}
		// the name alone stands for every ward's street: none is likely enough alone
		ans, err := g.Geocode(ctx, geocode.Request{Text: "243 Hai Bà Trưng", Limit: 50})
		if err != nil || len(ans.Results) > 0 || !strings.Contains(ans.Reason, "as likely as each other") {
			t.Errorf("243 Hai Bà Trưng: %d results, reason %q, err %v; want none, as %d are alike", len(ans.Results), ans.Reason, err, others+1)
		}
		none := 0.0
		ans, err = g.Geocode(ctx, geocode.Request{Text: "243 Hai Bà Trưng", Limit: 50, MinConfidence: &none})
		if err != nil {
			t.Fatal(err)
		}
		res := ans.Results
		if len(res) != others+1 || res[0].Confidence > 1.0/float64(others) {
			t.Errorf("243 Hai Bà Trưng, min_confidence 0: %d results, first %+v; want all %d, each unsure", len(res), first(res), others+1)
		}
		if res[0].Kind != "address" || res[0].Address.HouseNumber != "243" ||
			!slices.ContainsFunc(res, func(r geocode.Result) bool { return r.Address.ID == registered[243] }) {
			t.Errorf("243 Hai Bà Trưng: %+v, want the registered 243s, %d among them", first(res), registered[243])
		}
	})
	// 251 is placed on the other streets too, beside their 247: the street of the ward asked,
	// stored last, must be among those it is placed on
	for _, c := range []struct {
		number  int
		between []string
	}{{245, []string{"243", "247"}}, {251, []string{"249", "253"}}} {
		t.Run(fmt.Sprintf("%d placed between its neighbours on the ward's street", c.number), func(t *testing.T) {
			lon0, lat0 := f.door(home, c.number, float64(c.number-200)/100)
			for _, limit := range []int{1, 10} {
				text := fmt.Sprintf("%d Hai Bà Trưng, %s", c.number, home.name)
				res := geocodeText(t, text, limit)
				lon, lat := res[0].Point()
				if res[0].Kind != "interpolated" || !slices.Equal(res[0].Place.Between, c.between) ||
					res[0].Place.Ward.Code != home.code || storetest.OffsetM(lon, lat, lon0, lat0) > 5 {
					t.Errorf("%s (limit %d): %+v at %.1f m, want it placed between %v in %s",
						text, limit, res[0], storetest.OffsetM(lon, lat, lon0, lat0), c.between, home.code)
				}
				onHome := 0
				for _, r := range res {
					if r.Kind == "interpolated" && slices.Contains(ids, r.Place.StreetID) {
						onHome++
					}
				}
				if onHome != 1 {
					t.Errorf("%s (limit %d): %d candidates on the home street's rows, want 1", text, limit, onHome)
				}
			}
		})
	}
}

// rowsFixture inserts the streets and addresses of TestGeocodeStreetOfManyRows.
type rowsFixture struct {
	t    *testing.T
	pool *pgxpool.Pool
}

// point is the point at fraction at of the 300 m east–west line through ward w's point.
func (f rowsFixture) point(w rowsWard, at float64) (lon, lat float64) {
	return w.lon - 0.0015 + 0.003*at, w.lat
}

// street stores the part from fraction from to fraction to of ward w's line as a row of Hai
// Bà Trưng in ward code, as a file not grouped by ward would.
func (f rowsFixture) street(w rowsWard, from, to float64, code string) int64 {
	f.t.Helper()
	x0, y0 := f.point(w, from)
	x1, y1 := f.point(w, to)
	var id int64
	if err := f.pool.QueryRow(context.Background(), `INSERT INTO streets (name, ward_code, geom)
		VALUES ('Hai Bà Trưng', $1, ST_Multi(ST_MakeLine(ST_SetSRID(ST_MakePoint($2, $3), 4326), ST_SetSRID(ST_MakePoint($4, $5), 4326))))
		RETURNING id`, code, x0, y0, x1, y1).Scan(&id); err != nil {
		f.t.Fatal(err)
	}
	return id
}

// door is where number n stands at fraction at of ward w's line: odd numbers 5 m north of
// it, even ones 5 m south.
func (f rowsFixture) door(w rowsWard, n int, at float64) (lon, lat float64) {
	lon, lat = f.point(w, at)
	if n%2 == 1 {
		return lon, lat + 0.000045
	}
	return lon, lat - 0.000045
}

// address registers number n on street at fraction at of ward w's line, in ward w and the
// old ward at its point.
func (f rowsFixture) address(street int64, n int, w rowsWard, at float64) int64 {
	f.t.Helper()
	lon, lat := f.door(w, n, at)
	var id int64
	if err := f.pool.QueryRow(context.Background(), `
		WITH pt AS (SELECT ST_SetSRID(ST_MakePoint($3, $4), 4326) AS g)
		INSERT INTO addresses (house_number, street_id, ward_code, old_ward_code, geom)
		SELECT $1, $2, $5, (SELECT u.code FROM admin_units u WHERE u.level = 'ward' AND u.valid_to = DATE '`+store.ReformDate+`'
			AND ST_Intersects(u.geom, pt.g) ORDER BY u.code LIMIT 1), pt.g FROM pt
		RETURNING id`, fmt.Sprint(n), street, lon, lat, w.code).Scan(&id); err != nil {
		f.t.Fatal(err)
	}
	return id
}
