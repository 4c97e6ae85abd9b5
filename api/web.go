package api

import (
	"bytes"
	"errors"
	"io/fs"
	"net/http"
	"time"

	"bandoso/web"
)

// Cache-Control of the viewer's files: versioned MapLibre files never change under their URL;
// glyphs change only with the fonts of a new build, so clients keep them for 30 days and then
// revalidate them with their ETag; everything else is revalidated on each use.
const (
	cacheImmutable  = "public, max-age=31536000, immutable"
	cacheLasting    = "public, max-age=2592000"
	cacheRevalidate = "no-cache"
)

// handleIndex serves GET /: the map viewer's page.
func (s *Server) handleIndex(w http.ResponseWriter, r *http.Request) error {
	f, err := s.Web.Index()
	return serveWebFile(w, r, "index.html", f, err)
}

// handleStatic serves GET /static/{name}: the viewer's own script and stylesheet.
func (s *Server) handleStatic(w http.ResponseWriter, r *http.Request) error {
	name := pathParam(r, paramName)
	f, err := s.Web.Static(name)
	return serveWebFile(w, r, name, f, err)
}

// mediaIcon is the favicon's media type (IANA's registration for the ICO format).
const mediaIcon = "image/vnd.microsoft.icon"

// handleFavicon serves GET /favicon.ico, which browsers ask for on every origin they visit.
func (s *Server) handleFavicon(w http.ResponseWriter, r *http.Request) error {
	f, err := s.Web.Static("favicon.ico")
	if err == nil {
		// Go's table of media types lacks .ico, and the system's may too
		w.Header().Set("Content-Type", mediaIcon)
	}
	return serveWebFile(w, r, "favicon.ico", f, err)
}

// handleLib serves GET /lib/{pkg}@{version}/{name}: a file of the npm package pkg, such as
// MapLibre GL JS, which loads its worker from beside itself.
func (s *Server) handleLib(pkg string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		name := pathParam(r, paramName)
		f, err := s.Web.Lib(pkg, pathParam(r, paramVersion), name)
		return serveWebFile(w, r, name, f, err)
	}
}

// serveWebFile sends the viewer's file name, or the error of looking it up; a file that does
// not exist is a 404 naming it.
func serveWebFile(w http.ResponseWriter, r *http.Request, name string, f *web.File, err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return &NotFoundError{What: "file", Name: name}
	}
	if err != nil {
		return err
	}
	serveFile(w, r, f)
	return nil
}

// handleStyle serves GET /styles/{name}.json: a MapLibre style whose source points at this
// service's TileJSON as the client reaches it.
func (s *Server) handleStyle(w http.ResponseWriter, r *http.Request) error {
	name := pathParam(r, paramName)
	// A style draws only the layers the request may read, so that a restricted layer does not
	// break the map of those without a key.
	var keep func(string) bool
	if s.Catalog != nil {
		layers, err := s.visibleLayers(r)
		if err != nil {
			return err
		}
		visible := make(map[string]bool, len(layers))
		for _, l := range layers {
			visible[l.Name] = true
		}
		keep = func(name string) bool { return visible[name] }
	}
	f, err := s.Web.Style(name, externalBase(r), keep)
	if errors.Is(err, web.ErrUnknownStyle) {
		return &NotFoundError{What: "style", Name: name}
	}
	if err != nil {
		return err
	}
	serveFile(w, r, f)
	return nil
}

// handleGlyphs serves GET /fonts/{fontstack}/{range}.pbf: the glyphs of a range of 256 code
// points ("0-255") that MapLibre draws labels with, from the first font of the fontstack
// ("Noto Sans Regular,Noto Sans Bold") that has them.
func (s *Server) handleGlyphs(w http.ResponseWriter, r *http.Request) error {
	fontstack, glyphRange := pathParam(r, paramFontstack), pathParam(r, paramRange)
	f, err := s.Web.Glyphs(fontstack, glyphRange)
	switch {
	case errors.Is(err, web.ErrUnknownFont):
		return &NotFoundError{What: "fontstack", Name: fontstack}
	case errors.Is(err, web.ErrUnknownGlyphRange):
		return &NotFoundError{What: "glyph range", Name: glyphRange}
	case err != nil:
		return err
	}
	w.Header().Set("Content-Type", mediaProtobuf)
	serveFile(w, r, f)
	return nil
}

// serveFile sends f with its ETag, gzipped when the client accepts it and f has a gzipped
// form, answering If-None-Match with 304 and Range requests. The Content-Type comes from the
// name's extension (every viewer file has a known one), never from sniffing gzipped bytes.
func serveFile(w http.ResponseWriter, r *http.Request, f *web.File) {
	h := w.Header()
	switch {
	case f.Immutable:
		h.Set("Cache-Control", cacheImmutable)
	case f.Lasting:
		h.Set("Cache-Control", cacheLasting)
	default:
		h.Set("Cache-Control", cacheRevalidate)
	}
	body, gz := f.Body, false
	if f.Gzip != nil {
		h.Add("Vary", "Accept-Encoding")
		if acceptsGzip(r) {
			body, gz = f.Gzip, true
			h.Set("Content-Encoding", "gzip")
		}
	}
	h.Set("ETag", strongETag(f.Hash, gz))
	http.ServeContent(w, r, f.Name, time.Time{}, bytes.NewReader(body))
}
