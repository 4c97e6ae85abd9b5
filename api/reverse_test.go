package api_test

import (
	"context"
	"fmt"
	"math"
	"testing"

	"github.com/jackc/pgx/v5"
)

// reverseAnswer is what the tests read of GET /v1/reverse.
type reverseAnswer struct {
	Features []geoFeature `json:"features"`
}

// place is the last feature, the one at the point.
func (a reverseAnswer) place(t *testing.T) map[string]any {
	t.Helper()
	if len(a.Features) == 0 || a.Features[len(a.Features)-1].Properties["kind"] != "place" {
		t.Fatalf("no place feature last: %+v", a.Features)
	}
	return a.Features[len(a.Features)-1].Properties
}

func unitCode(props map[string]any, key string) string {
	u, _ := props[key].(map[string]any)
	s, _ := u["code"].(string)
	return s
}

// truth is what lies at a point, computed apart: nearest addresses by geodesic distance
// without the index, wards and parcel by point in polygon.
type truth struct {
	ids            []int64
	dist           []float64
	ward, oldWard  string
	parcel, street int64
	streetDist     float64
}

func (e tileEnv) truthAt(t *testing.T, lon, lat float64, n int) truth {
	t.Helper()
	ctx := context.Background()
	var w truth
	rows, err := e.pool.Query(ctx, `SELECT id, ST_Distance(geom::geography, ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography) d
		FROM addresses ORDER BY d, id LIMIT $3`, lon, lat, n)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		var d float64
		if err := rows.Scan(&id, &d); err != nil {
			t.Fatal(err)
		}
		w.ids, w.dist = append(w.ids, id), append(w.dist, d)
	}
	err = e.pool.QueryRow(ctx, `WITH pt AS (SELECT ST_SetSRID(ST_MakePoint($1, $2), 4326) g) SELECT
		coalesce((SELECT min(code) FROM admin_units, pt WHERE level = 'ward' AND valid_to IS NULL AND ST_Covers(geom, g)), ''),
		coalesce((SELECT min(code) FROM admin_units, pt WHERE level = 'ward' AND valid_to IS NOT NULL AND ST_Covers(geom, g)), ''),
		coalesce((SELECT min(id) FROM parcels, pt WHERE ST_Covers(geom, g)), 0),
		(SELECT id FROM streets, pt ORDER BY ST_Distance(geom::geography, g::geography), id LIMIT 1),
		(SELECT min(ST_Distance(geom::geography, g::geography)) FROM streets, pt)`, lon, lat).
		Scan(&w.ward, &w.oldWard, &w.parcel, &w.street, &w.streetDist)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func (e tileEnv) checkReverse(t *testing.T, lon, lat float64, n int) reverseAnswer {
	t.Helper()
	var got reverseAnswer
	e.getGeoJSON(t, fmt.Sprintf("/v1/reverse?lon=%.8f&lat=%.8f&limit=%d&radius=1000", lon, lat, n), &got)
	want := e.truthAt(t, lon, lat, n)
	if len(got.Features) != len(want.ids)+1 {
		t.Fatalf("(%f, %f): %d features, want %d addresses and the place", lon, lat, len(got.Features), len(want.ids))
	}
	for i, id := range want.ids {
		f := got.Features[i]
		d, _ := f.Properties["distance_m"].(float64)
		if f.ID != id || math.Abs(d-want.dist[i]) > 0.01 || f.Properties["kind"] != "address" {
			t.Errorf("(%f, %f) #%d: address %d at %v m, want %d at %.2f m", lon, lat, i, f.ID, f.Properties["distance_m"], id, want.dist[i])
		}
	}
	p := got.place(t)
	street, _ := p["street"].(map[string]any)
	parcel, _ := p["parcel"].(map[string]any)
	sd, _ := street["distance_m"].(float64)
	pid, _ := parcel["id"].(float64)
	if unitCode(p, "ward") != want.ward || unitCode(p, "old_ward") != want.oldWard || int64(pid) != want.parcel ||
		street["id"] != float64(want.street) || math.Abs(sd-want.streetDist) > 0.01 {
		t.Errorf("(%f, %f): place %v; want wards %s/%s, parcel %d, street %d at %.2f m", lon, lat, p,
			want.ward, want.oldWard, want.parcel, want.street, want.streetDist)
	}
	return got
}

// points reads (lon, lat) pairs.
func (e tileEnv) points(t *testing.T, sql string) [][2]float64 {
	t.Helper()
	rows, err := e.pool.Query(context.Background(), sql)
	if err != nil {
		t.Fatal(err)
	}
	pts, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) ([2]float64, error) {
		var p [2]float64
		return p, r.Scan(&p[0], &p[1])
	})
	if err != nil {
		t.Fatal(err)
	}
	return pts
}

func TestReverse(t *testing.T) {
	e := newCityEnv(t, 12000) // two new wards, so that a ward line runs through it
	ctx := context.Background()
	t.Run("nearest addresses, wards and parcel", func(t *testing.T) {
		pts := e.points(t, `SELECT ST_X(geom) + 0.00003 * sin(id), ST_Y(geom) + 0.00002 * cos(id)
			FROM addresses ORDER BY id % 97, id LIMIT 12`)
		for i, p := range pts {
			e.checkReverse(t, p[0], p[1], 1+i%4)
		}
	})
	t.Run("across a ward line", func(t *testing.T) {
		// points 10 cm beyond the ward boundary nearest an address; one whose nearest address
		// is registered in the ward on the other side
		pts := e.points(t, `WITH b AS (
			SELECT a.geom, ST_ClosestPoint(ST_Boundary(w.geom), a.geom) c
			FROM addresses a JOIN admin_units w ON w.level = 'ward' AND w.valid_to IS NULL AND w.code = a.ward_code
			ORDER BY ST_Distance(ST_Boundary(w.geom), a.geom) LIMIT 300)
			SELECT ST_X(c) + (ST_X(c) - ST_X(geom)) / ST_Distance(c, geom) * 0.000001,
			       ST_Y(c) + (ST_Y(c) - ST_Y(geom)) / ST_Distance(c, geom) * 0.000001
			FROM b WHERE ST_Distance(c, geom) > 0`)
		for _, p := range pts {
			w := e.truthAt(t, p[0], p[1], 1)
			var addrWard string
			if err := e.pool.QueryRow(ctx, `SELECT ward_code FROM addresses WHERE id = $1`, w.ids[0]).Scan(&addrWard); err != nil {
				t.Fatal(err)
			}
			if w.ward == "" || addrWard == w.ward {
				continue
			}
			got := e.checkReverse(t, p[0], p[1], 1)
			a := got.Features[0].Properties
			if unitCode(a, "ward") != addrWard || a["in_point_ward"] != false || unitCode(got.place(t), "ward") != w.ward {
				t.Errorf("(%f, %f): address ward %s, in_point_ward %v, place ward %s; want %s, false, %s",
					p[0], p[1], unitCode(a, "ward"), a["in_point_ward"], unitCode(got.place(t), "ward"), addrWard, w.ward)
			}
			return
		}
		t.Fatal("no point found whose nearest address lies across a ward line")
	})
	t.Run("no address within the radius", func(t *testing.T) {
		var got reverseAnswer
		path := fmt.Sprintf("/v1/reverse?lon=%f&lat=%f&radius=0", e.centre[0]+0.0000013, e.centre[1])
		e.getGeoJSON(t, path, &got)
		if len(got.Features) != 1 || unitCode(got.place(t), "ward") == "" || got.place(t)["plus_code"] == "" {
			t.Errorf("%s: %+v, want the place alone, with its ward", path, got.Features)
		}
		var far reverseAnswer
		e.getGeoJSON(t, "/v1/reverse?lon=0&lat=0", &far)
		if len(far.Features) != 1 || far.place(t)["ward"] != nil || far.place(t)["parcel"] != nil {
			t.Errorf("far from the city: %+v, want an empty place", far.Features)
		}
	})
	t.Run("bad parameters", func(t *testing.T) {
		for _, c := range []struct{ query, param string }{
			{"lat=10.77", "lon"},
			{"lon=106.7", "lat"},
			{"lon=NaN&lat=10.77", "lon"},
			{"lon=181&lat=10.77", "lon"},
			{"lon=106.7&lat=-90.5", "lat"},
			{"lon=106.7&lat=1e400", "lat"},
			{"lon=abc&lat=10.77", "lon"},
			{"lon=106.7&lat=10.77&radius=5000", "radius"},
			{"lon=106.7&lat=10.77&radius=-1", "radius"},
			{"lon=106.7&lat=10.77&limit=0", "limit"},
			{"lon=106.7&lat=10.77&limit=21", "limit"},
		} {
			e.checkQueryProblem(t, "/v1/reverse?"+c.query, 400, c.param)
		}
	})
}
