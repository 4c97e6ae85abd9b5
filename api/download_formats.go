package api

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode"

	"bandoso/catalog"
	"bandoso/ingest"
	"bandoso/store"
)

// utf8BOM begins a CSV download unless bom=false: Excel, which many of the city's users open
// CSV files with, reads a file without it in the system's code page and garbles Vietnamese
// letters; spreadsheets and GIS tools other than Excel skip it.
const utf8BOM = "\uFEFF"

// downloadGeoJSON writes an RFC 7946 FeatureCollection. What the catalog says of the layer
// goes in foreign members (RFC 7946 §6.1) before the features: name (the layer's, which GDAL
// takes as the layer name), title, description, source, licence, whether it is synthetic and
// when the file was made; numberReturned follows them.
func (s *Server) downloadGeoJSON(w http.ResponseWriter, r *http.Request, l *catalog.Layer, d downloadRequest) error {
	out := newDownloadWriter(w)
	head, err := jsonMarshal(map[string]any{"name": l.Name, "title": l.Title, "description": l.Description,
		"source": layerCredit(l), "licence": l.Licence, "synthetic": l.Synthetic,
		"timeStamp": time.Now().UTC().Format(time.RFC3339)})
	if err != nil {
		return err
	}
	// {"type":"FeatureCollection", the members above, "features":[
	_, _ = out.WriteString(`{"type":"FeatureCollection",`)
	_, _ = out.Write(head[1 : len(head)-1])
	_, _ = out.WriteString(`,"features":[` + "\n")
	n, err := s.DB.Download(r.Context(), d.q, store.FormatGeoJSON, func(cols [][]byte) error {
		if out.n > 0 {
			_, _ = out.WriteString(",\n")
		}
		if _, err := out.Write(cols[0]); err != nil {
			return err
		}
		return out.feature()
	})
	if err != nil {
		return err
	}
	_, _ = out.WriteString("\n],\"numberReturned\":" + strconv.Itoa(n) + "}\n")
	return out.flush()
}

// downloadCSV writes the id, the properties and the geometry as WKT, in WGS 84 longitude,
// latitude, one row per feature, with the cells spreadsheets would run as formulas
// neutralised (csvCell). CSV (RFC 4180) has no comments, so the source and licence travel in
// the headers only.
func (s *Server) downloadCSV(w http.ResponseWriter, r *http.Request, d downloadRequest) error {
	out := newDownloadWriter(w)
	if d.bom {
		_, _ = out.WriteString(utf8BOM)
	}
	var header [][]byte
	for _, h := range append(append([]string{"id"}, d.q.OutFields()...), "wkt") {
		header = append(header, []byte(h))
	}
	if err := writeCSVRecord(out.Writer, header); err != nil {
		return err
	}
	_, err := s.DB.Download(r.Context(), d.q, store.FormatCSV, func(cols [][]byte) error {
		if err := writeCSVRecord(out.Writer, cols); err != nil {
			return err
		}
		return out.feature()
	})
	if err != nil {
		return err
	}
	return out.flush()
}

// writeCSVRecord writes cells as one record, as encoding/csv does (RFC 4180: a cell with a
// comma, a quote, a line break or leading space is quoted, its quotes doubled; "\n" ends the
// record) but from bytes, so that a million rows cost no allocation; each cell goes through
// csvCell's rule first.
func writeCSVRecord(w *bufio.Writer, cells [][]byte) error {
	for i, c := range cells {
		if i > 0 {
			_ = w.WriteByte(',')
		}
		formula := len(c) > 0 && isFormulaStart(c[0]) && !isPlainNumber(string(c))
		quote := formula && bytes.ContainsAny(c, ",\"\r\n") ||
			!formula && len(c) > 0 && (bytes.ContainsAny(c, ",\"\r\n") || unicode.IsSpace(rune(c[0])) || string(c) == `\.`)
		if quote {
			_ = w.WriteByte('"')
		}
		if formula {
			_ = w.WriteByte('\'')
		}
		if quote {
			for _, b := range c {
				if b == '"' {
					_ = w.WriteByte('"')
				}
				_ = w.WriteByte(b)
			}
			_ = w.WriteByte('"')
		} else {
			_, _ = w.Write(c)
		}
	}
	return w.WriteByte('\n')
}

// downloadGeoPackage writes the features to a GeoJSON text sequence in a temporary directory,
// has GDAL's ogr2ogr make a GeoPackage of it (a SQLite file, which cannot be written as a
// stream), sends that and removes both. The catalog's title and description become the
// layer's identifier and description in gpkg_contents, its source and licence metadata of
// the file (gpkg_metadata). Without GDAL: 501, before any work.
func (s *Server) downloadGeoPackage(w http.ResponseWriter, r *http.Request, l *catalog.Layer, d downloadRequest) error {
	dir, err := os.MkdirTemp("", "bandoso-download-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	seq := filepath.Join(dir, l.Name+".geojsonl")
	if err := s.writeFeatureSequence(r, seq, d.q); err != nil {
		return err
	}
	gpkg := filepath.Join(dir, l.Name+".gpkg")
	args := []string{"-nln", l.Name, "-a_srs", "EPSG:4326", "-preserve_fid",
		"-lco", "IDENTIFIER=" + l.Title, "-lco", "DESCRIPTION=" + l.Description,
		"-mo", "SOURCE=" + layerCredit(l), "-mo", "LICENCE=" + l.Licence}
	if !strings.Contains(l.GeometryType, "Point") {
		// Parcels mix Polygons and MultiPolygons; a GeoPackage layer has one type.
		args = append(args, "-nlt", "PROMOTE_TO_MULTI")
	}
	if err := ingest.ConvertOGR(r.Context(), "GPKG", gpkg, seq, args...); err != nil {
		return err
	}
	f, err := os.Open(gpkg)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	w.Header().Set("Content-Length", strconv.FormatInt(st.Size(), 10))
	_, err = io.Copy(w, f)
	return downloadEnd(r, err)
}

// writeFeatureSequence writes q's features to path, one GeoJSON Feature a line, and stops
// early with ingest.ErrNoGDAL when ogr2ogr is missing, to read nothing in vain.
func (s *Server) writeFeatureSequence(r *http.Request, path string, q store.FeatureQuery) error {
	if err := ingest.HaveGDAL(); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	bw := bufio.NewWriterSize(f, 64<<10)
	_, err = s.DB.Download(r.Context(), q, store.FormatGeoJSON, func(cols [][]byte) error {
		_, _ = bw.Write(cols[0])
		return bw.WriteByte('\n')
	})
	if err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	return f.Close()
}
