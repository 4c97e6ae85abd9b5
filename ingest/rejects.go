package ingest

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"
	"github.com/paulmach/orb/geojson"
)

// RejectedFeature is a feature an import did not write, as the file had it, with why: a rejects
// file gives these back to be fixed and imported again.
type RejectedFeature struct {
	N        int
	ID       string
	Props    map[string]string
	Geom     orb.Geometry // in the file's CRS, SRID; nil when the file's could not be read
	SRID     int
	Problems []Problem
}

// ProblemsField is the attribute a rejects file gives each feature's reasons in.
const ProblemsField = "import_problems"

// RejectsWriter writes rejected features to a file in the format its name says: GeoJSON
// (.geojson, .json), CSV (.csv), or, through GDAL, Shapefile (.shp) and GeoPackage (.gpkg),
// with the CRS of the input so that the file imports again as it is.
type RejectsWriter struct {
	path, format string
	srid         int
	f            *os.File
	w            *bufio.Writer
	csv          *csv.Writer
	header       []string
	tmp          string // the GeoJSON GDAL converts, for Shapefile and GeoPackage
	n            int
}

// NewRejectsWriter creates path for features in CRS srid (EPSG). The CSV columns are known
// from the first feature: the input's columns, lon/lat or x/y, and ProblemsField.
func NewRejectsWriter(path string, srid int, columns []string) (*RejectsWriter, error) {
	format, err := FormatOf(path)
	if err != nil {
		return nil, err
	}
	if format == FormatOSM {
		return nil, fmt.Errorf("ingest: rejects cannot be written as OpenStreetMap data: name a .geojson, .csv, .shp or .gpkg")
	}
	w := &RejectsWriter{path: path, format: format, srid: srid}
	out := path
	if format == FormatShapefile || format == FormatGeoPackage {
		if err := HaveGDAL(); err != nil {
			return nil, err
		}
		w.tmp = path + ".tmp.geojson"
		out = w.tmp
	}
	if w.f, err = os.Create(out); err != nil {
		return nil, err
	}
	w.w = bufio.NewWriter(w.f)
	if format == FormatCSV {
		w.csv = csv.NewWriter(w.w)
		w.header = append(append(append([]string{}, columns...), "wkt"), ProblemsField)
		return w, w.csv.Write(w.header)
	}
	fmt.Fprint(w.w, `{"type":"FeatureCollection",`)
	if srid != 4326 && srid != 0 {
		fmt.Fprintf(w.w, `"crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::%d"}},`, srid)
	}
	fmt.Fprint(w.w, `"features":[`)
	return w, nil
}

// Write adds one feature.
func (w *RejectsWriter) Write(r RejectedFeature) error {
	reasons := Reasons(r.Problems)
	w.n++
	if w.csv != nil {
		row := make([]string, len(w.header))
		for i, h := range w.header[:len(w.header)-2] {
			row[i] = r.Props[h]
		}
		if r.Geom != nil {
			row[len(row)-2] = wkt.MarshalString(r.Geom)
		}
		row[len(row)-1] = reasons
		return w.csv.Write(row)
	}
	props := make(map[string]any, len(r.Props)+1)
	for k, v := range r.Props {
		props[k] = v
	}
	props[ProblemsField] = reasons
	f := geojson.NewFeature(r.Geom)
	f.Properties = props
	if r.ID != "" {
		f.ID = r.ID
	}
	b, err := json.Marshal(f)
	if err != nil {
		return err
	}
	if w.n > 1 {
		w.w.WriteByte(',')
	}
	_, err = w.w.Write(b)
	return err
}

// Close finishes the file (converting it with GDAL where the format needs).
func (w *RejectsWriter) Close() error {
	if w.csv != nil {
		w.csv.Flush()
		if err := w.csv.Error(); err != nil {
			w.f.Close()
			return err
		}
	} else {
		fmt.Fprint(w.w, "]}\n")
	}
	if err := w.w.Flush(); err != nil {
		w.f.Close()
		return err
	}
	if err := w.f.Close(); err != nil {
		return err
	}
	if w.tmp == "" {
		return nil
	}
	defer os.Remove(w.tmp)
	driver := map[string]string{FormatShapefile: "ESRI Shapefile", FormatGeoPackage: "GPKG"}[w.format]
	if err := ConvertOGR(context.Background(), driver, w.path, w.tmp, "-lco", "ENCODING=UTF-8"); err != nil &&
		!(w.format == FormatGeoPackage && strings.Contains(err.Error(), "ENCODING")) {
		return err
	}
	return nil
}

// Count is the number of features written.
func (w *RejectsWriter) Count() int { return w.n }

// Reasons is a feature's refused problems as one line: "geometry: invalid_geometry: …; ward_code: …".
func Reasons(ps []Problem) string {
	var out []string
	for _, p := range ps {
		if p.Action != Refused {
			continue
		}
		s := p.Problem + ": " + p.Detail
		if p.Field != "" {
			s = p.Field + ": " + s
		}
		out = append(out, s)
	}
	return strings.Join(out, "; ")
}
