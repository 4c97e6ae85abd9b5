package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"testing"
)

// post sends body to path and returns the status, Content-Type and body.
func (e tileEnv) post(t *testing.T, path string, body []byte) (int, string, []byte) {
	t.Helper()
	res, raw := sendBody(t, http.MethodPost, e.url+path, string(body), "Content-Type", "application/json")
	return res.StatusCode, res.Header.Get("Content-Type"), raw
}

type queryPage struct {
	Type           string
	Features       []geoFeature
	NumberMatched  int64 `json:"numberMatched"`
	NumberReturned int   `json:"numberReturned"`
	Totals         []struct {
		LandUse   string  `json:"land_use"`
		Count     int64   `json:"count"`
		AreaM2    float64 `json:"area_m2"`
		MapAreaM2 float64 `json:"map_area_m2"`
	}
	NextCursor string `json:"next_cursor"`
}

func (e tileEnv) query(t *testing.T, body map[string]any) queryPage {
	t.Helper()
	raw, _ := json.Marshal(body)
	status, ct, out := e.post(t, "/v1/parcels/query", raw)
	var p queryPage
	decodeOK(t, "query "+string(raw), status, ct, "application/geo+json", out, &p)
	return p
}

func TestParcelQuery(t *testing.T) {
	t.Parallel()
	e := newTileEnv(t)
	ctx := context.Background()
	// A square about 440 m across around the city's centre.
	lon, lat, d := e.centre[0], e.centre[1], 0.002
	square := map[string]any{"type": "Polygon", "coordinates": [][][2]float64{{
		{lon - d, lat - d}, {lon + d, lat - d}, {lon + d, lat + d}, {lon - d, lat + d}, {lon - d, lat - d}}}}
	squareJSON, _ := json.Marshal(square)

	for _, c := range []struct {
		relation  string
		bufferM   float64
		predicate string
	}{{"intersects", 0, "ST_Intersects"}, {"intersects", 10, "ST_Intersects"}, {"within", 10, "ST_Within"}} {
		t.Run(fmt.Sprintf("%s, buffer %g m: totals equal a GROUP BY, paging visits every match once", c.relation, c.bufferM), func(t *testing.T) {
			// The same area and predicate, written apart from the service.
			area := `(SELECT CASE WHEN $2::float8 > 0 THEN ST_Buffer(g::geography, $2::float8)::geometry ELSE g END
				FROM (SELECT ST_SetSRID(ST_GeomFromGeoJSON($1::text), 4326) g) s)`
			rows, err := e.pool.Query(ctx, `SELECT land_use, count(*), sum(area_m2)::float8, array_agg(id)
				FROM parcels WHERE `+c.predicate+`(geom, `+area+`) GROUP BY land_use ORDER BY land_use`, string(squareJSON), c.bufferM)
			if err != nil {
				t.Fatal(err)
			}
			want := map[string][2]float64{}
			wantIDs := map[int64]bool{}
			for rows.Next() {
				var use string
				var n, m2 float64
				var ids []int64
				if err := rows.Scan(&use, &n, &m2, &ids); err != nil {
					t.Fatal(err)
				}
				want[use] = [2]float64{n, m2}
				for _, id := range ids {
					wantIDs[id] = true
				}
			}
			if rows.Err() != nil || len(wantIDs) < 150 {
				t.Fatalf("%d matches in SQL, want a few pages: %v", len(wantIDs), rows.Err())
			}

			seen := map[int64]int{}
			cursor, pages := "", 0
			for {
				body := map[string]any{"geometry": square, "buffer_m": c.bufferM, "relation": c.relation, "limit": 50}
				if cursor != "" {
					body["cursor"] = cursor
				}
				p := e.query(t, body)
				pages++
				if p.Type != "FeatureCollection" || p.NumberMatched != int64(len(wantIDs)) || p.NumberReturned != len(p.Features) || len(p.Features) > 50 {
					t.Fatalf("page %d: type %q, matched %d (SQL %d), returned %d of %d", pages, p.Type, p.NumberMatched, len(wantIDs), p.NumberReturned, len(p.Features))
				}
				if len(p.Totals) != len(want) {
					t.Errorf("totals %+v, want %v", p.Totals, want)
				}
				for _, tot := range p.Totals {
					w := want[tot.LandUse]
					if float64(tot.Count) != w[0] || abs(tot.AreaM2-w[1]) > 0.01 || tot.MapAreaM2 <= 0 {
						t.Errorf("totals of %s: %d parcels, %.1f m²; SQL says %v", tot.LandUse, tot.Count, tot.AreaM2, w)
					}
				}
				for _, f := range p.Features {
					seen[f.ID]++
				}
				if p.NextCursor == "" {
					break
				}
				cursor = p.NextCursor
			}
			if pages < 3 || len(seen) != len(wantIDs) {
				t.Errorf("%d pages, %d parcels seen, want %d", pages, len(seen), len(wantIDs))
			}
			for id, n := range seen {
				if n != 1 || !wantIDs[id] {
					t.Errorf("parcel %d seen %d times, a match: %v", id, n, wantIDs[id])
				}
			}
		})
	}

	t.Run("a limit above the maximum is served the maximum", func(t *testing.T) {
		p := e.query(t, map[string]any{"geometry": square, "buffer_m": 100, "limit": 5000})
		if len(p.Features) != min(1000, int(p.NumberMatched)) {
			t.Errorf("%d features of %d matched", len(p.Features), p.NumberMatched)
		}
	})

	t.Run("a body over 1 MiB is 413", func(t *testing.T) {
		big := `{"geometry": {"type": "Point", "coordinates": [106.7, 10.8]}, "cursor": "` + strings.Repeat("1", 1<<20) + `"}`
		status, ct, out := e.post(t, "/v1/parcels/query", []byte(big))
		if status != http.StatusRequestEntityTooLarge || ct != "application/problem+json" {
			t.Errorf("status %d, Content-Type %q; body %.200s", status, ct, out)
		}
	})

	t.Run("bad bodies are 400 naming the member", func(t *testing.T) {
		sq := string(squareJSON)
		bowtie := fmt.Sprintf(`{"type":"Polygon","coordinates":[[[%[1]f,%[2]f],[%[3]f,%[4]f],[%[3]f,%[2]f],[%[1]f,%[4]f],[%[1]f,%[2]f]]]}`, lon, lat, lon+d, lat+d)
		huge := `{"type":"Polygon","coordinates":[[[106,10],[107,10],[107,11],[106,11],[106,10]]]}`
		cases := map[string]string{
			`{"geometry": ` + sq: "body",
			`[1, 2]`:             "body",
			`{"geometry": ` + sq + `, "bufer_m": 10}`:                                                         "body",
			`{"buffer_m": 10}`:                                                                                "geometry",
			`{"geometry": {"type": "Polygonz", "coordinates": []}}`:                                           "geometry",
			`{"geometry": {"type": "Feature", "geometry": ` + sq + `}}`:                                       "geometry",
			`{"geometry": {"type": "Polygon", "coordinates": [[[106.7,10.8],[106.71,10.8],[106.71,10.81]]]}}`: "geometry",
			`{"geometry": {"type": "Point", "coordinates": [10.8, 206.7]}}`:                                   "geometry",
			`{"geometry": ` + bowtie + `}`:                                                                    "geometry",
			`{"geometry": ` + huge + `}`:                                                                      "geometry",
			`{"geometry": ` + sq + `, "buffer_m": -1}`:                                                        "buffer_m",
			`{"geometry": ` + sq + `, "relation": "touches"}`:                                                 "relation",
			`{"geometry": ` + sq + `, "limit": 0}`:                                                            "limit",
			`{"geometry": ` + sq + `, "cursor": "abc"}`:                                                       "cursor",
		}
		keys := make([]string, 0, len(cases))
		for k := range cases {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, body := range keys {
			status, ct, out := e.post(t, "/v1/parcels/query", []byte(body))
			var p struct {
				Errors []struct{ Parameter, Detail string }
			}
			_ = json.Unmarshal(out, &p)
			if status != http.StatusBadRequest || ct != "application/problem+json" || len(p.Errors) != 1 || p.Errors[0].Parameter != cases[body] {
				t.Errorf("%.120s: status %d, %s, want 400 naming %s", body, status, out, cases[body])
			}
		}
	})
}

func abs(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}
