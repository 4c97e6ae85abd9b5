package api

import (
	"encoding/base64"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/paulmach/orb"

	"bandoso/catalog"
	"bandoso/geo"
	"bandoso/store"
)

// OGC API – Features Part 1 (core, GeoJSON) and Part 2 (CRS by reference) over the catalog's
// public layers: /ogc/collections/{collectionId}/items[/{featureId}].

// Item query parameters.
const (
	paramLimit     = "limit"
	paramBBox      = "bbox"
	paramBBoxCRS   = "bbox-crs"
	paramCRS       = "crs"
	paramFormat    = "f"
	paramAfter     = "after"
	paramBefore    = "before"
	paramFeatureID = "featureId"
	paramProps     = "properties"
	paramSortBy    = "sortby"
	paramDatetime  = "datetime"
)

const (
	mediaGeoJSON = "application/geo+json"
	mediaCSV     = "text/csv; charset=utf-8"
)

// defaultItemLimit is an items page without a limit; Limits.ItemsMaxLimit is the largest.
const defaultItemLimit = 100

func (s *Server) ogcFeatureRoutes(r chi.Router) {
	r.Get(ogcPrefix+"/collections/{collectionId}/items", s.h(s.handleItems))
	r.Get(ogcPrefix+"/collections/{collectionId}/items/{featureId}", s.h(s.handleItem))
	r.Get(ogcPrefix+"/collections/{collectionId}/queryables", s.h(s.handleQueryables))
	r.Get(ogcPrefix+"/functions", s.h(s.handleFunctions))
}

// itemRequest is a parsed items request.
type itemRequest struct {
	q      store.FeatureQuery
	crs    geo.CRS
	format store.FeatureFormat
}

// parseItems reads the query string of an items request for layer l. Any parameter that is
// neither defined nor one of the layer's fields is refused, as Part 1 asks.
func (s *Server) parseItems(r *http.Request, l *catalog.Layer) (itemRequest, error) {
	row := l.LayerRow
	req := itemRequest{crs: geo.CRSs[0], q: store.FeatureQuery{Layer: row, Limit: defaultItemLimit}}
	values := r.URL.Query()
	kinds := map[string]string{}
	for i, f := range row.Fields {
		kinds[f] = row.FieldTypes[i]
	}
	for name, vs := range values {
		v := vs[0]
		if len(vs) > 1 {
			return req, &ParamError{Param: name, Reason: "given more than once"}
		}
		var err error
		switch name {
		case paramLimit:
			req.q.Limit, err = parseLimit(v, defaultItemLimit, s.Config.Limits.ItemsMaxLimit)
		case paramBBox:
			var b orb.Bound
			b, err = parseBBox(v)
			req.q.BBox = &b
		case paramBBoxCRS:
			c, ok := geo.ParseCRS(v)
			if !ok {
				return req, &ParamError{Param: name, Reason: fmt.Sprintf("%q is not a supported CRS; see the collection's crs list", v)}
			}
			req.q.BBoxSRID = c.SRID
			if c.LatFirst {
				defer func() {
					if b := req.q.BBox; b != nil {
						*b = orb.Bound{Min: orb.Point{b.Min[1], b.Min[0]}, Max: orb.Point{b.Max[1], b.Max[0]}}
					}
				}()
			}
		case paramCRS:
			c, ok := geo.ParseCRS(v)
			if !ok {
				return req, &ParamError{Param: name, Reason: fmt.Sprintf("%q is not a supported CRS; see the collection's crs list", v)}
			}
			req.crs, req.q.SRID, req.q.FlipAxes = c, c.SRID, c.LatFirst
		case paramFormat:
			switch v {
			case "json", "geojson":
				req.format = store.FormatGeoJSON
			case "csv":
				req.format = store.FormatCSV
			case formatHTML:
				if s.Web == nil {
					err = &ParamError{Param: name, Reason: "this server has no HTML pages; use json or csv"}
				}
			default:
				err = &ParamError{Param: name, Reason: fmt.Sprintf("%q is not a format; use json, csv or html", v)}
			}
		case paramProps:
			req.q.Properties = []string{}
			for _, p := range strings.Split(v, ",") {
				if p = strings.TrimSpace(p); p == "" {
					continue
				}
				if _, ok := kinds[p]; !ok {
					return req, &ParamError{Param: name, Reason: fmt.Sprintf("%q is not a property of %s", p, l.Name)}
				}
				req.q.Properties = append(req.q.Properties, p)
			}
		case paramDatetime:
			if row.TimeStart == nil {
				return req, &ParamError{Param: name, Reason: fmt.Sprintf("%s has no validity dates", l.Name)}
			}
			req.q.From, req.q.To, err = parseDatetime(v)
		case paramFilter, paramFilterLang, paramFilterCRS:
			// compiled below, once all three are known
		case paramSortBy:
			for _, k := range strings.Split(v, ",") {
				k = strings.TrimSpace(k)
				desc := strings.HasPrefix(k, "-")
				k = strings.TrimLeft(k, "+-")
				if _, ok := kinds[k]; !ok {
					return req, &ParamError{Param: name, Reason: fmt.Sprintf("%q is not a property of %s", k, l.Name)}
				}
				req.q.SortBy = append(req.q.SortBy, store.SortKey{Field: k, Desc: desc})
			}
		case paramAfter, paramBefore:
			// read after sortby, which the cursor depends on
		case paramAsOf:
			req.q.AsOf, err = asOf(r)
		default:
			typ, ok := kinds[name]
			if !ok {
				return req, &ParamError{Param: name, Reason: fmt.Sprintf("not a parameter of this request nor a property of %s", l.Name)}
			}
			if err := store.CheckValue(typ, v); err != nil {
				return req, &ParamError{Param: name, Reason: err.Error()}
			}
			if req.q.Equals == nil {
				req.q.Equals = map[string]string{}
			}
			req.q.Equals[name] = v
		}
		if err != nil {
			var pe *ParamError
			if !errors.As(err, &pe) {
				err = &ParamError{Param: name, Reason: err.Error()}
			}
			return req, err
		}
	}
	if err := parseFilter(values, &req.q); err != nil {
		return req, err
	}
	for _, name := range []string{paramAfter, paramBefore} {
		if !values.Has(name) {
			continue
		}
		c, err := parseCursor(values.Get(name), len(req.q.SortBy))
		if err != nil {
			return req, &ParamError{Param: name, Reason: err.Error()}
		}
		if name == paramAfter {
			req.q.After = &c
		} else {
			req.q.Before = &c
		}
	}
	if req.q.After != nil && req.q.Before != nil {
		return req, &ParamError{Param: paramBefore, Reason: "after and before exclude each other"}
	}
	return req, nil
}

// A cursor is the id of a row when features are in id order, and otherwise the base64url
// JSON of the row's sort values and id, as the next and prev links carry it.
type cursorJSON struct {
	Values []*string `json:"v"`
	ID     int64     `json:"i"`
}

func formatCursor(c store.Cursor) string {
	if len(c.Values) == 0 {
		return strconv.FormatInt(c.ID, 10)
	}
	b, _ := json.Marshal(cursorJSON{Values: c.Values, ID: c.ID})
	return base64.RawURLEncoding.EncodeToString(b)
}

func parseCursor(v string, keys int) (store.Cursor, error) {
	if keys == 0 {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return store.Cursor{}, fmt.Errorf("%q is not a feature id", v)
		}
		return store.Cursor{ID: id}, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(v)
	var c cursorJSON
	if err != nil || json.Unmarshal(raw, &c) != nil || len(c.Values) != keys || slices.ContainsFunc(c.Values, func(s *string) bool {
		return s != nil && !plainText(*s) // no row holds it: a cursor we never gave
	}) {
		return store.Cursor{}, fmt.Errorf("%q is not a cursor of this sort order; follow the next and prev links", v)
	}
	return store.Cursor{Values: c.Values, ID: c.ID}, nil
}

// parseDatetime reads an instant or an interval "start/end" (RFC 3339 date-times or dates,
// ".." or nothing for an open end), as OGC API – Features Part 1 §7.15.4 defines it.
func parseDatetime(v string) (from, to *time.Time, err error) {
	one := func(s string) (*time.Time, error) {
		if s == "" || s == ".." {
			return nil, nil
		}
		if t, err := parseRFC3339(s); err == nil {
			return &t, nil
		}
		if t, err := time.Parse(time.DateOnly, s); err == nil {
			return &t, nil
		}
		return nil, fmt.Errorf("%q is not an RFC 3339 date-time or date", s)
	}
	a, b, interval := strings.Cut(v, "/")
	if from, err = one(a); err != nil {
		return nil, nil, err
	}
	if !interval {
		if from == nil {
			return nil, nil, fmt.Errorf("%q is not an instant or an interval", v)
		}
		return from, from, nil
	}
	if to, err = one(b); err != nil {
		return nil, nil, err
	}
	if from == nil && to == nil {
		return nil, nil, fmt.Errorf("%q leaves both ends open; give at least one", v)
	}
	if from != nil && to != nil && to.Before(*from) {
		return nil, nil, fmt.Errorf("the interval %q ends before it starts", v)
	}
	return from, to, nil
}

// parseLimit reads limit: a positive integer, capped at max.
func parseLimit(v string, def, max int) (int, error) {
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("%q is not a positive integer", v)
	}
	return min(n, max), nil
}

// parseBBox reads a two-dimensional bbox: four finite numbers, lower corner first.
func parseBBox(v string) (orb.Bound, error) {
	parts := strings.Split(v, ",")
	if len(parts) != 4 {
		return orb.Bound{}, fmt.Errorf("want four numbers minx,miny,maxx,maxy, got %d values", len(parts))
	}
	var b orb.Bound
	for i, v := range []*float64{&b.Min[0], &b.Min[1], &b.Max[0], &b.Max[1]} {
		f, ok := parseNumber(strings.TrimSpace(parts[i]))
		if !ok {
			return orb.Bound{}, fmt.Errorf("%q is not a number", parts[i])
		}
		*v = f
	}
	if b.IsEmpty() {
		return b, fmt.Errorf("the lower corner (%g, %g) lies above or right of the upper (%g, %g)", b.Min[0], b.Min[1], b.Max[0], b.Max[1])
	}
	return b, nil
}

// handleItems serves GET /ogc/collections/{collectionId}/items: a page of features as a
// GeoJSON FeatureCollection (or CSV with f=csv), streamed row by row.
func (s *Server) handleItems(w http.ResponseWriter, r *http.Request) error {
	l, err := s.collectionLayer(r)
	if err != nil {
		return err
	}
	req, err := s.parseItems(r, l)
	if err != nil {
		return err
	}
	if s.html(w, r, mediaGeoJSON, mediaJSON) {
		return s.itemsPage(w, r, l, req)
	}
	h := w.Header()
	h.Set("Cache-Control", "public, max-age=60")
	varyOnBase(r)
	h.Set("Content-Crs", "<"+req.crs.URI+">")
	out := newSpillWriter(w, r, spillLimit)
	var page store.Page
	if req.format == store.FormatCSV {
		h.Set("Content-Type", mediaCSV)
		cw := csv.NewWriter(out)
		header := append(append([]string{"id"}, req.q.OutFields()...), "wkt")
		if err := cw.Write(csvSafe(header)); err != nil {
			return err
		}
		page, err = s.DB.Features(r.Context(), req.q, store.FormatCSV, func(cols [][]byte) error {
			rec := make([]string, len(cols))
			for i, c := range cols {
				rec[i] = string(c)
			}
			return cw.Write(csvSafe(rec))
		})
		cw.Flush()
	} else {
		h.Set("Content-Type", mediaGeoJSON)
		_, _ = out.Write([]byte(`{"type":"FeatureCollection","features":[`))
		page, err = s.DB.Features(r.Context(), req.q, store.FormatGeoJSON, func(cols [][]byte) error {
			if out.n > 0 {
				_, _ = out.Write([]byte{','})
			}
			out.n++
			_, err := out.Write(cols[0])
			return err
		})
		if err == nil {
			if merr := writeJSONTail(out, page, itemLinks(r, l, page)); merr != nil {
				return merr
			}
		}
	}
	if err != nil {
		if out.spilled {
			// The status is sent; cut the response so the client sees it broken, not short.
			panic(http.ErrAbortHandler)
		}
		return err
	}
	return out.finish()
}

// writeJSONTail closes the features array and adds the members known only at the end. The
// time stamp is left out of the page's ETag, so that a page whose features and links are
// the same revalidates whenever it is asked for again.
func writeJSONTail(out *spillWriter, page store.Page, links []link) error {
	var b strings.Builder
	b.WriteString(`]`)
	if page.Matched >= 0 {
		b.WriteString(`,"numberMatched":`)
		b.WriteString(strconv.FormatInt(page.Matched, 10))
	}
	b.WriteString(`,"numberReturned":`)
	b.WriteString(strconv.Itoa(page.Returned))
	b.WriteString(`,"timeStamp":"`)
	_, _ = out.Write([]byte(b.String()))
	out.writeUnhashed([]byte(time.Now().UTC().Format(time.RFC3339)))
	lj, err := jsonMarshal(links)
	if err != nil {
		return err
	}
	_, _ = out.Write([]byte(`","links":` + string(lj) + "}"))
	return nil
}

// itemLinks are the links of an items page: itself, its CSV or GeoJSON alternate, the
// next and previous pages (keyset cursors on the id), and the collection.
func itemLinks(r *http.Request, l *catalog.Layer, page store.Page) []link {
	base := externalBase(r) + ogcPrefix + "/collections/" + l.Name
	q := r.URL.Query()
	with := func(set map[string]string, drop ...string) string {
		v := url.Values{}
		for k, vs := range q {
			v[k] = vs
		}
		for _, d := range drop {
			v.Del(d)
		}
		for k, x := range set {
			v.Set(k, x)
		}
		if len(v) == 0 {
			return base + "/items"
		}
		return base + "/items?" + v.Encode()
	}
	links := []link{
		{Href: with(nil), Rel: relSelf, Type: mediaGeoJSON, Title: "this page"},
		{Href: with(map[string]string{paramFormat: "csv"}), Rel: relAlternate, Type: mediaCSV, Title: "this page as CSV"},
		htmlLink(with(nil), "this page as HTML"),
		{Href: base, Rel: relCollection, Type: mediaJSON, Title: l.Title},
	}
	if page.More && page.Returned > 0 {
		links = append(links, link{Href: with(map[string]string{paramAfter: formatCursor(page.Last)}, paramBefore),
			Rel: relNext, Type: mediaGeoJSON, Title: "next page"})
	}
	if (q.Has(paramAfter) || q.Has(paramBefore)) && page.Returned > 0 {
		links = append(links, link{Href: with(map[string]string{paramBefore: formatCursor(page.First)}, paramAfter),
			Rel: relPrev, Type: mediaGeoJSON, Title: "previous page"})
	}
	return links
}

// handleItem serves GET /ogc/collections/{collectionId}/items/{featureId}.
func (s *Server) handleItem(w http.ResponseWriter, r *http.Request) error {
	l, err := s.collectionLayer(r)
	if err != nil {
		return err
	}
	raw := pathParam(r, paramFeatureID)
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil {
		return &NotFoundError{What: "feature", Name: raw}
	}
	q := store.FeatureQuery{Layer: l.LayerRow}
	c := geo.CRSs[0]
	for name, vs := range r.URL.Query() {
		switch name {
		case paramCRS:
			var ok bool
			if c, ok = geo.ParseCRS(vs[0]); !ok {
				return &ParamError{Param: name, Reason: fmt.Sprintf("%q is not a supported CRS", vs[0])}
			}
			q.SRID, q.FlipAxes = c.SRID, c.LatFirst
		case paramAsOf:
			var err error
			if q.AsOf, err = asOf(r); err != nil {
				return err
			}
		case paramFormat:
			if vs[0] != "json" && vs[0] != "geojson" && (vs[0] != formatHTML || s.Web == nil) {
				return &ParamError{Param: name, Reason: fmt.Sprintf("%q is not a format of a single feature; use json or html", vs[0])}
			}
		default:
			return &ParamError{Param: name, Reason: "not a parameter of this request"}
		}
	}
	feature, err := s.DB.Feature(r.Context(), q, id)
	if errors.Is(err, store.ErrNotFound) {
		return &NotFoundError{What: "feature", Name: raw}
	}
	if err != nil {
		return err
	}
	href := externalBase(r) + ogcPrefix + "/collections/" + l.Name
	if s.html(w, r, mediaGeoJSON, mediaJSON) {
		return s.itemPage(w, r, l, c, raw, feature)
	}
	links, err := jsonMarshal([]link{
		{Href: href + "/items/" + raw, Rel: relSelf, Type: mediaGeoJSON, Title: "this feature"},
		htmlLink(href+"/items/"+raw, "this feature as HTML"),
		{Href: href, Rel: relCollection, Type: mediaJSON, Title: l.Title},
	})
	if err != nil {
		return err
	}
	// The database wrote the feature as one JSON object; its links go in before the end.
	body := append(append(append(feature[:len(feature)-1:len(feature)-1], `,"links":`...), links...), '}')
	h := w.Header()
	h.Set("Content-Crs", "<"+c.URI+">")
	h.Set("Cache-Control", "public, max-age=60")
	varyOnBase(r)
	return writeBody(w, r, mediaGeoJSON, body)
}
