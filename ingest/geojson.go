package ingest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"
)

// geojsonReader streams a FeatureCollection's features with json.Decoder tokens, never holding
// more than one feature. It also reads a single Feature and GeoJSON Text Sequences (RFC 8464)
// or newline-delimited features.
type geojsonReader struct {
	dec     *json.Decoder
	src     Source
	n       int
	pending *rawFeature // a top-level Feature read while looking for features
	inArray bool        // inside "features"
	sawArr  bool        // "features" was read
	seq     bool        // a sequence of top-level features
	done    bool
	closer  io.Closer
}

type rawFeature struct {
	Type       string                     `json:"type"`
	ID         json.RawMessage            `json:"id"`
	Properties map[string]json.RawMessage `json:"properties"`
	Geometry   json.RawMessage            `json:"geometry"`
}

// crsMember is GeoJSON 2008's "crs", which GDAL still writes for non-WGS84 data.
type crsMember struct {
	Properties struct {
		Name string `json:"name"`
	} `json:"properties"`
}

// newGeoJSON reads the top-level object up to its features, so that the CRS is known before
// the first record. srid 0 takes the file's "crs" member, else WGS84.
func newGeoJSON(r io.Reader, src Source) (*geojsonReader, error) {
	g := &geojsonReader{dec: json.NewDecoder(&rsStripper{r: bufio.NewReaderSize(r, 64<<10)}), src: src}
	if tok, err := g.dec.Token(); err != nil {
		return nil, fmt.Errorf("ingest: not GeoJSON: %w", err)
	} else if tok != json.Delim('{') {
		return nil, errors.New("ingest: not GeoJSON: the file does not start with an object")
	}
	if err := g.members(); err != nil {
		return nil, err
	}
	if g.src.SRID == 0 {
		g.src.SRID, g.src.CRSFrom = 4326, "default"
	}
	return g, nil
}

// members reads top-level members until "features" opens or the object ends. Members after
// the features are read by Next once the array closes.
func (g *geojsonReader) members() error {
	var f rawFeature
	for g.dec.More() {
		tok, err := g.dec.Token()
		if err != nil {
			return fmt.Errorf("ingest: GeoJSON: %w", err)
		}
		key, _ := tok.(string)
		switch key {
		case "features":
			if tok, err := g.dec.Token(); err != nil || tok != json.Delim('[') {
				return errors.New("ingest: GeoJSON: features is not an array")
			}
			g.inArray, g.sawArr = true, true
			return nil
		case "crs":
			var c crsMember
			if err := g.dec.Decode(&c); err != nil {
				return fmt.Errorf("ingest: GeoJSON crs: %w", err)
			}
			if err := g.fileCRS(c.Properties.Name); err != nil {
				return err
			}
		case "type":
			if err := g.dec.Decode(&f.Type); err != nil {
				return fmt.Errorf("ingest: GeoJSON type: %w", err)
			}
		case "id":
			err = g.dec.Decode(&f.ID)
		case "properties":
			err = g.dec.Decode(&f.Properties)
		case "geometry":
			err = g.dec.Decode(&f.Geometry)
		default:
			var skip json.RawMessage
			err = g.dec.Decode(&skip)
		}
		if err != nil {
			return fmt.Errorf("ingest: GeoJSON %s: %w", key, err)
		}
	}
	if _, err := g.dec.Token(); err != nil { // the closing brace
		return fmt.Errorf("ingest: GeoJSON: %w", err)
	}
	switch {
	case f.Type == "Feature":
		g.pending, g.seq = &f, true
	case g.sawArr: // members after the features: nothing more to read
	case f.Type == "FeatureCollection":
		g.done = true // no features at all
	default:
		return fmt.Errorf("ingest: GeoJSON: a %q, not a FeatureCollection or Feature", f.Type)
	}
	return nil
}

// fileCRS takes the file's CRS unless a flag named one, which wins (the file's is kept for the
// report). A "crs" after some features were read in another CRS cannot be honoured.
func (g *geojsonReader) fileCRS(name string) error {
	srid, ok := ParseCRS(name)
	switch {
	case g.src.CRSFrom == "flag":
		if ok && srid != g.src.SRID {
			g.src.FileSRID = srid
		}
	case !ok:
		return fmt.Errorf("%w: %s names %q, which is not an EPSG code", ErrNeedCRS, CRSWhere(g.src.Format), name)
	case g.n > 0 && srid != g.src.SRID:
		return fmt.Errorf("%w: %s (%q) comes after the features", ErrNeedCRS, CRSWhere(g.src.Format), name)
	default:
		g.src.SRID, g.src.CRSFrom = srid, "file"
	}
	return nil
}

func (g *geojsonReader) Source() Source { return g.src }

func (g *geojsonReader) Close() error {
	if g.closer != nil {
		return g.closer.Close()
	}
	return nil
}

func (g *geojsonReader) Next() (Record, error) {
	for !g.done {
		var f rawFeature
		switch {
		case g.pending != nil:
			f, g.pending = *g.pending, nil
		case g.inArray && g.dec.More():
			if err := g.dec.Decode(&f); err != nil {
				return Record{}, fmt.Errorf("ingest: GeoJSON feature %d: %w", g.n+1, err)
			}
		case g.inArray:
			g.inArray = false
			if _, err := g.dec.Token(); err != nil { // ]
				return Record{}, fmt.Errorf("ingest: GeoJSON: %w", err)
			}
			if err := g.members(); err != nil {
				return Record{}, err
			}
			g.done = true
			continue
		case g.seq && g.dec.More():
			if err := g.dec.Decode(&f); err != nil {
				return Record{}, fmt.Errorf("ingest: GeoJSON feature %d: %w", g.n+1, err)
			}
		default:
			g.done = true
			continue
		}
		g.n++
		return g.record(f), nil
	}
	return Record{}, io.EOF
}

func (g *geojsonReader) record(f rawFeature) Record {
	rec := Record{N: g.n, Props: make(map[string]string, len(f.Properties))}
	if len(f.ID) > 0 && string(f.ID) != "null" {
		rec.ID = reportText(jsonText(f.ID))
	}
	for k, raw := range f.Properties {
		v, p := propertyText(k, raw)
		if p != nil {
			rec.Problems = append(rec.Problems, *p)
		} else if v != "" {
			rec.Props[k] = v
		}
	}
	var p *Problem
	if rec.Geom, rec.RawGeom, p = geometryFromJSON(f.Geometry); p != nil {
		rec.Problems = append(rec.Problems, *p)
	}
	return rec
}

// propertyText turns a property value into text: strings checked as Unicode, numbers as
// written, objects and arrays as compact JSON; null is "".
func propertyText(field string, raw json.RawMessage) (string, *Problem) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return "", nil
	}
	if p := checkName(field); p != nil {
		return "", p
	}
	if raw[0] != '"' {
		return jsonText(raw), nil
	}
	if !utf8.Valid(raw) { // json.Unmarshal would quietly replace the bytes with U+FFFD
		return checkText(field, string(raw[1:len(raw)-1]))
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", &Problem{Field: field, Problem: BadValue, Detail: err.Error(), Action: Refused}
	}
	return checkText(field, s)
}

// jsonText is a JSON value as text: a string unquoted, anything else compact.
func jsonText(raw json.RawMessage) string {
	if len(raw) > 0 && raw[0] == '"' {
		if s, err := strconv.Unquote(string(raw)); err == nil {
			return s
		}
		var s string
		_ = json.Unmarshal(raw, &s)
		return s
	}
	var b bytes.Buffer
	if json.Compact(&b, raw) != nil {
		return string(raw)
	}
	return b.String()
}

// rsStripper turns RFC 8464's record separators into spaces so json.Decoder reads a GeoJSON
// Text Sequence as consecutive values.
type rsStripper struct{ r io.Reader }

func (s *rsStripper) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	for i := range p[:n] {
		if p[i] == 0x1e {
			p[i] = ' '
		}
	}
	return n, err
}
