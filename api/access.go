package api

import (
	"errors"
	"net/http"
	"strings"

	"bandoso/catalog"
)

// layer returns the named catalog layer if the request may read it: a restricted layer needs
// an API key of any role (401 without one). An unknown layer is an error wrapping
// catalog.ErrUnknownLayer.
func (s *Server) layer(r *http.Request, name string) (*catalog.Layer, error) {
	l, err := s.Catalog.Layer(r.Context(), name)
	// The key is looked at only where the layer asks for one.
	if err != nil || l.ReadableBy(catalog.Anyone) {
		return l, err
	}
	reader, err := s.reader(r)
	if err != nil {
		return nil, err
	}
	if !l.ReadableBy(reader) {
		return nil, &AuthError{Status: http.StatusUnauthorized,
			Detail: "layer " + name + " is restricted: send an API key (Authorization: Bearer <key>)"}
	}
	return l, nil
}

// reader is who the request reads the catalog as: a key holder when it carries a valid API
// key of any role. A bad key is an error (mayRead).
func (s *Server) reader(r *http.Request) (catalog.Reader, error) {
	ok, err := s.mayRead(r)
	if err != nil || !ok {
		return catalog.Anyone, err
	}
	return catalog.KeyHolder, nil
}

// visibleLayers returns the catalog's layers the request may read, by name: the public ones,
// and with an API key the restricted ones too.
func (s *Server) visibleLayers(r *http.Request) ([]*catalog.Layer, error) {
	reader, err := s.reader(r)
	if err != nil {
		return nil, err
	}
	return s.Catalog.Readable(r.Context(), reader)
}

// privateWhenKeyed keeps what a request with an API key gets out of shared caches, whatever
// the route: such an answer may hold restricted layers or what the key's owner wrote, so its
// Cache-Control says "private" ("public" becomes it, and one without it or with only
// no-cache gets it) and caches are told the answer varies with the key. Its ETag stays: the
// client's own cache still revalidates.
func privateWhenKeyed(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") == "" && r.Header.Get(keyHeader) == "" {
			next.ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(&privateWriter{ResponseWriter: w}, r)
	})
}

type privateWriter struct {
	http.ResponseWriter
	done bool
}

func (w *privateWriter) fix() {
	if w.done {
		return
	}
	w.done = true
	h := w.Header()
	switch cc := h.Get("Cache-Control"); {
	case cc == "":
		h.Set("Cache-Control", "private")
	case strings.HasPrefix(cc, "public"):
		h.Set("Cache-Control", "private"+strings.TrimPrefix(cc, "public"))
	case !strings.Contains(cc, "private") && !strings.Contains(cc, "no-store"):
		h.Set("Cache-Control", "private, "+cc)
	}
	h.Add("Vary", "Authorization, "+keyHeader)
}

func (w *privateWriter) WriteHeader(code int) {
	w.fix()
	w.ResponseWriter.WriteHeader(code)
}

func (w *privateWriter) Write(b []byte) (int, error) {
	w.fix()
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach Flush and deadlines.
func (w *privateWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Catalog layers whose data also feeds routes outside /tiles, /ogc and /v1/layers: when one
// of them is restricted, those routes leave its data out for a request without a key (or
// refuse, where the layer is the whole answer, as direct access does).
const (
	layerAddresses      = "addresses"
	layerStreets        = "streets"
	layerParcels        = "parcels"
	layerWards          = "wards"
	layerWards2024      = "wards_2024"
	layerPlanningZones  = "planning_zones"
	layerPlans          = "plans"
	layerRoadBoundaries = "road_boundaries"
	layerPOIs           = "pois"
)

// hiddenLayers returns the names of the restricted layers the request may not read: none
// with an API key, none without a catalog.
func (s *Server) hiddenLayers(r *http.Request) (map[string]bool, error) {
	if s.Catalog == nil {
		return map[string]bool{}, nil
	}
	reader, err := s.reader(r)
	if err != nil {
		return map[string]bool{}, err
	}
	return s.Catalog.Hidden(r.Context(), reader)
}

// needLayer is nil when the request may read catalog layer name, whose data is the whole
// answer of a route outside the catalog's own: a 401 as on direct access when the layer is
// restricted and the request has no key. A catalog without the layer restricts nothing.
func (s *Server) needLayer(r *http.Request, name string) error {
	if s.Catalog == nil {
		return nil
	}
	_, err := s.layer(r, name)
	if errors.Is(err, catalog.ErrUnknownLayer) {
		return nil
	}
	return err
}
