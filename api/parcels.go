package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"bandoso/address"
	"bandoso/geo"
	"bandoso/store"
)

// Parameters of the parcel and planning routes under /v1; x, y and crs are named as on the
// tile and OGC routes.
const (
	paramCode   = "code"
	paramWard   = "ward"
	paramSheet  = "sheet"
	paramParcel = "parcel"
	paramLon    = "lon"
	paramLat    = "lat"
	paramID     = "id"
)

// feature is a GeoJSON Feature (RFC 7946 §3.2) whose geometry PostGIS wrote.
type feature struct {
	Type       string          `json:"type"`
	ID         int64           `json:"id,omitempty"` // 0 for features that are no row
	Geometry   json.RawMessage `json:"geometry"`
	Properties map[string]any  `json:"properties"`
}

// featureCollection is a GeoJSON FeatureCollection (RFC 7946 §3.3).
type featureCollection struct {
	Type     string    `json:"type"`
	Features []feature `json:"features"`
}

// parcelFeature is p as a GeoJSON Feature.
func parcelFeature(p store.Parcel) feature {
	props := map[string]any{
		"ward_code":     p.Key.Ward,
		"sheet_no":      p.Key.Sheet,
		"parcel_no":     p.Key.Number,
		"land_use":      p.LandUse,
		"land_use_name": p.LandUseName,
		"area_m2":       p.AreaM2,
		"map_area_m2":   math.Round(p.MapAreaM2*100) / 100,
	}
	if c := p.Key.Code(); c != "" {
		props["code"] = c
	}
	return feature{Type: "Feature", ID: p.ID, Geometry: p.Geometry, Properties: props}
}

func parcelCollection(ps []store.Parcel) featureCollection {
	fc := featureCollection{Type: "FeatureCollection", Features: make([]feature, 0, len(ps))}
	for _, p := range ps {
		fc.Features = append(fc.Features, parcelFeature(p))
	}
	return fc
}

// handleParcelLookup serves GET /v1/parcels/lookup: one parcel by its cadastral name, either
// ward (old ward's 5-digit code or name) + sheet + parcel, or the portal's 12-digit code.
func (s *Server) handleParcelLookup(w http.ResponseWriter, r *http.Request) error {
	if err := s.needLayer(r, layerParcels); err != nil {
		return err
	}
	key, err := s.parcelKey(r)
	if err != nil {
		return err
	}
	at, err := asOf(r)
	if err != nil {
		return err
	}
	var p store.Parcel
	if at != nil {
		p, err = s.DB.ParcelByKeyAsOf(r.Context(), key, *at)
	} else {
		p, err = s.DB.ParcelByKey(r.Context(), key)
	}
	if errors.Is(err, store.ErrNotFound) {
		return &NotFoundError{What: "parcel", Name: fmt.Sprintf("ward %s, sheet %d, parcel %d", key.Ward, key.Sheet, key.Number)}
	}
	if err != nil {
		return err
	}
	return writeJSON(w, mediaGeoJSON, parcelFeature(p))
}

// parcelKey reads the parcel's key from ?code= or ?ward=&sheet=&parcel=, resolving a ward
// name among the wards that were valid before the 2025 reform.
func (s *Server) parcelKey(r *http.Request) (store.ParcelKey, error) {
	q := r.URL.Query()
	if q.Has(paramCode) {
		if q.Has(paramWard) || q.Has(paramSheet) || q.Has(paramParcel) {
			return store.ParcelKey{}, &ParamError{paramCode, "give either code or ward, sheet and parcel, not both"}
		}
		return parseParcelCode(q.Get(paramCode))
	}
	var key store.ParcelKey
	var err error
	if key.Sheet, err = positiveInt(q, paramSheet, 999); err != nil {
		return key, err
	}
	if key.Number, err = positiveInt(q, paramParcel, 9999); err != nil {
		return key, err
	}
	ward := strings.TrimSpace(q.Get(paramWard))
	switch {
	case ward == "":
		return key, &ParamError{paramWard, "required: the cadastral (pre-2025) ward's 5-digit code or name"}
	case isDigits(ward, 5):
		key.Ward = ward
		return key, nil
	case len(ward) > 100:
		return key, &ParamError{paramWard, "longer than 100 characters"}
	}
	// the city's wards by name first; the national gazetteer decides what they do not: a
	// ward written with its district ("P.Bến Nghé, Q.1") or one of several namesakes
	units, err := s.DB.OldWards(r.Context(), ward)
	if err != nil {
		return key, err
	}
	code := ""
	if len(units) != 1 {
		code = oldWardCode(ward, s.Units)
	}
	switch {
	case code != "" && (len(units) == 0 || slices.ContainsFunc(units, func(u store.Ward) bool { return u.Code == code })):
		key.Ward = code
		return key, nil
	case len(units) == 0:
		return key, &RangeError{paramWard, fmt.Sprintf("no ward valid before %s is named %q", store.ReformDate, ward)}
	case len(units) == 1:
		key.Ward = units[0].Code
		return key, nil
	}
	names := make([]string, len(units))
	for i, u := range units {
		names[i] = u.Code + " " + u.Name
	}
	return key, &ParamError{paramWard, fmt.Sprintf("%q names %d wards: %s; give the code", ward, len(units), strings.Join(names, ", "))}
}

// oldWardCode is the code of the ward before the 2025 reform that ward names, when the
// units it names decide one ("P.Bến Nghé, Q.1", "Phuong Phuc Xa, Quan Ba Dinh"); "" when
// they do not, and the name is looked up among the city's wards.
func oldWardCode(ward string, units address.UnitMatcher) string {
	for _, m := range address.ReadUnits(ward, units) {
		if m.Level == address.LevelWard && m.Part.Code != "" && m.Part.Era == address.EraOld {
			return m.Part.Code
		}
	}
	return ""
}

// parseParcelCode reads the portal's 12-digit code: ward (5), sheet (3), parcel (4).
func parseParcelCode(c string) (store.ParcelKey, error) {
	if !isDigits(c, 12) {
		return store.ParcelKey{}, &ParamError{paramCode, "want 12 digits: 5 of the old ward's code, 3 of the sheet, 4 of the parcel"}
	}
	sheet, _ := strconv.Atoi(c[5:8])
	number, _ := strconv.Atoi(c[8:])
	if sheet == 0 || number == 0 {
		return store.ParcelKey{}, &ParamError{paramCode, "sheet and parcel numbers start at 1"}
	}
	return store.ParcelKey{Ward: c[:5], Sheet: sheet, Number: number}, nil
}

func isDigits(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// positiveInt reads a required whole number in [1, max].
func positiveInt(q map[string][]string, name string, max int) (int, error) {
	v := ""
	if vs := q[name]; len(vs) > 0 {
		v = vs[0]
	}
	if v == "" {
		return 0, &ParamError{name, "required"}
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > max {
		return 0, &ParamError{name, fmt.Sprintf("want a whole number from 1 to %d", max)}
	}
	return n, nil
}

// handleParcelsAt serves GET /v1/parcels/at: the parcels holding a point given as lon and lat
// (WGS84) or as x, y and crs (EPSG:9210, 3405, 5897, 4756, … as geo.CRSs lists). x is the
// easting, or the longitude in a geographic CRS, whatever the CRS's own axis order.
func (s *Server) handleParcelsAt(w http.ResponseWriter, r *http.Request) error {
	if err := s.needLayer(r, layerParcels); err != nil {
		return err
	}
	x, y, srid, err := pointParams(r)
	if err != nil {
		return err
	}
	at, err := asOf(r)
	if err != nil {
		return err
	}
	var ps []store.Parcel
	if at != nil {
		ps, err = s.DB.ParcelsAtAsOf(r.Context(), x, y, srid, *at)
	} else {
		ps, err = s.DB.ParcelsAt(r.Context(), x, y, srid)
	}
	if err != nil {
		return err
	}
	return writeJSON(w, mediaGeoJSON, parcelCollection(ps))
}

func pointParams(r *http.Request) (x, y float64, srid int, err error) {
	q := r.URL.Query()
	if q.Has(paramLon) || q.Has(paramLat) {
		if q.Has(paramX) || q.Has(paramY) || q.Has(paramCRS) {
			return 0, 0, 0, &ParamError{paramLon, "give either lon and lat or x, y and crs, not both"}
		}
		if x, err = floatParam(q.Get(paramLon), paramLon, 180); err != nil {
			return
		}
		y, err = floatParam(q.Get(paramLat), paramLat, 90)
		return x, y, 4326, err
	}
	v := q.Get(paramCRS)
	if v == "" {
		return 0, 0, 0, &ParamError{paramCRS, "required with x and y (e.g. EPSG:9210); or give lon and lat"}
	}
	crs, ok := geo.ParseCRS(v)
	if !ok {
		return 0, 0, 0, &ParamError{paramCRS, "not a CRS this service accepts: want EPSG:4326, 3857, 4756, 3405, 3406, 5897, 5899 or 9210"}
	}
	srid = crs.SRID
	// Projected coordinates stay well inside 1e8 m; the bound keeps PROJ away from absurd input.
	if x, err = floatParam(q.Get(paramX), paramX, 1e8); err != nil {
		return
	}
	if y, err = floatParam(q.Get(paramY), paramY, 1e8); err != nil {
		return
	}
	return x, y, srid, inDomain(crs, x, y)
}

// inDomain refuses a point outside the box where crs's coordinates are transformed
// (geo.CRS.Domain), naming the coordinate out of bounds: PostGIS would fail on it.
func inDomain(crs geo.CRS, x, y float64) error {
	d := crs.Domain()
	for _, c := range []struct {
		name      string
		v, lo, hi float64
	}{{paramX, x, d.Min[0], d.Max[0]}, {paramY, y, d.Min[1], d.Max[1]}} {
		if c.v < c.lo || c.v > c.hi {
			return &ParamError{c.name, fmt.Sprintf("outside %s's domain: want %g to %g", crs.URI, c.lo, c.hi)}
		}
	}
	return nil
}

// floatParam reads a required finite number within [-limit, limit].
func floatParam(v, name string, limit float64) (float64, error) {
	if v == "" {
		return 0, &ParamError{name, "required"}
	}
	f, ok := parseNumber(v)
	if !ok || math.Abs(f) > limit {
		return 0, &ParamError{name, fmt.Sprintf("want a number from %g to %g", -limit, limit)}
	}
	return f, nil
}

// parseNumber reads a finite decimal number such as -12.5e3. strconv.ParseFloat alone also
// takes hexadecimal, digits split by underscores, NaN and the infinities, which no parameter
// means and the database would refuse or misread.
func parseNumber(v string) (float64, bool) {
	if v == "" || strings.ContainsFunc(v, func(c rune) bool { return !strings.ContainsRune("0123456789+-.eE", c) }) {
		return 0, false
	}
	f, err := strconv.ParseFloat(v, 64)
	return f, err == nil && !math.IsInf(f, 0)
}
