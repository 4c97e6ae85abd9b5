package api

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"bandoso/catalog"
	"bandoso/store"
)

// Whole layers as files for open-data catalogs (dữ liệu mở): GET /v1/layers/{layer}/download,
// with the items' filters, streamed from one snapshot.

// downloadSuffix ends the download route, /v1/layers/{layer}/download.
const downloadSuffix = "/download"

// paramBOM chooses whether a CSV download begins with a UTF-8 byte order mark.
const paramBOM = "bom"

// Download formats, the values of f.
const (
	formatGeoJSON = "geojson"
	formatCSV     = "csv"
	formatGPKG    = "gpkg"
)

const mediaGeoPackage = "application/geopackage+sqlite3"

// downloadFlushEvery is how many features go out between flushes, so that a client sees the
// file grow while a filtered download scans for matches.
const downloadFlushEvery = 1000

// downloadFormats are the media types of the formats, by f.
var downloadFormats = map[string]string{formatGeoJSON: mediaGeoJSON, formatCSV: mediaCSV, formatGPKG: mediaGeoPackage}

// notForDownload are the items parameters a download refuses: it is every matching feature,
// in WGS 84 (RFC 7946), so it has no pages and no other CRS.
var notForDownload = []string{paramLimit, paramAfter, paramBefore, paramCRS}

// downloadRequest is a parsed download.
type downloadRequest struct {
	q      store.FeatureQuery
	format string
	bom    bool
}

// isDownloadPath says whether path is a layer's download, which the timeout middleware
// gives Limits.DownloadTimeout.
func isDownloadPath(path string) bool {
	rest, ok := strings.CutPrefix(path, "/v1/layers/")
	return ok && strings.Count(rest, "/") == 1 && strings.HasSuffix(rest, downloadSuffix)
}

// parseDownload reads f and bom, then every filter of an items request (parseItems), so that
// a download selects what the same items query pages through.
func (s *Server) parseDownload(r *http.Request, l *catalog.Layer) (downloadRequest, error) {
	values := r.URL.Query()
	d := downloadRequest{format: formatGeoJSON, bom: true}
	for _, name := range []string{paramFormat, paramBOM} {
		if len(values[name]) > 1 {
			return d, &ParamError{Param: name, Reason: "given more than once"}
		}
	}
	if values.Has(paramFormat) {
		d.format = values.Get(paramFormat)
		if _, ok := downloadFormats[d.format]; !ok {
			return d, &ParamError{Param: paramFormat, Reason: fmt.Sprintf("%q is not a download format; use geojson, csv or gpkg", d.format)}
		}
	}
	if values.Has(paramBOM) {
		b, err := strconv.ParseBool(values.Get(paramBOM))
		if err != nil {
			return d, &ParamError{Param: paramBOM, Reason: fmt.Sprintf("%q is neither true nor false", values.Get(paramBOM))}
		}
		if d.format != formatCSV {
			return d, &ParamError{Param: paramBOM, Reason: "only a CSV download (f=csv) has a byte order mark"}
		}
		d.bom = b
	}
	for _, name := range notForDownload {
		if values.Has(name) {
			return d, &ParamError{Param: name, Reason: "a download is every matching feature, in WGS 84: page or reproject through the OGC API items instead"}
		}
	}
	values.Del(paramFormat)
	values.Del(paramBOM)
	items := *r
	u := *r.URL
	u.RawQuery = values.Encode()
	items.URL = &u
	req, err := s.parseItems(&items, l)
	d.q = req.q
	d.q.Limit = 0
	return d, err
}

// handleDownload serves GET /v1/layers/{layer}/download: every feature of the layer that the
// items filters select, as one GeoJSON, CSV or GeoPackage file. It holds one place of database
// work for its whole length, and its client at most Limits.DownloadsPerClient downloads at
// once.
func (s *Server) handleDownload(w http.ResponseWriter, r *http.Request) error {
	l, err := s.layer(r, pathParam(r, paramLayer))
	if err != nil {
		return err
	}
	d, err := s.parseDownload(r, l)
	if err != nil {
		return err
	}
	// A large layer takes longer to send than an ordinary answer may.
	_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(s.Config.Limits.DownloadTimeout))
	downloadHeaders(w, r, l, d)
	if r.Method == http.MethodHead {
		// Portals check their links with HEAD: the headers say what a GET sends, without
		// reading the layer.
		return nil
	}
	switch d.format {
	case formatCSV:
		err = s.downloadCSV(w, r, d)
	case formatGPKG:
		return s.downloadGeoPackage(w, r, l, d) // nothing is sent before the file is whole
	default:
		err = s.downloadGeoJSON(w, r, l, d)
	}
	return downloadEnd(r, err)
}

// downloadEnd is what a streamed download's error becomes once its status is sent: nothing
// when none, the context's cancellation when the client went away (logged as 499), and
// otherwise a cut connection, so that the client sees the file broken rather than short.
func downloadEnd(r *http.Request, err error) error {
	switch {
	case err == nil:
		return nil
	case r.Context().Err() != nil && !errors.Is(r.Context().Err(), context.DeadlineExceeded):
		return context.Canceled
	}
	panic(http.ErrAbortHandler)
}

// downloadHeaders names the file (layer and date) and says where the data comes from and
// under which licence: the catalog entry's source and licence, as RFC 2047 encoded words
// where they are not ASCII, and the licence's page as a Link when it has one.
func downloadHeaders(w http.ResponseWriter, r *http.Request, l *catalog.Layer, d downloadRequest) {
	h := w.Header()
	h.Set("Content-Type", downloadFormats[d.format])
	day := time.Now().In(vietnam)
	if d.q.AsOf != nil {
		day = d.q.AsOf.In(vietnam)
	}
	name := l.Name + "-" + day.Format(time.DateOnly) + "." + d.format
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	h.Set("Cache-Control", "public, max-age=60")
	varyOnBase(r)
	links := []string{"<" + externalBase(r) + "/v1/layers/" + l.Name + ">; rel=\"describedby\"; type=\"" + mediaJSON + "\""}
	if u := licenceURL(l.Licence); u != "" {
		links = append(links, "<"+u+">; rel=\"license\"")
	}
	h.Set("Link", strings.Join(links, ", "))
	if l.Licence != "" {
		h.Set("X-Data-Licence", mime.QEncoding.Encode("utf-8", l.Licence))
	}
	h.Set("X-Data-Source", mime.QEncoding.Encode("utf-8", layerCredit(l)))
}

// downloadWriter buffers a download and flushes it to the client every downloadFlushEvery
// features.
type downloadWriter struct {
	*bufio.Writer
	rc *http.ResponseController
	n  int
}

func newDownloadWriter(w http.ResponseWriter) *downloadWriter {
	return &downloadWriter{Writer: bufio.NewWriterSize(w, 64<<10), rc: http.NewResponseController(w)}
}

// feature counts a feature written and flushes every downloadFlushEvery.
func (d *downloadWriter) feature() error {
	if d.n++; d.n%downloadFlushEvery == 0 {
		return d.flush()
	}
	return nil
}

func (d *downloadWriter) flush() error {
	if err := d.Flush(); err != nil {
		return err
	}
	if err := d.rc.Flush(); err != nil && !errors.Is(err, http.ErrNotSupported) {
		return err
	}
	return nil
}
