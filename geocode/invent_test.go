package geocode_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"bandoso/address"
	"bandoso/demo"
	"bandoso/geocode"
	"bandoso/store"
	"bandoso/store/storetest"
)

// TestGeocodeNeverInvents asks for what the data does not hold, or holds elsewhere than
// written, and wants no answer, or one that says how it disagrees, never a confident one.
func TestGeocodeNeverInvents(t *testing.T) {
	ctx := context.Background()
	db, pool := storetest.NewWithPool(t)
	city, err := demo.New(1, 2000)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.LoadDemo(ctx, city, store.DemoLoadOptions{}); err != nil {
		t.Fatal(err)
	}
	g := geocode.New(db)
	ask := func(t *testing.T, text string) geocode.Answer {
		t.Helper()
		ans, err := g.Geocode(ctx, geocode.Request{Text: text})
		if err != nil {
			t.Fatalf("%s: %v", text, err)
		}
		return ans
	}
	// a registered number on a street of one name in the city, and its old district
	var house, street, district string
	if err := pool.QueryRow(ctx, `SELECT a.house_number, s.name, od.name FROM addresses a JOIN streets s ON s.id = a.street_id
		JOIN admin_units ow ON ow.level = 'ward' AND ow.code = a.old_ward_code AND ow.valid_to = DATE '`+store.ReformDate+`'
		JOIN admin_units od ON od.level = 'district' AND od.code = ow.parent_code AND od.valid_to = ow.valid_to
		WHERE s.kind = 'street' AND a.house_number ~ '^[0-9]+$' AND length(s.name) > 8
			AND (SELECT count(*) FROM streets t WHERE t.name = s.name) = 1
		ORDER BY a.id LIMIT 1`).Scan(&house, &street, &district); err != nil {
		t.Fatalf("the demo city has no numbered house: %v", err)
	}
	plain := address.Fold(street)
	var otherDistrict string
	if err := pool.QueryRow(ctx, `SELECT name FROM admin_units WHERE level = 'district' AND name <> $1 AND code LIKE '7%'
		ORDER BY code LIMIT 1`, district).Scan(&otherDistrict); err != nil {
		t.Fatal(err)
	}

	t.Run("a qualifier and a number written apart from the street", func(t *testing.T) {
		// "Đối diện 274, Hai Bà Trưng, Quận 3" is the house opposite 274 Hai Bà Trưng
		text := fmt.Sprintf("Đối diện %s, %s, %s", house, street, district)
		res := ask(t, text).Results
		if len(res) == 0 || res[0].Kind != "address" || res[0].Address.HouseNumber != house || res[0].Confidence < 0.8 {
			t.Errorf("%s: %+v, want %s %s", text, first(res), house, street)
		}
	})
	t.Run("a house number's letter written apart", func(t *testing.T) {
		// "194 D, Pasteur" is 194D Pasteur, not the street D in the ward Pasteur
		var number, on string
		if err := pool.QueryRow(ctx, `SELECT a.house_number, s.name FROM addresses a JOIN streets s ON s.id = a.street_id
			WHERE s.kind = 'street' AND a.house_number ~ '^[0-9]+[A-Z]$' ORDER BY a.id LIMIT 1`).Scan(&number, &on); err != nil {
			t.Fatal(err)
		}
		text := number[:len(number)-1] + " " + number[len(number)-1:] + ", " + on
		res := ask(t, text).Results
		if len(res) == 0 || res[0].Kind != "address" || res[0].Address.HouseNumber != number || res[0].Address.Street != on {
			t.Errorf("%s: %+v, want %s %s", text, first(res), number, on)
		}
	})
	t.Run("the address found as written", func(t *testing.T) {
		text := house + " " + plain + ", TP HCM"
		res := ask(t, text).Results
		if len(res) == 0 || res[0].Kind != "address" || res[0].Address.HouseNumber != house || res[0].Confidence < 0.8 || res[0].Mismatch != nil {
			t.Errorf("%s: %+v, want the registered address, sure", text, first(res))
		}
	})
	t.Run("an old province that went into the city agrees", func(t *testing.T) {
		text := house + " " + street + ", Bình Dương" // merged into Ho Chi Minh City in 2025
		res := ask(t, text).Results
		if len(res) == 0 || res[0].Kind != "address" || res[0].Confidence < 0.8 {
			t.Errorf("%s: %+v, want the registered address", text, first(res))
		}
	})
	t.Run("another province is no answer", func(t *testing.T) {
		for _, text := range []string{house + " " + plain + " Ha Noi", house + " " + street + ", Đà Nẵng"} {
			ans := ask(t, text)
			if len(ans.Results) > 0 || !strings.Contains(ans.Reason, "Thành phố Hồ Chí Minh") {
				t.Errorf("%s: %d results (%+v), reason %q; want none, as the city's is in Ho Chi Minh City",
					text, len(ans.Results), first(ans.Results), ans.Reason)
			}
		}
	})
	t.Run("another district loses confidence and says so", func(t *testing.T) {
		text := fmt.Sprintf("%s %s, %s", house, street, otherDistrict)
		res := ask(t, text).Results
		if len(res) == 0 || res[0].Kind != "address" || res[0].Confidence > 0.5 || res[0].Mismatch["district"] == "" {
			t.Errorf("%s: %+v, want the address with the district as a mismatch", text, first(res))
		}
	})
	t.Run("a street not in the data is no street", func(t *testing.T) {
		for _, text := range []string{"22 Nguyễn Thị Diệu, Phường 6, Quận 3", "Chợ Bến Thành", "120/5A Lê Văn Quới, P. Tân Định",
			"15 Đường Không Có Thật, Quận 1"} {
			ans := ask(t, text)
			for _, r := range ans.Results {
				if r.Kind == "address" || r.Kind == "interpolated" || r.Kind == "street" {
					t.Errorf("%s: %s %s (%s), want no street: the data has none of that name", text, r.Kind, r.Place.Street+r.Address.Street, r.Place.Name)
				}
			}
			if len(ans.Results) == 0 && ans.Reason == "" {
				t.Errorf("%s: no results and no reason", text)
			}
		}
	})
	t.Run("the ward of an address not in the data is not an answer by default", func(t *testing.T) {
		text := "12 Lê Lợi, P. Tân Định"
		if ans := ask(t, text); len(ans.Results) > 0 {
			t.Errorf("%s: %+v, want none", text, first(ans.Results))
		}
		none := 0.0
		ans, err := g.Geocode(ctx, geocode.Request{Text: text, MinConfidence: &none})
		if err != nil {
			t.Fatal(err)
		}
		if len(ans.Results) == 0 || ans.Results[0].Kind != "ward" || !ans.Results[0].Partial || ans.Results[0].Confidence >= geocode.DefaultMinConfidence {
			t.Errorf("%s, min_confidence 0: %+v, want the ward, partial and unsure", text, first(ans.Results))
		}
	})
}

// TestGeocodeHiddenStreetsUnread: a request that may not see the streets layer is parsed
// without the city's street names, so that its echo cannot tell which names the layer holds
// (a name restored with its diacritics is a name the table has).
func TestGeocodeHiddenStreetsUnread(t *testing.T) {
	ctx := context.Background()
	db, pool := storetest.NewWithPool(t)
	if _, err := pool.Exec(ctx, `INSERT INTO streets (name, geom)
		VALUES ('Thử Nghiệm Kín', 'SRID=4326;MULTILINESTRING((106.70 10.77, 106.71 10.77))')`); err != nil {
		t.Fatal(err)
	}
	g := geocode.New(db)
	for _, c := range []struct {
		omit map[string]bool
		want string
	}{{nil, "Thử Nghiệm Kín"}, {map[string]bool{"street": true}, "Thu Nghiem Kin"}} {
		ans, err := g.Geocode(ctx, geocode.Request{Text: "12 thu nghiem kin", Omit: c.omit})
		if err != nil {
			t.Fatal(err)
		}
		if got := ans.Parsed.Street.Value; got != c.want {
			t.Errorf("streets omitted %v: parsed street %q, want %q", c.omit["street"], got, c.want)
		}
	}
}
