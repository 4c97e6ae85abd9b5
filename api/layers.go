package api

import (
	"net/http"
	"time"

	"github.com/hashicorp/golang-lru/v2/expirable"
	"github.com/paulmach/orb/geojson"

	"bandoso/catalog"
	"bandoso/store"
)

// paramLayer is the {layer} path parameter of /v1/layers/{layer}….
const paramLayer = "layer"

// layerStatsTTL is how long a layer's feature count and data time are reused: counting a
// million parcels takes a fraction of a second.
const layerStatsTTL = 30 * time.Second

// catalogMaxBytes bounds the body of PATCH /v1/layers/{layer}.
const catalogMaxBytes = 64 << 10

type layerStatsCache = expirable.LRU[string, store.LayerStats]

// catalogEntry is one layer of GET /v1/layers.
type catalogEntry struct {
	Name         string         `json:"name"`
	Title        string         `json:"title"`
	Description  string         `json:"description"`
	Source       string         `json:"source"`
	Licence      string         `json:"licence"`
	Synthetic    bool           `json:"synthetic"`
	Public       bool           `json:"public"`
	GeometryType string         `json:"geometry_type"`
	Fields       []catalogField `json:"fields"`
	MinZoom      int            `json:"min_zoom"`
	MaxZoom      int            `json:"max_zoom"`
	// UpdatedAt is the later of the catalog entry's change and its data's.
	UpdatedAt    time.Time    `json:"updated_at"`
	FeatureCount int64        `json:"feature_count"`
	Extent       geojson.BBox `json:"extent"`
	Links        []link       `json:"links"`
}

type catalogField struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// handleLayers serves GET /v1/layers: the catalog, restricted layers only with a key.
func (s *Server) handleLayers(w http.ResponseWriter, r *http.Request) error {
	layers, err := s.visibleLayers(r)
	if err != nil {
		return err
	}
	entries := make([]catalogEntry, 0, len(layers))
	for _, l := range layers {
		e, err := s.catalogEntry(r, l)
		if err != nil {
			return err
		}
		entries = append(entries, e)
	}
	return writeJSON(w, mediaJSON, map[string]any{"layers": entries})
}

// handleLayer serves GET /v1/layers/{layer}.
func (s *Server) handleLayer(w http.ResponseWriter, r *http.Request) error {
	l, err := s.layer(r, pathParam(r, paramLayer))
	if err != nil {
		return err
	}
	return s.writeCatalogEntry(w, r, l)
}

func (s *Server) writeCatalogEntry(w http.ResponseWriter, r *http.Request, l *catalog.Layer) error {
	e, err := s.catalogEntry(r, l)
	if err != nil {
		return err
	}
	return writeJSON(w, mediaJSON, e)
}

// layerPatch is the body of PATCH /v1/layers/{layer}: the members to change.
type layerPatch struct {
	Title       *string `json:"title"`
	Description *string `json:"description"`
	Source      *string `json:"source"`
	Licence     *string `json:"licence"`
	Public      *bool   `json:"public"`
}

// handlePatchLayer serves PATCH /v1/layers/{layer}: an admin changes the layer's title,
// description, source, licence or whether it is public. Every instance reads the catalog
// again; the change is in the audit log.
func (s *Server) handlePatchLayer(w http.ResponseWriter, r *http.Request) error {
	key, err := s.need(r, store.RoleAdmin)
	if err != nil {
		return err
	}
	name := pathParam(r, paramLayer)
	if _, err := s.Catalog.Layer(r.Context(), name); err != nil {
		return err
	}
	var p layerPatch
	if err := decodeBody(w, r, catalogMaxBytes, &p); err != nil {
		return err
	}
	if p.Title != nil && *p.Title == "" {
		return &ParamError{"title", "a layer needs a title"}
	}
	err = s.DB.UpdateLayer(r.Context(), name, store.LayerPatch{Title: p.Title, Description: p.Description,
		Source: p.Source, Licence: p.Licence, Public: p.Public}, key.Actor())
	if err != nil {
		return err
	}
	s.caughtUp(r)
	s.Catalog.Reload() // also without a change hub
	l, err := s.Catalog.Layer(r.Context(), name)
	if err != nil {
		return err
	}
	return s.writeCatalogEntry(w, r, l)
}

func (s *Server) catalogEntry(r *http.Request, l *catalog.Layer) (catalogEntry, error) {
	e := catalogEntry{Name: l.Name, Title: l.Title, Description: l.Description, Source: l.Source,
		Licence: l.Licence, Synthetic: l.Synthetic, Public: l.Public, GeometryType: l.GeometryType,
		MinZoom: l.MinZoom, MaxZoom: l.MaxZoom, UpdatedAt: l.UpdatedAt, Fields: []catalogField{}}
	for i, f := range l.Fields {
		e.Fields = append(e.Fields, catalogField{f, l.FieldTypes[i]})
	}
	st, ok := s.layerStats.Get(l.Name)
	if !ok {
		var err error
		if st, err = s.DB.LayerStats(r.Context(), l.LayerRow); err != nil {
			return e, err
		}
		s.layerStats.Add(l.Name, st)
	}
	e.FeatureCount = st.Features
	if st.DataUpdated != nil && st.DataUpdated.After(e.UpdatedAt) {
		e.UpdatedAt = *st.DataUpdated
	}
	b, ok, err := s.Catalog.Bounds(r.Context(), l)
	if err != nil {
		return e, err
	}
	if ok {
		e.Extent = geojson.NewBBox(b)
	}
	base := externalBase(r)
	e.Links = []link{
		{Href: base + "/v1/layers/" + l.Name, Rel: relSelf, Type: mediaJSON, Title: l.Title},
		{Href: base + "/tiles/" + l.Name + ".json", Rel: "describedby", Type: mediaTileJSON, Title: "TileJSON"},
		{Href: base + ogcPrefix + "/collections/" + l.Name + "/items", Rel: relItems, Type: mediaGeoJSON, Title: "features"},
		{Href: base + "/v1/layers/" + l.Name + downloadSuffix, Rel: relEnclosure, Type: mediaGeoJSON, Title: "every feature as one file (f=geojson, csv or gpkg)"},
	}
	return e, nil
}
