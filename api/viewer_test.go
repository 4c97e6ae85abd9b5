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
// what is drawn, the labels, what was fetched, the layer switcher and the feature panel.
func TestViewerInBrowser(t *testing.T) {
	b := needBrowser(t)
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
	err := e.pool.QueryRow(context.Background(), `
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
	b.run(t, "viewer.mjs", e.url, arg)
}

// browser is what the browser tests run with: node, Chromium, and the repository's root.
type browser struct{ root, node, chromium string }

// needBrowser finds node, Chromium and playwright-core, failing the test with a hint when one
// is missing, or skips it when BANDOSO_SKIP_BROWSER=1.
func needBrowser(t *testing.T) browser {
	t.Helper()
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
	return browser{root: root, node: node, chromium: chromium}
}

// refreshScreenshot copies the screenshot shot of the last run over the repository's file
// doc, the picture the README shows, when BANDOSO_UPDATE_SCREENSHOTS=1 asks for it: a
// picture changes with every look of the map, so it is refreshed on purpose, not on each run.
func (b browser) refreshScreenshot(t *testing.T, shot, doc string) {
	t.Helper()
	if os.Getenv("BANDOSO_UPDATE_SCREENSHOTS") != "1" || t.Failed() {
		return
	}
	png, err := os.ReadFile(filepath.Join(b.root, ".artifacts", shot))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(b.root, doc), png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("%s refreshed from %s", doc, shot)
}

// run runs web/e2e/script against the server at url with the JSON argument arg, saving
// its screenshots in .artifacts, and reports each check that failed.
func (b browser) run(t *testing.T, script, url string, arg []byte) {
	t.Helper()
	artifacts := filepath.Join(b.root, ".artifacts")
	if err := os.MkdirAll(artifacts, 0o755); err != nil {
		t.Fatal(err)
	}
	// a ceiling for a machine busy with other work, never a measure: each of the script's
	// waits has its own (patience in web/e2e/browser.mjs)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, b.node, filepath.Join(b.root, "web/e2e", script), url, artifacts, string(arg))
	cmd.Env = append(os.Environ(), "BANDOSO_CHROMIUM="+b.chromium)
	out, err := cmd.Output()
	var report struct {
		Failures []string `json:"failures"`
		Tiles    struct{ Total, OK, Empty, Basemap int }
	}
	if jerr := json.Unmarshal(out, &report); jerr != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("%s: %v\n%s\n%s", script, err, out, ee.Stderr)
		}
		t.Fatalf("%s: %v, report %v\n%s", script, err, jerr, out)
	}
	for _, f := range report.Failures {
		t.Error(f)
	}
	if err != nil && len(report.Failures) == 0 {
		t.Errorf("%s: %v", script, err)
	}
	t.Logf("%s: tiles %+v; screenshots in %s", script, report.Tiles, artifacts)
}

// The basemap in the browser: on a city whose streets, buildings, roads, water and places
// came from an OpenStreetMap import, web/e2e/basemap.mjs checks that each of the style's
// basemap layers draws features where the data has them, that the switcher hides them all,
// that a click on a building lists it, and that the search box finds the market by name.
func TestViewerBasemapInBrowser(t *testing.T) {
	b := needBrowser(t)
	e := newOSMCityEnv(t, 3000)
	type view struct {
		Name   string   `json:"name"`
		Lon    float64  `json:"lon"`
		Lat    float64  `json:"lat"`
		Zoom   float64  `json:"zoom"`
		Layers []string `json:"layers"`
		where  string   // SQL: a point of the data the view shows
	}
	views := []view{
		{Name: "market", Zoom: 17, Layers: []string{"buildings-fill", "buildings-outline", "roads-casing", "roads", "pois", "pois-label"},
			where: `SELECT geom FROM pois WHERE name = 'Chợ Bến Thành'`},
		{Name: "river", Zoom: 14, Layers: []string{"water"},
			where: `SELECT ST_PointOnSurface(geom) FROM osm_areas WHERE kind = 'water' ORDER BY ST_Area(geom) DESC LIMIT 1`},
		{Name: "garden", Zoom: 16, Layers: []string{"parks", "roads-paths", "waterways"},
			where: `SELECT ST_PointOnSurface(geom) FROM osm_areas WHERE kind = 'park' ORDER BY id LIMIT 1`},
		{Name: "railway", Zoom: 15, Layers: []string{"railways"},
			where: `SELECT ST_LineInterpolatePoint(ST_GeometryN(geom, 1), 0.5) FROM osm_lines WHERE kind = 'railway' ORDER BY id LIMIT 1`},
		{Name: "landuse", Zoom: 15, Layers: []string{"landuse"},
			where: `SELECT ST_PointOnSurface(geom) FROM osm_areas WHERE kind = 'landuse' ORDER BY ST_Area(geom) DESC LIMIT 1`},
	}
	ctx := context.Background()
	for i, v := range views {
		if err := e.pool.QueryRow(ctx, `SELECT ST_X(p), ST_Y(p) FROM (`+v.where+`) AS s(p)`).Scan(&views[i].Lon, &views[i].Lat); err != nil {
			t.Fatalf("%s: %v", v.Name, err)
		}
	}
	var building struct {
		Lon float64 `json:"lon"`
		Lat float64 `json:"lat"`
	}
	if err := e.pool.QueryRow(ctx, `SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointOnSurface(geom) p FROM osm_areas
		WHERE kind = 'building' ORDER BY geom <-> ST_SetSRID(ST_MakePoint($1, $2), 4326), id LIMIT 1) s`, views[0].Lon, views[0].Lat).
		Scan(&building.Lon, &building.Lat); err != nil {
		t.Fatal(err)
	}
	arg, _ := json.Marshal(map[string]any{"views": views, "building": building})
	b.run(t, "basemap.mjs", e.url, arg)
}
