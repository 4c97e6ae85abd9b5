package api

import (
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"

	"bandoso/geo"
	"bandoso/tiles"
)

// handleTile serves GET /tiles/{layers}/{z}/{x}/{y}.mvt: one vector tile holding each named
// layer whose zoom range includes z.
func (s *Server) handleTile(w http.ResponseWriter, r *http.Request) error {
	tile, err := tileParams(r)
	if err != nil {
		return err
	}
	names := strings.Split(pathParam(r, paramLayers), ",")
	for _, n := range names {
		if _, err := s.layer(r, n); err != nil {
			return err
		}
	}
	return s.serveTile(w, r, names, tile)
}

// serveTile writes tile at of the named layers, for every route that serves tiles, so
// that each answers with the same bytes and headers: gzip when accepted, a strong ETag and
// 304, Cache-Control, and 204 for a tile without features. An unknown layer is 404 naming it.
func (s *Server) serveTile(w http.ResponseWriter, r *http.Request, names []string, at geo.Tile) error {
	past, err := asOf(r)
	if err != nil {
		return err
	}
	var tile *tiles.Tile
	if past != nil {
		tile, err = s.Tiles.TileAsOf(r.Context(), names, at, *past)
	} else {
		ctx, origin := tiles.WithOrigin(r.Context())
		tile, err = s.Tiles.Tile(ctx, names, at)
		// Whether the tile was cached, for whoever measures the caches (cmd/tilebench).
		w.Header().Set("X-Cache", origin.Origin().String())
	}
	if err != nil {
		return err
	}
	return s.writeTile(w, r, tile)
}

// writeTile writes tile as every tile is answered: gzip when accepted, a strong ETag and
// 304, Cache-Control, and 204 for a tile without features.
func (s *Server) writeTile(w http.ResponseWriter, r *http.Request, tile *tiles.Tile) error {
	h := w.Header()
	h.Set("Cache-Control", fmt.Sprintf("public, max-age=%d", int(s.Config.Tiles.MaxAge.Seconds())))
	h.Set("Vary", "Accept-Encoding")
	if tile.Empty() {
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	gz := acceptsGzip(r)
	etag := strongETag(tile.Hash(), gz)
	h.Set("ETag", etag)
	if etagMatch(r.Header.Get("If-None-Match"), etag) {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	body := tile.Data
	if gz {
		var err error
		if body, err = tile.Gzip(); err != nil {
			return err
		}
		h.Set("Content-Encoding", "gzip")
	}
	h.Set("Content-Type", mediaMVT)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	_, _ = w.Write(body)
	return nil
}

// tileParams parses z, x and y, naming the parameter that is not an integer or out of range.
func tileParams(r *http.Request) (geo.Tile, error) {
	z, err := intParam(r, paramZ, geo.MaxZoom)
	if err != nil {
		return geo.Tile{}, err
	}
	last := geo.MatrixSize(z) - 1
	x, err := intParam(r, paramX, last)
	if err != nil {
		return geo.Tile{}, err
	}
	y, err := intParam(r, paramY, last)
	return geo.NewTile(z, x, y), err
}

// intParam reads path parameter name as an integer from 0 to max.
func intParam(r *http.Request, name string, max int) (int, error) {
	n, err := naturalParam(r, name)
	if err == nil && n > max {
		err = &ParamError{Param: name, Reason: fmt.Sprintf("%s is outside 0..%d", pathParam(r, name), max)}
	}
	return n, err
}

// naturalParam reads path parameter name as a decimal integer of digits only: signs are
// refused, as "+3" and "-0" would name tile 3 and 0 again. Digits too many for an int give
// math.MaxInt, which is outside every range.
func naturalParam(r *http.Request, name string) (int, error) {
	raw := pathParam(r, name)
	if raw == "" || strings.Trim(raw, "0123456789") != "" {
		return 0, &ParamError{Param: name, Reason: fmt.Sprintf("%q is not a non-negative integer", raw)}
	}
	n, err := strconv.Atoi(raw)
	if err != nil {
		return math.MaxInt, nil
	}
	return n, nil
}

// strongETag is a strong validator: the hash of the uncompressed body (a tile, a viewer file),
// marked when the body is gzipped, because a strong validator names one exact representation
// (RFC 9110 §8.8.1).
func strongETag(hash string, gz bool) string {
	tag := hash
	if gz {
		tag += "-gzip"
	}
	return `"` + tag + `"`
}

// etagMatch applies If-None-Match's weak comparison (RFC 9110 §13.1.2) to a list of tags.
func etagMatch(header, etag string) bool {
	etag = strings.TrimPrefix(etag, "W/") // If-None-Match compares weakly (RFC 9110 §13.1.2)
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
