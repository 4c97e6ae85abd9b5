package store_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"bandoso/ingest"
	"bandoso/store"
)

// (106.7 E, 10.78 N) in CRSs beyond the API's list, computed with gdaltransform as for
// knownPoints: WGS 84 / UTM 48N and 49N (no datum shift), and the provinces' VN-2000 TM-3
// zones 106°30' (9213) and 108° (5898) with the pinned transformation.
var morePoints = []struct {
	srid int
	x, y float64
}{
	{32648, 685876.424181739, 1192169.98217027},
	{32649, 29492.8819882913, 1194960.99579342},
	{9213, 521676.000461989, 1192131.40513825},
	{5898, 357629.75003753, 1192426.96680803},
}

func importError(t *testing.T, db *store.DB, path string, srid int, opt store.ImportOptions) error {
	t.Helper()
	src, err := ingest.Open(path, ingest.Options{SRID: srid})
	if err != nil {
		return err
	}
	defer src.Close()
	opt.Actor = "test"
	_, err = db.Import(context.Background(), src, opt)
	return err
}

// TestImportCRSFlagWins: a file that names the wrong CRS is read in the one given, and the
// report says the file's was set aside.
func TestImportCRSFlagWins(t *testing.T) {
	db := importCity(t)
	p := morePoints[0]
	gj := writeTemp(t, "wrong.geojson", `{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::4326"}},
"features":[{"type":"Feature","properties":{"house_number":"840","street":"Khánh Hội"},"geometry":{"type":"Point","coordinates":[`+ftoa(p.x)+`,`+ftoa(p.y)+`]}}]}`)
	rep := importFile(t, db, gj, 32648, store.ImportOptions{Layer: "addresses"})
	if rep.Outcome != store.OutcomeWritten || rep.SRID != 32648 || rep.CRSFrom != "flag" || rep.FileSRID != 4326 || rep.ProblemCounts[ingest.CRSOverridden] != 1 {
		t.Fatalf("report: %+v", rep)
	}
	lon, lat := addressAt(t, db, "840")
	checkPoint(t, "840", lon, lat, 106.7, 10.78)
}

// TestImportUnknownCRS: a CRS the database does not know, or a name that is no EPSG code, is
// refused naming where it came from; nothing is written.
func TestImportUnknownCRS(t *testing.T) {
	db := importCity(t)
	for name, want := range map[string]string{
		"urn:ogc:def:crs:EPSG::999999": "EPSG:999999 (named by the GeoJSON crs member) is not a CRS the database knows",
		"urn:ogc:def:crs:ESRI::102100": "the GeoJSON crs member names",
	} {
		gj := writeTemp(t, "u.geojson", `{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"`+name+`"}},
"features":[{"type":"Feature","properties":{"house_number":"850","street":"Khánh Hội"},"geometry":{"type":"Point","coordinates":[1,2]}}]}`)
		err := importError(t, db, gj, 0, store.ImportOptions{Layer: "addresses"})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("crs %s: %v, want an error saying %q", name, err, want)
		}
		var pe *store.ImportParamError
		if !errors.As(err, &pe) && !errors.Is(err, ingest.ErrNeedCRS) || errors.As(err, &pe) && pe.Param != "crs" {
			t.Errorf("crs %s: %T %v, want the crs parameter's error", name, err, err)
		}
	}
	if sum := tableSum(t, db, "addresses"); sum.rows == 0 {
		t.Fatal("no addresses at all?")
	}
	var n int
	if err := db.Pool().QueryRow(context.Background(), `SELECT count(*) FROM addresses WHERE house_number = '850'`).Scan(&n); err != nil || n != 0 {
		t.Errorf("850 written %d times (%v)", n, err)
	}
}

// vn2000Prj is how software other than GDAL writes a VN-2000 TM-3 .prj: its own names, no
// EPSG code anywhere, so GDAL writes no crs and the CRS is matched by its parameters.
func vn2000Prj(name, meridian string) string {
	return fmt.Sprintf(vn2000PrjFormat, name, meridian)
}

const vn2000PrjFormat = `PROJCS["HCM_VN2000_KTT_%s",GEOGCS["GCS_VN2000",DATUM["D_VN2000",SPHEROID["WGS_1984",6378137.0,298.257223563]],` +
	`PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],` +
	`PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",%s],PARAMETER["Scale_Factor",0.9999],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]`

// TestImportShapefileCRSs: a Shapefile in WGS 84 / UTM 48N with its .prj, one in VN-2000 TM-3
// 106°30' with a .prj GDAL finds no EPSG code for (matched by parameters), and one whose .prj
// matches no CRS the database knows, refused naming the .prj.
func TestImportShapefileCRSs(t *testing.T) {
	if _, err := exec.LookPath("ogr2ogr"); err != nil {
		t.Skip("ogr2ogr (GDAL, Debian package gdal-bin) is not installed")
	}
	db := importCity(t)
	dir := t.TempDir()
	shapefile := func(name, number string, x, y float64, srs, prj string) string {
		in := writeTemp(t, name+".geojson", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"so_nha":"`+number+`","duong":"Khánh Hội"},
"geometry":{"type":"Point","coordinates":[`+ftoa(x)+`,`+ftoa(y)+`]}}]}`)
		path := filepath.Join(dir, name+".shp")
		args := []string{"-f", "ESRI Shapefile", path, in, "-lco", "ENCODING=UTF-8"}
		if srs != "" {
			args = append(args, "-a_srs", srs)
		}
		if b, err := exec.Command("ogr2ogr", args...).CombinedOutput(); err != nil {
			t.Fatalf("ogr2ogr %v: %v\n%s", args, err, b)
		}
		if prj != "" {
			if err := os.WriteFile(filepath.Join(dir, name+".prj"), []byte(prj), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return path
	}
	m := store.ImportOptions{Layer: "addresses", Map: map[string]string{"house_number": "so_nha", "street": "duong"}}

	utm := shapefile("utm", "860", morePoints[0].x, morePoints[0].y, "EPSG:32648", "")
	rep := importFile(t, db, utm, 0, m)
	if rep.Outcome != store.OutcomeWritten || rep.SRID != 32648 || rep.CRSFrom != "file" || rep.Format != ingest.FormatShapefile {
		t.Fatalf("UTM 48N Shapefile: %+v", rep)
	}
	lon, lat := addressAt(t, db, "860")
	checkPoint(t, "UTM 48N Shapefile", lon, lat, 106.7, 10.78)

	tm3 := shapefile("tm3", "862", morePoints[2].x, morePoints[2].y, "", vn2000Prj("106_30", "106.5"))
	rep = importFile(t, db, tm3, 0, m)
	if rep.Outcome != store.OutcomeWritten || rep.SRID != 9213 || rep.CRSFrom != "file" {
		t.Fatalf("TM-3 106°30' Shapefile: %+v", rep)
	}
	lon, lat = addressAt(t, db, "862")
	checkPoint(t, "TM-3 106°30' Shapefile", lon, lat, 106.7, 10.78)

	p9210 := knownPoints[len(knownPoints)-1]
	odd := shapefile("odd", "864", p9210.x, p9210.y, "", vn2000Prj("105_36", "105.6"))
	err := importError(t, db, odd, 0, m)
	var pe *store.ImportParamError
	if !errors.As(err, &pe) || pe.Param != "crs" || !strings.Contains(pe.Reason, "the Shapefile's .prj") {
		t.Fatalf("a .prj matching nothing: %v", err)
	}
	// --crs wins over the .prj
	rep = importFile(t, db, odd, 9210, m)
	if rep.Outcome != store.OutcomeWritten || rep.SRID != 9210 || rep.CRSFrom != "flag" {
		t.Fatalf("odd .prj with --crs: %+v", rep)
	}
	lon, lat = addressAt(t, db, "864")
	checkPoint(t, "odd .prj with --crs EPSG:9210", lon, lat, 106.7, 10.78)
}

// TestImportGeoPackageLayers: a GeoPackage of several layers is read one layer at a time,
// the one named; naming none, or one it lacks, is an error listing its layers.
func TestImportGeoPackageLayers(t *testing.T) {
	if _, err := exec.LookPath("ogr2ogr"); err != nil {
		t.Skip("ogr2ogr (GDAL, Debian package gdal-bin) is not installed")
	}
	db := importCity(t)
	path := filepath.Join(t.TempDir(), "so_lieu.gpkg")
	for i, layer := range []string{"dia_chi", "cay_xanh"} {
		in := writeTemp(t, layer+".geojson", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"house_number":"`+itoa(870+i)+`","street":"Khánh Hội"},
"geometry":{"type":"Point","coordinates":[106.6985,10.7781]}}]}`)
		args := []string{"-f", "GPKG", path, in, "-nln", layer}
		if i > 0 {
			args = append(args, "-update")
		}
		if b, err := exec.Command("ogr2ogr", args...).CombinedOutput(); err != nil {
			t.Fatalf("ogr2ogr %v: %v\n%s", args, err, b)
		}
	}
	for _, layer := range []string{"", "duong"} {
		_, err := ingest.Open(path, ingest.Options{Layer: layer})
		if !errors.Is(err, ingest.ErrLayer) || !strings.Contains(err.Error(), "dia_chi, cay_xanh") {
			t.Errorf("layer %q: %v, want an error listing dia_chi, cay_xanh", layer, err)
		}
	}
	src, err := ingest.Open(path, ingest.Options{Layer: "dia_chi"})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	rep, err := db.Import(context.Background(), src, store.ImportOptions{Layer: "addresses", Actor: "test"})
	if err != nil || rep.Outcome != store.OutcomeWritten || rep.Inserted != 1 {
		t.Fatalf("dia_chi: %v %+v", err, rep)
	}
	addressAt(t, db, "870")
}
