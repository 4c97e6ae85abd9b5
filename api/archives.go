package api

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"bandoso/archive"
	"bandoso/tiles"
)

// Tile archives (bandoso export) served as they are, the way martin serves a folder of
// them: /tiles/archive lists them, /tiles/archive/{name}.json is one's TileJSON and
// /tiles/archive/{name}/{z}/{x}/{y}.mvt its tiles, with the live tiles' headers.

const archivesPath = "/tiles/archive"

// archiveRoutes adds the routes of s.Archives.
func (s *Server) archiveRoutes(r chi.Router) {
	r.Get(archivesPath, s.h(s.handleArchives))
	r.Get(archivesPath+"/{"+paramName+"}.json", s.h(s.handleArchiveTileJSON))
	r.Get(archivesPath+"/{"+paramName+"}/{z}/{x}/{y}.mvt", s.h(s.handleArchiveTile))
}

// archiveEntry is one archive in the listing.
type archiveEntry struct {
	Name        string    `json:"name"`
	Format      string    `json:"format"`
	Description string    `json:"description,omitempty"`
	Attribution string    `json:"attribution,omitempty"`
	Layers      []string  `json:"layers"`
	MinZoom     int       `json:"minzoom"`
	MaxZoom     int       `json:"maxzoom"`
	Bounds      []float64 `json:"bounds"`
	TileJSON    string    `json:"tilejson"`
}

// handleArchives serves GET /tiles/archive: every archive of the folder, those holding a
// restricted layer only for a request with a key.
func (s *Server) handleArchives(w http.ResponseWriter, r *http.Request) error {
	list, err := s.Archives.List()
	if err != nil {
		return err
	}
	hidden, err := s.hiddenLayers(r)
	if err != nil {
		return err
	}
	base := externalBase(r)
	out := struct {
		Archives []archiveEntry `json:"archives"`
	}{Archives: []archiveEntry{}}
next:
	for _, a := range list {
		m := a.Metadata()
		e := archiveEntry{Name: a.Name, Format: string(a.Format), Description: m.Description, Attribution: m.Attribution, Layers: []string{},
			MinZoom: m.MinZoom, MaxZoom: m.MaxZoom, Bounds: bbox(m), TileJSON: base + archivesPath + "/" + a.Name + ".json"}
		for _, l := range m.VectorLayers {
			if hidden[l.ID] {
				continue next
			}
			e.Layers = append(e.Layers, l.ID)
		}
		out.Archives = append(out.Archives, e)
	}
	return s.writeDocument(w, r, mediaJSON, out)
}

// handleArchiveTileJSON serves GET /tiles/archive/{name}.json.
func (s *Server) handleArchiveTileJSON(w http.ResponseWriter, r *http.Request) error {
	a, err := s.archive(r)
	if err != nil {
		return err
	}
	m := a.Metadata()
	doc := tileJSON{TileJSON: "3.0.0", Name: m.Name, Description: m.Description, Version: m.Version, Attribution: m.Attribution,
		Scheme: "xyz", Tiles: []string{externalBase(r) + archivesPath + "/" + a.Name + "/{z}/{x}/{y}.mvt"},
		MinZoom: m.MinZoom, MaxZoom: m.MaxZoom, Bounds: bbox(m),
		Center: []float64{round6(m.Center[0]), round6(m.Center[1]), float64(m.CenterZoom)}, VectorLayers: m.VectorLayers}
	if doc.VectorLayers == nil {
		doc.VectorLayers = []vectorLayer{}
	}
	return s.writeDocument(w, r, mediaTileJSON, doc)
}

// handleArchiveTile serves GET /tiles/archive/{name}/{z}/{x}/{y}.mvt: the tile as the
// archive holds it, 204 for one inside its area and zooms that it leaves out (empty), 404
// for one outside them.
func (s *Server) handleArchiveTile(w http.ResponseWriter, r *http.Request) error {
	a, err := s.archive(r)
	if err != nil {
		return err
	}
	t, err := tileParams(r)
	if err != nil {
		return err
	}
	m := a.Metadata()
	if int(t.Z) < m.MinZoom || int(t.Z) > m.MaxZoom || !t.Bound().Intersects(m.Bounds) {
		return &NotFoundError{What: "tile of archive " + a.Name, Name: t.String()}
	}
	gz, err := a.Tile(int(t.Z), int(t.X), int(t.Y))
	if err != nil {
		return err
	}
	tile, err := tiles.FromGzip(gz)
	if err != nil {
		return err
	}
	return s.writeTile(w, r, tile)
}

// archive is the archive the {name} path parameter names, when the request may read every
// layer it holds.
func (s *Server) archive(r *http.Request) (*archive.Archive, error) {
	name := pathParam(r, paramName)
	if !archive.ValidName(name) {
		return nil, &ParamError{Param: paramName, Reason: strconv.Quote(name) + " is not an archive's name: letters, digits, - and _"}
	}
	a, err := s.Archives.Get(name)
	if errors.Is(err, archive.ErrNotFound) {
		return nil, &NotFoundError{What: "archive", Name: name}
	}
	if err != nil {
		return nil, err
	}
	for _, l := range a.Metadata().VectorLayers {
		if err := s.needLayer(r, l.ID); err != nil {
			return nil, err
		}
	}
	return a, nil
}

// bbox is m's bounds as TileJSON writes them: west, south, east, north.
func bbox(m archive.Metadata) []float64 {
	b := m.Bounds
	return []float64{round6(b.Min[0]), round6(b.Min[1]), round6(b.Max[0]), round6(b.Max[1])}
}
