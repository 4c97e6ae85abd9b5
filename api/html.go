package api

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"

	"bandoso/web"
)

// The HTML pages: the OGC API's resources for people browsing them (html_ogc.go,
// html_items.go), the API reference (apidoc.go) and the problem types (problems.go). Their
// templates are web's (web/pages); each page links its other formats, and each JSON document
// with links links its page, both with rel alternate.

const (
	// pageCSP is the HTML pages' policy: stylesheet and script from this service, none inline;
	// the map of a features page runs MapLibre as the viewer does, its worker from a blob: URL.
	pageCSP = "default-src 'self'; script-src 'self'; worker-src 'self' blob:; img-src 'self' data: blob:; " +
		"connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
	// apiPageCSP is /api.html's: Swagger UI sets styles inline (elements and attributes) and
	// draws its icons from data: URLs; its scripts, too, come only from this service.
	apiPageCSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
		"connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)

// page is what every page template is given.
type page struct {
	Title       string
	Description string
	// Root is the service's URL as the client reaches it (externalBase), without a final /.
	Root string
	// Crumbs are the pages above this one, the top first.
	Crumbs []link
	// Formats are this page in other formats, linked with rel alternate.
	Formats []link
	// Map draws features on the page; nil for none.
	Map *pageMap
	// Body is the page's own content.
	Body any
}

// pageMap is a page's map: its features over the default style, drawn by web/static/pages.js.
type pageMap struct {
	Module string // URL of MapLibre's module
	CSS    string // URL of MapLibre's stylesheet
	Style  string // URL of the style under the features
	// Items is the URL of the collection's items, which a feature's id is appended to.
	Items    string
	Features any // a GeoJSON FeatureCollection in CRS84
}

// writePage renders the page template name with p under the pages' policy csp, cacheable as
// the JSON documents are unless the handler chose otherwise, with a strong ETag (304 on a match).
func (s *Server) writePage(w http.ResponseWriter, r *http.Request, name, csp string, p page) error {
	t, err := s.Web.Page(name)
	if err != nil {
		return err
	}
	p.Root = externalBase(r)
	var buf bytes.Buffer
	if err := t.Execute(&buf, p); err != nil {
		return fmt.Errorf("page %s: %w", name, err)
	}
	h := w.Header()
	h.Set("Content-Security-Policy", csp)
	if h.Get("Cache-Control") == "" {
		h.Set("Cache-Control", fmt.Sprintf("public, max-age=%d", int(s.Config.Tiles.MaxAge.Seconds())))
	}
	varyOnBase(r)
	return writeBody(w, r, mediaHTML, buf.Bytes())
}

// newPageMap is the map of features, whose items are at items; nil when MapLibre is not
// built in, and the page goes without.
func (s *Server) newPageMap(r *http.Request, items string, features any) *pageMap {
	lib, err := s.Web.LibPath(web.MapLibre)
	if err != nil {
		return nil
	}
	base := externalBase(r)
	return &pageMap{Module: base + "/" + lib + "/maplibre-gl.mjs", CSS: base + "/" + lib + "/maplibre-gl.css",
		Style: base + "/styles/default.json", Items: items, Features: features}
}

// withFormat is href with f set to format (or f removed when format is ""), the rest of its
// query kept.
func withFormat(href, format string) string {
	u, err := url.Parse(href)
	if err != nil {
		return href
	}
	q := u.Query()
	if format == "" {
		q.Del(paramFormat)
	} else {
		q.Set(paramFormat, format)
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// htmlLink is the link to href's HTML page, rel alternate.
func htmlLink(href, title string) link {
	return link{Href: withFormat(href, formatHTML), Rel: relAlternate, Type: "text/html", Title: title}
}

// alternate is the link from the page r asked for to the same resource in format, of media
// type typ: the same URL and query with f set.
func alternate(r *http.Request, format, typ, title string) link {
	return link{Href: withFormat(externalBase(r)+r.URL.RequestURI(), format), Rel: relAlternate, Type: typ, Title: title}
}

// ogcCrumbs are the pages above a collection's: the landing page and the collections.
func ogcCrumbs(r *http.Request) []link {
	base := externalBase(r) + ogcPrefix
	return []link{{Href: base + "?f=html", Title: "OGC API"}, {Href: base + "/collections?f=html", Title: "Collections"}}
}
