package api

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"
	"github.com/paulmach/orb"

	"bandoso/catalog"
	"bandoso/geo"
)

// OGC API – Tiles 1.0 (OGC 20-057) over the same vector tiles as /tiles: the tile matrix set
// WebMercatorQuad (OGC 17-083r4 JSON encoding), a tileset per collection (geodata tilesets)
// and one of all collections together (dataset tilesets). A tile is addressed
// {tileMatrix}/{tileRow}/{tileCol}, which in WebMercatorQuad is XYZ's z/y/x.

func (s *Server) ogcTileRoutes(r chi.Router) {
	r.Get(ogcPrefix+"/tileMatrixSets", s.h(s.handleTileMatrixSets))
	r.Get(ogcPrefix+"/tileMatrixSets/{tileMatrixSetId}", s.h(s.handleTileMatrixSet))
	r.Get(ogcPrefix+"/tiles", s.h(s.handleDatasetTilesets))
	r.Get(ogcPrefix+"/tiles/{tileMatrixSetId}", s.h(s.handleDatasetTileset))
	r.With(s.within(s.Config.Tiles.Timeout)).Get(ogcPrefix+"/tiles/{tileMatrixSetId}/{tileMatrix}/{tileRow}/{tileCol}", s.h(s.handleDatasetTile))
	r.Get(ogcPrefix+"/collections/{collectionId}/tiles", s.h(s.handleCollectionTilesets))
	r.Get(ogcPrefix+"/collections/{collectionId}/tiles/{tileMatrixSetId}", s.h(s.handleCollectionTileset))
	r.With(s.within(s.Config.Tiles.Timeout)).Get(ogcPrefix+"/collections/{collectionId}/tiles/{tileMatrixSetId}/{tileMatrix}/{tileRow}/{tileCol}", s.h(s.handleCollectionTile))
}

// tmsURI names WebMercatorQuad in the OGC's register of tile matrix sets.
const tmsURI = "http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad"

// tileMatrixSet is the OGC 2D Tile Matrix Set 2.0 JSON encoding (tileMatrixSet.json).
type tileMatrixSet struct {
	ID                string       `json:"id"`
	Title             string       `json:"title"`
	URI               string       `json:"uri"`
	CRS               string       `json:"crs"`
	OrderedAxes       []string     `json:"orderedAxes"`
	WellKnownScaleSet string       `json:"wellKnownScaleSet"`
	BoundingBox       boundingBox  `json:"boundingBox"`
	TileMatrices      []tileMatrix `json:"tileMatrices"`
}

type tileMatrix struct {
	ID               string    `json:"id"`
	ScaleDenominator float64   `json:"scaleDenominator"`
	CellSize         float64   `json:"cellSize"`
	CornerOfOrigin   string    `json:"cornerOfOrigin"`
	PointOfOrigin    orb.Point `json:"pointOfOrigin"`
	TileWidth        int       `json:"tileWidth"`
	TileHeight       int       `json:"tileHeight"`
	MatrixWidth      int       `json:"matrixWidth"`
	MatrixHeight     int       `json:"matrixHeight"`
}

const tmsTitle = "Google Maps Compatible for the World"

// webMercatorQuad is the definition, from geo's tile math.
func webMercatorQuad() tileMatrixSet {
	h := geo.WebMercatorHalfWorldM
	tms := tileMatrixSet{ID: tmsWebMercatorQuad, Title: tmsTitle, URI: tmsURI, CRS: crsEPSG3857,
		OrderedAxes:       []string{"E", "N"},
		WellKnownScaleSet: "http://www.opengis.net/def/wkss/OGC/1.0/GoogleMapsCompatible",
		BoundingBox:       boundingBox{LowerLeft: orb.Point{-h, -h}, UpperRight: orb.Point{h, h}, CRS: crsEPSG3857}}
	for z := 0; z <= geo.MaxZoom; z++ {
		n := geo.MatrixSize(z)
		tms.TileMatrices = append(tms.TileMatrices, tileMatrix{ID: strconv.Itoa(z),
			ScaleDenominator: geo.ScaleDenominator(z), CellSize: geo.CellSizeM(z), CornerOfOrigin: "topLeft",
			PointOfOrigin: orb.Point{-h, h}, TileWidth: geo.TileSizePx, TileHeight: geo.TileSizePx,
			MatrixWidth: n, MatrixHeight: n})
	}
	return tms
}

// handleTileMatrixSets serves GET /ogc/tileMatrixSets: the one set served.
func (s *Server) handleTileMatrixSets(w http.ResponseWriter, r *http.Request) error {
	href := externalBase(r) + ogcPrefix + "/tileMatrixSets"
	return s.writeDocument(w, r, mediaJSON, map[string]any{
		"links": []link{{Href: href, Rel: relSelf, Type: mediaJSON}},
		"tileMatrixSets": []map[string]any{{"id": tmsWebMercatorQuad, "title": tmsTitle, "uri": tmsURI, "crs": crsEPSG3857,
			"links": []link{{Href: href + "/" + tmsWebMercatorQuad, Rel: relTilingScheme, Type: mediaJSON, Title: tmsTitle}}}},
	})
}

// handleTileMatrixSet serves GET /ogc/tileMatrixSets/{tileMatrixSetId}.
func (s *Server) handleTileMatrixSet(w http.ResponseWriter, r *http.Request) error {
	if err := checkTileMatrixSet(r); err != nil {
		return err
	}
	return s.writeDocument(w, r, mediaJSON, webMercatorQuad())
}

// checkTileMatrixSet: only WebMercatorQuad is served; another id is 404.
func checkTileMatrixSet(r *http.Request) error {
	if id := pathParam(r, paramTileMatrixSet); id != tmsWebMercatorQuad {
		return &NotFoundError{What: "tile matrix set", Name: id}
	}
	return nil
}

// tileset is tileset metadata (OGC 17-083r4 §7.2 JSON, OGC 20-057 tileSet.yaml); in a list
// only its summary members are set.
type tileset struct {
	Title            string         `json:"title,omitempty"`
	DataType         string         `json:"dataType"`
	CRS              string         `json:"crs"`
	TileMatrixSetURI string         `json:"tileMatrixSetURI"`
	Links            []link         `json:"links"`
	Limits           []matrixLimits `json:"tileMatrixSetLimits,omitempty"`
	Layers           []tilesetLayer `json:"layers,omitempty"`
	BoundingBox      *boundingBox   `json:"boundingBox,omitempty"`
}

type matrixLimits struct {
	TileMatrix string `json:"tileMatrix"`
	MinTileRow int    `json:"minTileRow"`
	MaxTileRow int    `json:"maxTileRow"`
	MinTileCol int    `json:"minTileCol"`
	MaxTileCol int    `json:"maxTileCol"`
}

type tilesetLayer struct {
	ID                string         `json:"id"`
	Title             string         `json:"title,omitempty"`
	Description       string         `json:"description,omitempty"`
	DataType          string         `json:"dataType"`
	GeometryDimension int            `json:"geometryDimension"`
	MinTileMatrix     string         `json:"minTileMatrix"`
	MaxTileMatrix     string         `json:"maxTileMatrix"`
	PropertiesSchema  map[string]any `json:"propertiesSchema"`
	Links             []link         `json:"links,omitempty"`
}

type boundingBox struct {
	LowerLeft  orb.Point `json:"lowerLeft"`
	UpperRight orb.Point `json:"upperRight"`
	CRS        string    `json:"crs"`
}

// geometryDimension is 0 for points, 1 for lines and 2 for surfaces (OGC 17-083r4 Table 11).
var geometryDimension = map[string]int{"Point": 0, "LineString": 1, "Polygon": 2}

// jsonSchemaType is the JSON Schema type of each tiles field kind.
var jsonSchemaType = map[string]string{"Number": "number", "Boolean": "boolean", "String": "string"}

// tilesetOf is the tileset of layers whose own URL is href: the summary for lists, and with
// full the limits, layers and bounding box of the metadata document.
func (s *Server) tilesetOf(r *http.Request, href, title string, layers []*catalog.Layer, full bool) (tileset, error) {
	base := externalBase(r)
	ts := tileset{Title: title, DataType: "vector", CRS: crsEPSG3857, TileMatrixSetURI: tmsURI, Links: []link{
		{Href: href, Rel: relSelf, Type: mediaJSON, Title: title},
		{Href: base + ogcPrefix + "/tileMatrixSets/" + tmsWebMercatorQuad, Rel: relTilingScheme, Type: mediaJSON, Title: tmsTitle},
	}}
	if !full {
		return ts, nil
	}
	ts.Links = append(ts.Links, link{Href: href + "/{tileMatrix}/{tileRow}/{tileCol}", Rel: relItem, Type: mediaMVT,
		Title: "Mapbox vector tiles; tileRow and tileCol are the XYZ scheme's y and x", Templated: true})
	minZ, maxZ := zoomRange(layers)
	for z := minZ; z <= maxZ; z++ {
		last := geo.MatrixSize(z) - 1
		ts.Limits = append(ts.Limits, matrixLimits{TileMatrix: strconv.Itoa(z), MaxTileRow: last, MaxTileCol: last})
	}
	for _, l := range layers {
		props := make(map[string]any, len(l.TileFields))
		for _, f := range l.TileFields {
			props[f] = map[string]string{"type": jsonSchemaType[l.FieldKinds[f]]}
		}
		ts.Layers = append(ts.Layers, tilesetLayer{ID: l.Name, Title: l.Title, Description: l.Description,
			DataType: "vector", GeometryDimension: geometryDimension[l.GeometryType],
			MinTileMatrix: strconv.Itoa(l.MinZoom), MaxTileMatrix: strconv.Itoa(l.MaxZoom),
			PropertiesSchema: map[string]any{"type": "object", "properties": props},
			Links:            []link{{Href: base + ogcPrefix + "/collections/" + l.Name, Rel: relGeodata, Type: mediaJSON, Title: l.Title}}})
	}
	bound, ok, err := s.layersBound(r.Context(), layers)
	if err != nil {
		return ts, err
	}
	if ok {
		ts.BoundingBox = &boundingBox{LowerLeft: bound.Min, UpperRight: bound.Max, CRS: crsCRS84}
	}
	return ts, nil
}

// zoomRange is the zooms at which any of layers is in tiles.
func zoomRange(layers []*catalog.Layer) (minZ, maxZ int) {
	minZ = geo.MaxZoom
	for _, l := range layers {
		minZ, maxZ = min(minZ, l.MinZoom), max(maxZ, l.MaxZoom)
	}
	return minZ, maxZ
}

// handleCollectionTilesets serves GET /ogc/collections/{collectionId}/tiles.
func (s *Server) handleCollectionTilesets(w http.ResponseWriter, r *http.Request) error {
	l, err := s.collectionLayer(r)
	if err != nil {
		return err
	}
	href := externalBase(r) + ogcPrefix + "/collections/" + l.Name + "/tiles"
	return s.writeTilesets(w, r, href, l.Title, []*catalog.Layer{l})
}

// handleDatasetTilesets serves GET /ogc/tiles: the tilesets of all collections together.
func (s *Server) handleDatasetTilesets(w http.ResponseWriter, r *http.Request) error {
	layers, err := s.visibleLayers(r)
	if err != nil {
		return err
	}
	return s.writeTilesets(w, r, externalBase(r)+ogcPrefix+"/tiles", datasetTitle, layers)
}

// datasetTitle names the tileset holding every collection.
const datasetTitle = "bandoso: every layer"

// writeTilesets sends the list of tilesets at href: one, in WebMercatorQuad.
func (s *Server) writeTilesets(w http.ResponseWriter, r *http.Request, href, title string, layers []*catalog.Layer) error {
	ts, err := s.tilesetOf(r, href+"/"+tmsWebMercatorQuad, title, layers, false)
	if err != nil {
		return err
	}
	return s.writeDocument(w, r, mediaJSON, map[string]any{
		"links":    []link{{Href: href, Rel: relSelf, Type: mediaJSON}},
		"tilesets": []tileset{ts},
	})
}

// handleCollectionTileset serves GET /ogc/collections/{collectionId}/tiles/{tileMatrixSetId}.
func (s *Server) handleCollectionTileset(w http.ResponseWriter, r *http.Request) error {
	l, err := s.collectionLayer(r)
	if err != nil {
		return err
	}
	if err := checkTileMatrixSet(r); err != nil {
		return err
	}
	href := externalBase(r) + ogcPrefix + "/collections/" + l.Name + "/tiles/" + tmsWebMercatorQuad
	ts, err := s.tilesetOf(r, href, l.Title, []*catalog.Layer{l}, true)
	if err != nil {
		return err
	}
	return s.writeDocument(w, r, mediaJSON, ts)
}

// handleDatasetTileset serves GET /ogc/tiles/{tileMatrixSetId}.
func (s *Server) handleDatasetTileset(w http.ResponseWriter, r *http.Request) error {
	if err := checkTileMatrixSet(r); err != nil {
		return err
	}
	layers, err := s.visibleLayers(r)
	if err != nil {
		return err
	}
	ts, err := s.tilesetOf(r, externalBase(r)+ogcPrefix+"/tiles/"+tmsWebMercatorQuad, datasetTitle, layers, true)
	if err != nil {
		return err
	}
	return s.writeDocument(w, r, mediaJSON, ts)
}

// handleCollectionTile serves GET
// /ogc/collections/{collectionId}/tiles/{tileMatrixSetId}/{tileMatrix}/{tileRow}/{tileCol}.
func (s *Server) handleCollectionTile(w http.ResponseWriter, r *http.Request) error {
	l, err := s.collectionLayer(r)
	if err != nil {
		return err
	}
	return s.serveOGCTile(w, r, []*catalog.Layer{l})
}

// handleDatasetTile serves GET /ogc/tiles/{tileMatrixSetId}/{tileMatrix}/{tileRow}/{tileCol}.
func (s *Server) handleDatasetTile(w http.ResponseWriter, r *http.Request) error {
	layers, err := s.visibleLayers(r)
	if err != nil {
		return err
	}
	return s.serveOGCTile(w, r, layers)
}

// serveOGCTile checks the tile's address against the tileset of layers and serves it as
// /tiles does. A value that is not a non-negative integer is 400; a tile the tileset's
// limits leave out (a zoom outside the layers' range, a row or column past the matrix) is
// 404 (OGC 20-057 /req/core/tc-error), both naming the parameter.
func (s *Server) serveOGCTile(w http.ResponseWriter, r *http.Request, layers []*catalog.Layer) error {
	if err := checkTileMatrixSet(r); err != nil {
		return err
	}
	var coords [3]int
	for i, p := range []string{paramTileMatrix, paramTileRow, paramTileCol} {
		n, err := naturalParam(r, p)
		if err != nil {
			return err
		}
		coords[i] = n
	}
	z, row, col := coords[0], coords[1], coords[2]
	if minZ, maxZ := zoomRange(layers); z < minZ || z > maxZ {
		return &RangeError{Param: paramTileMatrix, Reason: fmt.Sprintf("%s is outside the tileset's tile matrices %d..%d",
			pathParam(r, paramTileMatrix), minZ, maxZ)}
	}
	last := geo.MatrixSize(z) - 1
	for _, c := range []struct {
		param string
		n     int
	}{{paramTileRow, row}, {paramTileCol, col}} {
		if c.n > last {
			return &RangeError{Param: c.param, Reason: fmt.Sprintf("%s is outside 0..%d at tile matrix %d",
				pathParam(r, c.param), last, z)}
		}
	}
	names := make([]string, len(layers))
	for i, l := range layers {
		names[i] = l.Name
	}
	return s.serveTile(w, r, names, geo.NewTile(z, col, row))
}
