package api

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"bandoso/tiles"
)

// handleTile serves GET /tiles/{layers}/{z}/{x}/{y}.mvt: one vector tile holding each named
// layer whose zoom range includes z.
func (s *Server) handleTile(w http.ResponseWriter, r *http.Request) error {
	h := w.Header()
	z, x, y, err := tileCoords(r)
	if err != nil {
		return err
	}
	names := strings.Split(chi.URLParam(r, paramLayers), ",")
	tile, err := s.Tiles.Tile(r.Context(), names, z, x, y)
	var le *tiles.LayerError
	if errors.As(err, &le) && errors.Is(err, tiles.ErrUnknownLayer) {
		return &NotFoundError{What: "layer", Name: le.Name}
	}
	if err != nil {
		return err
	}
	h.Set("Cache-Control", fmt.Sprintf("public, max-age=%d", int(s.TileMaxAge.Seconds())))
	h.Set("Vary", "Accept-Encoding")
	if tile.Empty() {
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	gz := acceptsGzip(r)
	etag := tileETag(tile.Hash, gz)
	h.Set("ETag", etag)
	if etagMatch(r.Header.Get("If-None-Match"), etag) {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	h.Set("Content-Type", mediaMVT)
	body := tile.Data
	if gz {
		body = tile.Gzip
		h.Set("Content-Encoding", "gzip")
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	_, _ = w.Write(body)
	return nil
}

// tileCoords parses z, x and y, naming the parameter that is not an integer or out of range.
func tileCoords(r *http.Request) (z, x, y int, err error) {
	if z, err = intParam(r, paramZ, tiles.MaxZoom); err != nil {
		return
	}
	last := 1<<z - 1
	if x, err = intParam(r, paramX, last); err != nil {
		return
	}
	y, err = intParam(r, paramY, last)
	return
}

// intParam reads path parameter name as a decimal integer from 0 to max. Signs are refused
// ("+3" and "-0" would otherwise name tile 3 and 0 again).
func intParam(r *http.Request, name string, max int) (int, error) {
	raw := chi.URLParam(r, name)
	n, err := strconv.Atoi(raw)
	if err != nil || raw[0] == '+' {
		return 0, &ParamError{Param: name, Reason: fmt.Sprintf("%q is not an integer", raw)}
	}
	if n < 0 || n > max || raw[0] == '-' {
		return 0, &ParamError{Param: name, Reason: fmt.Sprintf("%s is outside 0..%d", raw, max)}
	}
	return n, nil
}

// tileETag is a strong validator: the hash of the uncompressed tile, marked when the body is
// gzipped, because a strong validator names one exact representation (RFC 9110 §8.8.1).
func tileETag(hash string, gz bool) string {
	tag := hash
	if gz {
		tag += "-gzip"
	}
	return `"` + tag + `"`
}

// etagMatch applies If-None-Match's weak comparison (RFC 9110 §13.1.2) to a list of tags.
func etagMatch(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == etag {
			return true
		}
	}
	return false
}

// acceptsGzip reports whether Accept-Encoding lists gzip with a quality above zero.
func acceptsGzip(r *http.Request) bool {
	for _, v := range r.Header.Values("Accept-Encoding") {
		for _, c := range strings.Split(v, ",") {
			coding, params, _ := strings.Cut(c, ";")
			if !strings.EqualFold(strings.TrimSpace(coding), "gzip") {
				continue
			}
			q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
			return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
		}
	}
	return false
}
