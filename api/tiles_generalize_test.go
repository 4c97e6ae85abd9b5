package api_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"
)

// TestTileGeneralization checks what the catalog's zoom bands promise: ward totals instead
// of parcels at low zoom, main streets without alleys, features under a pixel dropped, and
// fewer attributes where a tile would otherwise be too large.
func TestTileGeneralization(t *testing.T) {
	e := newTileEnv(t)
	ctx := context.Background()

	t.Run("parcels at zoom 12 are ward totals", func(t *testing.T) {
		l := decode(t, e.get(t, tilePath("parcels", maptile.At(e.centre, 12))))["parcels"]
		if l14 := decode(t, e.get(t, tilePath("parcels", maptile.At(e.centre, 14))))["parcels"]; l14 == nil || l14.Features[0].Properties["parcels"] == nil {
			t.Error("zoom 14 parcels are not ward totals")
		}
		if l == nil || len(l.Features) == 0 {
			t.Fatal("no ward totals")
		}
		total := 0.0
		for _, f := range l.Features {
			code, _ := f.Properties["ward_code"].(string)
			var n float64
			var area float64
			var use string
			err := e.pool.QueryRow(ctx, `SELECT count(*), sum(area_m2), (SELECT land_use FROM parcels
				WHERE ward_code = $1 GROUP BY land_use ORDER BY sum(area_m2) DESC, land_use LIMIT 1)
				FROM parcels WHERE ward_code = $1`, code).Scan(&n, &area, &use)
			if err != nil {
				t.Fatal(err)
			}
			if f.Properties["parcels"] != n || f.Properties["land_use"] != use {
				t.Errorf("ward %s: %v parcels, land use %v; the database has %v and %s", code, f.Properties["parcels"], f.Properties["land_use"], n, use)
			}
			if got, _ := f.Properties["area_m2"].(float64); got < area-1 || got > area+1 {
				t.Errorf("ward %s: area %v, the database sums %v", code, got, area)
			}
			total += n
		}
		var all float64
		if err := e.pool.QueryRow(ctx, `SELECT count(*) FROM parcels`).Scan(&all); err != nil {
			t.Fatal(err)
		}
		if total != all {
			t.Errorf("ward totals count %v parcels, the city has %v", total, all)
		}
	})

	t.Run("streets at zoom 12 leave alleys out", func(t *testing.T) {
		l := decode(t, e.get(t, tilePath("streets", maptile.At(e.centre, 12))))["streets"]
		if l == nil || len(l.Features) == 0 {
			t.Fatal("no streets")
		}
		for _, f := range l.Features {
			if f.Properties["kind"] != "street" {
				t.Fatalf("feature %v is a %v", f.ID, f.Properties["kind"])
			}
		}
		if l := decode(t, e.get(t, tilePath("streets", maptile.At(e.centre, 16))))["streets"]; l == nil || !hasKind(l.Features, "alley") {
			t.Error("no alleys at zoom 16")
		}
	})

	t.Run("a parcel under a pixel is dropped at zoom 15 and drawn at 16", func(t *testing.T) {
		// A square of 2.4 m² (1.5 m a side): a pixel of a 512-pixel tile is 2.3 m at zoom 15
		// here, 1.2 m at 16.
		var id uint64
		err := e.pool.QueryRow(ctx, `INSERT INTO parcels (ward_code, sheet_no, parcel_no, land_use, area_m2, geom)
			SELECT ward_code, 999, 9999, 'ODT', 4, ST_Multi(ST_Buffer(ST_Point($1, $2, 4326), 0.00001, 1))
			FROM parcels LIMIT 1 RETURNING id`, e.centre[0], e.centre[1]).Scan(&id)
		if err != nil {
			t.Fatal(err)
		}
		has := func(z maptile.Zoom) bool {
			l := decode(t, e.get(t, tilePath("parcels", maptile.At(e.centre, z))))["parcels"]
			for _, f := range l.Features {
				if f.ID == float64(id) {
					return true
				}
			}
			return false
		}
		if has(15) {
			t.Error("the 2.4 m² parcel is in the zoom 15 tile")
		}
		if !has(16) {
			t.Error("the 2.4 m² parcel is missing from the zoom 16 tile")
		}
	})

	t.Run("zoom 15 parcels carry land use only", func(t *testing.T) {
		l := decode(t, e.get(t, tilePath("parcels", maptile.At(e.centre, 15))))["parcels"]
		if l == nil || len(l.Features) == 0 {
			t.Fatal("no parcels")
		}
		for _, f := range l.Features[:1] {
			if len(f.Properties) != 1 || f.Properties["land_use"] == nil {
				t.Errorf("properties %v, want land_use alone", f.Properties)
			}
		}
	})

	t.Run("below the layer's zooms", func(t *testing.T) {
		if r := e.get(t, tilePath("parcels", maptile.At(e.centre, 9))); r.status != http.StatusNoContent {
			t.Errorf("parcels at zoom 9: status %d, want 204", r.status)
		}
	})
}

func hasKind(fs []*geojson.Feature, kind string) bool {
	for _, f := range fs {
		if f.Properties["kind"] == kind {
			return true
		}
	}
	return false
}
