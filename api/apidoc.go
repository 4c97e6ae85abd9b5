package api

import (
	"net/http"

	"bandoso/web"
)

// apiPagePath is the API reference: Swagger UI, built into the binary from npm, rendering
// the OpenAPI document of /ogc/api.
const apiPagePath = "/api.html"

// apiPageView is the body of the API reference page.
type apiPageView struct {
	OpenAPI string // the document's URL
	Lib     string // the URL of Swagger UI's folder
}

// handleAPIPage serves GET /api.html, and GET /ogc/api to a client preferring HTML.
func (s *Server) handleAPIPage(w http.ResponseWriter, r *http.Request) error {
	lib, err := s.Web.LibPath(web.SwaggerUI)
	if err != nil {
		return err
	}
	base := externalBase(r)
	openapi := base + ogcPrefix + "/api?f=json"
	return s.writePage(w, r, "api", apiPageCSP, page{Title: "API reference",
		Description: "Every request this service answers, with its parameters and responses, from its OpenAPI document.",
		Crumbs:      []link{{Href: base + ogcPrefix + "?f=html", Title: "OGC API"}},
		Formats:     []link{{Href: openapi, Rel: relAlternate, Type: mediaOpenAPI, Title: "OpenAPI 3.0"}},
		Body:        apiPageView{OpenAPI: openapi, Lib: base + "/" + lib}})
}
