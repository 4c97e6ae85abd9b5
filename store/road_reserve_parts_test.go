package store_test

import (
	"context"
	"math"
	"testing"
)

// TestRoadReservePartsFollowTheReserves checks that the indexed pieces of each road reserve
// cover exactly its reserve after a load, an update of the width and a delete.
func TestRoadReservePartsFollowTheReserves(t *testing.T) {
	ctx := context.Background()
	_, conn := loadCity(t, 1, 3000)
	check := func(when string) {
		t.Helper()
		rows, err := conn.Query(ctx, `SELECT r.id, ST_Area(r.reserve), coalesce(ST_Area(ST_Union(p.geom)), 0),
			count(p.*), coalesce(max(ST_NPoints(p.geom)), 0)
			FROM road_boundaries r LEFT JOIN road_reserve_parts p ON p.road_boundary_id = r.id GROUP BY r.id`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		n := 0
		for rows.Next() {
			var id, parts, maxPoints int64
			var area, pieces float64
			if err := rows.Scan(&id, &area, &pieces, &parts, &maxPoints); err != nil {
				t.Fatal(err)
			}
			if parts == 0 || math.Abs(area-pieces) > area*1e-9 || maxPoints > 64+1 {
				t.Errorf("%s: road boundary %d: reserve area %g, its %d pieces (up to %d points) %g", when, id, area, parts, maxPoints, pieces)
			}
			n++
		}
		if n == 0 {
			t.Fatalf("%s: no road boundaries", when)
		}
		var orphans int
		if err := conn.QueryRow(ctx, `SELECT count(*) FROM road_reserve_parts p
			WHERE NOT EXISTS (SELECT 1 FROM road_boundaries r WHERE r.id = p.road_boundary_id)`).Scan(&orphans); err != nil || orphans != 0 {
			t.Errorf("%s: %d pieces of no road boundary (%v)", when, orphans, err)
		}
	}
	check("after the load")
	if _, err := conn.Exec(ctx, `UPDATE road_boundaries SET width_m = width_m + 10 WHERE id = (SELECT min(id) FROM road_boundaries)`); err != nil {
		t.Fatal(err)
	}
	check("after widening")
	if _, err := conn.Exec(ctx, `DELETE FROM road_boundaries WHERE id = (SELECT max(id) FROM road_boundaries)`); err != nil {
		t.Fatal(err)
	}
	check("after a delete")
}
