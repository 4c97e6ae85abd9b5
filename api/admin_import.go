package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/go-chi/chi/v5/middleware"
	"github.com/paulmach/orb/geojson"

	"bandoso/ingest"
	"bandoso/store"
)

// POST /v1/admin/import: `bandoso import` over HTTP. The file is checked whole and written
// all or nothing; the status says which: 201 written, 200 a clean dry run, 422 refused.
const (
	importPath = "/v1/admin/import"
	// importOutcomeError is the outcome metrics give an import that failed without a report.
	importOutcomeError = "error"
)

// handleImport streams the upload to a temporary file (the Shapefile and GeoPackage readers
// need one on disk), then imports it as the request's key.
func (s *Server) handleImport(w http.ResponseWriter, r *http.Request) error {
	key, err := s.need(r, store.RoleEditor)
	if err != nil {
		return err
	}
	// Counted once the key is good: a failure past it, before any report, is an "error".
	outcome, features := importOutcomeError, 0
	defer func() { s.metrics.observeImport(outcome, features) }()
	_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(s.Config.Limits.ImportTimeout))
	dir, err := os.MkdirTemp("", "bandoso-import-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	r.Body = http.MaxBytesReader(w, s.newBodyReader(w, r, time.Time{}), s.Config.Limits.ImportMaxBytes)
	form, err := readImportForm(r, dir)
	if err != nil {
		return err
	}
	// The file is on disk: only now does the import take its turn at the gate.
	leave, err := s.DBWork.Enter(r.Context())
	if err != nil {
		return err
	}
	defer leave()
	if form.layer == osmLayer {
		rep, err := s.importOSM(r, form, key.Actor())
		if err != nil {
			return err
		}
		outcome, features = store.OutcomeWritten, rep.RecordsRead()
		status := http.StatusCreated
		if rep.DryRun {
			outcome, status = store.OutcomeDryRun, http.StatusOK
		} else {
			s.caughtUp(r)
		}
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Content-Type", mediaJSON)
		w.WriteHeader(status)
		return json.NewEncoder(w).Encode(rep)
	}
	src, err := ingest.Open(form.path, ingest.Options{Format: form.format, SRID: form.srid, Name: form.fileName, Fix: form.fix, Layer: form.sourceLayer})
	if err != nil {
		return importFileError(err)
	}
	defer src.Close()
	var rejects rejectsCollection
	rep, err := s.DB.Import(r.Context(), uploadReader{src}, store.ImportOptions{Layer: form.layer, Mode: form.mode,
		Fix: form.fix, DryRun: form.dryRun, OnInvalid: form.onInvalid, Bounds: form.bounds, Map: form.mapping, Set: form.set,
		Source: form.source, Licence: form.licence, Actor: key.Actor(), Rejects: rejects.add})
	if err != nil {
		return importError(err, form.layer)
	}
	outcome, features = rep.Outcome, rep.Read
	w.Header().Set("Cache-Control", "no-store")
	answer := importAnswer{ImportReport: rep, Rejects: rejects.collection()}
	switch rep.Outcome {
	case store.OutcomeRefused:
		writeImportRefused(w, r, answer)
		return nil
	case store.OutcomeDryRun:
		return writeJSON(w, mediaJSON, answer)
	}
	s.importWritten(r, rep)
	w.Header().Set("Content-Type", mediaJSON)
	w.WriteHeader(http.StatusCreated)
	return json.NewEncoder(w).Encode(answer)
}

// importAnswer is the report with the refused features as a GeoJSON FeatureCollection in the
// file's CRS, each with its reasons in ingest.ProblemsField: with on_invalid=skip, what is
// left to fix and send again.
type importAnswer struct {
	store.ImportReport
	Rejects *geojson.FeatureCollection `json:"rejects"`
}

// rejectsCollection gathers the features an import refused.
type rejectsCollection struct {
	fc   *geojson.FeatureCollection
	srid int
}

func (c *rejectsCollection) add(r ingest.RejectedFeature) error {
	if c.fc == nil {
		c.fc, c.srid = geojson.NewFeatureCollection(), r.SRID
	}
	f := geojson.NewFeature(r.Geom)
	for k, v := range r.Props {
		f.Properties[k] = v
	}
	f.Properties[ingest.ProblemsField] = ingest.Reasons(r.Problems)
	if r.ID != "" {
		f.ID = r.ID
	}
	c.fc.Append(f)
	return nil
}

func (c *rejectsCollection) collection() *geojson.FeatureCollection {
	if c.fc != nil && c.srid != 4326 && c.srid != 0 {
		c.fc.ExtraMembers = geojson.Properties{"crs": map[string]any{"type": "name",
			"properties": map[string]string{"name": fmt.Sprintf("urn:ogc:def:crs:EPSG::%d", c.srid)}}}
	}
	return c.fc
}

// osmLayer is the layer field of an OpenStreetMap extract, which feeds several layers.
const osmLayer = "osm"

// importOSM imports an OpenStreetMap extract as `bandoso import --layer osm` does.
func (s *Server) importOSM(r *http.Request, form importForm, actor string) (store.OSMReport, error) {
	src, err := ingest.OpenOSM(form.path, ingest.OSMOptions{TempDir: filepath.Dir(form.path)})
	if err != nil {
		return store.OSMReport{}, &ParamError{importFieldFile, strings.TrimPrefix(err.Error(), "ingest: ")}
	}
	defer src.Close()
	rep, err := s.DB.ImportOSM(r.Context(), osmUpload{src}, store.OSMImportOptions{File: form.fileName, Actor: actor, DryRun: form.dryRun})
	var ue *uploadError
	if errors.As(err, &ue) {
		return rep, &ParamError{importFieldFile, strings.TrimPrefix(ue.err.Error(), "ingest: ")}
	}
	if err == nil {
		loggerFrom(r.Context(), s.Log).Info("import written", "layer", osmLayer, "file", form.fileName, "records", rep.RecordsRead())
	}
	return rep, err
}

// osmUpload marks the errors of reading an extract as the file's, as uploadReader does.
type osmUpload struct{ *ingest.OSMReader }

func (u osmUpload) Next() (ingest.OSMRecord, error) {
	rec, err := u.OSMReader.Next()
	if err != nil && err != io.EOF {
		err = &uploadError{err}
	}
	return rec, err
}

// importWritten logs a written import and makes it live on this instance at once.
func (s *Server) importWritten(r *http.Request, rep store.ImportReport) {
	loggerFrom(r.Context(), s.Log).Info("import written", "layer", rep.Layer, "file", rep.File,
		"inserted", rep.Inserted, "updated", rep.Updated)
	s.caughtUp(r)
}

// uploadReader marks the errors of reading the file, so that a broken upload is told apart
// from a failing database: the one is the client's to fix (400), the other is not.
type uploadReader struct{ ingest.Reader }

func (u uploadReader) Next() (ingest.Record, error) {
	rec, err := u.Reader.Next()
	if err != nil && err != io.EOF { // store.Import compares io.EOF itself
		err = &uploadError{err}
	}
	return rec, err
}

type uploadError struct{ err error }

func (e *uploadError) Error() string { return e.err.Error() }
func (e *uploadError) Unwrap() error { return e.err }

// importFileError is the problem of a file that cannot be read: a 400 naming file, or crs
// when the file does not say its CRS. Missing GDAL passes through to its own status.
func importFileError(err error) error {
	switch {
	case errors.Is(err, ingest.ErrNoGDAL):
		return err
	case errors.Is(err, ingest.ErrLayer):
		return &ParamError{importFieldSourceLayer, strings.TrimPrefix(err.Error(), "ingest: ")}
	case errors.Is(err, ingest.ErrNeedCRS):
		return &ParamError{importFieldCRS, strings.TrimPrefix(err.Error(), "ingest: ") + "; give crs, e.g. EPSG:9210"}
	}
	return &ParamError{importFieldFile, strings.TrimPrefix(err.Error(), "ingest: ")}
}

// importError maps what store.Import returns: a bad parameter names it, an unknown layer is
// a 404 naming the layer, a file that broke while read is the file's problem.
func importError(err error, layer string) error {
	var pe *store.ImportParamError
	var ue *uploadError
	switch {
	case errors.As(err, &pe):
		return &ParamError{pe.Param, pe.Reason}
	case errors.As(err, &ue):
		return importFileError(ue.err)
	case errors.Is(err, store.ErrNotFound):
		return &NotFoundError{What: "layer", Name: layer}
	}
	return err
}

// importRefusal is the 422 answer: a problem that carries the whole report.
type importRefusal struct {
	Problem
	Report importAnswer `json:"report"`
}

func writeImportRefused(w http.ResponseWriter, r *http.Request, a importAnswer) {
	p := Problem{Type: "/problems/import-refused", Title: "Import refused", Status: http.StatusUnprocessableEntity,
		Detail:   fmt.Sprintf("nothing was written: %d features have problems", a.Rejected),
		Instance: r.URL.Path, RequestID: middleware.GetReqID(r.Context())}
	w.Header().Set("Content-Type", mediaProblem)
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(importRefusal{Problem: p, Report: a})
}
