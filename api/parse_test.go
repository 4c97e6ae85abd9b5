package api_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"bandoso/address"
	"bandoso/api"
	"bandoso/gazetteer"
	"bandoso/store/storetest"
)

// parsed is the body of GET /v1/parse.
type parsed struct {
	Input      string             `json:"input"`
	Components map[string]*string `json:"components"`
	Units      struct {
		Old struct{ Ward, District, Province *unitCN } `json:"old"`
		New struct{ Ward, Province *unitCN }           `json:"new"`
	} `json:"units"`
	Standard *string `json:"standard"`
	Warnings []struct{ Code, Message string }
}

type unitCN struct{ Code, Name string }

func (p parsed) warned(code string) string {
	for _, w := range p.Warnings {
		if w.Code == code {
			return w.Message
		}
	}
	return ""
}

// newParseServer serves the router on a fresh database whose streets layer knows Lê Lợi.
func newParseServer(t *testing.T) string {
	t.Helper()
	db, pool := storetest.NewWithPool(t)
	if _, err := pool.Exec(context.Background(), `INSERT INTO streets (name, geom)
		VALUES ('Lê Lợi', 'SRID=4326;MULTILINESTRING((106.70 10.77, 106.71 10.77))')`); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(testServer(api.Server{DB: db}).Handler())
	t.Cleanup(ts.Close)
	return ts.URL
}

func parseAddress(t *testing.T, base, q string) parsed {
	t.Helper()
	var p parsed
	path := "/v1/parse?" + url.Values{"q": {q}}.Encode()
	res, err := http.Get(base + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	decodeOK(t, path, res.StatusCode, res.Header.Get("Content-Type"), "application/json", body, &p)
	return p
}

// unit is the official unit era, level, code, by the national gazetteer.
func unit(t *testing.T, era, level, code string) unitCN {
	t.Helper()
	u, ok := gazetteer.Official().Unit(address.UnitRef{Era: era, Level: level, Code: code})
	if !ok {
		t.Fatalf("no %s %s %s", era, level, code)
	}
	return unitCN{u.Code, u.Name}
}

// successor is the one new ward old ward code went into, by the table.
func successor(t *testing.T, code string) unitCN {
	t.Helper()
	c, ok := gazetteer.Official().Convert(address.UnitRef{Era: address.EraOld, Level: address.LevelWard, Code: code})
	if !ok || len(c.New) != 1 {
		t.Fatalf("old ward %s: %+v", code, c)
	}
	return unitCN{c.New[0].Unit.Code, c.New[0].Unit.Name}
}

func is(u *unitCN, want unitCN) bool { return u != nil && *u == want }

func str(s *string) string {
	if s == nil {
		return "<null>"
	}
	return *s
}

func TestParse(t *testing.T) {
	t.Parallel()
	base := newParseServer(t)
	hcm := unit(t, address.EraNew, address.LevelProvince, "79")
	hanoi := unit(t, address.EraNew, address.LevelProvince, "01")

	t.Run("an old address of Quận 1 in today's form", func(t *testing.T) {
		p := parseAddress(t, base, "12 le loi, p ben nghe, q1")
		// migrations/reference: Phường Bến Nghé (26740) of Quận 1 (760) went whole into Phường Sài Gòn (26740)
		saigon := successor(t, "26740")
		if saigon != (unitCN{"26740", "Phường Sài Gòn"}) || hcm.Name != "Thành phố Hồ Chí Minh" {
			t.Fatalf("the table: %+v, %+v", saigon, hcm)
		}
		u := p.Units
		if !is(u.Old.Ward, unitCN{"26740", "Phường Bến Nghé"}) || !is(u.Old.District, unitCN{"760", "Quận 1"}) ||
			!is(u.Old.Province, unit(t, address.EraOld, address.LevelProvince, "79")) || !is(u.New.Ward, saigon) || !is(u.New.Province, hcm) {
			t.Errorf("units %+v", u)
		}
		c := p.Components
		if str(c["house_number"]) != "12" || str(c["street"]) != "Lê Lợi" || str(c["ward"]) != "Phường Bến Nghé" ||
			str(c["district"]) != "Quận 1" || c["province"] != nil || c["room"] != nil || c["unit"] != nil {
			t.Errorf("components %v", p.Components)
		}
		if str(p.Standard) != "12 Lê Lợi, Phường Sài Gòn, Thành phố Hồ Chí Minh" || len(p.Warnings) != 0 || p.Input != "12 le loi, p ben nghe, q1" {
			t.Errorf("standard %q, warnings %+v", str(p.Standard), p.Warnings)
		}
	})

	t.Run("run together and abbreviated", func(t *testing.T) {
		p := parseAddress(t, base, "357/28,Ng-T- Thuật,P1,Q3,TP.HồChíMinh.")
		ward := successor(t, "27160") // Phường 1 of Quận 3
		if !is(p.Units.Old.Ward, unitCN{"27160", "Phường 1"}) || !is(p.Units.Old.District, unitCN{"770", "Quận 3"}) ||
			!is(p.Units.New.Ward, ward) || !is(p.Units.New.Province, hcm) {
			t.Errorf("units %+v", p.Units)
		}
		if str(p.Components["house_number"]) != "357/28" || str(p.Components["province"]) != "Thành phố Hồ Chí Minh" ||
			!strings.HasSuffix(str(p.Standard), ", "+ward.Name+", Thành phố Hồ Chí Minh") || !strings.HasPrefix(str(p.Standard), "357/28 ") {
			t.Errorf("components %v, standard %q", p.Components, str(p.Standard))
		}
	})

	t.Run("Hà Nội", func(t *testing.T) {
		p := parseAddress(t, base, "Phường Phúc Xá, Quận Ba Đình, Hà Nội")
		// migrations/reference: Phường Phúc Xá (00001) went whole into Phường Hồng Hà (00097)
		if w := successor(t, "00001"); w != (unitCN{"00097", "Phường Hồng Hà"}) || !is(p.Units.New.Ward, w) {
			t.Errorf("new ward %+v, table %+v", p.Units.New.Ward, w)
		}
		if !is(p.Units.New.Province, hanoi) || !is(p.Units.Old.District, unitCN{"001", "Quận Ba Đình"}) ||
			str(p.Standard) != "Phường Hồng Hà, Thành phố Hà Nội" {
			t.Errorf("%+v, standard %q", p.Units, str(p.Standard))
		}
		p = parseAddress(t, base, "Số 7 ngõ 12 Quán Thánh, Phuong Quan Thanh, Quan Ba Dinh, Ha Noi")
		ward := successor(t, "00013")
		if !is(p.Units.Old.Ward, unitCN{"00013", "Phường Quán Thánh"}) || !is(p.Units.New.Ward, ward) || !is(p.Units.New.Province, hanoi) ||
			str(p.Standard) != str(p.Components["house_number"])+" Quán Thánh, "+ward.Name+", Thành phố Hà Nội" {
			t.Errorf("%+v, standard %q", p.Units, str(p.Standard))
		}
	})

	t.Run("an address of today stays", func(t *testing.T) {
		p := parseAddress(t, base, "12 Lê Lợi, Phường Sài Gòn, TP.HCM")
		if !is(p.Units.New.Ward, unit(t, address.EraNew, address.LevelWard, "26740")) || p.Units.Old.Ward != nil ||
			str(p.Standard) != "12 Lê Lợi, Phường Sài Gòn, Thành phố Hồ Chí Minh" || len(p.Warnings) != 0 {
			t.Errorf("%+v, standard %q, warnings %+v", p.Units, str(p.Standard), p.Warnings)
		}
	})

	t.Run("a ward not in its district is a warning, not a guess", func(t *testing.T) {
		p := parseAddress(t, base, "12 Lê Lợi, Phường Bến Nghé, Quận 3, TP.HCM")
		msg := p.warned("ward_not_in_district")
		if msg == "" || !strings.Contains(msg, "Quận 1") || p.Units.Old.Ward != nil || p.Units.New.Ward != nil || p.Standard != nil {
			t.Errorf("%+v, standard %q, warnings %+v", p.Units, str(p.Standard), p.Warnings)
		}
		if !is(p.Units.Old.District, unitCN{"770", "Quận 3"}) || str(p.Components["ward"]) != "Phường Bến Nghé" {
			t.Errorf("%+v %v", p.Units, p.Components)
		}
		p = parseAddress(t, base, "Quận 1, Hà Nội")
		if p.warned("district_not_in_province") == "" || p.Units.Old.District != nil || p.Units.New.Province != nil || p.Standard != nil {
			t.Errorf("%+v, warnings %+v", p.Units, p.Warnings)
		}
	})

	t.Run("a split ward needs a location", func(t *testing.T) {
		c, _ := gazetteer.Official().Convert(address.UnitRef{Era: address.EraOld, Level: address.LevelWard, Code: "26737"})
		if !c.NeedsLocation || len(c.New) < 2 {
			t.Fatalf("Đa Kao: %+v", c)
		}
		p := parseAddress(t, base, "5 Lê Lợi, Phường Đa Kao, Quận 1")
		msg := p.warned("needs_location")
		for _, n := range c.New {
			if !strings.Contains(msg, n.Unit.Name+" ("+n.Unit.Code+")") {
				t.Errorf("the warning %q does not name %s", msg, n.Unit.Name)
			}
		}
		if p.Units.New.Ward != nil || !is(p.Units.New.Province, hcm) || !is(p.Units.Old.Ward, unitCN{"26737", "Phường Đa Kao"}) || p.Standard != nil {
			t.Errorf("%+v, standard %q", p.Units, str(p.Standard))
		}
	})

	t.Run("a name fitting several wards", func(t *testing.T) {
		p := parseAddress(t, base, "12 Lê Lợi, Phường 1")
		if p.warned("ambiguous_unit") == "" || p.Units.Old.Ward != nil || p.Standard != nil {
			t.Errorf("%+v, warnings %+v", p.Units, p.Warnings)
		}
	})

	t.Run("a room in a building, and no ward", func(t *testing.T) {
		p := parseAddress(t, base, "P.501 tầng 5 tòa nhà A, 12 Lê Lợi, TP.HCM")
		if str(p.Components["room"]) != "Phòng 501" || str(p.Components["unit"]) != "Phòng 501, Tầng 5, Tòa nhà A" ||
			p.warned("no_ward") == "" || str(p.Standard) != "Phòng 501, Tầng 5, Tòa nhà A, 12 Lê Lợi, Thành phố Hồ Chí Minh" {
			t.Errorf("%v, standard %q, warnings %+v", p.Components, str(p.Standard), p.Warnings)
		}
	})

	t.Run("bad requests are 400 naming q", func(t *testing.T) {
		for _, path := range []string{"/v1/parse", "/v1/parse?q=", "/v1/parse?q=++", "/v1/parse?q=%ff",
			"/v1/parse?q=" + strings.Repeat("a", address.MaxInput+1)} {
			r := do(t, http.MethodGet, base+path)
			checkProblem(t, r, http.StatusBadRequest, strings.Split(path, "?")[0])
			if errs, _ := r.body["errors"].([]any); len(errs) != 1 || errs[0].(map[string]any)["parameter"] != "q" {
				t.Errorf("%s: errors %v, want one naming q", path, r.body["errors"])
			}
		}
	})
}

func TestParseBatch(t *testing.T) {
	t.Parallel()
	base := newParseServer(t)
	// the address column is the one headed dia chi
	file := "id,dia chi,note\n" +
		"1,\"12 le loi, p ben nghe, q1\",a\n" +
		"2,\"Phường Đa Kao, Quận 1\",b\n" +
		"3,\"" + strings.Repeat("x", address.MaxInput+1) + "\",c\n" +
		"4,,d\n" +
		"5,\"Phường Phúc Xá, Quận Ba Đình, Hà Nội\",e\n"
	status, rows, raw := postCSVTo(t, base+"/v1/parse/batch", "text/csv", strings.NewReader(file))
	if status != http.StatusOK || len(rows) != 6 {
		t.Fatalf("status %d, rows %v; %s", status, rows, raw)
	}
	col := func(name string) int {
		i := slices.Index(rows[0], name)
		if i < 0 {
			t.Fatalf("no column %s in %v", name, rows[0])
		}
		return i
	}
	if want := []string{"id", "dia chi", "note", "status", "house_number", "street", "ward_new_code", "ward_new", "province_new_code",
		"province_new", "ward_old_code", "ward_old", "district_old_code", "district_old", "standard", "warnings"}; !slices.Equal(rows[0], want) {
		t.Errorf("header %v", rows[0])
	}
	saigon, hongha := successor(t, "26740"), successor(t, "00001")
	check := func(row int, want map[string]string) {
		t.Helper()
		for name, v := range want {
			if got := rows[row][col(name)]; got != v {
				t.Errorf("row %d %s = %q, want %q; %v", row, name, got, v, rows[row])
			}
		}
	}
	check(1, map[string]string{"id": "1", "note": "a", "status": "ok", "house_number": "12", "street": "Lê Lợi",
		"ward_new_code": saigon.Code, "ward_new": saigon.Name, "province_new_code": "79", "ward_old_code": "26740",
		"district_old_code": "760", "district_old": "Quận 1", "standard": "12 Lê Lợi, Phường Sài Gòn, Thành phố Hồ Chí Minh", "warnings": ""})
	check(2, map[string]string{"status": "ambiguous", "ward_new_code": "", "ward_old_code": "26737", "province_new_code": "79", "standard": ""})
	if !strings.HasPrefix(rows[2][col("warnings")], "needs_location: ") {
		t.Errorf("row 2 warnings %q", rows[2][col("warnings")])
	}
	check(3, map[string]string{"id": "3", "status": "invalid: longer than 1024 bytes", "standard": ""})
	check(4, map[string]string{"id": "4", "status": "invalid: empty"})
	check(5, map[string]string{"status": "ok", "ward_new_code": hongha.Code, "ward_new": hongha.Name, "province_new": "Thành phố Hà Nội",
		"ward_old_code": "00001"})

	// a column the header lacks is refused before any row
	if status, _, _ := postCSVTo(t, base+"/v1/parse/batch?column=nope", "text/csv", strings.NewReader(file)); status != http.StatusBadRequest {
		t.Errorf("unknown column: status %d", status)
	}
}

// BenchmarkParseAddress measures the work of GET /v1/parse on noisy addresses, in process:
// the handler, its parse with the city's street list (cached) and the units of both systems.
func BenchmarkParseAddress(b *testing.B) {
	db, pool := storetest.NewWithPool(b)
	if _, err := pool.Exec(context.Background(), `INSERT INTO streets (name, geom)
		VALUES ('Lê Lợi', 'SRID=4326;MULTILINESTRING((106.70 10.77, 106.71 10.77))')`); err != nil {
		b.Fatal(err)
	}
	h := testServer(api.Server{DB: db}).Handler()
	inputs := []string{"12 le loi, p ben nghe, q1", "357/28,Ng-T- Thuật,P1,Q3,TP.HồChíMinh.",
		"Phường Phúc Xá, Quận Ba Đình, Hà Nội", "5 Lê Lợi, Phường Đa Kao, Quận 1",
		"Số 7 ngõ 12 Quán Thánh, Phuong Quan Thanh, Quan Ba Dinh, Ha Noi", "123/45/6A Nguyễn Trãi P.Bến Thành Q.1 HCM"}
	paths := make([]string, len(inputs))
	for i, s := range inputs {
		paths[i] = "/v1/parse?" + url.Values{"q": {s}}.Encode()
	}
	// the national gazetteer is built, and the street list read, on first use
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, paths[0], nil))
	times := make([]float64, 0, b.N)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		req := httptest.NewRequest(http.MethodGet, paths[i%len(paths)], nil)
		w := httptest.NewRecorder()
		t0 := time.Now()
		h.ServeHTTP(w, req)
		times = append(times, float64(time.Since(t0).Nanoseconds()))
		if w.Code != http.StatusOK {
			b.Fatalf("%s: %d %s", paths[i%len(paths)], w.Code, w.Body)
		}
		var p parsed
		if i < len(paths) && json.Unmarshal(w.Body.Bytes(), &p) != nil {
			b.Fatal(w.Body)
		}
	}
	slices.Sort(times)
	b.ReportMetric(times[len(times)/2], "p50-ns")
	b.ReportMetric(times[len(times)*99/100], "p99-ns")
}
