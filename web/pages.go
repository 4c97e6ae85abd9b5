package web

import (
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"path"
	"strings"
	"sync"
)

// ErrUnknownPage: there is no page template of that name.
var ErrUnknownPage = errors.New("web: unknown page")

// pageBase is the template every page fills: head, navigation, footer. A page defines
// "content", and may define "head" for what its head adds.
const pageBase = "pages/base.html"

// pages are the HTML page templates, parsed once.
type pages struct {
	once   sync.Once
	byName map[string]*template.Template
	err    error
}

// Page returns the HTML page template name (pages/name.html laid into pages/base.html); run
// it with Execute. ErrUnknownPage names none. The pages need no MapLibre: they render in a
// binary built without `make web`, without their map.
func (f *Files) Page(name string) (*template.Template, error) {
	p := &f.pages
	p.once.Do(func() { p.byName, p.err = parsePages(f.fsys) })
	if p.err != nil {
		return nil, p.err
	}
	t, ok := p.byName[name]
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrUnknownPage, name)
	}
	return t, nil
}

func parsePages(fsys fs.FS) (map[string]*template.Template, error) {
	base, err := template.ParseFS(fsys, pageBase)
	if err != nil {
		return nil, fmt.Errorf("web: pages: %w", err)
	}
	names, err := fs.Glob(fsys, "pages/*.html")
	if err != nil {
		return nil, fmt.Errorf("web: pages: %w", err)
	}
	byName := map[string]*template.Template{}
	for _, n := range names {
		if n == pageBase {
			continue
		}
		t, err := base.Clone()
		if err == nil {
			t, err = t.ParseFS(fsys, n)
		}
		if err != nil {
			return nil, fmt.Errorf("web: pages: %w", err)
		}
		byName[strings.TrimSuffix(path.Base(n), ".html")] = t.Lookup(path.Base(pageBase))
	}
	return byName, nil
}
