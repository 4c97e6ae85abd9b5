package api

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"bandoso/catalog"
	"bandoso/cql2"
	"bandoso/geo"
	"bandoso/store"
)

// OGC API – Features Part 3: filter, filter-lang and filter-crs on items, the queryables of
// each collection and the functions filters may call.

const (
	paramFilter     = "filter"
	paramFilterLang = "filter-lang"
	paramFilterCRS  = "filter-crs"
	// geometryQueryable is the name filters use for a collection's geometry.
	geometryQueryable = store.GeometryQueryable
)

// parseFilter reads the filter parameters of an items request into q and checks the filter
// against the collection's queryables.
func parseFilter(values map[string][]string, q *store.FeatureQuery) error {
	get := func(name string) string {
		if v := values[name]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	text, lang, crs := get(paramFilter), get(paramFilterLang), get(paramFilterCRS)
	if text == "" {
		if lang != "" || crs != "" {
			name := paramFilterLang
			if crs != "" {
				name = paramFilterCRS
			}
			return &ParamError{Param: name, Reason: "given without filter"}
		}
		return nil
	}
	if crs != "" {
		c, ok := geo.ParseCRS(crs)
		if !ok || c.LatFirst {
			return &ParamError{Param: paramFilterCRS, Reason: fmt.Sprintf("%q is not a supported CRS for filters; use CRS84 or a projected CRS of the collection's list", crs)}
		}
		q.FilterSRID = c.SRID
	}
	var expr cql2.Expr
	var err error
	switch lang {
	case "", "cql2-text":
		expr, err = cql2.ParseText(text)
	case "cql2-json":
		expr, err = cql2.ParseJSON([]byte(text))
	default:
		return &ParamError{Param: paramFilterLang, Reason: fmt.Sprintf("%q is not a filter language; use cql2-text or cql2-json", lang)}
	}
	if err == nil {
		q.Filter = expr
		err = q.CheckFilter()
	}
	var ce *cql2.Error
	if errors.As(err, &ce) {
		return &ParamError{Param: paramFilter, Reason: strings.TrimPrefix(ce.Error(), "cql2: ")}
	}
	return err
}

// handleQueryables serves GET /ogc/collections/{collectionId}/queryables: a JSON Schema of
// what filters may name (Part 3 §6.2).
func (s *Server) handleQueryables(w http.ResponseWriter, r *http.Request) error {
	if err := s.checkFormat(r); err != nil {
		return err
	}
	l, err := s.collectionLayer(r)
	if err != nil {
		return err
	}
	q := queryables(r, l)
	if s.html(w, r, mediaJSONSchema, mediaJSON) {
		return s.queryablesPage(w, r, l, q)
	}
	return s.writeDocument(w, r, mediaJSONSchema, q)
}

const mediaJSONSchema = "application/schema+json"

func queryables(r *http.Request, l *catalog.Layer) map[string]any {
	row := l.LayerRow
	props := map[string]any{geometryQueryable: map[string]any{
		"title": "geometry", "format": "geometry-" + strings.ToLower(row.GeometryType)}}
	for i, f := range row.Fields {
		p := columnSchema(row.FieldTypes[i])
		p["title"] = f
		props[f] = p
	}
	return map[string]any{
		"$schema":              "https://json-schema.org/draft/2020-12/schema",
		"$id":                  externalBase(r) + ogcPrefix + "/collections/" + l.Name + "/queryables",
		"type":                 "object",
		"title":                l.Title,
		"properties":           props,
		"additionalProperties": false,
	}
}

// handleFunctions serves GET /ogc/functions: the functions filters may call beyond CQL2's
// own, such as S_DWITHIN.
func (s *Server) handleFunctions(w http.ResponseWriter, r *http.Request) error {
	return s.writeDocument(w, r, mediaJSON, map[string]any{"functions": cql2.Functions})
}
