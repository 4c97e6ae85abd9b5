package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// refusal reads a 400 problem and says which parameter it names and why.
func refusal(t *testing.T, status int, body []byte) (param, detail string) {
	t.Helper()
	var p struct {
		Errors []struct{ Parameter, Detail string }
	}
	if err := json.Unmarshal(body, &p); err != nil || status != http.StatusBadRequest || len(p.Errors) != 1 {
		t.Fatalf("status %d, %.300s: want a 400 problem naming one parameter", status, body)
	}
	return p.Errors[0].Parameter, p.Errors[0].Detail
}

// TestCostLimits: filters and parcel queries whose spatial work would outlast a request are
// refused at once with a 400 that names the parameter and the limit.
func TestCostLimits(t *testing.T) {
	t.Parallel()
	e := newTileEnv(t)
	lon, lat := e.centre[0], e.centre[1]

	t.Run("a filter of 330 S_DWITHIN", func(t *testing.T) {
		terms := make([]string, 330)
		for i := range terms {
			terms[i] = fmt.Sprintf("S_DWITHIN(geometry, POINT(%.5f %.5f), 100000000)", lon+float64(i%30)*1e-3, lat+float64(i/30)*1e-3)
		}
		r := e.get(t, "/ogc/collections/parcels/items?filter="+url.QueryEscape(strings.Join(terms, " OR ")))
		param, detail := refusal(t, r.status, r.body)
		if param != "filter" || !strings.Contains(detail, "330 spatial predicates") || !strings.Contains(detail, "at most 20") {
			t.Errorf("named %s: %s; want filter, its 330 predicates and the limit of 20", param, detail)
		}
	})

	points := func(n int) [][2]float64 {
		ps := make([][2]float64, n)
		for i := range ps {
			ps[i] = [2]float64{lon + float64(i%200)*1e-4, lat + float64(i/200)*1e-4}
		}
		return ps
	}
	for _, c := range []struct {
		name   string
		points int
		buffer float64
		want   string // "" when accepted
	}{
		{"25,000 points buffered by 500 m", 25000, 500, "25000 positions; at most 10000"},
		{"201 points buffered by 500 m", 201, 500, "positions × buffer_m may be at most 100000"},
		{"200 points buffered by 500 m", 200, 500, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			body, _ := json.Marshal(map[string]any{"geometry": map[string]any{"type": "MultiPoint", "coordinates": points(c.points)},
				"buffer_m": c.buffer, "limit": 1})
			status, _, out := e.post(t, "/v1/parcels/query", body)
			if c.want == "" {
				if status != http.StatusOK {
					t.Errorf("status %d, %.300s; want 200", status, out)
				}
				return
			}
			param, detail := refusal(t, status, out)
			if param != "geometry" || !strings.Contains(detail, c.want) {
				t.Errorf("named %s: %s; want geometry and %q", param, detail, c.want)
			}
		})
	}
}
