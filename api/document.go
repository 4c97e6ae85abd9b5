package api

import (
	"fmt"
	"net/http"
)

// writeDocument sends v as a JSON document whose links were made from externalBase: cacheable
// for the tile max age like the tiles it describes, with a strong ETag of its bytes (304 on a
// match) and Vary on the headers that chose the base URL.
func (s *Server) writeDocument(w http.ResponseWriter, r *http.Request, contentType string, v any) error {
	body, err := jsonMarshal(v)
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Cache-Control", fmt.Sprintf("public, max-age=%d", int(s.Config.Tiles.MaxAge.Seconds())))
	varyOnBase(r)
	return writeBody(w, r, contentType, body)
}
