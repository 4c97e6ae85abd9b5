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
	"time"

	"bandoso/address"
)

// Batch routes: a CSV file posted, answered as CSV, row by row.
const (
	// defaultBatchMaxBytes bounds an uploaded file; rows past it get an error row.
	defaultBatchMaxBytes = 64 << 20
	// defaultBatchTimeout bounds the whole request; each row has batchRowTimeout.
	defaultBatchTimeout = 15 * time.Minute
	batchRowTimeout     = 5 * time.Second
	// batchFlushRows is how often the answer is pushed to the client.
	batchFlushRows = 200
	paramColumn    = "column"
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
// failure after the first row, ends the answer with an "error" row.
func (s *Server) serveBatch(w http.ResponseWriter, r *http.Request, spec batchSpec) error {
	rc := http.NewResponseController(w)
	_ = rc.SetReadDeadline(time.Now().Add(s.BatchTimeout))
	_ = rc.SetWriteDeadline(time.Now().Add(s.BatchTimeout))
	body, err := batchBody(w, r, s.BatchMaxBytes)
	if err != nil {
		return err
	}
	in := csv.NewReader(body)
	in.FieldsPerRecord, in.LazyQuotes, in.ReuseRecord = -1, true, true
	header, err := in.Read()
	if errors.Is(err, io.EOF) {
		return &ParamError{"file", "empty: want a header row, then one address per row"}
	}
	if err != nil {
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
	// Rows are answered batchWorkers at a time, each waiting mostly on the database, and
	// written in the file's order; the body is read while the answer is written.
	_ = rc.EnableFullDuplex()
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	rows := readRows(ctx, in, col, spec)
	for n := 1; ; n++ {
		p, ok := <-rows
		if !ok {
			break
		}
		<-p.done
		if p.readErr != nil {
			loggerFrom(r.Context(), s.Log).Info(spec.what+" stopped", "row", n, "err", p.readErr)
			stop(batchError(p.readErr))
			break
		}
		if r.Context().Err() != nil {
			return nil
		}
		if p.err != nil && n == 1 {
			return p.err // nothing has been sent but the buffered header: a problem answer
		}
		if p.err != nil {
			loggerFrom(r.Context(), s.Log).Warn(spec.what+" stopped", "row", n, "err", p.err)
			stop("the database failed; the rows before this one are answered")
			break
		}
		line := make([]string, len(header))
		copy(line, p.row)
		if err := out.Write(csvSafe(append(line, p.result...))); err != nil {
			return nil
		}
		if n%batchFlushRows == 0 {
			out.Flush()
			_ = rc.Flush()
		}
	}
	out.Flush()
	return nil
}

// batchWorkers is how many rows of a batch are answered at once.
const batchWorkers = 4

// pendingRow is a row of a batch being answered; done is closed when it is.
type pendingRow struct {
	row     []string
	result  []string
	err     error
	readErr error // the file broke here: no row
	done    chan struct{}
}

// readRows reads the file's rows and answers them batchWorkers at a time, handing them on in
// the file's order; a broken file ends with a row holding the error. It stops when ctx ends.
func readRows(ctx context.Context, in *csv.Reader, col int, spec batchSpec) <-chan *pendingRow {
	ordered := make(chan *pendingRow, 2*batchWorkers)
	work := make(chan *pendingRow)
	for range batchWorkers {
		go func() {
			for p := range work {
				p.result, p.err = batchRow(ctx, p.row, col, spec)
				close(p.done)
			}
		}()
	}
	go func() {
		defer close(ordered)
		defer close(work)
		for {
			row, err := in.Read()
			if errors.Is(err, io.EOF) {
				return
			}
			p := &pendingRow{row: slices.Clone(row), readErr: err, done: make(chan struct{})}
			if err != nil {
				close(p.done)
			}
			select {
			case ordered <- p:
			case <-ctx.Done():
				return
			}
			if err != nil {
				return
			}
			select {
			case work <- p:
			case <-ctx.Done():
				return
			}
		}
	}()
	return ordered
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

func batchError(err error) string {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return fmt.Sprintf("the file is larger than %d bytes; the rows before this one are answered", tooBig.Limit)
	}
	return err.Error()
}
