package api

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// Two pages that differ only in their time stamps share a weak ETag that revalidates; a page
// whose content differs does not.
func TestSpillETagLeavesOutTimeStamps(t *testing.T) {
	page := func(stamp, content, ifNoneMatch string) *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		if ifNoneMatch != "" {
			r.Header.Set("If-None-Match", ifNoneMatch)
		}
		out := newSpillWriter(w, r, spillLimit)
		_, _ = out.Write([]byte(`{"features":[` + content + `],"timeStamp":"`))
		out.writeUnhashed([]byte(stamp))
		_, _ = out.Write([]byte(`"}`))
		if err := out.finish(); err != nil {
			t.Fatal(err)
		}
		return w
	}
	first := page("2026-11-23T10:00:00Z", "1", "")
	etag := first.Header().Get("ETag")
	if !strings.HasPrefix(etag, `W/"`) || !strings.Contains(first.Body.String(), "10:00:00Z") {
		t.Fatalf("ETag %q, body %s", etag, first.Body)
	}
	if again := page("2026-11-23T10:00:01Z", "1", etag); again.Code != http.StatusNotModified {
		t.Errorf("the same page a second later: %d, want 304", again.Code)
	}
	if other := page("2026-11-23T10:00:01Z", "2", etag); other.Code != http.StatusOK || other.Header().Get("ETag") == etag {
		t.Errorf("another page: %d, ETag %q", other.Code, other.Header().Get("ETag"))
	}
}
