package api

import (
	"net/http"
	"strings"

	"bandoso/tiles"
)

// layer returns the named catalog layer if the request may read it: a restricted layer needs
// an API key of any role (401 without one). An unknown layer is an error wrapping
// tiles.ErrUnknownLayer.
func (s *Server) layer(r *http.Request, name string) (*tiles.Layer, error) {
	l, err := s.Tiles.Layer(r.Context(), name)
	if err != nil || l.Public {
		return l, err
	}
	ok, err := s.mayRead(r)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, &AuthError{Status: http.StatusUnauthorized,
			Detail: "layer " + name + " is restricted: send an API key (Authorization: Bearer <key>)"}
	}
	return l, nil
}

// visibleLayers returns the catalog's layers the request may read, by name: the public ones,
// and with an API key the restricted ones too.
func (s *Server) visibleLayers(r *http.Request) ([]*tiles.Layer, error) {
	layers, err := s.Tiles.Layers(r.Context())
	if err != nil {
		return nil, err
	}
	ok, err := s.mayRead(r)
	if err != nil || ok {
		return layers, err
	}
	public := layers[:0:0]
	for _, l := range layers {
		if l.Public {
			public = append(public, l)
		}
	}
	return public, nil
}

// privateWhenKeyed keeps what a request with an API key gets out of shared caches: such an
// answer may hold restricted layers, so a "public" Cache-Control becomes "private" and
// caches are told the answer varies with the key.
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
	if cc := h.Get("Cache-Control"); strings.HasPrefix(cc, "public") {
		h.Set("Cache-Control", "private"+strings.TrimPrefix(cc, "public"))
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
