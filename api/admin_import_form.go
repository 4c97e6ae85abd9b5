package api

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"bandoso/ingest"
)

// The fields of the import form: the CLI's flags, named as in JSON.
const (
	importFieldFile   = "file"
	importFieldLayer  = "layer"
	importFieldFormat = "format"
	importFieldCRS    = "crs"
	importFieldMap    = "map"
	importFieldSet    = "set"
	importFieldMode   = "mode"
	importFieldFix    = "fix"
	importFieldDryRun = "dry_run"
	// on_invalid, bounds, source and licence: store.ImportOptions' OnInvalid, Bounds, Source
	// and Licence
	importFieldOnInvalid = "on_invalid"
	importFieldBounds    = "bounds"
	importFieldSource    = "source"
	importFieldLicence   = "licence"
	// source_layer: the file's layer, for a GeoPackage holding several
	importFieldSourceLayer = "source_layer"
	// importFieldMaxBytes bounds each field but the file: they are names and short lists.
	importFieldMaxBytes = 64 << 10
)

var importFields = []string{importFieldFile, importFieldLayer, importFieldFormat, importFieldCRS, importFieldMap,
	importFieldSet, importFieldMode, importFieldFix, importFieldDryRun, importFieldOnInvalid, importFieldBounds,
	importFieldSource, importFieldLicence, importFieldSourceLayer}

// importFormats is the extension the temporary file gets for each format: ogr2ogr opens a
// .zip through /vsizip/, and a Shapefile can only arrive as one.
var importFormats = map[string]string{ingest.FormatGeoJSON: ".geojson", ingest.FormatCSV: ".csv",
	ingest.FormatShapefile: ".zip", ingest.FormatGeoPackage: ".gpkg", ingest.FormatOSM: ".osm"}

// importForm is a parsed import request.
type importForm struct {
	layer, format, mode string
	onInvalid, bounds   string
	source, licence     string
	sourceLayer         string
	srid                int
	fix, dryRun         bool
	mapping, set        map[string]string
	fileName            string // the upload's own name, for the report
	path                string // where its bytes are
}

// readImportForm reads the multipart body in one pass, the file part streamed into dir and
// the fields in any order around it. Every bad field is a 400 naming it; a body over the
// limit is the http.MaxBytesError of r.Body (413).
func readImportForm(r *http.Request, dir string) (importForm, error) {
	var f importForm
	media, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || media != "multipart/form-data" {
		return f, &ParamError{importFieldFile, "the body must be multipart/form-data with the file in a part named file"}
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return f, &ParamError{importFieldFile, "bad multipart form: " + err.Error()}
	}
	values := map[string]string{}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return f, formError(err)
		}
		name := part.FormName()
		switch name {
		case importFieldFile:
			if f.path != "" {
				return f, &ParamError{name, "given twice: import one file per request"}
			}
			f.fileName = part.FileName()
			f.path = filepath.Join(dir, "upload")
			if err := saveUpload(part, f.path); err != nil {
				return f, err
			}
		case importFieldMap, importFieldSet:
			v, err := fieldValue(name, part)
			if err != nil {
				return f, err
			}
			m := &f.mapping
			if name == importFieldSet {
				m = &f.set
			}
			if *m == nil {
				*m = map[string]string{}
			}
			if err := ingest.ParseKeyValues(v, *m); err != nil {
				return f, &ParamError{name, err.Error()}
			}
		case importFieldLayer, importFieldFormat, importFieldCRS, importFieldMode, importFieldFix, importFieldDryRun,
			importFieldOnInvalid, importFieldBounds, importFieldSource, importFieldLicence, importFieldSourceLayer:
			if _, dup := values[name]; dup {
				return f, &ParamError{name, "given twice"}
			}
			if values[name], err = fieldValue(name, part); err != nil {
				return f, err
			}
		default:
			return f, &ParamError{name, "not a field of the import form: " + strings.Join(importFields, ", ")}
		}
		part.Close()
	}
	if f.path == "" {
		return f, &ParamError{importFieldFile, "missing: send the file in a part named file"}
	}
	return f, f.fill(values)
}

// fill checks the single-valued fields and gives the upload the extension of its format.
func (f *importForm) fill(values map[string]string) error {
	if f.layer = strings.TrimSpace(values[importFieldLayer]); f.layer == "" {
		return &ParamError{importFieldLayer, "required: the layer to import into, e.g. planning_zones"}
	}
	f.mode = strings.TrimSpace(values[importFieldMode])
	f.onInvalid, f.bounds = values[importFieldOnInvalid], values[importFieldBounds]
	f.source, f.licence = values[importFieldSource], values[importFieldLicence]
	f.sourceLayer = values[importFieldSourceLayer]
	if v := values[importFieldCRS]; v != "" {
		srid, ok := ingest.ParseCRS(v)
		if !ok {
			return &ParamError{importFieldCRS, fmt.Sprintf("%q is not an EPSG code, e.g. EPSG:9210 or EPSG:32648", v)}
		}
		f.srid = srid
	}
	var err error
	if f.fix, err = formBool(importFieldFix, values[importFieldFix]); err != nil {
		return err
	}
	if f.dryRun, err = formBool(importFieldDryRun, values[importFieldDryRun]); err != nil {
		return err
	}
	f.format = strings.ToLower(strings.TrimSpace(values[importFieldFormat]))
	if f.format == "" {
		if f.format, err = ingest.FormatOf(f.fileName); err != nil {
			return &ParamError{importFieldFormat, fmt.Sprintf("the file name %q does not tell the format: give format (geojson, csv, shapefile, geopackage or osm)", f.fileName)}
		}
	}
	ext, ok := importFormats[f.format]
	if !ok {
		return &ParamError{importFieldFormat, fmt.Sprintf("%q is not geojson, csv, shapefile, geopackage or osm", f.format)}
	}
	if (f.layer == osmLayer) != (f.format == ingest.FormatOSM) {
		return &ParamError{importFieldLayer, "an OpenStreetMap extract (format osm) imports as layer osm, and layer osm takes nothing else"}
	}
	path := f.path + ext
	if err := os.Rename(f.path, path); err != nil {
		return err
	}
	f.path = path
	return nil
}

// saveUpload streams the file part to path.
func saveUpload(part io.Reader, path string) error {
	out, err := os.Create(path)
	if err != nil {
		return err
	}
	_, err = io.Copy(out, part)
	if cerr := out.Close(); err == nil && cerr != nil {
		return cerr // the disk, not the client
	}
	if err != nil {
		return formError(err)
	}
	return nil
}

// fieldValue reads a short field.
func fieldValue(name string, part io.Reader) (string, error) {
	b, err := io.ReadAll(io.LimitReader(part, importFieldMaxBytes+1))
	if err != nil {
		return "", formError(err)
	}
	if len(b) > importFieldMaxBytes {
		return "", &ParamError{name, fmt.Sprintf("longer than %d bytes", importFieldMaxBytes)}
	}
	return strings.TrimSpace(string(b)), nil
}

// formError is a body that broke off: over the limit (413), stalled (408), or not a
// multipart form (400).
func formError(err error) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) || errors.Is(err, errSlowBody) {
		return err
	}
	return &ParamError{importFieldFile, "bad multipart form: " + err.Error()}
}

// formBool reads the booleans of the form as the CLI's flags do, but only in their plain spellings.
func formBool(name, v string) (bool, error) {
	switch strings.ToLower(v) {
	case "", "false", "0":
		return false, nil
	case "true", "1":
		return true, nil
	}
	return false, &ParamError{name, fmt.Sprintf("%q is not true, false, 1 or 0", v)}
}
