package store_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"bandoso/ingest"
	"bandoso/store"
)

// squareJSON is a GeoJSON polygon of side 2·h degrees around lon, lat; open leaves the ring
// unclosed, as real files do.
func squareJSON(lon, lat, h float64, open bool) string {
	pts := [][2]float64{{lon - h, lat - h}, {lon + h, lat - h}, {lon + h, lat + h}, {lon - h, lat + h}}
	if !open {
		pts = append(pts, pts[0])
	}
	var b strings.Builder
	for i, p := range pts {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "[%s,%s]", ftoa(p[0]), ftoa(p[1]))
	}
	return `{"type":"Polygon","coordinates":[[` + b.String() + `]]}`
}

// features is a FeatureCollection of (properties JSON, geometry JSON) pairs.
func features(fs ...[2]string) string {
	var parts []string
	for _, f := range fs {
		parts = append(parts, `{"type":"Feature","properties":`+f[0]+`,"geometry":`+f[1]+`}`)
	}
	return `{"type":"FeatureCollection","features":[` + strings.Join(parts, ",\n") + `]}`
}

func problemsOf(rep store.ImportReport, code string) []ingest.Problem {
	var out []ingest.Problem
	for _, p := range rep.Problems {
		if p.Problem == code {
			out = append(out, p)
		}
	}
	return out
}

// TestImportBoundsDoNotDependOnOrder: with the old wards of the demo city loaded, the new
// wards of the merged city (Thủ Dầu Một, Vũng Tàu, Côn Đảo) are inside its bounds, which are
// the province's (the catalog's region), not the extent of what is loaded. Hanoi is not,
// unless the import names the country.
func TestImportBoundsDoNotDependOnOrder(t *testing.T) {
	db := importCity(t)
	wards := writeTemp(t, "new.geojson", features(
		[2]string{`{"code":"25747"}`, squareJSON(106.661, 10.969, 0.01, false)},
		[2]string{`{"code":"26506"}`, squareJSON(107.076, 10.3565, 0.01, false)},
		[2]string{`{"code":"26732"}`, squareJSON(106.6115, 8.6981, 0.01, false)}))
	rep := importFile(t, db, wards, 0, store.ImportOptions{Layer: "wards"})
	if rep.Outcome != store.OutcomeWritten || rep.Updated != 3 || !strings.Contains(rep.Bounds, "(79)") {
		t.Fatalf("new wards of the merged city: %+v", rep)
	}
	hanoi := writeTemp(t, "hanoi.geojson", features([2]string{`{"house_number":"5","street":"Khánh Hội"}`, `{"type":"Point","coordinates":[105.85,21.03]}`}))
	rep = importFile(t, db, hanoi, 0, store.ImportOptions{Layer: "addresses", DryRun: true})
	if rep.Outcome != store.OutcomeRefused || len(problemsOf(rep, ingest.OutOfBounds)) != 1 {
		t.Fatalf("Hanoi in Ho Chi Minh City's bounds: %+v", rep)
	}
	for _, b := range []string{"vn", "Việt Nam", "01", "Hà Nội", "105,20,107,22"} {
		rep = importFile(t, db, hanoi, 0, store.ImportOptions{Layer: "addresses", DryRun: true, Bounds: b})
		if len(problemsOf(rep, ingest.OutOfBounds)) != 0 || rep.Bounds == "" {
			t.Errorf("bounds %q: %+v", b, rep)
		}
	}
	for _, b := range []string{"Atlantis", "1,2,3", "107,20,105,22", "a,b,c,d"} {
		err := importError(t, db, hanoi, 0, store.ImportOptions{Layer: "addresses", DryRun: true, Bounds: b})
		var pe *store.ImportParamError
		if !errors.As(err, &pe) || pe.Param != "bounds" {
			t.Errorf("bounds %q: %v, want a bounds error", b, err)
		}
	}
}

// TestImportFixClosesRings: a ring that is not closed is refused, and --fix closes it, drops
// repeated points and says so per feature.
func TestImportFixClosesRings(t *testing.T) {
	db := importCity(t)
	open := `{"type":"Polygon","coordinates":[[[106.6980,10.7800],[106.6985,10.7800],[106.6985,10.7800],[106.6985,10.7805],[106.6980,10.7805]]]}`
	path := writeTemp(t, "open.geojson", features([2]string{`{"zone_code":"O-1","function_name":"Đất ở"}`, open}))
	opt := store.ImportOptions{Layer: "planning_zones", Set: map[string]string{"plan_id": "1", "land_use": "ODT"}}
	rep := importFile(t, db, path, 0, opt)
	if rep.Outcome != store.OutcomeRefused || len(problemsOf(rep, ingest.InvalidGeometry)) != 1 || !strings.Contains(rep.Problems[0].Detail, "not closed") {
		t.Fatalf("without --fix: %+v", rep)
	}
	opt.Fix = true
	src, err := ingest.Open(path, ingest.Options{Fix: true})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	opt.Actor = "test"
	rep, err = db.Import(context.Background(), src, opt)
	if err != nil || rep.Outcome != store.OutcomeWritten {
		t.Fatalf("with --fix: %v %+v", err, rep)
	}
	var details []string
	for _, p := range rep.Problems {
		if p.Action != ingest.Repaired || p.Feature != 1 {
			t.Errorf("problem %+v", p)
		}
		details = append(details, p.Detail)
	}
	if len(details) != 2 || !strings.Contains(strings.Join(details, "|"), "closed") || !strings.Contains(strings.Join(details, "|"), "repeated") {
		t.Errorf("repairs: %q", details)
	}
	var points int
	if err := db.Pool().QueryRow(context.Background(), `SELECT ST_NPoints(geom) FROM planning_zones WHERE zone_code = 'O-1'`).Scan(&points); err != nil || points != 5 {
		t.Errorf("repaired ring: %d points (%v)", points, err)
	}
}

// TestImportOfficialUnits: a unit of the official list keeps its official name and kind, a
// different name in the file being a warning; a code abolished before 2025, absent from the
// list, is written as the file names it, its kind read from its name, with a warning.
func TestImportOfficialUnits(t *testing.T) {
	db := importCity(t)
	ctx := context.Background()
	var inList bool
	if err := db.Pool().QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM admin_official WHERE code IN ('26999', '26998') AND era = 'old' AND code = '26999')`).Scan(&inList); err != nil || inList {
		t.Fatalf("26999 should be no official code (%v)", err)
	}
	wards := writeTemp(t, "new.geojson", features([2]string{`{"MaPhuong":"25747","TenPhuong":"Thủ Dầu Một"}`, squareJSON(106.661, 10.969, 0.01, false)}))
	rep := importFile(t, db, wards, 0, store.ImportOptions{Layer: "wards", Map: map[string]string{"code": "MaPhuong", "name": "TenPhuong"}})
	if rep.Outcome != store.OutcomeWritten || len(problemsOf(rep, ingest.OfficialValue)) != 1 {
		t.Fatalf("official ward: %+v", rep)
	}
	var name, kind string
	if err := db.Pool().QueryRow(ctx, `SELECT name, kind FROM admin_units WHERE level = 'ward' AND code = '25747' AND valid_to IS NULL`).Scan(&name, &kind); err != nil {
		t.Fatal(err)
	}
	if name != "Phường Thủ Dầu Một" || kind != "Phường" {
		t.Errorf("official ward became %q (%q)", name, kind)
	}

	old := writeTemp(t, "old.geojson", features(
		[2]string{`{"code":"26999","name":"Phường 8","parent_code":"760"}`, squareJSON(106.699, 10.775, 0.001, false)},
		[2]string{`{"code":"26997","name":"Thủ Thiêm","parent_code":"760"}`, squareJSON(106.701, 10.775, 0.001, false)}))
	rep = importFile(t, db, old, 0, store.ImportOptions{Layer: "wards_2024"})
	if rep.Outcome != store.OutcomeRefused || len(problemsOf(rep, ingest.NotOfficial)) != 2 {
		t.Fatalf("abolished wards: %+v", rep)
	}
	for _, p := range rep.Problems {
		if p.Action == ingest.Refused && (p.Feature != 2 || p.Field != "kind") {
			t.Errorf("refused: %+v; only feature 2's kind is missing", p)
		}
	}
	rep = importFile(t, db, old, 0, store.ImportOptions{Layer: "wards_2024", OnInvalid: store.OnInvalidSkip})
	if rep.Outcome != store.OutcomeWritten || rep.Inserted != 1 || rep.Rejected != 1 {
		t.Fatalf("abolished wards, skipping: %+v", rep)
	}
	if err := db.Pool().QueryRow(ctx, `SELECT name, kind FROM admin_units WHERE level = 'ward' AND code = '26999' AND valid_to = DATE '2025-07-01'`).Scan(&name, &kind); err != nil {
		t.Fatal(err)
	}
	if name != "Phường 8" || kind != "Phường" {
		t.Errorf("abolished ward: %q (%q)", name, kind)
	}
}

// TestImportPlainWords: every rule of the table is checked before writing and named in plain
// words with its feature, field and value, never a constraint; a dry run reports exactly what
// the real run does.
func TestImportPlainWords(t *testing.T) {
	db := importCity(t)
	path := writeTemp(t, "parcels.geojson", features(
		[2]string{`{"ward_code":"26737","sheet_no":"90","parcel_no":"1","land_use":"XYZ","area_m2":"40"}`, squareJSON(106.6985, 10.7780, 0.0001, false)},
		[2]string{`{"ward_code":"26737","sheet_no":"0","parcel_no":"2","land_use":"ODT","area_m2":"40"}`, squareJSON(106.6987, 10.7780, 0.0001, false)},
		[2]string{`{"ward_code":"2673","sheet_no":"90","parcel_no":"3","land_use":"ODT","area_m2":"40"}`, squareJSON(106.6989, 10.7780, 0.0001, false)},
		[2]string{`{"ward_code":"26737","sheet_no":"90","parcel_no":"4","land_use":"ODT","area_m2":"-5"}`, squareJSON(106.6991, 10.7780, 0.0001, false)}))
	dry := importFile(t, db, path, 0, store.ImportOptions{Layer: "parcels", DryRun: true})
	real := importFile(t, db, path, 0, store.ImportOptions{Layer: "parcels"})
	if dry.Outcome != store.OutcomeRefused || real.Outcome != store.OutcomeRefused {
		t.Fatalf("dry %s, real %s", dry.Outcome, real.Outcome)
	}
	if !reflect.DeepEqual(dry.Problems, real.Problems) {
		t.Errorf("a dry run found\n%+v\nthe real run\n%+v", dry.Problems, real.Problems)
	}
	want := map[int][2]string{
		1: {"land_use", `'XYZ': is not a land-use code`},
		2: {"sheet_no", `'0': a map sheet number`},
		3: {"ward_code", `'2673': is not a ward code`},
		4: {"area_m2", `'-5': the legal area must be more than 0`},
	}
	for _, p := range real.Problems {
		if p.Action != ingest.Refused {
			continue
		}
		w, ok := want[p.Feature]
		if !ok || p.Field != w[0] || !strings.Contains(p.Detail, w[1]) || p.Problem != ingest.BadValue {
			t.Errorf("feature %d: %s %s %q; want %s saying %q", p.Feature, p.Field, p.Problem, p.Detail, w[0], w[1])
		}
		if strings.Contains(p.Detail, "_check") || strings.Contains(p.Detail, "_fkey") || strings.Contains(p.Detail, "constraint") {
			t.Errorf("feature %d names a constraint: %q", p.Feature, p.Detail)
		}
		delete(want, p.Feature)
	}
	if len(want) > 0 {
		t.Errorf("not reported: %v", want)
	}
}

// TestImportSkipsInvalid: with OnInvalidSkip the valid features are written and the others
// handed back as the file had them, with their reasons; a row only the database refuses (here
// a trigger) is found, named and skipped too.
func TestImportSkipsInvalid(t *testing.T) {
	db := importCity(t)
	ctx := context.Background()
	if _, err := db.Pool().Exec(ctx, `
CREATE FUNCTION refuse_zone() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF NEW.zone_code = 'S-4' THEN RAISE EXCEPTION 'zone S-4 is frozen by decision 12/QĐ'; END IF;
	RETURN NEW;
END $$;
CREATE TRIGGER refuse_zone BEFORE INSERT ON planning_zones FOR EACH ROW EXECUTE FUNCTION refuse_zone()`); err != nil {
		t.Fatal(err)
	}
	path := writeTemp(t, "zones.geojson", features(
		[2]string{`{"zone_code":"S-1","function_name":"Đất ở","far":"3"}`, squareJSON(106.6981, 10.7801, 0.0001, false)},
		[2]string{`{"zone_code":"S-2","function_name":"Đất ở","far":"-1","note":"âm"}`, squareJSON(106.6983, 10.7801, 0.0001, false)},
		[2]string{`{"zone_code":"S-3","function_name":"Đất ở"}`, squareJSON(106.6985, 10.7801, 0.0001, true)},
		[2]string{`{"zone_code":"S-4","function_name":"Đất ở"}`, squareJSON(106.6987, 10.7801, 0.0001, false)},
		[2]string{`{"zone_code":"S-5","function_name":"Đất ở","far":"60"}`, squareJSON(106.6989, 10.7801, 0.0001, false)}))
	var rejected []ingest.RejectedFeature
	opt := store.ImportOptions{Layer: "planning_zones", Set: map[string]string{"plan_id": "1", "land_use": "ODT"},
		Rejects: func(f ingest.RejectedFeature) error { rejected = append(rejected, f); return nil }}
	rep := importFile(t, db, path, 0, opt)
	// the rows the checks pass are written, to find those the database refuses, then rolled back
	if rep.Outcome != store.OutcomeRefused || rep.Written != 0 || rep.Rejected != 3 || len(rejected) != 3 {
		t.Fatalf("refusing: %+v, %d rejects", rep, len(rejected))
	}
	rejected = nil
	opt.OnInvalid = store.OnInvalidSkip
	rep = importFile(t, db, path, 0, opt)
	if rep.Outcome != store.OutcomeWritten || rep.Inserted != 2 || rep.Rejected != 3 {
		t.Fatalf("skipping: %+v", rep)
	}
	var codes []string
	for _, f := range rejected {
		codes = append(codes, f.Props["zone_code"])
		if f.Geom == nil || len(f.Problems) == 0 || f.SRID != 4326 {
			t.Errorf("rejected %d: %+v", f.N, f)
		}
	}
	if strings.Join(codes, ",") != "S-2,S-3,S-4" {
		t.Errorf("rejected %v, want S-2, S-3, S-4", codes)
	}
	if rejected[0].Props["note"] != "âm" || !strings.Contains(ingest.Reasons(rejected[0].Problems), "far") {
		t.Errorf("S-2 comes back as %+v: %s", rejected[0].Props, ingest.Reasons(rejected[0].Problems))
	}
	if reasons := ingest.Reasons(rejected[2].Problems); !strings.Contains(reasons, "frozen by decision") {
		t.Errorf("S-4's reasons: %q", reasons)
	}
	if len(problemsOf(rep, ingest.Implausible)) != 1 {
		t.Errorf("FAR 60 is not called implausible: %+v", rep.Problems)
	}
	var n int
	if err := db.Pool().QueryRow(ctx, `SELECT count(*) FROM planning_zones WHERE zone_code IN ('S-1', 'S-5')`).Scan(&n); err != nil || n != 2 {
		t.Errorf("%d of S-1, S-5 written (%v)", n, err)
	}
}

// TestImportReportGroups: a file whose key field is not a key (docs/import.md's zoning example
// once mapped zone_code to a type code) is reported as one group with its count and a few
// examples, every problem still listed.
func TestImportReportGroups(t *testing.T) {
	db := importCity(t)
	var fs [][2]string
	for i := range 40 {
		fs = append(fs, [2]string{`{"TypeCode":"ODT","Function":"Đất ở"}`, squareJSON(106.6981+float64(i)*0.0002, 10.7801, 0.00005, false)})
	}
	path := writeTemp(t, "zones.geojson", features(fs...))
	rep := importFile(t, db, path, 0, store.ImportOptions{Layer: "planning_zones", Map: map[string]string{"zone_code": "TypeCode", "function_name": "Function"},
		Set: map[string]string{"plan_id": "1", "land_use": "ODT"}})
	if rep.Outcome != store.OutcomeRefused || len(rep.Summary) != 1 || len(rep.Problems) != 39 || rep.Rejected != 39 {
		t.Fatalf("report: %+v", rep)
	}
	if g := rep.Summary[0]; g.Problem != ingest.DuplicateKey || g.Count != 39 || len(g.Examples) != 3 || g.Examples[0].Feature != 2 {
		t.Errorf("summary: %+v", g)
	}
}

// TestImportParcelsCadastralWard: a parcel without a ward gets the ward before 2025 at its
// place, never the current one, and the report says so.
func TestImportParcelsCadastralWard(t *testing.T) {
	db := importCity(t)
	ctx := context.Background()
	lon, lat := 106.6985, 10.7780
	var oldWard, newWard string
	if err := db.Pool().QueryRow(ctx, `SELECT
		(SELECT code FROM admin_units WHERE level = 'ward' AND valid_to = DATE '2025-07-01' AND ST_Covers(geom, ST_SetSRID(ST_MakePoint($1, $2), 4326))),
		(SELECT code FROM admin_units WHERE level = 'ward' AND valid_to IS NULL AND ST_Covers(geom, ST_SetSRID(ST_MakePoint($1, $2), 4326)))`, lon, lat).Scan(&oldWard, &newWard); err != nil {
		t.Fatal(err)
	}
	path := writeTemp(t, "p.geojson", features([2]string{`{"sheet_no":"91","parcel_no":"1","land_use":"ODT","area_m2":"80"}`, squareJSON(lon, lat, 0.00004, false)}))
	rep := importFile(t, db, path, 0, store.ImportOptions{Layer: "parcels"})
	derived := problemsOf(rep, ingest.Derived)
	if rep.Outcome != store.OutcomeWritten || len(derived) != 1 || !strings.Contains(derived[0].Detail, oldWard) {
		t.Fatalf("report: %+v", rep)
	}
	var ward string
	if err := db.Pool().QueryRow(ctx, `SELECT ward_code FROM parcels WHERE sheet_no = 91 AND parcel_no = 1`).Scan(&ward); err != nil || ward != oldWard {
		t.Errorf("ward_code %q (%v), want the cadastral ward %s (the current one is %s)", ward, err, oldWard, newWard)
	}
	if len(problemsOf(rep, ingest.Implausible)) != 0 {
		t.Errorf("a legal area of 80 m² for a 77 m² square is plausible: %+v", rep.Problems)
	}
}

// TestImportProvenance: source and licence become the layer's catalog entry's.
func TestImportProvenance(t *testing.T) {
	db := importCity(t)
	rep := importFile(t, db, "../testdata/import/zoning.geojson", 0, store.ImportOptions{Layer: "planning_zones",
		Map: map[string]string{"zone_code": "TypeCode", "far": "FAR", "density_pct": "BCR", "floors_max": "Floor", "function_name": "Function"},
		Set: map[string]string{"land_use": "ODT"}, Source: "Sở Quy hoạch – Kiến trúc, 2024", Licence: "CC-BY-4.0"})
	if rep.Outcome != store.OutcomeWritten {
		t.Fatalf("report: %+v", rep)
	}
	var source, licence string
	if err := db.Pool().QueryRow(context.Background(), `SELECT source, licence FROM layers WHERE name = 'planning_zones'`).Scan(&source, &licence); err != nil {
		t.Fatal(err)
	}
	if source != "Sở Quy hoạch – Kiến trúc, 2024" || licence != "CC-BY-4.0" {
		t.Errorf("catalog: %q, %q", source, licence)
	}
}

// TestImportHouseNumberForms: house numbers as real files write them are written verbatim,
// the dry run saying exactly what the real run does; text that is no house number is refused
// in plain words, naming the field and value; "25B" after "25b" is the same house.
func TestImportHouseNumberForms(t *testing.T) {
	db := importCity(t)
	forms := []string{"176-181", "120 bis", "25b", "12A/3", "K448 H20/2", "số 5 ngõ 12 ngách 3", "Ngõ 100", "Lô B2", "Km 7"}
	csv := "lon,lat,house_number,street\n"
	for i, f := range forms {
		csv += fmt.Sprintf("%.6f,10.7781,%q,Khánh Hội\n", 106.6981+float64(i)*1e-5, f)
	}
	path := writeTemp(t, "forms.csv", csv)
	dry := importFile(t, db, path, 0, store.ImportOptions{Layer: "addresses", DryRun: true})
	rep := importFile(t, db, path, 0, store.ImportOptions{Layer: "addresses"})
	if dry.Outcome != store.OutcomeDryRun || dry.Inserted != len(forms) || rep.Outcome != store.OutcomeWritten || rep.Inserted != len(forms) {
		t.Fatalf("dry run %+v\nreal run %+v", dry, rep)
	}
	for _, f := range forms {
		var n int
		if err := db.Pool().QueryRow(context.Background(), `SELECT count(*) FROM addresses WHERE house_number = $1`, f).Scan(&n); err != nil || n != 1 {
			t.Errorf("%q: %d rows (%v)", f, n, err)
		}
	}
	again := writeTemp(t, "again.csv", "lon,lat,house_number,street\n106.6991,10.7782,25B,Khánh Hội\n106.6992,10.7782,bốn mươi,Khánh Hội\n")
	dry = importFile(t, db, again, 0, store.ImportOptions{Layer: "addresses", DryRun: true})
	rep = importFile(t, db, again, 0, store.ImportOptions{Layer: "addresses"})
	if !reflect.DeepEqual(dry.Problems, rep.Problems) || rep.Outcome != store.OutcomeRefused {
		t.Fatalf("dry run %+v\nreal run %+v", dry.Problems, rep.Problems)
	}
	dup, bad := problemsOf(rep, ingest.DuplicateKey), problemsOf(rep, ingest.BadValue)
	if len(dup) != 1 || dup[0].Feature != 1 || len(bad) != 1 || bad[0].Feature != 2 || bad[0].Field != "house_number" ||
		!strings.Contains(bad[0].Detail, "'bốn mươi': is not a house number") {
		t.Errorf("problems: %+v", rep.Problems)
	}
}

// TestImportStreetsAreLogical: the segments of one street in one ward are one street, its
// lines joined; an address written "Đường Pasteur" finds the street Pasteur.
func TestImportStreetsAreLogical(t *testing.T) {
	db := importCity(t)
	ctx := context.Background()
	var lon, lat float64
	if err := db.Pool().QueryRow(ctx, `SELECT ST_X(c), ST_Y(c) FROM (SELECT ST_PointOnSurface(geom) c FROM admin_units
		WHERE level = 'ward' AND valid_to IS NULL AND geom IS NOT NULL ORDER BY code LIMIT 1) s`).Scan(&lon, &lat); err != nil {
		t.Fatal(err)
	}
	seg := func(i int) string {
		return fmt.Sprintf(`{"type":"LineString","coordinates":[[%s,%s],[%s,%s]]}`,
			ftoa(lon+float64(i)*0.0002), ftoa(lat), ftoa(lon+float64(i+1)*0.0002), ftoa(lat))
	}
	var fs [][2]string
	for i := range 5 {
		name := "Pasteur"
		if i == 2 {
			name = "Ðường Pasteur" // Ð, as OpenStreetMap writes it, and the street's type word
		}
		fs = append(fs, [2]string{`{"name":"` + name + `"}`, seg(i)})
	}
	rep := importFile(t, db, writeTemp(t, "pasteur.geojson", features(fs...)), 0, store.ImportOptions{Layer: "streets"})
	if rep.Outcome != store.OutcomeWritten || rep.Inserted != 1 || len(problemsOf(rep, ingest.Merged)) != 4 {
		t.Fatalf("report: %+v", rep)
	}
	var parts int
	var length float64
	var ward *string
	if err := db.Pool().QueryRow(ctx, `SELECT ST_NumGeometries(geom), ST_Length(geom::geography), ward_code FROM streets WHERE name = 'Pasteur'`).
		Scan(&parts, &length, &ward); err != nil {
		t.Fatal(err)
	}
	if parts != 1 || length < 100 || ward == nil {
		t.Errorf("Pasteur: %d lines, %.0f m, ward %v: want one line of the five segments, in a ward", parts, length, ward)
	}
	addr := writeTemp(t, "a.csv", fmt.Sprintf("lon,lat,house_number,street\n%s,%s,5,Đường Pasteur\n", ftoa(lon+0.0003), ftoa(lat+0.0001)))
	rep = importFile(t, db, addr, 0, store.ImportOptions{Layer: "addresses"})
	if rep.Outcome != store.OutcomeWritten {
		t.Fatalf("address on Đường Pasteur: %+v", rep)
	}
	again := importFile(t, db, writeTemp(t, "pasteur.geojson", features(fs...)), 0, store.ImportOptions{Layer: "streets", DryRun: true})
	if again.Outcome != store.OutcomeRefused || len(problemsOf(again, ingest.DuplicateKey)) != 1 {
		t.Errorf("appending Pasteur again: %+v", again)
	}
}
