package api_test

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"testing"
)

// planningBody is what the tests read of a planning report.
type planningBody struct {
	Parcel geoFeature `json:"parcel"`
	Ward   struct {
		Old *struct{ Code, Name string }
		New []struct {
			Code      string
			SharePct  float64 `json:"share_pct"`
			OverlapM2 float64 `json:"overlap_m2"`
		}
	}
	Zones []struct {
		ZoneID    int64   `json:"zone_id"`
		OverlapM2 float64 `json:"overlap_m2"`
		SharePct  float64 `json:"share_pct"`
		FAR       *float64
		Plan      struct {
			DecisionNo string `json:"decision_no"`
		}
	}
	ZonesSharePct float64 `json:"zones_share_pct"`
	Roads         []struct {
		ID            int64
		Street        string
		WidthM        float64 `json:"width_m"`
		FrontageM     float64 `json:"frontage_m"`
		ReserveAreaM2 float64 `json:"reserve_area_m2"`
		SharePct      float64 `json:"share_pct"`
	}
}

func (e tileEnv) planning(t *testing.T, id int64) planningBody {
	t.Helper()
	path := fmt.Sprintf("/v1/parcels/%d/planning", id)
	r := e.get(t, path)
	var rep planningBody
	decodeOK(t, path, r.status, r.header.Get("Content-Type"), "application/json", r.body, &rep)
	return rep
}

func TestParcelPlanning(t *testing.T) {
	t.Parallel()
	e := newTileEnv(t)
	ctx := context.Background()

	t.Run("zones covering a parcel share it out to 100% and their overlaps agree with VN-2000 TM-3 areas", func(t *testing.T) {
		// Ground truth by another method: areas in the metric plane of EPSG:9210 rather than
		// on the ellipsoid; the two agree to the plane's scale error (under 1e-4 here).
		rows, err := e.pool.Query(ctx, `
			SELECT p.id, p.ward_code, ST_Area(ST_Transform(p.geom, 9210)),
				array_agg(z.id ORDER BY z.id), array_agg(ST_Area(ST_Transform(ST_Intersection(p.geom, z.geom), 9210)) ORDER BY z.id)
			FROM parcels p JOIN planning_zones z ON ST_Intersects(p.geom, z.geom)
			WHERE p.id % 37 = 0
			GROUP BY p.id
			HAVING ST_CoveredBy(p.geom, ST_Union(z.geom))
			ORDER BY p.id LIMIT 25`)
		if err != nil {
			t.Fatal(err)
		}
		type truth struct {
			id      int64
			ward    string
			area    float64
			zones   []int64
			overlap []float64
		}
		var cases []truth
		for rows.Next() {
			var c truth
			if err := rows.Scan(&c.id, &c.ward, &c.area, &c.zones, &c.overlap); err != nil {
				t.Fatal(err)
			}
			cases = append(cases, c)
		}
		if rows.Err() != nil || len(cases) < 10 {
			t.Fatalf("%d covered parcels, %v", len(cases), rows.Err())
		}
		for _, c := range cases {
			rep := e.planning(t, c.id)
			if rep.Parcel.ID != c.id || rep.Ward.Old == nil || rep.Ward.Old.Code != c.ward || len(rep.Ward.New) == 0 {
				t.Errorf("parcel %d: parcel %d, wards %+v", c.id, rep.Parcel.ID, rep.Ward)
			}
			if math.Abs(rep.ZonesSharePct-100) > 0.1 {
				t.Errorf("parcel %d: zone shares add up to %.4f%%, want 100 ± 0.1", c.id, rep.ZonesSharePct)
			}
			var sum float64
			want := map[int64]float64{}
			for i, z := range c.zones {
				if c.overlap[i] >= 0.01 {
					want[z] = c.overlap[i]
				}
			}
			if len(rep.Zones) != len(want) {
				t.Errorf("parcel %d: %d zones, want %d", c.id, len(rep.Zones), len(want))
			}
			for _, z := range rep.Zones {
				sum += z.OverlapM2
				if w := want[z.ZoneID]; math.Abs(z.OverlapM2-w) > 1e-4*w+0.01 {
					t.Errorf("parcel %d zone %d: overlap %.3f m², EPSG:9210 says %.3f", c.id, z.ZoneID, z.OverlapM2, w)
				}
				if z.Plan.DecisionNo == "" {
					t.Errorf("parcel %d zone %d: no decision", c.id, z.ZoneID)
				}
			}
			if math.Abs(sum-c.area) > 1e-3*c.area {
				t.Errorf("parcel %d: overlaps add up to %.3f m², parcel is %.3f", c.id, sum, c.area)
			}
		}
	})

	t.Run("frontage and reserve area on a constructed road and parcels", func(t *testing.T) {
		// A straight road 20 m wide running east in EPSG:9210, away from the demo city, and
		// parcels 10 m wide: A cut 5 m deep by the reserve, B stopping 0.2 m short of it,
		// C 1 m short (too far to front it).
		var ids [3]int64
		err := e.pool.QueryRow(ctx, `
			WITH b AS (SELECT ST_X(g) x, ST_Y(g) y FROM (SELECT ST_Transform(ST_SetSRID(ST_MakePoint(106.9, 10.95), 4326), 9210) g) s),
			road AS (
				INSERT INTO road_boundaries (street_name, width_m, geom)
				SELECT 'Đường Thử', 20, ST_Multi(ST_Transform(ST_SetSRID(ST_MakeLine(ST_MakePoint(x - 100, y), ST_MakePoint(x + 200, y)), 9210), 4326)) FROM b
			),
			ps AS (
				INSERT INTO parcels (ward_code, sheet_no, parcel_no, land_use, area_m2, geom)
				SELECT '99999', 1, n, 'ODT', 300, ST_Multi(ST_Transform(ST_SetSRID(g, 9210), 4326))
				FROM b, LATERAL (VALUES
					(1, ST_MakeEnvelope(x, y + 5, x + 10, y + 35)),
					(2, ST_MakeEnvelope(x + 20, y + 10.2, x + 30, y + 40)),
					(3, ST_MakeEnvelope(x + 40, y + 11, x + 50, y + 40))
				) v(n, g)
				RETURNING id, parcel_no
			)
			SELECT array_agg(id ORDER BY parcel_no) FROM ps`).Scan(&ids)
		if err != nil {
			t.Fatal(err)
		}
		for i, c := range []struct {
			name                 string
			roads                int
			frontageM, reserveM2 float64
		}{
			{"cut 5 m deep: the planned line's chord, 10 m; 50 m² in the reserve", 1, 10, 50},
			{"0.2 m short: its front, 10 m; nothing in the reserve", 1, 10, 0},
			{"1 m short: no road", 0, 0, 0},
		} {
			rep := e.planning(t, ids[i])
			if len(rep.Roads) != c.roads {
				t.Errorf("%s: roads %+v", c.name, rep.Roads)
				continue
			}
			if c.roads == 0 {
				continue
			}
			r := rep.Roads[0]
			if r.Street != "Đường Thử" || r.WidthM != 20 || math.Abs(r.FrontageM-c.frontageM) > 0.02 || math.Abs(r.ReserveAreaM2-c.reserveM2) > 0.1 {
				t.Errorf("%s: %+v, want frontage %g m, reserve %g m²", c.name, r, c.frontageM, c.reserveM2)
			}
			// each parcel is 10 m by 30 m
			if want := c.reserveM2 / 300 * 100; math.Abs(r.SharePct-want) > 0.05 {
				t.Errorf("%s: %.3f%% of the parcel in the reserve, want %.3f%%", c.name, r.SharePct, want)
			}
		}
	})

	t.Run("unknown parcel is 404, a bad id 400", func(t *testing.T) {
		checkProblem(t, do(t, http.MethodGet, e.url+"/v1/parcels/99999999/planning"), http.StatusNotFound, "/v1/parcels/99999999/planning")
		e.checkQueryProblem(t, "/v1/parcels/abc/planning", http.StatusBadRequest, "id")
		e.checkQueryProblem(t, "/v1/parcels/-1/planning", http.StatusBadRequest, "id")
	})
}
