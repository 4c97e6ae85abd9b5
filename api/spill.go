package api

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strconv"

	"bandoso/tiles"
)

// spillLimit is how much of a streamed response is held back to give it an ETag: a page
// up to this size is sent whole with a strong ETag and Content-Length; a larger one goes
// out as it is made, without them, so memory stays bounded.
const spillLimit = 4 << 20

// spillWriter holds a response until it exceeds its limit, then spills it and writes
// through.
type spillWriter struct {
	w       http.ResponseWriter
	r       *http.Request
	limit   int
	buf     bytes.Buffer
	spilled bool
	// n counts what the caller wrote so far in its own units (features), for separators.
	n int
	// unhashed are the byte ranges of buf the ETag leaves out (writeUnhashed).
	unhashed [][2]int
}

// writeUnhashed writes p, leaving it out of the ETag: bytes such as a time stamp that change
// without the content changing. The ETag is then weak, as RFC 9110 §8.8.1 asks of a
// validator shared by representations that differ in such bytes.
func (s *spillWriter) writeUnhashed(p []byte) {
	if !s.spilled {
		s.unhashed = append(s.unhashed, [2]int{s.buf.Len(), s.buf.Len() + len(p)})
	}
	_, _ = s.Write(p)
}

func newSpillWriter(w http.ResponseWriter, r *http.Request, limit int) *spillWriter {
	return &spillWriter{w: w, r: r, limit: limit}
}

func (s *spillWriter) Write(p []byte) (int, error) {
	if s.spilled {
		return s.w.Write(p)
	}
	s.buf.Write(p)
	if s.buf.Len() > s.limit {
		s.spilled = true
		s.w.WriteHeader(http.StatusOK)
		_, err := s.w.Write(s.buf.Bytes())
		s.buf = bytes.Buffer{}
		return len(p), err
	}
	return len(p), nil
}

// finish sends a response still held back, with its ETag, or 304 when it matches.
func (s *spillWriter) finish() error {
	if s.spilled {
		return nil
	}
	if len(s.unhashed) == 0 {
		return writeBody(s.w, s.r, s.w.Header().Get("Content-Type"), s.buf.Bytes())
	}
	body := s.buf.Bytes()
	hash := sha256.New()
	at := 0
	for _, u := range s.unhashed {
		hash.Write(body[at:u[0]])
		at = u[1]
	}
	hash.Write(body[at:])
	return writeBodyTagged(s.w, s.r, s.w.Header().Get("Content-Type"), body, `W/"`+hex.EncodeToString(hash.Sum(nil)[:16])+`"`)
}

// writeBody sends body with a strong ETag of its bytes, or 304 on If-None-Match.
func writeBody(w http.ResponseWriter, r *http.Request, contentType string, body []byte) error {
	sum := sha256.Sum256(body)
	return writeBodyTagged(w, r, contentType, body, `"`+hex.EncodeToString(sum[:16])+`"`)
}

// gzipMin is the smallest body sent gzipped: below it the gzip header and the work cost more
// than they save.
const gzipMin = 1 << 10

// writeBodyTagged sends body with etag, or 304 on If-None-Match; gzipped for a client that
// accepts it when body is large enough (an items page of 100 parcels, 43 KB, goes as 6 KB), its
// ETag then marked, as a strong validator names one representation (RFC 9110 §8.8.1).
func writeBodyTagged(w http.ResponseWriter, r *http.Request, contentType string, body []byte, etag string) error {
	h := w.Header()
	gz := len(body) >= gzipMin
	if gz {
		// The answer depends on Accept-Encoding even for a client that gets it plain.
		h.Add("Vary", "Accept-Encoding")
		gz = acceptsGzip(r)
	}
	if gz {
		etag = etag[:len(etag)-1] + `-gzip"`
	}
	h.Set("ETag", etag)
	if etagMatch(r.Header.Get("If-None-Match"), etag) {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	if gz {
		zipped, err := tiles.Gzip(body)
		if err != nil {
			return err
		}
		body = zipped
		h.Set("Content-Encoding", "gzip")
	}
	h.Set("Content-Type", contentType)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	_, _ = w.Write(body)
	return nil
}

// jsonMarshal is json.Marshal without HTML escaping, so links keep their & and <.
func jsonMarshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}
