package api_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"bandoso/address"
)

// conversion is the body of GET /v1/convert.
type conversion struct {
	Input struct {
		House, Street, Ward, District, Province string
	} `json:"input"`
	Old *struct {
		Ward, District, Province struct{ Code, Name string }
	} `json:"old"`
	OldCandidates []struct {
		Ward, District struct{ Code, Name string }
	} `json:"old_candidates"`
	New []struct {
		Code, Name, Kind, Relation, Note, From string
		Province                               struct{ Code, Name string }
		ContainsPoint                          *bool `json:"contains_point"`
	} `json:"new"`
	Ambiguous bool     `json:"ambiguous"`
	Reason    string   `json:"reason"`
	Address   string   `json:"address"`
	Notes     []string `json:"notes"`
}

func (c conversion) codes() []string {
	var out []string
	for _, n := range c.New {
		out = append(out, n.Code)
	}
	return out
}

// successors are the codes of the current units old ward code went into, by the table.
func (e tileEnv) successors(t *testing.T, code string) []string {
	t.Helper()
	rows, err := e.pool.Query(context.Background(), `SELECT n.code FROM admin_succession s
		JOIN admin_units o ON o.id = s.old_unit_id JOIN admin_units n ON n.id = s.new_unit_id
		WHERE o.level = 'ward' AND o.code = $1 AND o.valid_to = '2025-07-01' ORDER BY n.code`, code)
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			t.Fatal(err)
		}
		codes = append(codes, c)
	}
	return codes
}

func (e tileEnv) convert(t *testing.T, query url.Values) conversion {
	t.Helper()
	var c conversion
	path := "/v1/convert?" + query.Encode()
	r := e.get(t, path)
	decodeOK(t, path, r.status, r.header.Get("Content-Type"), "application/json", r.body, &c)
	return c
}

func addr(s string, more ...string) url.Values {
	v := url.Values{"address": {s}}
	for i := 0; i+1 < len(more); i += 2 {
		v.Set(more[i], more[i+1])
	}
	return v
}

func TestConvert(t *testing.T) {
	t.Parallel()
	e := newTileEnv(t)

	t.Run("a ward merged whole, written in many ways", func(t *testing.T) {
		want := e.successors(t, "26740") // Phường Bến Nghé → Phường Sài Gòn
		if !slices.Equal(want, []string{"26740"}) {
			t.Fatalf("Bến Nghé's successors %v", want)
		}
		for _, q := range []url.Values{
			addr("12 Lê Lợi, Phường Bến Nghé, Quận 1, TP. Hồ Chí Minh"),
			addr("12 le loi phuong ben nghe quan 1"),
			addr("12 Lê Lợi, P. Bến Nghé, Q1"),
			{"ward": {"Bến Nghé"}, "district": {"Q1"}},
			{"ward": {"26740"}},
		} {
			c := e.convert(t, q)
			if c.Ambiguous || c.Old == nil || c.Old.Ward.Name != "Phường Bến Nghé" || c.Old.District.Code != "760" ||
				!slices.Equal(c.codes(), want) || c.New[0].Name != "Phường Sài Gòn" || c.New[0].Relation != "whole" ||
				c.New[0].Province.Code != "79" {
				t.Errorf("%v: %+v", q, c)
			}
			if q.Has("address") && (!strings.HasPrefix(c.Address, "12 L") || !strings.HasSuffix(c.Address, ", Phường Sài Gòn, TP. Hồ Chí Minh")) {
				t.Errorf("%v: converted address %q", q, c.Address)
			}
		}
	})

	t.Run("a split ward without location lists every candidate", func(t *testing.T) {
		want := e.successors(t, "26737") // Phường Đa Kao, split
		if len(want) < 2 {
			t.Fatalf("Đa Kao's successors %v: want a split", want)
		}
		c := e.convert(t, addr("Phường Đa Kao, Quận 1"))
		if !c.Ambiguous || c.Reason != "split: location needed" || !slices.Equal(c.codes(), want) || c.Address != "" {
			t.Errorf("%+v", c)
		}
		for _, n := range c.New {
			if n.Relation != "part" || !strings.HasPrefix(n.Note, "Nhập một phần") {
				t.Errorf("candidate %+v", n)
			}
		}
	})

	t.Run("a location inside one candidate decides", func(t *testing.T) {
		var lon, lat string
		var code string
		err := e.pool.QueryRow(context.Background(), `
			SELECT ST_X(p)::text, ST_Y(p)::text, n.code FROM admin_succession s
			JOIN admin_units o ON o.id = s.old_unit_id JOIN admin_units n ON n.id = s.new_unit_id,
			LATERAL ST_PointOnSurface(ST_Intersection(o.geom, n.geom)) p
			WHERE o.code = '26737' AND o.valid_to = '2025-07-01' AND ST_Area(ST_Intersection(o.geom, n.geom)) > 0
			ORDER BY n.code LIMIT 1`).Scan(&lon, &lat, &code)
		if err != nil {
			t.Fatalf("no placed successor of Đa Kao overlaps it: %v", err)
		}
		c := e.convert(t, addr("5 Đinh Tiên Hoàng, Phường Đa Kao, Quận 1", "lon", lon, "lat", lat))
		if c.Ambiguous || !slices.Equal(c.codes(), []string{code}) || c.New[0].ContainsPoint == nil || !*c.New[0].ContainsPoint ||
			!strings.Contains(c.Address, c.New[0].Name) {
			t.Errorf("at %s %s: %+v, want %s alone", lon, lat, c, code)
		}
	})

	t.Run("a location in none of the candidates says so", func(t *testing.T) {
		c := e.convert(t, addr("Phường Đa Kao, Quận 1", "lon", "106.0", "lat", "10.5"))
		if !c.Ambiguous || !strings.Contains(c.Reason, "lies in none") || !slices.Equal(c.codes(), e.successors(t, "26737")) {
			t.Errorf("%+v", c)
		}
		for _, n := range c.New {
			if n.ContainsPoint != nil && *n.ContainsPoint {
				t.Errorf("%s holds a point outside the city", n.Code)
			}
		}
	})

	t.Run("Phường 12 without its district is ambiguous, with it is not", func(t *testing.T) {
		var n int
		if err := e.pool.QueryRow(context.Background(), `SELECT count(*) FROM admin_units
			WHERE level = 'ward' AND name = 'Phường 12' AND valid_to = '2025-07-01'`).Scan(&n); err != nil || n < 2 {
			t.Fatalf("%d old wards named Phường 12 (%v)", n, err)
		}
		c := e.convert(t, addr("Phường 12"))
		if !c.Ambiguous || c.Old != nil || len(c.OldCandidates) != n || !strings.Contains(c.Reason, "district needed") {
			t.Errorf("%+v", c)
		}
		districts := map[string]bool{}
		for _, o := range c.OldCandidates {
			districts[o.District.Code] = true
		}
		if len(districts) != n {
			t.Errorf("candidates in %d districts, want %d", len(districts), n)
		}
		for q, old := range map[string]string{"P12, Q.Tân Bình": "26971", "F12 Q10": "27172", "phuong 12 quan go vap": "26881"} {
			c := e.convert(t, addr(q))
			if c.Ambiguous || c.Old == nil || c.Old.Ward.Code != old || !slices.Equal(c.codes(), e.successors(t, old)) {
				t.Errorf("%s: %+v", q, c)
			}
		}
		// a leading zero is no other ward
		for _, q := range []url.Values{{"ward": {"Phường 012"}, "district": {"Q10"}}, addr("P.012, Q.10")} {
			if c := e.convert(t, q); c.Ambiguous || c.Old == nil || c.Old.Ward.Code != "27172" {
				t.Errorf("%v: %+v", q, c)
			}
		}
		e.checkQueryProblem(t, "/v1/convert?ward=Ph%C6%B0%E1%BB%9Dng+99&district=Q10", http.StatusNotFound, "ward")
	})

	t.Run("names holding a word like a kind word, without diacritics", func(t *testing.T) {
		// quan reads like Quận, phuong like Phường, pho like Phố, xa like Xã
		for ward, district := range map[string]string{
			"Phúc Xá": "Ba Đình", "Quán Thánh": "Ba Đình", "Quan Hoa": "Cầu Giấy", "Phương Mai": "Đống Đa",
			"Phương Liệt": "Thanh Xuân", "Thổ Quan": "Đống Đa", "Phố Huế": "Hai Bà Trưng",
			"Chương Dương": "Hoàn Kiếm", "Xuân Phương": "Nam Từ Liêm", "Văn Quán": "Hà Đông",
		} {
			var code string
			if err := e.pool.QueryRow(context.Background(), `SELECT w.code FROM admin_units w
				JOIN admin_units d ON d.level = 'district' AND d.code = w.parent_code AND d.valid_to = '2025-07-01'
				WHERE w.level = 'ward' AND w.valid_to = '2025-07-01' AND w.name = $1 AND d.name = $2`,
				"Phường "+ward, "Quận "+district).Scan(&code); err != nil {
				t.Fatalf("Phường %s, Quận %s: %v", ward, district, err)
			}
			for _, q := range []url.Values{
				{"ward": {"Phuong " + address.Fold(ward)}, "district": {"Quan " + address.Fold(district)}},
				addr("12 Nguyen Trai, Phuong " + address.Fold(ward) + ", Quan " + address.Fold(district) + ", Ha Noi"),
			} {
				// a split ward stays ambiguous without a location; the old ward is decided
				c := e.convert(t, q)
				if c.Old == nil || c.Old.Ward.Code != code || !slices.Equal(c.codes(), e.successors(t, code)) ||
					c.Ambiguous != (c.Reason == "split: location needed") {
					t.Errorf("%v: %+v, want old ward %s", q, c, code)
				}
			}
		}
	})

	t.Run("the kind word decides between a township and a commune of one name", func(t *testing.T) {
		for q, kind := range map[string]string{
			"Thị trấn Yên Viên, Huyện Gia Lâm": "Thị trấn", "TT. Yên Viên, H. Gia Lâm, Hà Nội": "Thị trấn",
			"Xã Yên Viên, Huyện Gia Lâm": "Xã", "xa yen vien huyen gia lam": "Xã",
		} {
			c := e.convert(t, addr(q))
			if c.Ambiguous || c.Old == nil || c.Old.Ward.Name != kind+" Yên Viên" || !slices.Equal(c.codes(), e.successors(t, c.Old.Ward.Code)) {
				t.Errorf("%s: %+v", q, c)
			}
		}
		c := e.convert(t, url.Values{"ward": {"Thị trấn Yên Viên"}, "district": {"Gia Lâm"}})
		if c.Ambiguous || c.Old == nil || c.Old.Ward.Name != "Thị trấn Yên Viên" {
			t.Errorf("structured: %+v", c)
		}
		// without its kind the name fits both: never a guess
		for _, q := range []url.Values{addr("12 Lê Lợi, Yên Viên, Gia Lâm"), {"ward": {"Yên Viên"}, "district": {"Gia Lâm"}}} {
			if c := e.convert(t, q); !c.Ambiguous || c.Old != nil || len(c.OldCandidates) != 2 {
				t.Errorf("no kind, %v: %+v", q, c)
			}
		}
	})

	t.Run("run together, abbreviated, without keywords", func(t *testing.T) {
		c := e.convert(t, addr("357/28,Ng-T- Thuật,P1,Q3,TP.HồChíMinh."))
		if c.Ambiguous || c.Old == nil || c.Old.Ward.Name != "Phường 1" || c.Old.District.Code != "770" ||
			c.Input.Province != "Hồ Chí Minh" || !slices.Equal(c.codes(), e.successors(t, c.Old.Ward.Code)) {
			t.Errorf("%+v", c)
		}
	})

	t.Run("Hanoi", func(t *testing.T) {
		c := e.convert(t, addr("1 Phó Đức Chính, phường Trúc Bạch, quận Ba Đình, Hà Nội"))
		if c.Ambiguous || c.Old == nil || c.Old.Province.Code != "01" || !slices.Equal(c.codes(), e.successors(t, "00004")) ||
			c.New[0].Name != "Phường Ba Đình" || c.Address != "1 Phó Đức Chính, Phường Ba Đình, TP. Hà Nội" {
			t.Errorf("%+v", c)
		}
	})

	t.Run("tone marks placed either way", func(t *testing.T) {
		for _, q := range []string{"Xã Hoà Hiệp, Huyện Xuyên Mộc", "Xã Hòa Hiệp, Huyện Xuyên Mộc", "xa hoa hiep huyen xuyen moc"} {
			c := e.convert(t, addr(q))
			if c.Ambiguous || c.Old == nil || c.Old.Ward.Code != "26647" || len(c.New) != 1 || c.New[0].Relation != "unchanged" {
				t.Errorf("%s: %+v", q, c)
			}
		}
	})

	t.Run("a ward of the new system is answered unchanged", func(t *testing.T) {
		c := e.convert(t, addr("Phường Sài Gòn, TP Hồ Chí Minh"))
		if c.Ambiguous || c.Old != nil || !slices.Equal(c.codes(), []string{"26740"}) || c.New[0].Relation != "current" || len(c.Notes) == 0 {
			t.Errorf("%+v", c)
		}
	})

	t.Run("bad input is 400 naming the parameter, an unknown ward 404", func(t *testing.T) {
		for path, param := range map[string]string{
			"/v1/convert": "address",
			"/v1/convert?address=12+L%C3%AA+L%E1%BB%A3i":   "address",
			"/v1/convert?address=P12+Q10&ward=P12":         "address",
			"/v1/convert?address=P12+Q10&lon=106.7":        "lat",
			"/v1/convert?address=P12+Q10&lon=x&lat=10.7":   "lon",
			"/v1/convert?ward=" + strings.Repeat("x", 101): "ward",
		} {
			e.checkQueryProblem(t, path, http.StatusBadRequest, param)
		}
		e.checkQueryProblem(t, "/v1/convert?address="+url.QueryEscape("Phường Không Có, Quận 1"), http.StatusNotFound, "address")
	})
}
