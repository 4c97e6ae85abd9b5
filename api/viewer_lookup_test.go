package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
)

// lookupParcel is a parcel the browser looks up, with a point inside it in WGS84 and in
// VN-2000 / TM-3 (EPSG:9210).
type lookupParcel struct {
	ID     int64   `json:"id"`
	Ward   string  `json:"ward"`
	Sheet  int     `json:"sheet"`
	Number int     `json:"number"`
	Code   string  `json:"code"`
	Lon    float64 `json:"lon"`
	Lat    float64 `json:"lat"`
	X      float64 `json:"x"`
	Y      float64 `json:"y"`
}

// The planning look-up in the browser: web/e2e/lookup.mjs clicks a parcel and checks that it
// is drawn selected and that the panel's figures are the planning API's; finds parcels by
// sheet and number, by code, by WGS 84 and VN-2000 coordinates; picks an address suggestion
// with the keyboard; reopens the permalink; prints the report on one page; and lays the
// viewer out on a 390 px phone without overlaps.
func TestViewerLookupInBrowser(t *testing.T) {
	b := needBrowser(t)
	e := newTileEnv(t)
	ctx := context.Background()
	rows, err := e.pool.Query(ctx, `
		SELECT p.id, p.ward_code, p.sheet_no, p.parcel_no, ST_X(s.p), ST_Y(s.p), ST_X(ST_Transform(s.p, 9210)), ST_Y(ST_Transform(s.p, 9210))
		FROM parcels p, LATERAL (SELECT ST_PointOnSurface(p.geom) p) s
		-- first those inside a road reserve, the half width around a road boundary
		ORDER BY NOT EXISTS (SELECT 1 FROM road_boundaries r WHERE ST_DWithin(r.geom::geography, p.geom::geography, r.width_m / 2 - 1)),
			p.geom <-> ST_SetSRID(ST_MakePoint($1, $2), 4326), p.id
		LIMIT 100`, e.centre[0], e.centre[1])
	if err != nil {
		t.Fatal(err)
	}
	var near []lookupParcel
	for rows.Next() {
		var p lookupParcel
		if err := rows.Scan(&p.ID, &p.Ward, &p.Sheet, &p.Number, &p.Lon, &p.Lat, &p.X, &p.Y); err != nil {
			t.Fatal(err)
		}
		p.Code = fmt.Sprintf("%s%03d%04d", p.Ward, p.Sheet, p.Number)
		near = append(near, p)
	}
	if err := rows.Err(); err != nil || len(near) < 2 {
		t.Fatalf("%d parcels near the centre: %v", len(near), err)
	}
	// The clicked parcel has the whole report to compare: zones with rules, and a road reserve
	// covering part of it. The other is found by name, code and coordinates.
	clicked := -1
	for i, p := range near {
		rep := e.planning(t, p.ID)
		if len(rep.Zones) > 0 && rep.Zones[0].FAR != nil && len(rep.Roads) > 0 && rep.Roads[0].SharePct > 0 {
			clicked = i
			break
		}
	}
	if clicked < 0 {
		t.Fatalf("none of the %d parcels near the centre has zones and a road reserve", len(near))
	}
	other := near[(clicked+len(near)/2)%len(near)]
	// an address of the city, typed by a user as its house number and street
	var address string
	if err := e.pool.QueryRow(ctx, `SELECT a.house_number || ' ' || s.name FROM addresses a JOIN streets s ON s.id = a.street_id
		WHERE a.parcel_id IS NOT NULL ORDER BY a.geom <-> ST_SetSRID(ST_MakePoint($1, $2), 4326), a.id LIMIT 1`,
		near[clicked].Lon, near[clicked].Lat).Scan(&address); err != nil {
		t.Fatal(err)
	}
	arg, _ := json.Marshal(map[string]any{"clicked": near[clicked], "other": other, "address": address})
	b.run(t, "lookup.mjs", e.url, arg)
	b.refreshScreenshot(t, "lookup-click.png", "docs/viewer.png")
}
