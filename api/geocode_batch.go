package api

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"bandoso/address"
	"bandoso/geocode"
)

// Batch geocoding: POST /v1/geocode/batch with a CSV file, answered as CSV, row by row.
const (
	batchPath = "/v1/geocode/batch"
	// defaultBatchMaxBytes bounds an uploaded file; rows past it get an error row.
	defaultBatchMaxBytes = 64 << 20
	// defaultBatchTimeout bounds the whole request; each row has batchRowTimeout.
	defaultBatchTimeout = 15 * time.Minute
	batchRowTimeout     = 5 * time.Second
	// batchFlushRows is how often the answer is pushed to the client.
	batchFlushRows = 200
	paramColumn    = "column"
)

// batchColumns are added after the input's columns.
var batchColumns = []string{"status", "kind", "score", "lon", "lat", "label", "registry_code", "plus_code", "ward_code", "old_ward_code",
	"confidence", "reason"}

// addressHeaders are header names taken as the address column, folded, when ?column= is not
// given; otherwise the first column is.
var addressHeaders = []string{"address", "dia chi", "dia_chi", "diachi", "q", "full_address"}

// handleGeocodeBatch reads a CSV upload (the body as text/csv, or the field "file" of a
// multipart form) whose first row is a header, and answers each row with its best candidate,
// as CSV in the same order, streamed: the file is never held whole in memory. A row the
// geocoder cannot answer gets status "not found"; a broken file ends with an "error" row.
func (s *Server) handleGeocodeBatch(w http.ResponseWriter, r *http.Request) error {
	hidden, err := s.hiddenLayers(r)
	if err != nil {
		return err
	}
	rc := http.NewResponseController(w)
	_ = rc.SetReadDeadline(time.Now().Add(s.BatchTimeout))
	_ = rc.SetWriteDeadline(time.Now().Add(s.BatchTimeout))
	body, err := batchBody(w, r, s.BatchMaxBytes)
	if err != nil {
		return err
	}
	in := csv.NewReader(body)
	in.FieldsPerRecord, in.LazyQuotes, in.ReuseRecord = -1, true, true
	header, err := in.Read()
	if errors.Is(err, io.EOF) {
		return &ParamError{"file", "empty: want a header row, then one address per row"}
	}
	if err != nil {
		return &ParamError{"file", "not CSV: " + err.Error()}
	}
	header = slices.Clone(header)
	col, err := addressColumn(header, r.URL.Query().Get(paramColumn))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="geocoded.csv"`)
	out := csv.NewWriter(w)
	if err := out.Write(append(header, batchColumns...)); err != nil {
		return nil // the client went away
	}
	for n := 1; ; n++ {
		row, err := in.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			loggerFrom(r.Context(), s.Log).Info("batch geocoding stopped", "row", n, "err", err)
			_ = out.Write(errorRow(len(header), batchError(err)))
			break
		}
		result, err := s.batchRow(r.Context(), row, col, hidden)
		if r.Context().Err() != nil {
			return nil
		}
		if err != nil && n == 1 {
			return err // nothing has been sent but the buffered header: a problem answer
		}
		if err != nil {
			loggerFrom(r.Context(), s.Log).Warn("batch geocoding stopped", "row", n, "err", err)
			_ = out.Write(errorRow(len(header), "the database failed; the rows before this one are answered"))
			break
		}
		line := make([]string, len(header))
		copy(line, row)
		if err := out.Write(append(line, result...)); err != nil {
			return nil
		}
		if n%batchFlushRows == 0 {
			out.Flush()
			_ = rc.Flush()
		}
	}
	out.Flush()
	return nil
}

// batchBody is the CSV file of the request: the body itself, or the "file" part of a
// multipart form, read as a stream, at most max bytes.
func batchBody(w http.ResponseWriter, r *http.Request, max int64) (io.Reader, error) {
	r.Body = http.MaxBytesReader(w, r.Body, max)
	media, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || media != "multipart/form-data" {
		return r.Body, nil
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, &ParamError{"file", "bad multipart form: " + err.Error()}
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil, &ParamError{"file", "the form has no field named file"}
		}
		if err != nil {
			return nil, &ParamError{"file", "bad multipart form: " + err.Error()}
		}
		if part.FormName() == "file" {
			return part, nil
		}
	}
}

// addressColumn is the index of the address column: named by ?column=, else the first header
// that names an address, else the first column.
func addressColumn(header []string, named string) (int, error) {
	if named != "" {
		for i, h := range header {
			if strings.TrimSpace(h) == named {
				return i, nil
			}
		}
		return 0, &ParamError{paramColumn, fmt.Sprintf("the header has no column %q", named)}
	}
	for i, h := range header {
		if slices.Contains(addressHeaders, address.Fold(strings.TrimPrefix(h, "\uFEFF"))) {
			return i, nil
		}
	}
	return 0, nil
}

// batchRow geocodes one row's address into the added columns. Bad or unanswerable text is a
// status, not an error; errors are the database's. Nothing comes from the layers in hidden.
func (s *Server) batchRow(ctx context.Context, row []string, col int, hidden map[string]bool) ([]string, error) {
	result := make([]string, len(batchColumns))
	text := ""
	if col < len(row) {
		text = strings.TrimSpace(row[col])
	}
	if len(text) > maxQueryText {
		result[0] = fmt.Sprintf("invalid: longer than %d bytes", maxQueryText)
		return result, nil
	}
	if !plainText(text) {
		result[0] = "invalid: not UTF-8 text without NUL characters"
		return result, nil
	}
	ctx, cancel := context.WithTimeout(ctx, batchRowTimeout)
	defer cancel()
	ans, err := s.Geocoder.Geocode(ctx, geocode.Request{Text: text, Limit: 1, Omit: omittedKinds(hidden)})
	switch {
	case errors.Is(err, geocode.ErrEmpty):
		result[0] = "invalid: no street or ward"
		return result, nil
	case err != nil:
		return nil, err
	case len(ans.Results) == 0:
		result[0], result[len(result)-1] = "not found", ans.Reason
		return result, nil
	}
	res := withoutHiddenUnits(ans.Results[0], hidden)
	lon, lat := res.Point()
	ward, oldWard := res.Address.Ward.Code, res.Address.OldWard.Code
	if res.Kind != "address" {
		ward, oldWard = res.Place.Ward.Code, res.Place.OldWard.Code
	}
	props := resultFeature(res).Properties
	codes, _ := props["codes"].(addressCodes)
	label, _ := props["label"].(string)
	copy(result, []string{batchStatus(res), res.Kind, strconv.FormatFloat(res.Score, 'f', 3, 64),
		strconv.FormatFloat(lon, 'f', 7, 64), strconv.FormatFloat(lat, 'f', 7, 64),
		label, codes.Registry, codes.PlusCode, ward, oldWard, strconv.FormatFloat(res.Confidence, 'f', 3, 64)})
	return result, nil
}

// batchStatus says how far a row's best candidate answers it: ok (found as asked),
// approximate (a house number placed along its street) or partial (only the street of an
// address, the ward of a street).
func batchStatus(res geocode.Result) string {
	switch {
	case res.Partial:
		return "partial"
	case res.Kind == "interpolated":
		return "approximate"
	}
	return "ok"
}

// errorRow is the last row of an answer cut short: empty input columns, then the reason.
func errorRow(inputs int, reason string) []string {
	row := make([]string, inputs+len(batchColumns))
	row[inputs] = "error: " + reason
	return row
}

func batchError(err error) string {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return fmt.Sprintf("the file is larger than %d bytes; the rows before this one are answered", tooBig.Limit)
	}
	return err.Error()
}
