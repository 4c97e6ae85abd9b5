package api

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"bandoso/address"
	"bandoso/admit"
)

// Batch routes: a CSV file posted, answered as CSV, row by row.
const (
	// batchRowTimeout bounds one row; Limits.BatchTimeout the whole request.
	batchRowTimeout = 5 * time.Second
	paramColumn     = "column"
)

// addressHeaders are header names taken as the address column, folded, when ?column= is not
// given; otherwise the first column is.
var addressHeaders = []string{"address", "dia chi", "dia_chi", "diachi", "q", "full_address"}

// batchSpec is what one batch route adds to each row of the file.
type batchSpec struct {
	what     string   // for the log: "batch geocoding"
	filename string   // the answer's, for Content-Disposition
	columns  []string // added after the input's columns; the first is the row's status
	// answer fills the added columns for one row's address, which is plain text of at most
	// maxQueryText bytes, within ctx (the row's time). Bad or unanswerable text is a status,
	// not an error; errors are the database's.
	answer func(ctx context.Context, text string) ([]string, error)
}

// serveBatch reads a CSV upload (the body as text/csv, or the field "file" of a multipart
// form) whose first row is a header, and answers each row with spec's columns, as CSV in the
// same order, streamed: the file is never held whole in memory. A broken file, or a database
// failure after the first row, ends the answer with an "error" row. The rows take their
// turns at the gate a chunk at a time (readRows): a client slow to send them holds no place,
// and a body that stalls for the body timeout ends the request.
func (s *Server) serveBatch(w http.ResponseWriter, r *http.Request, spec batchSpec) error {
	rc := http.NewResponseController(w)
	_ = rc.SetWriteDeadline(time.Now().Add(s.Config.Limits.BatchTimeout))
	br := s.newBodyReader(w, r, time.Time{})
	r.Body = br
	body, err := batchBody(w, r, s.Config.Limits.BatchMaxBytes)
	if err != nil {
		return err
	}
	in := csv.NewReader(body)
	in.FieldsPerRecord, in.LazyQuotes, in.ReuseRecord = -1, true, true
	header, err := in.Read()
	switch {
	case errors.Is(err, io.EOF):
		return &ParamError{"file", "empty: want a header row, then one address per row"}
	case errors.Is(err, errSlowBody):
		return err
	case err != nil:
		return &ParamError{"file", "not CSV: " + err.Error()}
	}
	header = slices.Clone(header)
	col, err := addressColumn(header, r.URL.Query().Get(paramColumn))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+spec.filename+`"`)
	out := csv.NewWriter(w)
	if err := out.Write(csvSafe(append(slices.Clone(header), spec.columns...))); err != nil {
		return nil // the client went away
	}
	stop := func(reason string) { _ = out.Write(csvSafe(errorRow(len(header), len(spec.columns), reason))) }
	// The body is read while the answer is written.
	_ = rc.EnableFullDuplex()
	ctx, cancel := context.WithCancel(r.Context())
	chunks, done := s.readRows(ctx, in, col, spec)
	defer func() {
		// The body must not be read once the handler returns (net/http reads the next
		// request from the connection): stop the reader and wait for it. A read it is in
		// ends within the body timeout, the body's own deadline.
		cancel()
		<-done
	}()
	n := 0
rows:
	for chunk := range chunks {
		for _, p := range chunk {
			n++
			select {
			case <-p.done:
			case <-ctx.Done():
				break rows // the body stalled (below), or the client went away
			}
			if p.readErr != nil {
				loggerFrom(r.Context(), s.Log).Info(spec.what+" stopped", "row", n, "err", p.readErr)
				stop(batchError(p.readErr))
				out.Flush()
				return nil
			}
			if p.err != nil && r.Context().Err() != nil {
				break rows // the body stalled (below), or the client went away
			}
			if p.err != nil && n == 1 {
				return p.err // nothing has been sent but the buffered header: a problem answer
			}
			if p.err != nil {
				loggerFrom(r.Context(), s.Log).Warn(spec.what+" stopped", "row", n, "err", p.err)
				stop(batchStopped(p.err))
				out.Flush()
				return nil
			}
			line := make([]string, len(header))
			copy(line, p.row)
			if err := out.Write(csvSafe(append(line, p.result...))); err != nil {
				return nil
			}
		}
		out.Flush()
		_ = rc.Flush()
	}
	// A stalled body ends the request's context (net/http does), and with it the rows.
	if err := br.stallError(); err != nil {
		stop(batchError(err))
	}
	out.Flush()
	return nil
}

const (
	// batchChunkRows is how many rows of a batch take one turn at the gate: the place is held
	// while they are answered, never while the client is still sending the next ones.
	batchChunkRows = 100
	// batchWorkers is how many rows of a chunk are answered at once, each waiting mostly on
	// the database.
	batchWorkers = 4
)

// pendingRow is a row of a batch being answered; done is closed when it is.
type pendingRow struct {
	row     []string
	result  []string
	err     error
	readErr error // the file broke here: no row
	done    chan struct{}
}

// readRows reads the file's rows in chunks of batchChunkRows and hands them on in the file's
// order while each chunk is answered, in one turn at the gate, batchWorkers rows at a time;
// the next chunk is read meanwhile. A broken file ends with a row holding the error. It stops
// when ctx ends; done is closed once it no longer reads or answers.
func (s *Server) readRows(ctx context.Context, in *csv.Reader, col int, spec batchSpec) (chunks <-chan []*pendingRow, done <-chan struct{}) {
	ordered := make(chan []*pendingRow, 1)
	work := make(chan []*pendingRow, 1)
	var wg sync.WaitGroup
	wg.Go(func() {
		for chunk := range work {
			s.answerChunk(ctx, chunk, col, spec)
		}
	})
	wg.Go(func() {
		defer close(ordered)
		defer close(work)
		for ctx.Err() == nil {
			chunk, last := readChunk(ctx, in)
			for _, c := range []chan []*pendingRow{ordered, work} {
				select {
				case c <- chunk:
				case <-ctx.Done():
					return
				}
			}
			if last {
				return
			}
		}
	})
	stopped := make(chan struct{})
	go func() {
		wg.Wait()
		close(stopped)
	}()
	return ordered, stopped
}

// readChunk reads up to batchChunkRows rows; last is true at the end of the file or when it
// broke, which is then the chunk's last row.
func readChunk(ctx context.Context, in *csv.Reader) (chunk []*pendingRow, last bool) {
	for len(chunk) < batchChunkRows && ctx.Err() == nil {
		row, err := in.Read()
		if errors.Is(err, io.EOF) {
			return chunk, true
		}
		p := &pendingRow{row: slices.Clone(row), readErr: err, done: make(chan struct{})}
		chunk = append(chunk, p)
		if err != nil {
			close(p.done)
			return chunk, true
		}
	}
	return chunk, false
}

// answerChunk answers a chunk's rows in one turn at the gate; when no turn comes, each row
// holds the gate's error.
func (s *Server) answerChunk(ctx context.Context, chunk []*pendingRow, col int, spec batchSpec) {
	rows := slices.DeleteFunc(slices.Clone(chunk), func(p *pendingRow) bool { return p.readErr != nil })
	if len(rows) == 0 {
		return
	}
	leave, err := s.DBWork.Enter(ctx)
	if err != nil {
		for _, p := range rows {
			p.err = err
			close(p.done)
		}
		return
	}
	defer leave()
	next := make(chan *pendingRow)
	var wg sync.WaitGroup
	for range batchWorkers {
		wg.Go(func() {
			for p := range next {
				p.result, p.err = batchRow(ctx, p.row, col, spec)
				close(p.done)
			}
		})
	}
	for _, p := range rows {
		next <- p
	}
	close(next)
	wg.Wait()
}

// batchRow answers one row: text too long or not plain text is a status; the rest is
// spec's to answer, within batchRowTimeout.
func batchRow(ctx context.Context, row []string, col int, spec batchSpec) ([]string, error) {
	text := ""
	if col < len(row) {
		text = strings.TrimSpace(row[col])
	}
	invalid := ""
	switch {
	case len(text) > maxQueryText:
		invalid = fmt.Sprintf("invalid: longer than %d bytes", maxQueryText)
	case !plainText(text):
		invalid = "invalid: not UTF-8 text without NUL characters"
	}
	if invalid != "" {
		result := make([]string, len(spec.columns))
		result[0] = invalid
		return result, nil
	}
	ctx, cancel := context.WithTimeout(ctx, batchRowTimeout)
	defer cancel()
	return spec.answer(ctx, text)
}

// batchBody is the CSV file of the request: the body itself, or the "file" part of a
// multipart form, read as a stream, at most max bytes.
func batchBody(w http.ResponseWriter, r *http.Request, max int64) (io.Reader, error) {
	r.Body = http.MaxBytesReader(w, r.Body, max)
	media, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || media != "multipart/form-data" {
		return r.Body, nil
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, &ParamError{"file", "bad multipart form: " + err.Error()}
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil, &ParamError{"file", "the form has no field named file"}
		}
		if err != nil {
			return nil, &ParamError{"file", "bad multipart form: " + err.Error()}
		}
		if part.FormName() == "file" {
			return part, nil
		}
	}
}

// addressColumn is the index of the address column: named by ?column=, else the first header
// that names an address, else the first column.
func addressColumn(header []string, named string) (int, error) {
	if named != "" {
		for i, h := range header {
			if strings.TrimSpace(h) == named {
				return i, nil
			}
		}
		return 0, &ParamError{paramColumn, fmt.Sprintf("the header has no column %q", named)}
	}
	for i, h := range header {
		if slices.Contains(addressHeaders, address.Fold(strings.TrimPrefix(h, "\uFEFF"))) {
			return i, nil
		}
	}
	return 0, nil
}

// errorRow is the last row of an answer cut short: empty input columns, then the reason.
func errorRow(inputs, added int, reason string) []string {
	row := make([]string, inputs+added)
	row[inputs] = "error: " + reason
	return row
}

// batchStopped is the reason of the error row that ends a batch whose rows past it the
// service could not answer.
func batchStopped(err error) string {
	if errors.Is(err, admit.ErrBusy) || errors.Is(err, admit.ErrClientBusy) {
		return "the server is busy; the rows before this one are answered, send the rest again shortly"
	}
	return "the database failed; the rows before this one are answered"
}

func batchError(err error) string {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return fmt.Sprintf("the file is larger than %d bytes; the rows before this one are answered", tooBig.Limit)
	}
	if errors.Is(err, errSlowBody) {
		return err.Error() + "; the rows before this one are answered"
	}
	return err.Error()
}
