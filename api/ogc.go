package api

import (
	"errors"
	"net/http"
	"slices"

	"github.com/go-chi/chi/v5"
	"github.com/paulmach/orb/geojson"

	"bandoso/catalog"
	"bandoso/cql2"
	"bandoso/geo"
)

// The OGC API under /ogc: the landing page, conformance and collections of OGC API – Common,
// with what OGC API – Tiles (ogc_tiles.go) and Features (ogc_features.go, ogc_filter.go) add
// to them.

// link is an OGC API link (OGC API – Common §8.2, after RFC 8288).
type link struct {
	Href      string `json:"href"`
	Rel       string `json:"rel"`
	Type      string `json:"type,omitempty"`
	Title     string `json:"title,omitempty"`
	Templated bool   `json:"templated,omitempty"`
}

// ogcConformance lists the conformance classes the /ogc API implements in full, CQL2's
// (package cql2) last.
var ogcConformance = slices.Concat([]string{
	"http://www.opengis.net/spec/ogcapi-common-1/1.0/conf/core",
	"http://www.opengis.net/spec/ogcapi-common-1/1.0/conf/landing-page",
	"http://www.opengis.net/spec/ogcapi-common-1/1.0/conf/json",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
	"http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
	"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
	"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
	"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
	"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters",
	"http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/core",
	"http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/tileset",
	"http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/tilesets-list",
	"http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/dataset-tilesets",
	"http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/geodata-tilesets",
	"http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/mvt",
	"http://www.opengis.net/spec/tms/2.0/conf/tilematrixset",
	"http://www.opengis.net/spec/tms/2.0/conf/json-tilematrixset",
}, cql2.Conformance)

// ogcRoutes adds the /ogc routes but the features' (ogcFeatureRoutes), which query the
// database and go behind the gate, and the tiles' (ogcTileRoutes). Collections are the
// catalog's layers.
func (s *Server) ogcRoutes(r chi.Router) {
	r.Get(ogcPrefix, s.h(s.handleOGCLanding))
	r.Get(ogcPrefix+"/", s.h(s.handleOGCLanding))
	r.Get(ogcPrefix+"/conformance", s.h(s.handleOGCConformance))
	r.Get(ogcPrefix+"/api", s.h(s.handleOpenAPI))
	r.Get(ogcPrefix+"/collections", s.h(s.handleCollections))
	r.Get(ogcPrefix+"/collections/{collectionId}", s.h(s.handleCollection))
}

const (
	ogcTitle       = "bandoso"
	ogcDescription = "The city's open geospatial data: land parcels, planning, streets, addresses and administrative units."
)

// handleOGCLanding serves GET /ogc: the landing page, links to everything else.
func (s *Server) handleOGCLanding(w http.ResponseWriter, r *http.Request) error {
	if err := s.checkFormat(r); err != nil {
		return err
	}
	base := externalBase(r) + ogcPrefix
	links := []link{
		{Href: base, Rel: relSelf, Type: mediaJSON, Title: "this document"},
		htmlLink(base, "this document as HTML"),
		{Href: base + "/api", Rel: relServiceDesc, Type: mediaOpenAPI, Title: "the API definition (OpenAPI 3.0)"},
		{Href: externalBase(r) + apiPagePath, Rel: relServiceDoc, Type: "text/html", Title: "the API reference"},
		{Href: base + "/conformance", Rel: relConformance, Type: mediaJSON, Title: "conformance classes implemented"},
		{Href: base + "/conformance", Rel: relOGCConformance, Type: mediaJSON, Title: "conformance classes implemented"},
		{Href: base + "/collections", Rel: relData, Type: mediaJSON, Title: "collections"},
		{Href: base + "/tileMatrixSets", Rel: relTilingSchemes, Type: mediaJSON, Title: "tile matrix sets"},
		{Href: base + "/tiles", Rel: relTilesetsVector, Type: mediaJSON, Title: "vector tiles of every collection"},
		{Href: externalBase(r) + catalogPath, Rel: relDescribedBy, Type: mediaJSONLD, Title: "the open-data catalog (DCAT), with each layer's downloads"},
	}
	if s.html(w, r) {
		return s.landingPage(w, r, links)
	}
	return s.writeDocument(w, r, mediaJSON, map[string]any{"title": ogcTitle, "description": ogcDescription, "links": links})
}

// handleOGCConformance serves GET /ogc/conformance.
func (s *Server) handleOGCConformance(w http.ResponseWriter, r *http.Request) error {
	if err := s.checkFormat(r); err != nil {
		return err
	}
	if s.html(w, r) {
		return s.conformancePage(w, r)
	}
	return s.writeDocument(w, r, mediaJSON, map[string]any{"conformsTo": ogcConformance})
}

// collection is a collection's description (OGC API – Common Part 2, collection.yaml).
type collection struct {
	ID          string   `json:"id"`
	Title       string   `json:"title"`
	Description string   `json:"description,omitempty"`
	Attribution string   `json:"attribution,omitempty"`
	Extent      *extent  `json:"extent,omitempty"`
	ItemType    string   `json:"itemType,omitempty"`
	CRS         []string `json:"crs,omitempty"`
	StorageCRS  string   `json:"storageCrs,omitempty"`
	Links       []link   `json:"links"`
}

// crsURIs lists the CRSs items can be asked in (OGC API – Features Part 2).
func crsURIs() []string {
	out := make([]string, len(geo.CRSs))
	for i, c := range geo.CRSs {
		out[i] = c.URI
	}
	return out
}

type extent struct {
	Spatial struct {
		BBox []geojson.BBox `json:"bbox"`
		CRS  string         `json:"crs"`
	} `json:"spatial"`
}

// handleCollections serves GET /ogc/collections: every public layer.
func (s *Server) handleCollections(w http.ResponseWriter, r *http.Request) error {
	if err := s.checkFormat(r); err != nil {
		return err
	}
	layers, err := s.visibleLayers(r)
	if err != nil {
		return err
	}
	base := externalBase(r) + ogcPrefix
	list := make([]collection, 0, len(layers))
	for _, l := range layers {
		c, err := s.collection(r, l)
		if err != nil {
			return err
		}
		list = append(list, c)
	}
	if s.html(w, r) {
		return s.collectionsPage(w, r, list)
	}
	return s.writeDocument(w, r, mediaJSON, map[string]any{
		"links": []link{{Href: base + "/collections", Rel: relSelf, Type: mediaJSON},
			htmlLink(base+"/collections", "this document as HTML")},
		"collections": list,
	})
}

// handleCollection serves GET /ogc/collections/{collectionId}.
func (s *Server) handleCollection(w http.ResponseWriter, r *http.Request) error {
	if err := s.checkFormat(r); err != nil {
		return err
	}
	l, err := s.collectionLayer(r)
	if err != nil {
		return err
	}
	c, err := s.collection(r, l)
	if err != nil {
		return err
	}
	if s.html(w, r) {
		return s.collectionPage(w, r, l, c)
	}
	return s.writeDocument(w, r, mediaJSON, c)
}

// collection describes layer l, as itself and as an entry of the list.
func (s *Server) collection(r *http.Request, l *catalog.Layer) (collection, error) {
	href := externalBase(r) + ogcPrefix + "/collections/" + l.Name
	c := collection{ID: l.Name, Title: l.Title, Description: l.Description, Attribution: layerCredit(l),
		Links: []link{
			{Href: href, Rel: relSelf, Type: mediaJSON, Title: l.Title},
			htmlLink(href, l.Title+" as HTML"),
			{Href: href + "/tiles", Rel: relTilesetsVector, Type: mediaJSON, Title: "vector tiles"},
			{Href: href + "/items", Rel: relItems, Type: mediaGeoJSON, Title: "features"},
			{Href: href + "/items?f=csv", Rel: relItems, Type: mediaCSV, Title: "features as CSV"},
			{Href: href + "/queryables", Rel: relQueryables, Type: mediaJSONSchema, Title: "what filters may name"},
		},
		ItemType: "feature", CRS: crsURIs(), StorageCRS: geo.CRS84}
	b, ok, err := s.layersBound(r.Context(), []*catalog.Layer{l})
	if err != nil || !ok {
		return c, err
	}
	c.Extent = &extent{}
	c.Extent.Spatial.BBox = []geojson.BBox{geojson.NewBBox(b)}
	c.Extent.Spatial.CRS = crsCRS84
	return c, nil
}

// collectionLayer resolves the {collectionId} path parameter; an unknown one is 404.
func (s *Server) collectionLayer(r *http.Request) (*catalog.Layer, error) {
	name := pathParam(r, paramCollectionID)
	l, err := s.layer(r, name)
	if errors.Is(err, catalog.ErrUnknownLayer) {
		return nil, &NotFoundError{What: "collection", Name: name}
	}
	return l, err
}
