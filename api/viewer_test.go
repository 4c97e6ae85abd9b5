package api_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"bandoso/geo"
)

// The viewer end to end: headless Chromium, driven by web/e2e/viewer.mjs through
// playwright-core, opens the viewer on the demo city served by the real router and checks
// what is drawn, what was fetched, the layer switcher and the feature panel.
func TestViewerInBrowser(t *testing.T) {
	if os.Getenv("BANDOSO_SKIP_BROWSER") == "1" {
		t.Skip("BANDOSO_SKIP_BROWSER=1")
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	chromium := os.Getenv("BANDOSO_CHROMIUM")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal("node is missing: install Node.js (or set BANDOSO_SKIP_BROWSER=1 to skip the browser test)")
	}
	for _, need := range []string{chromium, filepath.Join(root, "node_modules/playwright-core/package.json")} {
		if _, err := os.Stat(need); err != nil {
			t.Fatalf("%s is missing: `make test` installs chromium and the npm packages first (or set BANDOSO_SKIP_BROWSER=1 to skip the browser test)", need)
		}
	}

	e := newTileEnv(t)
	// A parcel near the middle of the city, and a point inside it.
	var parcel struct {
		Lon      float64 `json:"lon"`
		Lat      float64 `json:"lat"`
		WardCode string  `json:"ward_code"`
		SheetNo  int     `json:"sheet_no"`
		ParcelNo int     `json:"parcel_no"`
		Address  any     `json:"address"`
		PlusCode string  `json:"plus_code"`
		ZoneCode string  `json:"zone_code"`
	}
	err = e.pool.QueryRow(context.Background(), `
		SELECT ST_X(p), ST_Y(p), ward_code, sheet_no, parcel_no
		FROM (SELECT *, ST_PointOnSurface(geom) p FROM parcels) s
		ORDER BY geom <-> ST_SetSRID(ST_MakePoint($1, $2), 4326), id LIMIT 1`, e.centre[0], e.centre[1]).
		Scan(&parcel.Lon, &parcel.Lat, &parcel.WardCode, &parcel.SheetNo, &parcel.ParcelNo)
	if err != nil {
		t.Fatal(err)
	}
	// and the address nearest to it, as a user would type it
	var addr struct {
		Text string  `json:"text"`
		Lon  float64 `json:"lon"`
		Lat  float64 `json:"lat"`
	}
	err = e.pool.QueryRow(context.Background(), `
		SELECT a.house_number || ' ' || s.name, ST_X(a.geom), ST_Y(a.geom) FROM addresses a JOIN streets s ON s.id = a.street_id
		ORDER BY a.geom <-> ST_SetSRID(ST_MakePoint($1, $2), 4326), a.id LIMIT 1`, parcel.Lon, parcel.Lat).Scan(&addr.Text, &addr.Lon, &addr.Lat)
	if err != nil {
		t.Fatal(err)
	}
	parcel.Address = addr
	// what the panel should say of the point and of the parcel's planning
	parcel.PlusCode, _ = geo.EncodeOLC(parcel.Lat, parcel.Lon, geo.DefaultOLCLength)
	err = e.pool.QueryRow(context.Background(), `
		SELECT coalesce((SELECT z.zone_code FROM planning_zones z WHERE ST_Intersects(z.geom, p.geom)
			ORDER BY ST_Area(ST_Intersection(z.geom, p.geom)) DESC LIMIT 1), '')
		FROM parcels p WHERE ward_code = $1 AND sheet_no = $2 AND parcel_no = $3`,
		parcel.WardCode, parcel.SheetNo, parcel.ParcelNo).Scan(&parcel.ZoneCode)
	if err != nil {
		t.Fatal(err)
	}
	arg, _ := json.Marshal(parcel)
	artifacts := filepath.Join(root, ".artifacts")
	if err := os.MkdirAll(artifacts, 0o755); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, filepath.Join(root, "web/e2e/viewer.mjs"), e.url, artifacts, string(arg))
	cmd.Env = append(os.Environ(), "BANDOSO_CHROMIUM="+chromium)
	out, err := cmd.Output()
	var report struct {
		Failures []string `json:"failures"`
		Tiles    struct{ Total, OK, Empty int }
		Colours  int `json:"colours"`
	}
	if jerr := json.Unmarshal(out, &report); jerr != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("viewer.mjs: %v\n%s\n%s", err, out, ee.Stderr)
		}
		t.Fatalf("viewer.mjs: %v, report %v\n%s", err, jerr, out)
	}
	for _, f := range report.Failures {
		t.Error(f)
	}
	if err != nil && len(report.Failures) == 0 {
		t.Errorf("viewer.mjs: %v", err)
	}
	t.Logf("tiles %+v, %d colours; screenshots in %s", report.Tiles, report.Colours, artifacts)
}
