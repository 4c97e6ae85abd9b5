package api

import (
	"net/http"
	"net/url"
	"strconv"
)

// A paged answer (history, audit) is a JSON object whose list member is streamed item by
// item through a spillWriter, so that memory stays bounded whatever the items weigh, and
// ends with links to itself and, when more follow, to the next page (keyset cursors, as the
// OGC items pages have).

// item writes v as the next element of the list being streamed.
func (s *spillWriter) item(v any) error {
	b, err := jsonMarshal(v)
	if err != nil {
		return err
	}
	if s.n > 0 {
		_, _ = s.Write([]byte{','})
	}
	s.n++
	_, err = s.Write(b)
	return err
}

// finishPage closes the list and the object with the page's links: next carries cursor
// when more follow. An error once the answer has begun cuts it, so that the client sees it
// broken, not short.
func finishPage(out *spillWriter, r *http.Request, err error, more bool, cursor string) error {
	if err != nil {
		if out.spilled {
			panic(http.ErrAbortHandler)
		}
		return err
	}
	links := []link{{Href: pageURL(r, nil), Rel: relSelf, Type: mediaJSON, Title: "this page"}}
	tail := map[string]any{"links": links}
	if more {
		next := pageURL(r, map[string]string{paramCursor: cursor})
		links = append(links, link{Href: next, Rel: relNext, Type: mediaJSON, Title: "next page"})
		tail = map[string]any{"links": links, "next": next}
	}
	b, err := jsonMarshal(tail)
	if err != nil {
		return err
	}
	_, _ = out.Write(append([]byte{']', ','}, b[1:]...)) // the tail's members after the list
	return out.finish()
}

// pageURL is the request's URL with the query parameters in set replaced.
func pageURL(r *http.Request, set map[string]string) string {
	q := r.URL.Query()
	for k, v := range set {
		q.Set(k, v)
	}
	u := externalBase(r) + r.URL.Path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	return u
}

// pageLimit reads parameter name as a page size from 1 to max, def when absent.
func pageLimit(q url.Values, name string, def, max int) (int, error) {
	if !q.Has(name) {
		return def, nil
	}
	n, err := strconv.Atoi(q.Get(name))
	if err != nil || n < 1 || n > max {
		return 0, &ParamError{name, "want 1 to " + strconv.Itoa(max)}
	}
	return n, nil
}
