package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"bandoso/geo"
	"bandoso/store"
)

// Limits of POST /v1/parcels/query besides Limits.QueryMaxBytes and QueryMaxAreaM2.
const (
	defaultQueryLimit = 100
	maxQueryLimit     = 1000 // a larger limit is served this many, as OGC API – Features does
	maxQueryBufferM   = 5000
	// A posted geometry's positions are tested against every parcel its box meets, and each
	// buffered position becomes a circle of 33: both are bounded, so that a query's work on
	// a city of a million parcels stays within its deadline.
	maxQueryPositions = 10000
	// maxQueryBufferedM bounds positions × buffer_m: 200 positions at 500 m, 20 at 5 km.
	maxQueryBufferedM = 100000
)

// Members of the query body, named in problems.
const (
	paramBody     = "body"
	paramGeometry = "geometry"
	paramBufferM  = "buffer_m"
	paramRelation = "relation"
	paramCursor   = "cursor"
)

// parcelQuery is the body of POST /v1/parcels/query.
type parcelQuery struct {
	Geometry json.RawMessage `json:"geometry"`
	BufferM  float64         `json:"buffer_m"`
	Relation string          `json:"relation"`
	Limit    *int            `json:"limit"`
	Cursor   string          `json:"cursor"`
}

// queryResult is a GeoJSON FeatureCollection of one page, with the totals over all matches.
type queryResult struct {
	featureCollection
	NumberMatched  int64          `json:"numberMatched"`
	NumberReturned int            `json:"numberReturned"`
	QueryAreaM2    float64        `json:"query_area_m2"`
	Totals         []landUseTotal `json:"totals"`
	// NextCursor, posted as cursor with the same query, gives the next page; absent on the last.
	NextCursor string `json:"next_cursor,omitempty"`
}

type landUseTotal struct {
	LandUse   string  `json:"land_use"`
	Count     int64   `json:"count"`
	AreaM2    float64 `json:"area_m2"`
	MapAreaM2 float64 `json:"map_area_m2"`
}

// handleParcelQuery serves POST /v1/parcels/query: the parcels meeting (or within) a posted
// GeoJSON geometry, optionally buffered, a page at a time in id order, with count and area
// totals by land use over every match.
func (s *Server) handleParcelQuery(w http.ResponseWriter, r *http.Request) error {
	if err := s.needLayer(r, layerParcels); err != nil {
		return err
	}
	q, err := s.readParcelQuery(w, r)
	if err != nil {
		return err
	}
	page, err := s.DB.QueryParcels(r.Context(), q)
	var ae *store.AreaError
	if errors.As(err, &ae) {
		return &ParamError{paramGeometry, ae.Reason}
	}
	if err != nil {
		return err
	}
	out := queryResult{featureCollection: parcelCollection(page.Parcels), NumberMatched: page.Matched,
		NumberReturned: len(page.Parcels), QueryAreaM2: round2(page.AreaM2), Totals: []landUseTotal{}}
	for _, t := range page.Totals {
		out.Totals = append(out.Totals, landUseTotal{t.LandUse, t.Count, round2(t.AreaM2), round2(t.MapAreaM2)})
	}
	if page.Next > 0 {
		out.NextCursor = strconv.FormatInt(page.Next, 10)
	}
	return writeJSON(w, mediaGeoJSON, out)
}

// readParcelQuery reads and checks the body: at most QueryMaxBytes (413 beyond), JSON with
// only the known members (decodeBody), a valid GeoJSON geometry in longitude and latitude.
func (s *Server) readParcelQuery(w http.ResponseWriter, r *http.Request) (store.ParcelQuery, error) {
	var body parcelQuery
	if err := decodeBody(w, r, s.Config.Limits.QueryMaxBytes, &body); err != nil {
		return store.ParcelQuery{}, err
	}
	q := store.ParcelQuery{BufferM: body.BufferM, Limit: defaultQueryLimit, MaxAreaM2: s.Config.Limits.QueryMaxAreaM2}
	g, err := parseGeoJSON(body.Geometry)
	if err != nil {
		return q, err
	}
	q.Geometry = body.Geometry
	if math.IsNaN(body.BufferM) || body.BufferM < 0 || body.BufferM > maxQueryBufferM {
		return q, &ParamError{paramBufferM, fmt.Sprintf("want metres from 0 to %d", maxQueryBufferM)}
	}
	if n := geo.Positions(g); n > maxQueryPositions {
		return q, &ParamError{paramGeometry, fmt.Sprintf("%d positions; at most %d are allowed", n, maxQueryPositions)}
	} else if float64(n)*body.BufferM > maxQueryBufferedM {
		return q, &ParamError{paramGeometry, fmt.Sprintf("%d positions buffered by %g m; positions × buffer_m may be at most %d (e.g. 200 positions at 500 m)",
			n, body.BufferM, maxQueryBufferedM)}
	}
	switch body.Relation {
	case "", "intersects":
	case "within":
		q.Within = true
	default:
		return q, &ParamError{paramRelation, `want "intersects" (the default) or "within"`}
	}
	if body.Limit != nil {
		if *body.Limit < 1 {
			return q, &ParamError{paramLimit, "want a whole number from 1"}
		}
		q.Limit = min(*body.Limit, maxQueryLimit)
	}
	if body.Cursor != "" {
		if q.After, err = strconv.ParseInt(body.Cursor, 10, 64); err != nil || q.After < 0 {
			return q, &ParamError{paramCursor, "not a cursor this service gave"}
		}
	}
	return q, nil
}

// checkGeoJSON parses a GeoJSON geometry (RFC 7946 §3.1) and checks what PostGIS would
// otherwise reject with an internal error or misread: closed rings of four or more
// positions, lines of two or more, longitudes and latitudes in range.
func checkGeoJSON(raw json.RawMessage) ([]byte, error) {
	if _, err := parseGeoJSON(raw); err != nil {
		return nil, err
	}
	return raw, nil
}

// parseGeoJSON is checkGeoJSON giving the geometry read.
func parseGeoJSON(raw json.RawMessage) (orb.Geometry, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, &ParamError{paramGeometry, "required: a GeoJSON geometry"}
	}
	g, err := geojson.UnmarshalGeometry(raw)
	if err != nil {
		return nil, &ParamError{paramGeometry, "not a GeoJSON geometry: " + err.Error()}
	}
	if g.Coordinates == nil && len(g.Geometries) == 0 {
		return nil, &ParamError{paramGeometry, "a GeoJSON geometry needs coordinates"}
	}
	if err := checkGeometry(g.Geometry()); err != nil {
		return nil, &ParamError{paramGeometry, err.Error()}
	}
	return g.Geometry(), nil
}

func checkGeometry(g orb.Geometry) error {
	switch g := g.(type) {
	case orb.Point:
		if math.IsNaN(g[0]) || math.IsNaN(g[1]) || math.Abs(g[0]) > 180 || math.Abs(g[1]) > 90 {
			return fmt.Errorf("position %v is not a longitude and latitude in WGS84", g)
		}
	case orb.MultiPoint:
		return checkPoints(g)
	case orb.LineString:
		if len(g) < 2 {
			return errors.New("a LineString needs two or more positions")
		}
		return checkPoints(g)
	case orb.MultiLineString:
		for _, l := range g {
			if err := checkGeometry(l); err != nil {
				return err
			}
		}
	case orb.Polygon:
		if len(g) == 0 {
			return errors.New("a Polygon needs an exterior ring")
		}
		for _, ring := range g {
			if len(ring) < 4 || !ring.Closed() {
				return errors.New("a Polygon's rings need four or more positions, the last equal to the first")
			}
			if err := checkPoints(ring); err != nil {
				return err
			}
		}
	case orb.MultiPolygon:
		for _, p := range g {
			if err := checkGeometry(p); err != nil {
				return err
			}
		}
	case orb.Collection:
		for _, c := range g {
			if err := checkGeometry(c); err != nil {
				return err
			}
		}
	default:
		return fmt.Errorf("unsupported geometry %T", g)
	}
	return nil
}

func checkPoints[P ~[]orb.Point](ps P) error {
	for _, p := range ps {
		if err := checkGeometry(p); err != nil {
			return err
		}
	}
	return nil
}
