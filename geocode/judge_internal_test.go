package geocode

import (
	"math"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"bandoso/address"
	"bandoso/gazetteer"
	"bandoso/store"
)

// The units of the candidates below, as the data names them.
var (
	hcmc      = store.UnitRef{Code: "79", Name: "Thành phố Hồ Chí Minh"}
	hanoi     = store.UnitRef{Code: "01", Name: "Thành phố Hà Nội"}
	benThanh  = store.UnitRef{Code: "26743", Name: "Phường Bến Thành"}
	saiGon    = store.UnitRef{Code: "26740", Name: "Phường Sài Gòn"}
	benNghe   = store.UnitRef{Code: "26740", Name: "Phường Bến Nghé"}
	district1 = store.UnitRef{Code: "760", Name: "Quận 1"}
	district3 = store.UnitRef{Code: "770", Name: "Quận 3"}
)

// ask reads text as the geocoder does, with the country's units but not a city's streets.
func ask(t *testing.T, text string) query {
	t.Helper()
	g := gazetteer.Official()
	q, err := newQuery(address.Parse(text, address.WithUnits(g)), "", g)
	if err != nil {
		t.Fatalf("%q: %v", text, err)
	}
	return q
}

// where is a candidate's street and units; zero units are those the data lacks there.
type where struct {
	street                            string
	ward, oldWard, district, province store.UnitRef
}

// inBenThanh is Lê Lợi in Phường Bến Thành, before and after 2025.
var inBenThanh = where{"Lê Lợi", benThanh, benThanh, district1, hcmc}

// registered is the address found at house on w, scored as the geocoder scores it.
func registered(q query, house string, w where, lon, lat float64) Result {
	a := store.Address{HouseNumber: house, Street: w.street, Ward: w.ward, OldWard: w.oldWard,
		OldDistrict: w.district, Province: w.province, Lon: lon, Lat: lat}
	return q.scoreAddress(a, store.StreetMatch{Name: w.street, Similarity: 1})
}

// place is a place of kind (interpolated, street, ward) on w, scored as the geocoder scores it.
func place(q query, kind string, w where, between ...string) Result {
	p := store.Place{Kind: kind, Name: w.street, Street: w.street, Ward: w.ward, OldWard: w.oldWard,
		OldDistrict: w.district, Province: w.province, Between: between, Lon: 106.698, Lat: 10.772}
	if kind == "ward" {
		p.Name = w.ward.Name
		return q.scoreWard(p, store.WardMatch{Code: w.ward.Code, Name: w.ward.Name, Current: true, Similarity: 1,
			District: w.district, Province: w.province}, bare(w.ward.Name))
	}
	return q.scorePlace(p, store.StreetMatch{Name: w.street, Similarity: 1})
}

func TestJudge(t *testing.T) {
	const full = "12 Lê Lợi, Phường Bến Thành, Quận 1, TP.HCM"
	for _, c := range []struct {
		name      string
		text      string
		candidate func(query) Result
		want      float64  // confidence; 0: dropped
		mismatch  []string // the parts it disagrees with
		partial   bool
		reason    string // in the reason it was dropped
	}{
		{"a registered address where asked is sure", full,
			func(q query) Result { return registered(q, "12", inBenThanh, 106.698, 10.772) }, 1, nil, false, ""},
		{"a ward written before 2025 agrees with the old ward", "12 Lê Lợi, Phường Bến Nghé, Quận 1",
			func(q query) Result {
				return registered(q, "12", where{"Lê Lợi", saiGon, benNghe, district1, hcmc}, 106.7, 10.775)
			}, 1, nil, false, ""},
		{"another ward halves it", full,
			func(q query) Result {
				return registered(q, "12", where{"Lê Lợi", saiGon, benNghe, district1, hcmc}, 106.7, 10.775)
			}, 0.5, []string{"ward"}, false, ""},
		{"another ward and district quarter it", full,
			func(q query) Result {
				return registered(q, "12", where{"Lê Lợi", saiGon, benNghe, district3, hcmc}, 106.7, 10.775)
			}, 0.25, []string{"district", "ward"}, false, ""},
		{"no ward in the data there is a small doubt", full,
			func(q query) Result {
				return registered(q, "12", where{"Lê Lợi", store.UnitRef{}, store.UnitRef{}, district1, hcmc}, 106.7, 10.775)
			}, 0.9, nil, false, ""},
		{"outside every province known halves it", "12 Lê Lợi, TP.HCM",
			func(q query) Result { return registered(q, "12", where{street: "Lê Lợi"}, 106.7, 10.775) }, 0.5, []string{"province"}, false, ""},
		{"another province is no answer", "12 Lê Lợi, Hà Nội",
			func(q query) Result { return registered(q, "12", inBenThanh, 106.698, 10.772) }, 0, nil, false, "not in Hà Nội"},
		{"a province merged in 2025 agrees with the one it went into", "12 Lê Lợi, Bình Dương",
			func(q query) Result { return registered(q, "12", inBenThanh, 106.698, 10.772) }, 1, nil, false, ""},
		{"another street is no answer", full,
			func(q query) Result {
				return registered(q, "12", where{"Nguyễn Huệ", benThanh, benThanh, district1, hcmc}, 106.7, 10.774)
			}, 0, nil, false, "no street Lê Lợi"},
		{"other diacritics than written", full,
			func(q query) Result {
				return registered(q, "12", where{"Lê Lơi", benThanh, benThanh, district1, hcmc}, 106.7, 10.774)
			}, 0.9, nil, false, ""},
		{"i for y", "12 Lê Văn Sỹ, Quận 3",
			func(q query) Result {
				return registered(q, "12", where{"Lê Văn Sĩ", store.UnitRef{}, store.UnitRef{}, district3, hcmc}, 106.68, 10.79)
			}, 0.9, nil, false, ""},
		{"between two registered numbers", full,
			func(q query) Result { return place(q, "interpolated", inBenThanh, "10", "14") }, 0.6, nil, false, ""},
		{"beyond the last registered number", full,
			func(q query) Result { return place(q, "interpolated", inBenThanh, "10") }, 0.4, nil, false, ""},
		{"an alley's number at the alley's mouth", "123/45 Lê Lợi, Phường Bến Thành, Quận 1",
			func(q query) Result { return place(q, "interpolated", inBenThanh, "121", "125") }, 0.3, nil, false, ""},
		{"the street of an address is partial", full,
			func(q query) Result { return place(q, "street", inBenThanh) }, 0.5, nil, true, ""},
		{"a street asked for alone is sure", "Lê Lợi, Phường Bến Thành, Quận 1",
			func(q query) Result { return place(q, "street", inBenThanh) }, 1, nil, false, ""},
		{"the ward of an address is partial", full,
			func(q query) Result { return place(q, "ward", inBenThanh) }, 0.25, nil, true, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			q := ask(t, c.text)
			kept, dropped := q.judge([]Result{c.candidate(q)}, false)
			if c.want == 0 {
				if len(kept) != 0 || len(dropped) != 1 || !strings.Contains(dropped[0], c.reason) {
					t.Fatalf("kept %+v, dropped %q; want it dropped for %q", kept, dropped, c.reason)
				}
				return
			}
			if len(kept) != 1 {
				t.Fatalf("dropped: %q", dropped)
			}
			got := kept[0]
			var mismatch []string
			for _, part := range []string{"district", "province", "ward"} {
				if got.Mismatch[part] != "" {
					mismatch = append(mismatch, part)
				}
			}
			if got.Confidence != c.want || strings.Join(mismatch, " ") != strings.Join(c.mismatch, " ") || got.Partial != c.partial {
				t.Errorf("confidence %v, mismatch %v, partial %v; want %v, %v, %v",
					got.Confidence, got.Mismatch, got.Partial, c.want, c.mismatch, c.partial)
			}
		})
	}
}

// TestScore: a candidate's score is the share of what was asked that it matches, by weight.
func TestScore(t *testing.T) {
	q := ask(t, "12 Lê Lợi, Phường Bến Thành, Quận 1, TP.HCM")
	for _, c := range []struct {
		name    string
		w       where
		want    float64
		matched string
	}{
		{"all", inBenThanh, 1, "district house province street ward"},
		{"not the ward", where{"Lê Lợi", saiGon, saiGon, district1, hcmc}, 1 - weightWard, "district house province street"},
		{"nor the district", where{"Lê Lợi", saiGon, saiGon, district3, hcmc}, 1 - weightWard - weightDistrict, "house province street"},
		// with a district written, a ward is read as one of before 2025: the new one counts less
		{"only the new ward", where{"Lê Lợi", benThanh, benNghe, district1, hcmc},
			1 - weightWard + weightWard*otherSystem, "district house province street ward"},
		{"the new ward a letter off", where{"Lê Lợi", store.UnitRef{Name: "Phường Bến Thanhh"}, store.UnitRef{}, district1, hcmc},
			1 - weightWard + weightWard*0.7*otherSystem, "district house province street ward"},
	} {
		t.Run(c.name, func(t *testing.T) {
			res := registered(q, "12", c.w, 106.698, 10.772)
			var matched []string
			for _, part := range []string{"district", "house", "province", "street", "ward"} {
				if res.Matched[part] != "" {
					matched = append(matched, part)
				}
			}
			// scores are rounded to thousandths
			if math.Abs(res.Score-c.want) > 0.001 || strings.Join(matched, " ") != c.matched {
				t.Errorf("score %v matching %v, want %.4f matching %s", res.Score, res.Matched, c.want, c.matched)
			}
		})
	}
}

// TestAmbiguous: a candidate shares its confidence with those as good that lie elsewhere,
// more than 50 m away, and not with one beside it.
func TestAmbiguous(t *testing.T) {
	q := ask(t, "21 Nguyễn Du")
	nd := where{"Nguyễn Du", benThanh, benThanh, district1, hcmc}
	a := registered(q, "21", nd, 106.698, 10.772)
	b := registered(q, "21", nd, 106.698, 10.790)  // 2 km north
	c := registered(q, "21", nd, 106.698, 10.7722) // 22 m from a
	kept, _ := q.judge([]Result{a, b, c}, false)
	want := []float64{0.5, 0.333, 0.5}
	for i, res := range kept {
		if res.Confidence != want[i] || res.sure != 1 {
			t.Errorf("candidate %d: confidence %v (alone %v), want %v (alone 1)", i, res.Confidence, res.sure, want[i])
		}
	}

	t.Run("a weaker candidate elsewhere does not count", func(t *testing.T) {
		weak := place(q, "street", nd)
		kept, _ := q.judge([]Result{a, weak}, false)
		if kept[0].Confidence != 1 || kept[1].Confidence != confStreetFor {
			t.Errorf("confidences %v and %v, want 1 and %v", kept[0].Confidence, kept[1].Confidence, confStreetFor)
		}
	})

	t.Run("as likely as each other under the least confidence: no answer, and why", func(t *testing.T) {
		least := 0.6
		ans := q.answer([]Result{a, b}, nil, Request{MinConfidence: &least})
		if len(ans.Results) != 0 || !strings.HasPrefix(ans.Reason, "2 candidates are as likely as each other") {
			t.Errorf("results %d, reason %q", len(ans.Results), ans.Reason)
		}
	})
}

func TestAnswerReason(t *testing.T) {
	q := ask(t, "21 Nguyễn Du, Quận 1")
	for _, c := range []struct {
		name    string
		results []Result
		dropped []string
		want    string
	}{
		{"nothing found", nil, nil, `nothing in the data matches the street "Nguyễn Du", district "Quận 1"`},
		{"only other streets", nil, []string{"the data has no street Nguyễn Du (Nguyễn Huệ is another)"},
			"no candidate agrees with what was asked: the data has no street Nguyễn Du (Nguyễn Huệ is another)"},
		{"too unsure", []Result{place(q, "interpolated", where{"Nguyễn Du", benThanh, benThanh, district3, hcmc}, "19")}, nil,
			"the best candidate, Nguyễn Du (interpolated), has confidence 0.20, under min_confidence 0.30"},
	} {
		t.Run(c.name, func(t *testing.T) {
			ans := q.answer(c.results, c.dropped, Request{})
			if len(ans.Results) != 0 || ans.Reason != c.want {
				t.Errorf("%d results, reason %q; want none, %q", len(ans.Results), ans.Reason, c.want)
			}
		})
	}
}

// TestRank: best confidence first, then score, then nearest the focus, then address id; cut
// at the limit.
func TestRank(t *testing.T) {
	res := func(id int64, conf, score, lon float64) Result {
		return Result{Kind: "address", Address: store.Address{ID: id}, Confidence: conf, Score: score, lon: lon, lat: 10.77}
	}
	in := []Result{res(1, 0.5, 1, 106.70), res(2, 0.9, 0.8, 106.70), res(3, 0.9, 0.9, 106.70),
		res(4, 0.5, 1, 106.60), res(5, 0.5, 1, 106.70)}
	focus := orb.Point{106.60, 10.77}
	for _, c := range []struct {
		name string
		r    Request
		want []int64
	}{
		{"without a focus", Request{}, []int64{3, 2, 1, 4, 5}},
		{"nearest the focus among equals", Request{Focus: &focus}, []int64{3, 2, 4, 1, 5}},
		{"limited", Request{Focus: &focus, Limit: 3}, []int64{3, 2, 4}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := rank(append([]Result(nil), in...), c.r)
			var ids []int64
			for _, g := range got {
				ids = append(ids, g.Address.ID)
			}
			if len(ids) != len(c.want) {
				t.Fatalf("ids %v, want %v", ids, c.want)
			}
			for i := range ids {
				if ids[i] != c.want[i] {
					t.Fatalf("ids %v, want %v", ids, c.want)
				}
			}
		})
	}
}
