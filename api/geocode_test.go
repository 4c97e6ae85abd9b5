package api_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"math"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"bandoso/address"
	"bandoso/api"
	"bandoso/store"
	"bandoso/store/storetest"
)

// geoEnv is a demo city of 20,000 parcels served over HTTP for the geocoding tests, with a
// pool that reads the truth apart from the service.
type geoEnv struct {
	url  string
	pool *pgxpool.Pool
	db   *store.DB
}

func newGeoEnv(t *testing.T) geoEnv {
	t.Helper()
	u := storetest.NewURL(t)
	db := openStore(t, u)
	storetest.LoadDemo(t, db, 3, 20000)
	pool, err := pgxpool.New(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	ts := httptest.NewServer(testServer(api.Server{DB: db}).Handler())
	t.Cleanup(ts.Close)
	return geoEnv{url: ts.URL, pool: pool, db: db}
}

// hit is what the tests read of a geocoding candidate.
type hit struct {
	ID         int64 `json:"id"`
	Geometry   struct{ Coordinates [2]float64 }
	Properties struct {
		Kind         string
		Label        string
		Score        float64
		Confidence   float64
		Matched      map[string]string
		Mismatch     map[string]string
		HouseNumber  string `json:"house_number"`
		Street       string
		StreetID     int64 `json:"street_id"`
		Interpolated bool
		Between      []string
		Ward         struct{ Code, Name string }
		OldWard      struct{ Code, Name string } `json:"old_ward"`
		// a named place's
		Name, Category, Class string
		POIID                 int64 `json:"poi_id"`
		Codes                 struct {
			Registry string
			PlusCode string `json:"plus_code"`
		}
	}
}

type hits struct {
	Type  string
	Query struct {
		Parsed map[string]string
	}
	Features []hit
	Reason   string
}

// geocode asks path (/v1/geocode or /v1/autocomplete) with params and decodes a 200 answer.
func (e geoEnv) geocode(t *testing.T, path string, params url.Values) hits {
	t.Helper()
	res, body := send(t, http.MethodGet, e.url+path+"?"+params.Encode())
	if res.StatusCode != http.StatusOK {
		t.Fatalf("%s?%s: status %d: %s", path, params.Encode(), res.StatusCode, body)
	}
	if ct := res.Header.Get("Content-Type"); ct != "application/geo+json" {
		t.Errorf("Content-Type %q", ct)
	}
	var h hits
	if err := json.Unmarshal(body, &h); err != nil {
		t.Fatal(err)
	}
	if h.Type != "FeatureCollection" {
		t.Errorf("type %q", h.Type)
	}
	return h
}

// sampleAddress is a registered address with the names of its units, read from the tables.
type sampleAddress struct {
	id                                      int64
	number, street, ward, oldWard, district string
	lon, lat                                float64
}

// sample reads n addresses spread over the city, in a fixed order, among those meeting where.
func (e geoEnv) sample(t *testing.T, n int, where string) []sampleAddress {
	t.Helper()
	out := e.addresses(t, where+" ORDER BY md5(a.id::text) LIMIT $1", n)
	if len(out) < n {
		t.Fatalf("%d of %d sample addresses", len(out), n)
	}
	return out
}

// addresses reads the addresses meeting where (which may order and limit them) with args.
func (e geoEnv) addresses(t *testing.T, where string, args ...any) []sampleAddress {
	t.Helper()
	return readAddresses(t, e.pool, where, args...)
}

// readAddresses reads the addresses meeting where, with the names of their units.
func readAddresses(t testing.TB, pool *pgxpool.Pool, where string, args ...any) []sampleAddress {
	t.Helper()
	rows, err := pool.Query(context.Background(), `
		SELECT a.id, a.house_number, s.name, w.name, ow.name, d.name, ST_X(a.geom), ST_Y(a.geom)
		FROM addresses a JOIN streets s ON s.id = a.street_id
		JOIN admin_units w ON w.level = 'ward' AND w.code = a.ward_code AND w.valid_to IS NULL
		JOIN admin_units ow ON ow.level = 'ward' AND ow.code = a.old_ward_code AND ow.valid_to = '2025-07-01'
		JOIN admin_units d ON d.level = 'district' AND d.code = ow.parent_code AND d.valid_to = '2025-07-01'
		WHERE `+where, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []sampleAddress
	for rows.Next() {
		var a sampleAddress
		if err := rows.Scan(&a.id, &a.number, &a.street, &a.ward, &a.oldWard, &a.district, &a.lon, &a.lat); err != nil {
			t.Fatal(err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestGeocode(t *testing.T) {
	e := newGeoEnv(t)
	ctx := context.Background()

	t.Run("free text finds the registered address", func(t *testing.T) {
		for _, a := range e.sample(t, 5, "true") {
			h := e.geocode(t, "/v1/geocode", url.Values{"q": {a.number + " " + a.street + ", " + a.ward}})
			if len(h.Features) == 0 || h.Features[0].ID != a.id {
				t.Fatalf("%s %s: %+v, want address %d", a.number, a.street, h.Features, a.id)
			}
			f := h.Features[0]
			if f.Properties.Score != 1 || f.Properties.Confidence < 0.8 || f.Properties.Kind != "address" || f.Geometry.Coordinates != [2]float64{round7(a.lon), round7(a.lat)} {
				t.Errorf("%+v, want score 1, sure, at %f %f", f, a.lon, a.lat)
			}
			if len(f.Properties.Codes.PlusCode) != 11 || f.Properties.Codes.Registry == "" {
				t.Errorf("codes %+v", f.Properties.Codes)
			}
		}
	})

	t.Run("another province or a street not in the data is no answer, and says why", func(t *testing.T) {
		a := e.sample(t, 1, "true")[0]
		for _, q := range []string{a.number + " " + address.Fold(a.street) + " Ha Noi", "22 Nguyễn Thị Diệu, Phường 6, Quận 3"} {
			h := e.geocode(t, "/v1/geocode", url.Values{"q": {q}})
			if len(h.Features) != 0 || h.Reason == "" || h.Query.Parsed["street"] == "" {
				t.Errorf("%s: %+v, reason %q; want no feature, the parse and a reason", q, h.Features, h.Reason)
			}
		}
		h := e.geocode(t, "/v1/geocode", url.Values{"q": {"12 Không Có Đường Này, " + a.ward}, "min_confidence": {"0"}})
		for _, f := range h.Features {
			if f.Properties.Kind != "ward" || f.Properties.Confidence >= 0.3 {
				t.Errorf("a street not in the data, min_confidence 0: %+v, want only its ward, unsure", f)
			}
		}
	})

	t.Run("structured search", func(t *testing.T) {
		a := e.sample(t, 1, "a.house_number LIKE '%/%'")[0]
		h := e.geocode(t, "/v1/geocode", url.Values{"house": {a.number}, "street": {"Đường " + a.street}, "ward": {a.oldWard}, "district": {a.district}})
		if len(h.Features) == 0 || h.Features[0].ID != a.id || h.Features[0].Properties.Score != 1 {
			t.Fatalf("%+v, want address %d with score 1", h.Features, a.id)
		}
	})

	t.Run("a missing number is interpolated between its neighbours on its side", func(t *testing.T) {
		var street, number string
		var id int64
		var lon, lat float64
		// a plain number with both same-side neighbours registered, removed from the registry
		err := e.pool.QueryRow(ctx, `
			SELECT a.id, s.name, a.house_number, ST_X(a.geom), ST_Y(a.geom) FROM addresses a JOIN streets s ON s.id = a.street_id
			WHERE a.house_number ~ '^[0-9]+$' AND a.house_number::int > 20
				AND EXISTS (SELECT 1 FROM addresses b WHERE b.street_id = a.street_id AND b.house_number = (a.house_number::int - 2)::text)
				AND EXISTS (SELECT 1 FROM addresses b WHERE b.street_id = a.street_id AND b.house_number = (a.house_number::int + 2)::text)
			ORDER BY a.id LIMIT 1`).Scan(&id, &street, &number, &lon, &lat)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.pool.Exec(ctx, `DELETE FROM addresses WHERE id = $1`, id); err != nil {
			t.Fatal(err)
		}
		h := e.geocode(t, "/v1/geocode", url.Values{"q": {number + " " + street}})
		if len(h.Features) == 0 {
			t.Fatal("no candidate")
		}
		f := h.Features[0]
		if f.Properties.Kind != "interpolated" || !f.Properties.Interpolated || f.ID != 0 || len(f.Properties.Between) != 2 {
			t.Fatalf("%+v, want an interpolated number between two neighbours", f)
		}
		var metres float64
		if err := e.pool.QueryRow(ctx, `SELECT ST_Distance(ST_MakePoint($1, $2)::geography, ST_MakePoint($3, $4)::geography)`,
			lon, lat, f.Geometry.Coordinates[0], f.Geometry.Coordinates[1]).Scan(&metres); err != nil {
			t.Fatal(err)
		}
		if metres > 15 {
			t.Errorf("interpolated %.1f m from where the house was", metres)
		}
		if f.Properties.Score >= 1 || f.Properties.Score < 0.5 {
			t.Errorf("score %v: an interpolated number ranks below a registered one", f.Properties.Score)
		}
	})

	t.Run("diacritics typed rank the candidates that have them first", func(t *testing.T) {
		// two streets whose names fold alike: the one written as typed comes first
		if _, err := e.pool.Exec(ctx, `INSERT INTO streets (name, geom) SELECT 'Dương Bá Trạc', geom FROM streets WHERE kind = 'street' LIMIT 1;
			INSERT INTO streets (name, geom) SELECT 'Đường Bá Trạc', geom FROM streets WHERE kind = 'street' OFFSET 1 LIMIT 1`); err != nil {
			t.Fatal(err)
		}
		for typed, want := range map[string]string{"Dương Bá Trạc": "Dương Bá Trạc", "Đường Bá Trạc": "Đường Bá Trạc"} {
			h := e.geocode(t, "/v1/geocode", url.Values{"street": {typed}})
			if len(h.Features) < 2 || h.Features[0].Properties.Street != want || h.Features[0].Properties.Score <= h.Features[1].Properties.Score {
				t.Errorf("%s: %+v, want %s first", typed, h.Features, want)
			}
		}
		h := e.geocode(t, "/v1/geocode", url.Values{"street": {"duong ba trac"}})
		if len(h.Features) < 2 || h.Features[0].Properties.Score != h.Features[1].Properties.Score {
			t.Errorf("without diacritics both match alike: %+v", h.Features)
		}
	})

	t.Run("a ward alone answers the ward", func(t *testing.T) {
		a := e.sample(t, 1, "true")[0]
		h := e.geocode(t, "/v1/geocode", url.Values{"q": {a.ward}})
		if len(h.Features) == 0 || h.Features[0].Properties.Kind != "ward" || h.Features[0].Properties.Ward.Name != a.ward {
			t.Fatalf("%+v, want ward %s", h.Features, a.ward)
		}
		var inside bool
		c := h.Features[0].Geometry.Coordinates
		if err := e.pool.QueryRow(ctx, `SELECT ST_Covers(geom, ST_SetSRID(ST_MakePoint($1, $2), 4326)) FROM admin_units
			WHERE level = 'ward' AND valid_to IS NULL AND name = $3`, c[0], c[1], a.ward).Scan(&inside); err != nil || !inside {
			t.Errorf("ward point %v outside the ward (%v)", c, err)
		}
	})

	t.Run("autocomplete completes street and number", func(t *testing.T) {
		a := e.sample(t, 1, "a.house_number ~ '^[0-9]+$'")[0]
		typed := a.number + " " + strings.ToLower(string([]rune(a.street)[:len([]rune(a.street))-2]))
		h := e.geocode(t, "/v1/autocomplete", url.Values{"q": {typed}})
		if len(h.Features) == 0 || h.Features[0].ID != a.id {
			t.Fatalf("%q: %+v, want address %d first", typed, h.Features, a.id)
		}
		h = e.geocode(t, "/v1/autocomplete", url.Values{"q": {strings.ToLower(string([]rune(a.street)[:4]))}, "lon": {ftoa(a.lon)}, "lat": {ftoa(a.lat)}})
		if len(h.Features) == 0 || h.Features[0].Properties.Kind != "street" {
			t.Fatalf("%+v, want streets", h.Features)
		}
	})

	t.Run("bad parameters are 400 naming them", func(t *testing.T) {
		for _, c := range []struct{ path, param string }{
			{"/v1/geocode", "q"},
			{"/v1/geocode?q=", "q"},
			{"/v1/geocode?q=12", "q"},
			{"/v1/geocode?q=le+loi&limit=0", "limit"},
			{"/v1/geocode?q=le+loi&limit=51", "limit"},
			{"/v1/geocode?q=le+loi&lon=200&lat=10", "lon"},
			{"/v1/geocode?q=le+loi&lon=106", "lat"},
			{"/v1/geocode?q=le+loi&min_confidence=1.5", "min_confidence"},
			{"/v1/geocode?q=le+loi&min_confidence=NaN", "min_confidence"},
			{"/v1/geocode?q=%ff%fe", "q"},
			{"/v1/geocode?q=" + strings.Repeat("a", 1025), "q"},
			{"/v1/autocomplete", "q"},
			{"/v1/autocomplete?q=le&lat=NaN&lon=1", "lat"},
		} {
			r := do(t, http.MethodGet, e.url+c.path)
			route, _, _ := strings.Cut(c.path, "?")
			checkProblem(t, r, http.StatusBadRequest, route)
			if errs, _ := r.body["errors"].([]any); len(errs) != 1 || errs[0].(map[string]any)["parameter"] != c.param {
				t.Errorf("%s: errors %v, want one naming %q", c.path, r.body["errors"], c.param)
			}
		}
	})
}

func round7(x float64) float64 { return math.Round(x*1e7) / 1e7 }

func ftoa(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

// postCSV posts body to /v1/geocode/batch at base with contentType and reads the CSV answer.
func postCSV(t *testing.T, base, query, contentType string, body io.Reader) (int, [][]string, string) {
	t.Helper()
	return postCSVTo(t, base+"/v1/geocode/batch"+query, contentType, body)
}

// postCSVTo posts body to a batch route's url with contentType and reads the CSV answer.
func postCSVTo(t *testing.T, url, contentType string, body io.Reader) (int, [][]string, string) {
	t.Helper()
	res, err := http.Post(url, contentType, body)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK {
		return res.StatusCode, nil, string(raw)
	}
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
		t.Errorf("Content-Type %q", ct)
	}
	r := csv.NewReader(bytes.NewReader(raw))
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatalf("answer is not CSV: %v\n%s", err, raw)
	}
	return res.StatusCode, rows, string(raw)
}

func TestGeocodeBatch(t *testing.T) {
	e := newGeoEnv(t)
	sample := e.sample(t, 40, "true")
	var in bytes.Buffer
	w := csv.NewWriter(&in)
	_ = w.Write([]string{"id", "dia chi", "note"})
	for i, a := range sample {
		_ = w.Write([]string{strconv.Itoa(i), a.number + " " + address.Fold(a.street) + ", " + a.ward, "x,y"})
	}
	_ = w.Write([]string{"bad", "", ""})
	_ = w.Write([]string{"short"})
	_ = w.Write([]string{"nowhere", "12 Không Có Đường Này", ""})
	_ = w.Write([]string{"ward only", "12 Không Có Đường Này, " + sample[0].ward, ""})
	w.Flush()
	file := in.Bytes()

	check := func(t *testing.T, rows [][]string) {
		t.Helper()
		if len(rows) != len(sample)+5 {
			t.Fatalf("%d rows, want %d", len(rows), len(sample)+5)
		}
		if got := strings.Join(rows[0][:5], ","); got != "id,dia chi,note,status,kind" {
			t.Errorf("header %q", got)
		}
		for i, a := range sample {
			row := rows[i+1]
			if row[0] != strconv.Itoa(i) || row[2] != "x,y" || row[3] != "ok" || row[4] != "address" {
				t.Fatalf("row %d: %q", i, row)
			}
			if lon, lat := row[6], row[7]; lon != strconv.FormatFloat(round7(a.lon), 'f', 7, 64) || lat != strconv.FormatFloat(round7(a.lat), 'f', 7, 64) {
				t.Errorf("row %d at %s %s, want %f %f", i, lon, lat, a.lon, a.lat)
			}
			if row[9] == "" || row[10] == "" {
				t.Errorf("row %d lacks codes: %q", i, row)
			}
		}
		tail := rows[len(sample)+1:]
		if !strings.HasPrefix(tail[0][3], "invalid") || !strings.HasPrefix(tail[1][3], "invalid") || tail[1][0] != "short" {
			t.Errorf("empty rows: %q", tail[:2])
		}
		reason := len(rows[0]) - 1
		for _, row := range tail[2:4] {
			if row[3] != "not found" || row[reason] == "" {
				t.Errorf("an address on a street that does not exist: %q, want not found and why", row)
			}
		}
	}

	t.Run("CSV body", func(t *testing.T) {
		status, rows, raw := postCSV(t, e.url, "", "text/csv", bytes.NewReader(file))
		if status != http.StatusOK {
			t.Fatalf("status %d: %s", status, raw)
		}
		check(t, rows)
	})

	t.Run("multipart upload", func(t *testing.T) {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		_ = mw.WriteField("note", "first a field that is not the file")
		fw, _ := mw.CreateFormFile("file", "addresses.csv")
		_, _ = fw.Write(file)
		_ = mw.Close()
		status, rows, raw := postCSV(t, e.url, "?column=dia+chi", mw.FormDataContentType(), &body)
		if status != http.StatusOK {
			t.Fatalf("status %d: %s", status, raw)
		}
		check(t, rows)
	})

	t.Run("a file past the size limit ends with an error row", func(t *testing.T) {
		ts := httptest.NewServer(testServer(api.Server{DB: e.db}, func(s *api.Server) { s.Config.Limits.BatchMaxBytes = int64(len(file) / 2) }).Handler())
		defer ts.Close()
		status, rows, raw := postCSV(t, ts.URL, "", "text/csv", bytes.NewReader(file))
		if status != http.StatusOK || len(rows) < 3 {
			t.Fatalf("status %d: %s", status, raw)
		}
		last := rows[len(rows)-1]
		if !strings.HasPrefix(last[3], "error: the file is larger than") || len(rows) > len(sample)/2+2 {
			t.Errorf("%d rows, last %q", len(rows), last)
		}
	})

	t.Run("bad uploads are 400 naming the parameter", func(t *testing.T) {
		for _, c := range []struct {
			query, contentType, body, param string
		}{
			{"", "text/csv", "", "file"},
			{"?column=adresse", "text/csv", "address\n1 Lê Lợi\n", "column"},
			{"", "multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\nv\r\n--x--\r\n", "file"},
		} {
			status, _, raw := postCSV(t, e.url, c.query, c.contentType, strings.NewReader(c.body))
			if status != http.StatusBadRequest || !strings.Contains(raw, `"parameter":"`+c.param+`"`) {
				t.Errorf("%q: status %d %s, want 400 naming %s", c.body, status, raw, c.param)
			}
		}
	})
}
