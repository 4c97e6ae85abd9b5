package store_test

import (
	"context"
	"errors"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"bandoso/ingest"
	"bandoso/store"
	"bandoso/store/storetest"
)

// importCity is a fresh database holding the small demo city: streets to match, a plan
// around the zones, wards with boundaries for the bounds.
func importCity(t *testing.T) *store.DB {
	t.Helper()
	db := storetest.New(t)
	storetest.LoadDemo(t, db, 1, 2000)
	return db
}

func importFile(t *testing.T, db *store.DB, path string, srid int, opt store.ImportOptions) store.ImportReport {
	t.Helper()
	src, err := ingest.Open(path, ingest.Options{SRID: srid})
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	defer src.Close()
	if opt.Actor == "" {
		opt.Actor = "test"
	}
	rep, err := db.Import(context.Background(), src, opt)
	if err != nil {
		t.Fatalf("import %s: %v", path, err)
	}
	return rep
}

func writeTemp(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// toleranceM is how close an imported point must come to its known WGS84 answer: 1 cm, far
// below the 0.5 m that a wrong transformation (EPSG signs pasted into +towgs84) moves points.
const toleranceM = 0.01

// The expected answers were computed once, independently of PostGIS, with GDAL's
// gdaltransform and the pinned transformation of migration 00002:
//
//	echo "106.7 10.78" | gdaltransform -output_xy -s_srs '+proj=longlat +datum=WGS84' \
//	  -t_srs '<proj> +ellps=WGS84 +towgs84=-191.90441429,-39.30318279,-111.45032835,0.00928836,-0.01975479,0.00427372,0.252906278'
//
// So every point below is (106.7 E, 10.78 N) in WGS84, written in the CRS named.
var knownPoints = []struct {
	srid int
	x, y float64
}{
	{4326, 106.7, 10.78},
	{3857, 11877789.6676423, 1207167.38122247},
	{4756, 106.698213743047, 10.7810184913647},
	{3405, 685680.438142156, 1192281.55803856},
	{3406, 29298.6736587452, 1195076.66131631},
	{5897, 685736.16456417, 1192639.38563701},
	{5899, 384974.293725559, 1192321.89636024},
	{9210, 603697.762461975, 1192284.90971083},
}

func TestImportToleranceCatchesHalfAMetre(t *testing.T) {
	// half a metre north of the answer must fail the comparison
	if d := storetest.OffsetM(106.7, 10.78, 106.7, 10.78+0.5/111195.0); d <= toleranceM || d < 0.49 {
		t.Fatalf("a 0.5 m offset measures %.3f m against a tolerance of %.3f m", d, toleranceM)
	}
}

func addressAt(t *testing.T, db *store.DB, number string) (lon, lat float64) {
	t.Helper()
	err := db.Pool().QueryRow(context.Background(), `SELECT ST_X(geom), ST_Y(geom) FROM addresses WHERE house_number = $1`, number).Scan(&lon, &lat)
	if err != nil {
		t.Fatalf("address %s: %v", number, err)
	}
	return lon, lat
}

func checkPoint(t *testing.T, what string, lon, lat, wantLon, wantLat float64) {
	t.Helper()
	if d := storetest.OffsetM(lon, lat, wantLon, wantLat); d > toleranceM {
		t.Errorf("%s: got (%.9f, %.9f), want (%.8f, %.8f): %.3f m off", what, lon, lat, wantLon, wantLat, d)
	}
}

// TestImportCRSs imports one address per CRS, the API's and others the database knows, as a
// GeoJSON with a legacy crs member and as a CSV with --crs, and finds each at its known WGS84
// answer to 1 cm.
func TestImportCRSs(t *testing.T) {
	db := importCity(t)
	for i, p := range append(knownPoints[:len(knownPoints):len(knownPoints)], morePoints...) {
		n := 800 + 2*i
		gj := writeTemp(t, "p.geojson", `{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::`+itoa(p.srid)+`"}},
"features":[{"type":"Feature","properties":{"house_number":"`+itoa(n)+`","street":"Khánh Hội"},"geometry":{"type":"Point","coordinates":[`+ftoa(p.x)+`,`+ftoa(p.y)+`]}}]}`)
		rep := importFile(t, db, gj, 0, store.ImportOptions{Layer: "addresses"})
		if rep.Outcome != store.OutcomeWritten || rep.SRID != p.srid || rep.CRSFrom != "file" {
			t.Fatalf("EPSG:%d GeoJSON: %+v", p.srid, rep)
		}
		lon, lat := addressAt(t, db, itoa(n))
		checkPoint(t, "GeoJSON EPSG:"+itoa(p.srid), lon, lat, 106.7, 10.78)

		csv := writeTemp(t, "p.csv", "house_number,street,x,y\n"+itoa(n+1)+",Khánh Hội,"+ftoa(p.x)+","+ftoa(p.y)+"\n")
		rep = importFile(t, db, csv, p.srid, store.ImportOptions{Layer: "addresses"})
		if rep.Outcome != store.OutcomeWritten || rep.XYSwapped {
			t.Fatalf("EPSG:%d CSV: %+v", p.srid, rep)
		}
		lon, lat = addressAt(t, db, itoa(n+1))
		checkPoint(t, "CSV EPSG:"+itoa(p.srid), lon, lat, 106.7, 10.78)
	}
}

// TestImportVN2000CSVNorthingFirst reads a survey's CSV in EPSG:9210 where X is the northing,
// as Vietnamese documents write it, with semicolons and decimal commas; and the mission's
// anchor point (600000 E, 1192000 N) → (106.66618296 E, 10.77752619 N).
func TestImportVN2000CSVNorthingFirst(t *testing.T) {
	db := importCity(t)
	csv := writeTemp(t, "survey.csv", "\ufeffso_nha;duong;ward_code;X;Y\n701;Khánh Hội;26737;1192284,90971083;603697,762461975\n703;Khánh Hội;26737;1192000;600000\n")
	rep := importFile(t, db, csv, 9210, store.ImportOptions{Layer: "addresses", Map: map[string]string{"house_number": "so_nha", "street": "duong"}})
	if rep.Outcome != store.OutcomeWritten || !rep.XYSwapped || rep.ProblemCounts[ingest.AxisSwap] != 1 {
		t.Fatalf("report: %+v", rep)
	}
	lon, lat := addressAt(t, db, "701")
	checkPoint(t, "701", lon, lat, 106.7, 10.78)
	lon, lat = addressAt(t, db, "703")
	checkPoint(t, "703 (mission anchor)", lon, lat, 106.66618296, 10.77752619)
}

// TestImportOGRFormats imports a Shapefile, a zipped Shapefile and a GeoPackage in EPSG:9210
// made by ogr2ogr from a GeoJSON; their CRS comes from the file.
func TestImportOGRFormats(t *testing.T) {
	if _, err := exec.LookPath("ogr2ogr"); err != nil {
		t.Skip("ogr2ogr (GDAL, Debian package gdal-bin) is not installed")
	}
	db := importCity(t)
	dir := t.TempDir()
	src := writeTemp(t, "a.geojson", `{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::9210"}},
"features":[{"type":"Feature","properties":{"so_nha":"NUM","duong":"Khánh Hội"},"geometry":{"type":"Point","coordinates":[603697.762461975,1192284.90971083]}}]}`)
	for i, out := range []string{"a.shp", "a.gpkg", "z.shp.zip"} {
		n := itoa(600 + i)
		in := writeTemp(t, "in.geojson", strings.Replace(mustRead(t, src), "NUM", n, 1))
		path := filepath.Join(dir, out)
		args := []string{"-f", "ESRI Shapefile", path, in, "-lco", "ENCODING=UTF-8"}
		switch out {
		case "a.gpkg":
			args = args[:4]
			args[1] = "GPKG"
		}
		if b, err := exec.Command("ogr2ogr", args...).CombinedOutput(); err != nil {
			t.Fatalf("ogr2ogr %v: %v\n%s", args, err, b)
		}
		rep := importFile(t, db, path, 0, store.ImportOptions{Layer: "addresses", Map: map[string]string{"house_number": "so_nha", "street": "duong"}})
		if rep.Outcome != store.OutcomeWritten || rep.SRID != 9210 || rep.CRSFrom != "file" {
			t.Fatalf("%s: %+v", out, rep)
		}
		lon, lat := addressAt(t, db, n)
		checkPoint(t, out, lon, lat, 106.7, 10.78)
	}
}

func mustRead(t *testing.T, p string) string {
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestImportOSMAddresses(t *testing.T) {
	db := importCity(t)
	rep := importFile(t, db, "../testdata/import/osm_addresses.geojson", 0, store.ImportOptions{Layer: "addresses",
		Map: map[string]string{"house_number": "addr:housenumber", "street": "addr:street"}})
	if rep.Outcome != store.OutcomeWritten || rep.Inserted != 2 {
		t.Fatalf("report: %+v", rep)
	}
	var street, ward string
	var code string
	if err := db.Pool().QueryRow(context.Background(), `SELECT s.name, a.ward_code, a.code FROM addresses a JOIN streets s ON s.id = a.street_id WHERE a.house_number = '903/2'`).Scan(&street, &ward, &code); err != nil {
		t.Fatal(err)
	}
	if street != "Khánh Hội" || ward == "" || code == "" {
		t.Errorf("903/2: street %q ward %q code %q", street, ward, code)
	}
}

func TestImportFullAddressColumn(t *testing.T) {
	db := importCity(t)
	rep := importFile(t, db, "../testdata/import/full_address.csv", 0, store.ImportOptions{Layer: "addresses", Map: map[string]string{"address": "dia_chi"}})
	if rep.Outcome != store.OutcomeWritten || rep.Inserted != 2 {
		t.Fatalf("report: %+v", rep)
	}
	var n int
	if err := db.Pool().QueryRow(context.Background(), `SELECT count(*) FROM addresses a JOIN streets s ON s.id = a.street_id
		WHERE s.name = 'Khánh Hội' AND a.house_number IN ('9122', '9124/5')`).Scan(&n); err != nil || n != 2 {
		t.Errorf("split addresses found: %d, %v", n, err)
	}
}

func TestImportZoning(t *testing.T) {
	db := importCity(t)
	rep := importFile(t, db, "../testdata/import/zoning.geojson", 0, store.ImportOptions{Layer: "planning_zones",
		Map: map[string]string{"zone_code": "TypeCode", "far": "FAR", "density_pct": "BCR", "floors_max": "Floor", "function_name": "Function"},
		Set: map[string]string{"land_use": "ODT"}})
	if rep.Outcome != store.OutcomeWritten || rep.Inserted != 2 {
		t.Fatalf("report: %+v", rep)
	}
	var far, density float64
	var floors, plan int
	if err := db.Pool().QueryRow(context.Background(), `SELECT far, density_pct, floors_max, plan_id FROM planning_zones WHERE zone_code = 'Z-102'`).Scan(&far, &density, &floors, &plan); err != nil {
		t.Fatal(err)
	}
	if far != 2 || density != 45.5 || floors != 5 || plan != 1 {
		t.Errorf("Z-102: far %v density %v floors %v plan %v", far, density, floors, plan)
	}
}

// TestImportWardBoundary gives an official ward (loaded without a boundary) its geometry by
// code: the ward layers upsert by default.
func TestImportWardBoundary(t *testing.T) {
	db := importCity(t)
	before := tableSum(t, db, "admin_units")
	rep := importFile(t, db, "../testdata/import/ward_boundary.geojson", 0, store.ImportOptions{Layer: "wards", Map: map[string]string{"code": "MaPhuong", "name": "TenPhuong"}})
	if rep.Outcome != store.OutcomeWritten || rep.Mode != store.ModeUpsert || rep.Updated != 1 || rep.Inserted != 0 {
		t.Fatalf("report: %+v", rep)
	}
	var area float64
	var kind string
	if err := db.Pool().QueryRow(context.Background(), `SELECT ST_Area(geom::geography), kind FROM admin_units WHERE level = 'ward' AND code = '26740' AND valid_to IS NULL`).Scan(&area, &kind); err != nil {
		t.Fatal(err)
	}
	if area < 1e6 || kind != "Phường" {
		t.Errorf("ward 26740: area %.0f m², kind %q", area, kind)
	}
	if after := tableSum(t, db, "admin_units"); after.rows != before.rows {
		t.Errorf("admin_units rows %d → %d", before.rows, after.rows)
	}
}

type sum struct {
	rows int
	md5  string
}

func tableSum(t *testing.T, db *store.DB, table string) sum {
	t.Helper()
	var s sum
	if err := db.Pool().QueryRow(context.Background(), `SELECT count(*), coalesce(md5(string_agg(x::text, '|' ORDER BY x.id)), '') FROM `+table+` x`).Scan(&s.rows, &s.md5); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestImportRefusesBadFile: one file with every kind of problem is refused whole, each
// problem reported with its code, and the database is unchanged.
func TestImportRefusesBadFile(t *testing.T) {
	db := importCity(t)
	before, audit := tableSum(t, db, "planning_zones"), tableSum(t, db, "audit_log")
	rep := importFile(t, db, "../testdata/import/bad_zones.geojson", 0, store.ImportOptions{Layer: "planning_zones", Set: map[string]string{"plan_id": "1", "land_use": "ODT"}})
	if rep.Outcome != store.OutcomeRefused || rep.Written != 0 || rep.Read != 8 {
		t.Fatalf("report: %+v", rep)
	}
	want := map[int]string{2: ingest.InvalidGeometry, 3: ingest.WrongGeometryType, 4: ingest.OutOfBounds, 5: ingest.MissingField,
		6: ingest.DuplicateKey, 7: ingest.NotUnicode, 8: ingest.DuplicateKey}
	got := map[int][]string{}
	for _, p := range rep.Problems {
		got[p.Feature] = append(got[p.Feature], p.Problem)
		if p.Action != ingest.Refused {
			t.Errorf("feature %d %s: action %s", p.Feature, p.Problem, p.Action)
		}
	}
	for n, code := range want {
		if len(got[n]) != 1 || got[n][0] != code {
			t.Errorf("feature %d: problems %v, want [%s]", n, got[n], code)
		}
	}
	if len(got[1]) != 0 {
		t.Errorf("feature 1 is fine, reported %v", got[1])
	}
	if !strings.Contains(rep.Problems[0].Detail, "Self-intersection") {
		t.Errorf("invalid geometry detail %q lacks ST_IsValidReason", rep.Problems[0].Detail)
	}
	if after := tableSum(t, db, "planning_zones"); after != before {
		t.Errorf("planning_zones changed: %v → %v", before, after)
	}
	if after := tableSum(t, db, "audit_log"); after != audit {
		t.Errorf("audit_log changed")
	}
}

func TestImportFixRepairsBowtie(t *testing.T) {
	db := importCity(t)
	bowtie := writeTemp(t, "b.geojson", `{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"zone_code":"F-1","function_name":"Đất ở"},"geometry":{"type":"Polygon","coordinates":[[[106.6980,10.7800],[106.6985,10.7805],[106.6985,10.7800],[106.6980,10.7805],[106.6980,10.7800]]]}}]}`)
	opt := store.ImportOptions{Layer: "planning_zones", Set: map[string]string{"plan_id": "1", "land_use": "ODT"}}
	if rep := importFile(t, db, bowtie, 0, opt); rep.Outcome != store.OutcomeRefused {
		t.Fatalf("without --fix: %+v", rep)
	}
	opt.Fix = true
	rep := importFile(t, db, bowtie, 0, opt)
	if rep.Outcome != store.OutcomeWritten || len(rep.Problems) != 1 || rep.Problems[0].Action != ingest.Repaired || rep.Problems[0].Problem != ingest.InvalidGeometry {
		t.Fatalf("with --fix: %+v", rep)
	}
	var parts int
	if err := db.Pool().QueryRow(context.Background(), `SELECT ST_NumGeometries(geom) FROM planning_zones WHERE zone_code = 'F-1' AND ST_IsValid(geom)`).Scan(&parts); err != nil || parts != 2 {
		t.Errorf("repaired bowtie: %d parts, %v", parts, err)
	}
}

func TestImportDryRunWritesNothing(t *testing.T) {
	db := importCity(t)
	before := tableSum(t, db, "addresses")
	rep := importFile(t, db, "../testdata/import/osm_addresses.geojson", 0, store.ImportOptions{Layer: "addresses", DryRun: true,
		Map: map[string]string{"house_number": "addr:housenumber", "street": "addr:street"}})
	// a dry run writes, then rolls back: it says what would be written
	if rep.Outcome != store.OutcomeDryRun || rep.Written != 2 || rep.Inserted != 2 || rep.Refusals != 0 {
		t.Fatalf("report: %+v", rep)
	}
	if after := tableSum(t, db, "addresses"); after != before {
		t.Error("dry run changed addresses")
	}
}

func TestImportModes(t *testing.T) {
	db := importCity(t)
	osm := store.ImportOptions{Layer: "addresses", Map: map[string]string{"house_number": "addr:housenumber", "street": "addr:street"}}
	importFile(t, db, "../testdata/import/osm_addresses.geojson", 0, osm)
	if rep := importFile(t, db, "../testdata/import/osm_addresses.geojson", 0, osm); rep.Outcome != store.OutcomeRefused || rep.ProblemCounts[ingest.DuplicateKey] != 2 {
		t.Errorf("appending twice: %+v", rep)
	}
	osm.Mode = store.ModeUpsert
	if rep := importFile(t, db, "../testdata/import/osm_addresses.geojson", 0, osm); rep.Outcome != store.OutcomeWritten || rep.Updated != 2 {
		t.Errorf("upsert: %+v", rep)
	}
	src, _ := ingest.Open("../testdata/import/ward_boundary.geojson", ingest.Options{})
	defer src.Close()
	_, err := db.Import(context.Background(), src, store.ImportOptions{Layer: "wards", Mode: store.ModeReplace, Map: map[string]string{"code": "MaPhuong"}})
	var pe *store.ImportParamError
	if !errorsAs(err, &pe) || pe.Param != "mode" {
		t.Errorf("replacing wards that admin_succession references: %v", err)
	}
}

func itoa(n int) string                   { return strconv.Itoa(n) }
func ftoa(f float64) string               { return strconv.FormatFloat(f, 'f', -1, 64) }
func errorsAs(err error, target any) bool { return errors.As(err, target) }

// Imported parcels reach the ward totals that low-zoom tiles draw, as edits do.
func TestImportParcelsKeepsWardTotals(t *testing.T) {
	db := importCity(t)
	ctx := context.Background()
	var ward string
	var lon, lat float64
	if err := db.Pool().QueryRow(ctx, `SELECT ward_code, ST_X(c), ST_Y(c) FROM (
		SELECT ward_code, ST_Centroid(ST_Collect(geom)) c FROM parcels GROUP BY ward_code ORDER BY ward_code LIMIT 1) s`).
		Scan(&ward, &lon, &lat); err != nil {
		t.Fatal(err)
	}
	square := func(dx float64) string {
		x0, y0 := lon+dx, lat
		return "[[[" + ftoa(x0) + "," + ftoa(y0) + "],[" + ftoa(x0+0.0001) + "," + ftoa(y0) + "],[" + ftoa(x0+0.0001) + "," +
			ftoa(y0+0.0001) + "],[" + ftoa(x0) + "," + ftoa(y0+0.0001) + "],[" + ftoa(x0) + "," + ftoa(y0) + "]]]"
	}
	var features []string
	for i, dx := range []float64{0, 0.0002} {
		features = append(features, `{"type":"Feature","properties":{"ward_code":"`+ward+`","sheet_no":999,"parcel_no":`+itoa(i+1)+
			`,"land_use":"TMD","area_m2":120},"geometry":{"type":"Polygon","coordinates":`+square(dx)+`}}`)
	}
	path := writeTemp(t, "parcels.geojson", `{"type":"FeatureCollection","features":[`+strings.Join(features, ",")+`]}`)
	if rep := importFile(t, db, path, 0, store.ImportOptions{Layer: "parcels"}); rep.Outcome != store.OutcomeWritten || rep.Written != 2 {
		t.Fatalf("import: %+v", rep)
	}
	var got, want int
	var gotArea, wantArea float64
	if err := db.Pool().QueryRow(ctx, `SELECT t.parcels, t.area_m2, s.n, s.area FROM parcel_ward_totals t,
		(SELECT count(*)::int n, sum(area_m2)::float8 area FROM parcels WHERE ward_code = $1) s WHERE t.ward_code = $1`, ward).
		Scan(&got, &gotArea, &want, &wantArea); err != nil {
		t.Fatal(err)
	}
	if got != want || math.Abs(gotArea-wantArea) > 0.01 {
		t.Errorf("ward %s totals: %d parcels, %.1f m²; the parcels hold %d, %.1f m²", ward, got, gotArea, want, wantArea)
	}
}
