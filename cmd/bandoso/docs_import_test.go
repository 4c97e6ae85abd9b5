package main_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"bandoso/store/storetest"
)

// TestDocsImportExamples runs every `bandoso import` command of the sh blocks of README.md and
// docs/*.md, as written, on the demo city, with files made like the
// city's: the 2019 wards as a Shapefile in WGS 84 / UTM 48N with its .prj, zoning plots as a
// GeoPackage in VN-2000 TM-3 105°45' with a refused plot among them, a surveyor's CSV in
// VN-2000 whose X is the northing, and the demo city as an OpenStreetMap extract.
func TestDocsImportExamples(t *testing.T) {
	if _, err := exec.LookPath("ogr2ogr"); err != nil {
		t.Skip("ogr2ogr (GDAL, Debian package gdal-bin) is not installed")
	}
	bin := buildBandoso(t)
	pages, err := filepath.Glob("../../docs/*.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, page := range append(pages, "../../README.md") {
		doc := strings.TrimPrefix(page, "../../")
		commands := importCommands(readText(t, page))
		if doc == "docs/import.md" && len(commands) < 3 {
			t.Fatalf("%s: %d import commands", doc, len(commands))
		}
		if len(commands) == 0 {
			continue
		}
		t.Run(doc, func(t *testing.T) {
			url := storetest.NewURL(t)
			if out, err := exec.Command(bin, "demo", "--size", "2000", "--database-url", url).CombinedOutput(); err != nil {
				t.Fatalf("demo: %v\n%s", err, out)
			}
			dir := t.TempDir()
			cityFiles(t, bin, url, dir)
			for _, c := range commands {
				cmd := exec.Command("bash", "-c", c)
				cmd.Dir = dir
				cmd.Env = append(os.Environ(), "DATABASE_URL="+url, "PATH="+filepath.Dir(bin)+":"+os.Getenv("PATH"))
				out, err := cmd.CombinedOutput()
				if err != nil {
					t.Fatalf("%s\nexit %d:\n%s", c, exitCode(err), out)
				}
				checkExample(t, c, string(out), dir)
			}
		})
	}
}

// checkExample checks that a documented import did what the page says it does.
func checkExample(t *testing.T, command, out, dir string) {
	t.Helper()
	want := []string{}
	switch {
	case strings.Contains(command, "ranh_gioi_phuong_2019.shp"):
		want = []string{"EPSG:32648 from file", "official_value", "wrote"}
	case strings.Contains(command, "quy_hoach_1_2000.gpkg"):
		want = []string{"EPSG:9210 from file", "implausible", "1 refused, not written", "quy_hoach_loi.gpkg"}
		if _, err := os.Stat(filepath.Join(dir, "quy_hoach_loi.gpkg")); err != nil {
			t.Errorf("no rejects file: %v", err)
		}
	case strings.Contains(command, "khao_sat.csv"):
		want = []string{"x/y swapped", "would write 5"}
	case strings.Contains(command, "--layer osm"):
		want = []string{"streets", "addresses", "imported"}
	}
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Errorf("%s\nsays no %q:\n%s", command, w, out)
		}
	}
}

// importCommands are the `bandoso import` commands of the sh blocks of a Markdown text, each
// with its continuation lines.
func importCommands(md string) []string { return shCommands(md, "bandoso import ") }

// shCommands are the commands of the sh blocks of a Markdown text that start with prefix, each
// with its continuation lines.
func shCommands(md, prefix string) []string {
	var out []string
	for _, block := range regexp.MustCompile("(?s)```sh\n(.*?)```").FindAllStringSubmatch(md, -1) {
		text := strings.ReplaceAll(block[1], "\\\n", " ")
		for _, line := range strings.Split(text, "\n") {
			if strings.HasPrefix(line, prefix) {
				out = append(out, line)
			}
		}
	}
	return out
}

func readText(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// cityFiles writes, from the demo city in url, the files the documented examples import.
func cityFiles(t *testing.T, bin, url, dir string) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	geojson := func(q string) string {
		var fc string
		if err := conn.QueryRow(ctx, `SELECT json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(json_build_object(
			'type', 'Feature', 'properties', f.props, 'geometry', ST_AsGeoJSON(f.geom, 6)::json)), '[]'))::text FROM (`+q+`) f`).Scan(&fc); err != nil {
			t.Fatal(err)
		}
		return fc
	}
	ogr := func(name, driver, srs, fc string) {
		in := filepath.Join(t.TempDir(), "in.geojson")
		if err := os.WriteFile(in, []byte(fc), 0o644); err != nil {
			t.Fatal(err)
		}
		args := []string{"-f", driver, filepath.Join(dir, name), in, "-a_srs", srs}
		if driver == "ESRI Shapefile" {
			args = append(args, "-lco", "ENCODING=UTF-8")
		}
		if out, err := exec.Command("ogr2ogr", args...).CombinedOutput(); err != nil {
			t.Fatalf("ogr2ogr %v: %v\n%s", args, err, out)
		}
	}
	// the wards before 2025, named without their kind as many files do ("Bến Nghé")
	ogr("ranh_gioi_phuong_2019.shp", "ESRI Shapefile", "EPSG:32648", geojson(`
		SELECT json_build_object('MaPhuong', code, 'TenPhuong', regexp_replace(name, '^(Phường|Xã|Thị trấn) ', '')) AS props,
			ST_Transform(geom, 32648) AS geom
		FROM admin_units WHERE level = 'ward' AND valid_to = DATE '2025-07-01' AND geom IS NOT NULL`))
	// twelve plots of plan 1: one with a FAR of 60 (a warning), one with a density of 120 % (refused)
	ogr("quy_hoach_1_2000.gpkg", "GPKG", "EPSG:9210", geojson(`
		SELECT json_build_object('MaO', 'B-' || row_number() OVER (ORDER BY p.id), 'MaDat', 'ODT', 'ChucNang', 'Đất ở',
			'HSSDD', CASE WHEN row_number() OVER (ORDER BY p.id) = 3 THEN 60 ELSE 3.5 END,
			'MDXD', CASE WHEN row_number() OVER (ORDER BY p.id) = 5 THEN 120 ELSE 70 END, 'TangCao', 12) AS props,
			ST_Transform(p.geom, 9210) AS geom
		FROM parcels p JOIN plans pl ON pl.id = 1 AND ST_Covers(pl.geom, p.geom) ORDER BY p.id LIMIT 12`))
	// five houses surveyed in VN-2000 TM-3 105°45', X the northing
	csv := "so_nha,duong,X,Y\n"
	rows, _ := conn.Query(ctx, `SELECT (9000 + row_number() OVER (ORDER BY a.id))::text, CASE WHEN a.id % 2 = 0 THEN 'Đường ' ELSE '' END || s.name,
		ST_Y(ST_Transform(a.geom, 9210)), ST_X(ST_Transform(a.geom, 9210))
		FROM addresses a JOIN streets s ON s.id = a.street_id WHERE s.kind = 'street' ORDER BY a.id LIMIT 5`)
	var number, street string
	var x, y float64
	if _, err := pgx.ForEachRow(rows, []any{&number, &street, &x, &y}, func() error {
		csv += fmt.Sprintf("%s,%s,%.3f,%.3f\n", number, street, x, y)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "khao_sat.csv"), []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	// the demo city as an OpenStreetMap extract
	if out, err := exec.Command(bin, "demo", "--osm", filepath.Join(dir, "quan1_quan3.osm.pbf"), "--size", "2000").CombinedOutput(); err != nil {
		t.Fatalf("demo --osm: %v\n%s", err, out)
	}
}
