package api

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"bandoso/catalog"
	"bandoso/store"
)

// Path and query parameters of the edit routes.
const (
	paramEditID = "id"
	paramReason = "reason"
)

// reasonMaxBytes bounds an edit's reason: a sentence or two, kept in every history and
// audit answer that shows the edit.
const reasonMaxBytes = 1024

// PreconditionError is an edit sent without If-Match: 428, so that nobody overwrites a
// change they have not seen by forgetting the header.
type PreconditionError struct{}

func (e *PreconditionError) Error() string {
	return `this edit needs If-Match: send the ETag of the feature as you read it (GET), or "*" to change whatever version is current`
}

// featureBody is a GeoJSON Feature sent to create or replace a feature, or a merge patch of
// one (members left out stay as they are). reason, beside the Feature's members, says why.
type featureBody struct {
	Type       string                     `json:"type"`
	ID         json.RawMessage            `json:"id"`
	Geometry   json.RawMessage            `json:"geometry"`
	Properties map[string]json.RawMessage `json:"properties"`
	Reason     *string                    `json:"reason"`
}

// editLayer returns the layer of an edit route and the editor's key.
func (s *Server) editLayer(r *http.Request) (*catalog.Layer, store.APIKey, error) {
	key, err := s.need(r, store.RoleEditor)
	if err != nil {
		return nil, key, err
	}
	l, err := s.layer(r, pathParam(r, paramLayer))
	return l, key, err
}

// editFeature is editLayer with the {id} path parameter.
func (s *Server) editFeature(r *http.Request) (*catalog.Layer, store.APIKey, int64, error) {
	l, key, err := s.editLayer(r)
	if err != nil {
		return nil, key, 0, err
	}
	id, err := featureID(r)
	return l, key, id, err
}

// featureID reads the {id} path parameter.
func featureID(r *http.Request) (int64, error) {
	raw := pathParam(r, paramEditID)
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		return 0, &ParamError{paramEditID, strconv.Quote(raw) + " is not a feature id (a positive integer)"}
	}
	return id, nil
}

// readEdit decodes the body of an edit into e, with the reason from the body or ?reason=.
func (s *Server) readEdit(w http.ResponseWriter, r *http.Request, e *store.Edit, id int64) error {
	var b featureBody
	err := decodeBody(w, r, s.Config.Limits.EditMaxBytes, &b)
	if err != nil {
		return err
	}
	if b.Type != "" && b.Type != "Feature" {
		return &ParamError{paramBody, "want a GeoJSON Feature, not " + strconv.Quote(b.Type)}
	}
	if len(b.ID) > 0 && string(b.ID) != "null" && id != 0 && strings.Trim(string(b.ID), `"`) != strconv.FormatInt(id, 10) {
		return &ParamError{paramBody, "the Feature's id " + string(b.ID) + " is not the id in the path"}
	}
	e.Geometry, e.Properties = b.Geometry, b.Properties
	e.Reason, err = editReason(r, b.Reason)
	return err
}

// editReason is why an edit is made: the body's reason member, else ?reason=; at most
// reasonMaxBytes of text.
func editReason(r *http.Request, member *string) (string, error) {
	reason := r.URL.Query().Get(paramReason)
	if member != nil {
		reason = *member
	}
	if strings.ContainsRune(reason, 0) {
		return "", &ParamError{paramReason, "holds a NUL character (\\u0000), which text cannot"}
	}
	if len(reason) > reasonMaxBytes {
		return "", &ParamError{paramReason, "longer than " + strconv.Itoa(reasonMaxBytes) + " bytes: say why in a sentence or two"}
	}
	return reason, nil
}

// ifMatch reads If-Match, a list of entity tags (RFC 9110 §13.1.1): "*" is any version
// (nil); a list passes when any of its tags is feature id's current version, which the edit
// then expects; a tag we did not make, or a weak one (compared strongly), is a version no
// feature has; none is a PreconditionError.
func (s *Server) ifMatch(r *http.Request, l *catalog.Layer, id int64) (*store.Version, error) {
	var versions []store.Version
	given := false
	for _, h := range r.Header.Values("If-Match") {
		for t := range strings.SplitSeq(h, ",") {
			t = strings.TrimSpace(t)
			if t == "" {
				continue
			}
			given = true
			if t == "*" {
				return nil, nil
			}
			if v, ok := parseVersionETag(t); ok {
				versions = append(versions, v)
			}
		}
	}
	switch {
	case !given:
		return nil, &PreconditionError{}
	case len(versions) == 0:
		v := store.Version(-1)
		return &v, nil
	case len(versions) > 1:
		// The store compares one version, in the write itself; choose the current one if
		// listed. Should it change meanwhile, the write still finds it stale.
		f, err := s.DB.EditableFeature(r.Context(), l.LayerRow, id)
		if err != nil {
			return nil, err
		}
		if i := slices.Index(versions, f.Version); i >= 0 {
			return &versions[i], nil
		}
	}
	return &versions[0], nil
}

// writeSaved answers an edit with the feature as it now is.
func writeSaved(w http.ResponseWriter, f store.Saved, status int) error {
	h := w.Header()
	h.Set("ETag", versionETag(f.Version))
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Type", mediaGeoJSON)
	w.WriteHeader(status)
	_, err := w.Write(append(f.Feature, '\n'))
	return err
}

// caughtUp makes a committed write (an edit, an import, a catalog change) show on this
// instance at once: tiles, bounds, counts, the geocoder's streets. Other instances hear of it
// through the database's change notifications. A failure is logged, not answered: the write
// is committed, and the notification or the safety poll catches up shortly.
func (s *Server) caughtUp(r *http.Request) {
	if err := s.Changes.CatchUp(r.Context()); err != nil {
		loggerFrom(r.Context(), s.Log).Warn("changes: catching up after a write", "err", err)
	}
}

// layerFeature resolves the {layer} and {id} path parameters, the layer as the request may
// read it.
func (s *Server) layerFeature(r *http.Request) (*catalog.Layer, int64, error) {
	l, err := s.layer(r, pathParam(r, paramLayer))
	if err != nil {
		return nil, 0, err
	}
	id, err := featureID(r)
	return l, id, err
}

// handleFeatureGet serves GET /v1/layers/{layer}/features/{id}: the feature to edit, with
// all its writable properties and its version as ETag.
func (s *Server) handleFeatureGet(w http.ResponseWriter, r *http.Request) error {
	l, id, err := s.layerFeature(r)
	if err != nil {
		return err
	}
	f, err := s.DB.EditableFeature(r.Context(), l.LayerRow, id)
	if err != nil {
		return err
	}
	if etagMatch(r.Header.Get("If-None-Match"), versionETag(f.Version)) {
		w.Header().Set("ETag", versionETag(f.Version))
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	return writeSaved(w, f, http.StatusOK)
}

// handleFeatureCreate serves POST /v1/layers/{layer}/features: 201 with the new feature.
func (s *Server) handleFeatureCreate(w http.ResponseWriter, r *http.Request) error {
	l, key, err := s.editLayer(r)
	if err != nil {
		return err
	}
	e := store.Edit{Layer: l.LayerRow, Actor: key.Actor()}
	if err := s.readEdit(w, r, &e, 0); err != nil {
		return err
	}
	f, err := s.DB.CreateFeature(r.Context(), e)
	if err != nil {
		return err
	}
	s.caughtUp(r)
	w.Header().Set("Location", externalBase(r)+"/v1/layers/"+l.Name+"/features/"+strconv.FormatInt(f.ID, 10))
	return writeSaved(w, f, http.StatusCreated)
}

// handleFeatureReplace serves PUT /v1/layers/{layer}/features/{id}.
func (s *Server) handleFeatureReplace(w http.ResponseWriter, r *http.Request) error {
	return s.update(w, r, s.DB.ReplaceFeature)
}

// handleFeaturePatch serves PATCH /v1/layers/{layer}/features/{id}: a JSON merge patch.
func (s *Server) handleFeaturePatch(w http.ResponseWriter, r *http.Request) error {
	return s.update(w, r, s.DB.PatchFeature)
}

func (s *Server) update(w http.ResponseWriter, r *http.Request, apply func(ctx context.Context, id int64, e store.Edit) (store.Saved, error)) error {
	l, key, id, err := s.editFeature(r)
	if err != nil {
		return err
	}
	e := store.Edit{Layer: l.LayerRow, Actor: key.Actor()}
	if e.Expect, err = s.ifMatch(r, l, id); err != nil {
		return err
	}
	if err := s.readEdit(w, r, &e, id); err != nil {
		return err
	}
	f, err := apply(r.Context(), id, e)
	if err != nil {
		return err
	}
	s.caughtUp(r)
	return writeSaved(w, f, http.StatusOK)
}

// handleFeatureDelete serves DELETE /v1/layers/{layer}/features/{id}: 204; the feature's
// history stays.
func (s *Server) handleFeatureDelete(w http.ResponseWriter, r *http.Request) error {
	l, key, id, err := s.editFeature(r)
	if err != nil {
		return err
	}
	e := store.Edit{Layer: l.LayerRow, Actor: key.Actor()}
	if e.Reason, err = editReason(r, nil); err != nil {
		return err
	}
	if e.Expect, err = s.ifMatch(r, l, id); err != nil {
		return err
	}
	if err := s.DB.DeleteFeature(r.Context(), id, e); err != nil {
		return err
	}
	s.caughtUp(r)
	w.WriteHeader(http.StatusNoContent)
	return nil
}
