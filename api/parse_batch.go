package api

import (
	"context"
	"net/http"
	"strings"
)

// parseBatchColumns are added after the input's columns by POST /v1/parse/batch.
var parseBatchColumns = []string{"status", "house_number", "street", "ward_new_code", "ward_new", "province_new_code",
	"province_new", "ward_old_code", "ward_old", "district_old_code", "district_old", "standard", "warnings"}

// handleParseBatch answers each row of a CSV upload (see serveBatch) as GET /v1/parse does,
// flat: status "ok" with the standard form, "ambiguous" when the address names a ward whose
// unit of today is not decided, "invalid: …" for text that cannot be read.
func (s *Server) handleParseBatch(w http.ResponseWriter, r *http.Request) error {
	hidden, err := s.hiddenLayers(r)
	if err != nil {
		return err
	}
	return s.serveBatch(w, r, batchSpec{what: "batch parsing", filename: "standardized.csv", columns: parseBatchColumns,
		answer: func(ctx context.Context, text string) ([]string, error) { return s.parseRow(ctx, text, hidden) }})
}

func (s *Server) parseRow(ctx context.Context, text string, hidden map[string]bool) ([]string, error) {
	if text == "" {
		row := make([]string, len(parseBatchColumns))
		row[0] = "invalid: empty"
		return row, nil
	}
	a, err := s.standardize(ctx, text, hidden)
	if err != nil {
		return nil, err
	}
	status, standard := "ambiguous", ""
	if a.Standard != nil {
		status, standard = "ok", *a.Standard
	}
	warnings := make([]string, len(a.Warnings))
	for i, w := range a.Warnings {
		warnings[i] = w.Code + ": " + w.Message
	}
	str := func(s *string) string {
		if s == nil {
			return ""
		}
		return *s
	}
	unit := func(u *unitJSON) (string, string) {
		if u == nil {
			return "", ""
		}
		return u.Code, u.Name
	}
	row := []string{status, str(a.Components.HouseNumber), str(a.Components.Street)}
	for _, u := range []*unitJSON{a.Units.New.Ward, a.Units.New.Province, a.Units.Old.Ward, a.Units.Old.District} {
		code, name := unit(u)
		row = append(row, code, name)
	}
	return append(row, standard, strings.Join(warnings, "; ")), nil
}
