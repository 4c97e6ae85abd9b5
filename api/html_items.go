package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"

	"bandoso/catalog"
	"bandoso/geo"
	"bandoso/store"
)

// The HTML pages of features: a page of a collection's items, as a table and on a map, and
// one item. They show what the GeoJSON shows for the same query: the same features in the
// same order, with the same next and previous pages.

// htmlItemsMaxLimit caps the features of one HTML page: it is made in memory (the GeoJSON
// is streamed), and a person reads no more. Its next link goes on from where it stops.
const htmlItemsMaxLimit = 1000

// pageFeature is a feature as the pages show it.
type pageFeature struct {
	ID    string
	Href  string // its page
	Cells []string
}

// featureJSON is what the pages read of a feature the database wrote as GeoJSON.
type featureJSON struct {
	ID         json.Number    `json:"id"`
	Properties map[string]any `json:"properties"`
}

func decodeFeature(raw []byte) (featureJSON, error) {
	var f featureJSON
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber() // numbers as the database wrote them
	err := dec.Decode(&f)
	return f, err
}

// cell is a property value as a table shows it: text as it is, anything else as JSON.
func cell(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case json.Number:
		return v.String()
	}
	b, _ := jsonMarshal(v)
	return string(b)
}

// itemsView is the body of the items page.
type itemsView struct {
	Columns  []string
	Features []pageFeature
	Matched  int64 // -1 when not counted (pages after the first, or past the count's cap)
	// Uncounted is the count's cap when a first page found more matches than it, else 0.
	Uncounted int
	Capped    int // the cap on the page's features when it lowered limit, else 0
	Next      string
	Prev      string
}

// itemsPage serves a page of features as HTML: the query req runs as for the GeoJSON.
func (s *Server) itemsPage(w http.ResponseWriter, r *http.Request, l *catalog.Layer, req itemRequest) error {
	capped := 0
	if req.q.Limit > htmlItemsMaxLimit {
		req.q.Limit, capped = htmlItemsMaxLimit, htmlItemsMaxLimit
	}
	var raws [][]byte
	result, err := s.DB.Features(r.Context(), req.q, store.FormatGeoJSON, func(cols [][]byte) error {
		raws = append(raws, bytes.Clone(cols[0]))
		return nil
	})
	if err != nil {
		return err
	}
	href := externalBase(r) + ogcPrefix + "/collections/" + l.Name
	v := itemsView{Columns: req.q.OutFields(), Matched: result.Matched, Capped: capped}
	if result.Matched < 0 && req.q.After == nil && req.q.Before == nil {
		v.Uncounted = store.DefaultMatchedCap
	}
	for _, raw := range raws {
		f, err := decodeFeature(raw)
		if err != nil {
			return fmt.Errorf("items page: %w", err)
		}
		pf := pageFeature{ID: f.ID.String(), Href: href + "/items/" + f.ID.String() + "?f=html"}
		for _, c := range v.Columns {
			pf.Cells = append(pf.Cells, cell(f.Properties[c]))
		}
		v.Features = append(v.Features, pf)
	}
	p := page{Title: "Items of " + l.Title, Description: fmt.Sprintf("The features of the collection %s, a page at a time.", l.Name),
		Crumbs: append(ogcCrumbs(r), link{Href: href + "?f=html", Title: l.Title}), Body: &v}
	for _, k := range itemLinks(r, l, result) {
		switch {
		case k.Rel == relNext:
			v.Next = withFormat(k.Href, formatHTML)
		case k.Rel == relPrev:
			v.Prev = withFormat(k.Href, formatHTML)
		}
	}
	p.Formats = []link{alternate(r, formatJSON, mediaGeoJSON, "GeoJSON"), alternate(r, "csv", mediaCSV, "CSV")}
	if req.crs.URI == geo.CRS84 {
		p.Map = s.newPageMap(r, href+"/items", joinFeatures(raws))
	}
	w.Header().Set("Cache-Control", "public, max-age=60")
	return s.writePage(w, r, "items", pageCSP, p)
}

// joinFeatures joins features written as GeoJSON into a FeatureCollection.
func joinFeatures(features [][]byte) json.RawMessage {
	return json.RawMessage(`{"type":"FeatureCollection","features":[` + string(bytes.Join(features, []byte(","))) + `]}`)
}

// itemView is the body of an item's page.
type itemView struct {
	ID         string
	Properties [][2]string // name, value
	Items      string      // the collection's items page
}

// itemPage serves one feature, written by the database as GeoJSON in crs c, as HTML.
func (s *Server) itemPage(w http.ResponseWriter, r *http.Request, l *catalog.Layer, c geo.CRS, id string, raw []byte) error {
	f, err := decodeFeature(raw)
	if err != nil {
		return fmt.Errorf("item page: %w", err)
	}
	// the layer's fields in order, then whatever else the feature has
	names := slices.Clone(l.Fields)
	var extra []string
	for k := range f.Properties {
		if !slices.Contains(names, k) {
			extra = append(extra, k)
		}
	}
	slices.Sort(extra)
	href := externalBase(r) + ogcPrefix + "/collections/" + l.Name
	v := itemView{ID: id, Items: href + "/items?f=html"}
	for _, k := range append(names, extra...) {
		if val, ok := f.Properties[k]; ok {
			v.Properties = append(v.Properties, [2]string{k, cell(val)})
		}
	}
	p := page{Title: "Feature " + id, Description: "A feature of the collection " + l.Title + ".",
		Crumbs:  append(ogcCrumbs(r), link{Href: href + "?f=html", Title: l.Title}, link{Href: v.Items, Title: "Items"}),
		Formats: []link{alternate(r, formatJSON, mediaGeoJSON, "GeoJSON")}, Body: &v}
	if c.URI == geo.CRS84 {
		p.Map = s.newPageMap(r, href+"/items", joinFeatures([][]byte{raw}))
	}
	w.Header().Set("Cache-Control", "public, max-age=60")
	return s.writePage(w, r, "item", pageCSP, p)
}
