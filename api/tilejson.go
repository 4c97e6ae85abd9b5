package api

import (
	"context"
	"math"
	"net/http"
	"slices"
	"strings"

	"bandoso/archive"
	"bandoso/catalog"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"

	"bandoso/geo"
)

// tileJSON is a TileJSON 3.0.0 document (github.com/mapbox/tilejson-spec, 3.0.0).
type tileJSON struct {
	TileJSON     string        `json:"tilejson"`
	Name         string        `json:"name"`
	Description  string        `json:"description,omitempty"`
	Version      string        `json:"version"`
	Attribution  string        `json:"attribution,omitempty"`
	Scheme       string        `json:"scheme"`
	Tiles        []string      `json:"tiles"`
	MinZoom      int           `json:"minzoom"`
	MaxZoom      int           `json:"maxzoom"`
	Bounds       []float64     `json:"bounds,omitempty"`
	Center       []float64     `json:"center,omitempty"`
	VectorLayers []vectorLayer `json:"vector_layers"`
}

// vectorLayer is one layer of vector_layers, as archives store it too.
type vectorLayer = archive.VectorLayer

// mediaTileJSON: TileJSON has no registered media type; it is JSON.
const mediaTileJSON = mediaJSON

// attributionSynthetic credits layers whose rows were generated.
const attributionSynthetic = catalog.AttributionSynthetic

// handleTileJSON serves GET /tiles/{layers}.json: the TileJSON of the tiles holding the
// named layers, for MapLibre sources and other clients.
func (s *Server) handleTileJSON(w http.ResponseWriter, r *http.Request) error {
	layers, err := s.tileLayers(r)
	if err != nil {
		return err
	}
	names := make([]string, len(layers))
	for i, l := range layers {
		names[i] = l.Name
	}
	base := externalBase(r)
	doc := tileJSON{TileJSON: "3.0.0", Name: strings.Join(names, ","), Version: "1.0.0", Scheme: "xyz",
		Tiles:   []string{base + "/tiles/" + strings.Join(names, ",") + "/{z}/{x}/{y}.mvt"},
		MinZoom: geo.MaxZoom}
	var credits []string
	for _, l := range layers {
		doc.MinZoom = min(doc.MinZoom, l.MinZoom)
		doc.MaxZoom = max(doc.MaxZoom, l.MaxZoom)
		doc.VectorLayers = append(doc.VectorLayers, vectorLayer{ID: l.Name, Description: l.Title + ": " + l.Description,
			MinZoom: l.MinZoom, MaxZoom: l.MaxZoom, Fields: l.TileFieldKinds()})
		credits = appendNew(credits, layerCredit(l))
	}
	if len(layers) == 1 {
		doc.Description = layers[0].Description
	}
	doc.Attribution = strings.Join(credits, "; ")
	bound, ok, err := s.layersBound(r.Context(), layers)
	if err != nil {
		return err
	}
	if ok {
		c := bound.Center()
		doc.Bounds = geojson.NewBBox(bound)
		doc.Center = []float64{round6(c[0]), round6(c[1]), float64(min(max(fitZoom(bound), doc.MinZoom), doc.MaxZoom))}
	}
	return s.writeDocument(w, r, mediaTileJSON, doc)
}

// tileLayers resolves the {layers} path parameter, a comma-separated list of layer names,
// to catalog layers in the order named, without repeats. An unknown name is a 404 naming it
// (problemOf).
func (s *Server) tileLayers(r *http.Request) ([]*catalog.Layer, error) {
	var out []*catalog.Layer
	seen := map[string]bool{}
	for _, n := range strings.Split(pathParam(r, paramLayers), ",") {
		l, err := s.layer(r, n)
		if err != nil {
			return nil, err
		}
		if !seen[n] {
			seen[n] = true
			out = append(out, l)
		}
	}
	return out, nil
}

// layerCredit is what a layer's attribution says (catalog.Layer.Credit).
func layerCredit(l *catalog.Layer) string { return l.Credit() }

func appendNew(list []string, s string) []string {
	if s == "" || slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

// layersBound is the extent of the features of layers together, in degrees; ok is false
// when every one is empty.
func (s *Server) layersBound(ctx context.Context, layers []*catalog.Layer) (bound orb.Bound, ok bool, err error) {
	for _, l := range layers {
		lb, has, err := s.Catalog.Bounds(ctx, l)
		if err != nil {
			return orb.Bound{}, false, err
		}
		if !has {
			continue
		}
		if ok {
			bound = bound.Union(lb)
		} else {
			bound, ok = lb, true
		}
	}
	return bound, ok, nil
}

// fitZoom is the deepest zoom at which b fits in one tile, which MapLibre draws 512 pixels
// wide: a sensible zoom to open a map on. Web Mercator stretches latitude, so b is measured
// as a fraction of the projected world.
func fitZoom(b orb.Bound) int {
	nw, se := maptile.Fraction(b.LeftTop(), 0), maptile.Fraction(b.RightBottom(), 0)
	span := max(se[0]-nw[0], se[1]-nw[1])
	if span <= 0 {
		return geo.MaxZoom
	}
	return int(math.Floor(math.Log2(1 / span)))
}

func round6(v float64) float64 { return math.Round(v*1e6) / 1e6 }
