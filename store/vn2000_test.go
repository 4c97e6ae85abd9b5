package store_test

import (
	"context"
	"math"
	"strconv"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
)

// The known point of mission.md §6: (600000 E, 1192000 N) in VN-2000 / TM-3 105°45'
// (EPSG:9210) is (106.66618296 E, 10.77752619 N) in WGS84 under EPSG:6960.
const (
	knownE, knownN     = 600000.0, 1192000.0
	knownLon, knownLat = 106.66618296, 10.77752619
)

// distanceM measures, on the WGS84 ellipsoid, how far apart two points of the given CRSs are.
func distanceM(t *testing.T, pool *pgxpool.Pool, x1, y1 float64, srid1 int, x2, y2 float64, srid2 int) float64 {
	t.Helper()
	var d float64
	err := pool.QueryRow(context.Background(), `
		SELECT ST_Distance(
			ST_Transform(ST_SetSRID(ST_MakePoint($1, $2), $3), 4326)::geography,
			ST_Transform(ST_SetSRID(ST_MakePoint($4, $5), $6), 4326)::geography)`,
		x1, y1, srid1, x2, y2, srid2).Scan(&d)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// transform returns the coordinates of (x, y) in srid from, transformed to srid to.
func transform(t *testing.T, pool *pgxpool.Pool, x, y float64, from, to int) (float64, float64) {
	t.Helper()
	var ox, oy float64
	err := pool.QueryRow(context.Background(), `
		SELECT ST_X(g), ST_Y(g) FROM ST_Transform(ST_SetSRID(ST_MakePoint($1, $2), $3), $4::integer) AS g`,
		x, y, from, to).Scan(&ox, &oy)
	if err != nil {
		t.Fatalf("transform %d -> %d: %v", from, to, err)
	}
	return ox, oy
}

func planar(x1, y1, x2, y2 float64) float64 {
	dx, dy := x1-x2, y1-y2
	return math.Hypot(dx, dy)
}

func TestVN2000KnownPoint(t *testing.T) {
	t.Parallel()
	pool := sqlPool(t)

	lon, lat := transform(t, pool, knownE, knownN, 9210, 4326)
	if d := distanceM(t, pool, lon, lat, 4326, knownLon, knownLat, 4326); d > 0.01 {
		t.Errorf("9210 -> 4326 gives (%.8f, %.8f), %.3f m from (%.8f, %.8f); want within 1 cm", lon, lat, d, knownLon, knownLat)
	}
	e, n := transform(t, pool, knownLon, knownLat, 4326, 9210)
	if d := planar(e, n, knownE, knownN); d > 0.01 {
		t.Errorf("4326 -> 9210 gives (%.3f, %.3f), %.3f m from the known point; want within 1 cm", e, n, d)
	}
}

// TestVN2000Consistent checks each registered VN-2000 CRS against EPSG:9210 two ways: the
// known point through WGS84 lands where the direct transformation puts it, and where the
// pure map projection of its VN-2000 geographic coordinates puts it. The pure projections are
// written here from the EPSG definitions (same ellipsoid, no datum shift), independently of
// the migration.
func TestVN2000Consistent(t *testing.T) {
	t.Parallel()
	pool := sqlPool(t)
	ctx := context.Background()
	pure := map[int]string{
		990000: "+proj=longlat +ellps=WGS84 +no_defs",
		990001: "+proj=tmerc +lat_0=0 +lon_0=105.75 +k=0.9999 +x_0=500000 +y_0=0 +ellps=WGS84 +units=m +no_defs",
	}
	cases := []struct {
		name string
		srid int
		pure string
	}{
		{"VN-2000 geographic", 4756, "+proj=longlat +ellps=WGS84 +no_defs"},
		{"UTM 48N", 3405, "+proj=tmerc +lat_0=0 +lon_0=105 +k=0.9996 +x_0=500000 +y_0=0 +ellps=WGS84 +units=m +no_defs"},
		{"UTM 49N", 3406, "+proj=tmerc +lat_0=0 +lon_0=111 +k=0.9996 +x_0=500000 +y_0=0 +ellps=WGS84 +units=m +no_defs"},
		{"TM-3 105", 5897, "+proj=tmerc +lat_0=0 +lon_0=105 +k=0.9999 +x_0=500000 +y_0=0 +ellps=WGS84 +units=m +no_defs"},
		{"TM-3 107-45", 5899, "+proj=tmerc +lat_0=0 +lon_0=107.75 +k=0.9999 +x_0=500000 +y_0=0 +ellps=WGS84 +units=m +no_defs"},
	}
	for i, c := range cases {
		pure[990002+i] = c.pure
	}
	for srid, def := range pure {
		if _, err := pool.Exec(ctx, `INSERT INTO spatial_ref_sys (srid, auth_name, auth_srid, proj4text) VALUES ($1, 'test', $1, $2)`, srid, def); err != nil {
			t.Fatal(err)
		}
	}
	// The pure chain sees the same numbers as VN-2000 but knows no datum: it only projects.
	if x, y := transform(t, pool, knownE, knownN, 990001, 990000); distanceM(t, pool, x, y, 990000, knownLon, knownLat, 4326) < 100 {
		t.Fatal("the pure projection lands on the WGS84 point: it must not apply a datum shift")
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ux, uy := transform(t, pool, knownE, knownN, 9210, c.srid)
			lon, lat := transform(t, pool, knownE, knownN, 9210, 4326)
			vx, vy := transform(t, pool, lon, lat, 4326, c.srid)
			px, py := transform(t, pool, knownE, knownN, 990001, 990002+i)
			tol := 0.001 // metres
			if c.srid == 4756 {
				tol = 1e-8 // degrees, about 1 mm
			}
			if d := planar(ux, uy, vx, vy); d > tol {
				t.Errorf("9210 -> %d gives (%.6f, %.6f), 9210 -> 4326 -> %d gives (%.6f, %.6f): %.2g apart", c.srid, ux, uy, c.srid, vx, vy, d)
			}
			if d := planar(ux, uy, px, py); d > tol {
				t.Errorf("9210 -> %d gives (%.6f, %.6f), the pure projection (%.6f, %.6f): %.2g apart", c.srid, ux, uy, px, py, d)
			}
			bx, by := transform(t, pool, ux, uy, c.srid, 9210)
			if d := planar(bx, by, knownE, knownN); d > 0.001 {
				t.Errorf("9210 -> %d -> 9210 ends %.4f m from the known point", c.srid, d)
			}
		})
	}
}

// TestVN2000NotPROJDefault shows the pinning matters: the same UTM 48N definition under the
// EPSG authority lets PROJ choose its own VN-2000 to WGS84 transformation (EPSG:5194 here),
// which lands well over half a metre from ours.
func TestVN2000NotPROJDefault(t *testing.T) {
	t.Parallel()
	pool := sqlPool(t)
	_, err := pool.Exec(context.Background(), `
		INSERT INTO spatial_ref_sys (srid, auth_name, auth_srid, srtext, proj4text)
		SELECT 913405, 'EPSG', 3405, srtext, proj4text FROM spatial_ref_sys WHERE srid = 3405`)
	if err != nil {
		t.Fatal(err)
	}
	ours := distanceM(t, pool, knownE, knownN, 9210, knownLon, knownLat, 4326)
	x, y := transform(t, pool, knownE, knownN, 9210, 3405)
	pinned := distanceM(t, pool, x, y, 3405, knownLon, knownLat, 4326)
	projDefault := distanceM(t, pool, x, y, 913405, knownLon, knownLat, 4326)
	if ours > 0.01 || pinned > 0.01 {
		t.Errorf("pinned CRSs miss the known point: 9210 by %.3f m, 3405 by %.3f m", ours, pinned)
	}
	if projDefault < 0.5 {
		t.Errorf("EPSG:3405 as PROJ resolves it is %.3f m from the pinned result; want > 0.5 m (is 3405 still pinned?)", projDefault)
	}
}

func TestCRSCatalog(t *testing.T) {
	t.Parallel()
	pool := sqlPool(t)
	for _, srid := range []int{4326, 3857, 4756, 3405, 3406, 5897, 5899, 9210} {
		var uri, authName string
		var vn2000 bool
		err := pool.QueryRow(context.Background(), `
			SELECT c.uri, c.vn2000, s.auth_name FROM crs c JOIN spatial_ref_sys s USING (srid) WHERE c.srid = $1`, srid).
			Scan(&uri, &vn2000, &authName)
		if err != nil {
			t.Errorf("crs %d: %v", srid, err)
			continue
		}
		if want := "http://www.opengis.net/def/crs/EPSG/0/" + strconv.Itoa(srid); uri != want {
			t.Errorf("crs %d: uri %q, want %q", srid, uri, want)
		}
		if wantVN := srid != 4326 && srid != 3857; vn2000 != wantVN {
			t.Errorf("crs %d: vn2000 = %v, want %v", srid, vn2000, wantVN)
		}
		if vn2000 && authName == "EPSG" {
			t.Errorf("crs %d: spatial_ref_sys auth_name is EPSG, so PROJ picks its own datum shift", srid)
		}
	}
}
