package api

// Media types, written once.
const (
	mediaJSON    = "application/json"
	mediaProblem = "application/problem+json"
)

// statusClientClosed is the status logged for a request whose client went away (nginx's 499).
const statusClientClosed = 499

// mediaMVT is the Mapbox Vector Tile media type (IANA registration, MVT 2.1).
const mediaMVT = "application/vnd.mapbox-vector-tile"

// mediaProtobuf is the media type of protocol buffers other than tiles: glyph ranges.
const mediaProtobuf = "application/x-protobuf"

// Path parameters of the tile route.
const (
	paramLayers = "layers"
	paramZ      = "z"
	paramX      = "x"
	paramY      = "y"
)

// OGC API paths, path parameters and the tile matrix set served.
const (
	ogcPrefix          = "/ogc"
	paramCollectionID  = "collectionId"
	paramTileMatrixSet = "tileMatrixSetId"
	paramTileMatrix    = "tileMatrix"
	paramTileRow       = "tileRow"
	paramTileCol       = "tileCol"
	tmsWebMercatorQuad = "WebMercatorQuad"
)

// Link relations: IANA's, and the OGC's registered at http://www.opengis.net/def/rel/ogc/1.0/.
const (
	relSelf           = "self"
	relNext           = "next"
	relPrev           = "prev"
	relCollection     = "collection"
	relItems          = "items"
	relQueryables     = "http://www.opengis.net/def/rel/ogc/1.0/queryables"
	relAlternate      = "alternate"
	relServiceDoc     = "service-doc"
	relItem           = "item"
	relData           = "data"
	relConformance    = "conformance"
	relOGCConformance = "http://www.opengis.net/def/rel/ogc/1.0/conformance"
	relTilingScheme   = "http://www.opengis.net/def/rel/ogc/1.0/tiling-scheme"
	relTilingSchemes  = "http://www.opengis.net/def/rel/ogc/1.0/tiling-schemes"
	relTilesetsVector = "http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector"
	relGeodata        = "http://www.opengis.net/def/rel/ogc/1.0/geodata"
	relDescribedBy    = "describedby"
	relEnclosure      = "enclosure"
)

// CRS URIs (OGC Naming Authority).
const (
	crsCRS84    = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
	crsEPSG3857 = "http://www.opengis.net/def/crs/EPSG/0/3857"
)

// Path parameters of the viewer's routes.
const (
	paramName      = "name"
	paramVersion   = "version"
	paramFontstack = "fontstack"
	paramRange     = "range"
)
