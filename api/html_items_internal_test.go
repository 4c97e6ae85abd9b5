package api

import (
	"bytes"
	"strings"
	"testing"

	"bandoso/web"
)

// TestItemsPageCount says how many features match as far as the first page counted them.
func TestItemsPageCount(t *testing.T) {
	tmpl, err := web.Embedded().Page("items")
	if err != nil {
		t.Fatal(err)
	}
	one := []pageFeature{{ID: "1"}}
	for _, c := range []struct {
		view itemsView
		want string
	}{
		{itemsView{Features: one, Matched: 5}, "1 features of 5 matching."},
		{itemsView{Features: one, Matched: -1, Uncounted: 10000}, "1 features of more than 10000 matching."},
		{itemsView{Features: one, Matched: -1}, "1 features."},
	} {
		var out bytes.Buffer
		if err := tmpl.Execute(&out, page{Title: "items", Body: c.view}); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), c.want) {
			t.Errorf("matched %d, uncounted %d: the page does not say %q", c.view.Matched, c.view.Uncounted, c.want)
		}
	}
}
