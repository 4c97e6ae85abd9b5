package api

import (
	"net/http"
	"slices"
	"strings"

	"bandoso/catalog"
)

// The HTML pages of the OGC API's documents: the landing page, conformance, collections, a
// collection and its queryables. Their links lead to the HTML pages of what they link to,
// and to the JSON where a resource has no page (tiles, tile matrix sets, the OpenAPI
// document).

// landingPage is the landing page of links, those with a page leading to it.
func (s *Server) landingPage(w http.ResponseWriter, r *http.Request, links []link) error {
	var body []link
	for _, l := range links {
		switch l.Rel {
		case relSelf, relAlternate, relOGCConformance:
			continue // this page, and conformance twice
		case relConformance, relData:
			l.Href, l.Type = withFormat(l.Href, formatHTML), "text/html"
		}
		l.Title = strings.ToUpper(l.Title[:1]) + l.Title[1:]
		body = append(body, l)
	}
	base := externalBase(r)
	body = append(body, link{Href: base + "/", Type: "text/html", Title: "The map viewer"})
	return s.writePage(w, r, "landing", pageCSP, page{Title: "OGC API", Description: ogcDescription,
		Formats: []link{alternate(r, formatJSON, mediaJSON, "JSON")}, Body: body})
}

// conformancePage lists the conformance classes.
func (s *Server) conformancePage(w http.ResponseWriter, r *http.Request) error {
	base := externalBase(r) + ogcPrefix
	return s.writePage(w, r, "conformance", pageCSP, page{Title: "Conformance",
		Description: "The conformance classes of OGC API standards this service implements.",
		Crumbs:      []link{{Href: base + "?f=html", Title: "OGC API"}},
		Formats:     []link{alternate(r, formatJSON, mediaJSON, "JSON")}, Body: ogcConformance})
}

// collectionView is a collection as its pages show it.
type collectionView struct {
	collection
	Page, Items, Queryables   string // the URLs of its pages
	JSON, GeoJSON, CSV, Tiles string // and of its other formats
	BBox                      []float64
}

func newCollectionView(c collection) collectionView {
	v := collectionView{collection: c}
	for _, l := range c.Links {
		switch {
		case l.Rel == relSelf:
			v.JSON, v.Page = withFormat(l.Href, formatJSON), withFormat(l.Href, formatHTML)
		case l.Rel == relItems && l.Type == mediaGeoJSON:
			v.GeoJSON, v.Items = withFormat(l.Href, formatJSON), withFormat(l.Href, formatHTML)
		case l.Rel == relItems && l.Type == mediaCSV:
			v.CSV = l.Href
		case l.Rel == relQueryables:
			v.Queryables = withFormat(l.Href, formatHTML)
		case l.Rel == relTilesetsVector:
			v.Tiles = l.Href
		}
	}
	if c.Extent != nil && len(c.Extent.Spatial.BBox) > 0 {
		v.BBox = c.Extent.Spatial.BBox[0]
	}
	return v
}

// collectionsPage lists the collections.
func (s *Server) collectionsPage(w http.ResponseWriter, r *http.Request, list []collection) error {
	views := make([]collectionView, len(list))
	for i, c := range list {
		views[i] = newCollectionView(c)
	}
	crumbs := ogcCrumbs(r)
	return s.writePage(w, r, "collections", pageCSP, page{Title: "Collections",
		Description: "The city's layers, each a collection of features.",
		Crumbs:      crumbs[:1], Formats: []link{alternate(r, formatJSON, mediaJSON, "JSON")}, Body: views})
}

// collectionPage describes one collection.
func (s *Server) collectionPage(w http.ResponseWriter, r *http.Request, l *catalog.Layer, c collection) error {
	v := newCollectionView(c)
	return s.writePage(w, r, "collection", pageCSP, page{Title: l.Title, Description: l.Description,
		Crumbs: ogcCrumbs(r), Formats: []link{alternate(r, formatJSON, mediaJSON, "JSON")}, Body: v})
}

// queryable is one row of the queryables page.
type queryable struct{ Name, Type, Format string }

// queryablesView is the body of the queryables page.
type queryablesView struct {
	Rows  []queryable
	Items string // the collection's items page
}

// queryablesPage lists what filters on a collection may name, from its JSON Schema q.
func (s *Server) queryablesPage(w http.ResponseWriter, r *http.Request, l *catalog.Layer, q map[string]any) error {
	props, _ := q["properties"].(map[string]any)
	rows := make([]queryable, 0, len(props))
	for name, p := range props {
		schema, _ := p.(map[string]any)
		typ, _ := schema["type"].(string)
		format, _ := schema["format"].(string)
		rows = append(rows, queryable{Name: name, Type: typ, Format: format})
	}
	slices.SortFunc(rows, func(a, b queryable) int { return strings.Compare(a.Name, b.Name) })
	href := externalBase(r) + ogcPrefix + "/collections/" + l.Name
	crumbs := append(ogcCrumbs(r), link{Href: href + "?f=html", Title: l.Title})
	return s.writePage(w, r, "queryables", pageCSP, page{Title: "Queryables of " + l.Title,
		Description: "The properties a filter (filter, CQL2) may name, with their types.",
		Crumbs:      crumbs, Formats: []link{alternate(r, formatJSON, mediaJSONSchema, "JSON Schema")},
		Body: queryablesView{Rows: rows, Items: href + "/items?f=html"}})
}
