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

// Path parameters of the tile route.
const (
	paramLayers = "layers"
	paramZ      = "z"
	paramX      = "x"
	paramY      = "y"
)
