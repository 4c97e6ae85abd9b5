package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
)

// StyleSources returns the tiles the style of that name asks for: for each of its vector
// sources served here ("/tiles/a,b,c.json"), the layers of its composite tile in the order
// the URL names them, sources in the order of their names. An unknown name gives
// ErrUnknownStyle.
func (f *Files) StyleSources(name string) ([][]string, error) {
	raw, err := f.styleJSON(name)
	if err != nil {
		return nil, err
	}
	var style struct {
		Sources map[string]struct {
			Type string `json:"type"`
			URL  string `json:"url"`
		} `json:"sources"`
	}
	if err := json.Unmarshal(raw, &style); err != nil {
		return nil, fmt.Errorf("web: style %s: %w", name, err)
	}
	names := make([]string, 0, len(style.Sources))
	for n := range style.Sources {
		names = append(names, n)
	}
	slices.Sort(names)
	var out [][]string
	for _, n := range names {
		src := style.Sources[n]
		list, ok := strings.CutPrefix(src.URL, "/tiles/")
		if src.Type != "vector" || !ok || !strings.HasSuffix(list, ".json") {
			continue
		}
		out = append(out, strings.Split(strings.TrimSuffix(list, ".json"), ","))
	}
	return out, nil
}

// styleJSON is the style of that name as stored; an unknown name gives ErrUnknownStyle.
func (f *Files) styleJSON(name string) ([]byte, error) {
	if !fs.ValidPath(name) || strings.Contains(name, "/") {
		return nil, ErrUnknownStyle
	}
	raw, err := fs.ReadFile(f.fsys, "styles/"+name+".json")
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrUnknownStyle
	}
	if err != nil {
		return nil, fmt.Errorf("web: style %s: %w", name, err)
	}
	return raw, nil
}
