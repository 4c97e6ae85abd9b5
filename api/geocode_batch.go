package api

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"bandoso/geocode"
)

// Batch geocoding: POST /v1/geocode/batch with a CSV file, answered as CSV, row by row.
const batchPath = "/v1/geocode/batch"

// batchColumns are added after the input's columns.
var batchColumns = []string{"status", "kind", "score", "lon", "lat", "label", "registry_code", "plus_code", "ward_code", "old_ward_code",
	"confidence", "reason"}

// handleGeocodeBatch answers each row of a CSV upload (see serveBatch) with its best
// candidate. A row the geocoder cannot answer gets status "not found".
func (s *Server) handleGeocodeBatch(w http.ResponseWriter, r *http.Request) error {
	hidden, err := s.hiddenLayers(r)
	if err != nil {
		return err
	}
	g := s.Geocoder.ForBatch()
	return s.serveBatch(w, r, batchSpec{what: "batch geocoding", filename: "geocoded.csv", columns: batchColumns,
		answer: func(ctx context.Context, text string) ([]string, error) { return geocodeRow(ctx, g, text, hidden) }})
}

// geocodeRow geocodes one row's address with g into the added columns. Nothing comes from the
// layers in hidden.
func geocodeRow(ctx context.Context, g *geocode.Geocoder, text string, hidden map[string]bool) ([]string, error) {
	result := make([]string, len(batchColumns))
	ans, err := g.Geocode(ctx, geocode.Request{Text: text, Limit: 1, Omit: omittedKinds(hidden)})
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
	res := withoutHiddenResult(ans.Results[0], hidden)
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
