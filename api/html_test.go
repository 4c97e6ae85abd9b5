package api_test

import (
	"encoding/json"
	"fmt"
	"html"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// browserAccept is the Accept header Chromium and Firefox send when they open a page.
const browserAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"

var (
	attrURL      = regexp.MustCompile(`(?:href|src)="([^"]*)"`)
	altLink      = regexp.MustCompile(`<link rel="alternate" type="([^"]+)" href="([^"]+)"`)
	featureRow   = regexp.MustCompile(`<tr data-id="([^"]+)">`)
	pageFeatures = regexp.MustCompile(`(?s)<script type="application/json" id="features">(.*?)</script>`)
	countLine    = regexp.MustCompile(`<p class="count">(\d+) features(?: of (\d+) matching)?`)
	pagerLink    = regexp.MustCompile(`<a href="([^"]+)" rel="(next|prev)">`)
)

// htmlPage is what the tests read of an HTML page.
type htmlPage struct {
	links      []string          // every href and src, absolute
	alternates map[string]string // the head's rel=alternate links, by media type
	body       string
}

// getPage asserts a 200 HTML page under the pages' policy and reads its links.
func (e tileEnv) getPage(t *testing.T, rawURL string, header ...string) htmlPage {
	t.Helper()
	res, body := send(t, http.MethodGet, rawURL, append([]string{"Accept", browserAccept}, header...)...)
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Fatalf("%s: status %d, Content-Type %q: %.300s", rawURL, res.StatusCode, res.Header.Get("Content-Type"), body)
	}
	csp := res.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "script-src 'self';") || strings.Contains(csp, "unsafe-eval") || !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("%s: Content-Security-Policy %q", rawURL, csp)
	}
	base, _ := url.Parse(rawURL)
	p := htmlPage{alternates: map[string]string{}, body: string(body)}
	for _, m := range attrURL.FindAllStringSubmatch(p.body, -1) {
		u, err := base.Parse(html.UnescapeString(m[1]))
		if err != nil {
			t.Errorf("%s: link %q: %v", rawURL, m[1], err)
			continue
		}
		p.links = append(p.links, u.String())
	}
	for _, m := range altLink.FindAllStringSubmatch(p.body, -1) {
		p.alternates[html.UnescapeString(m[1])] = html.UnescapeString(m[2])
	}
	return p
}

// mediaOf is the media type of a Content-Type, without parameters.
func mediaOf(contentType string) string {
	m, _, _ := mime.ParseMediaType(contentType)
	return m
}

func TestHTMLPages(t *testing.T) {
	e := newTileEnv(t)

	t.Run("a browser goes from the landing page through every collection to items, an item and back", func(t *testing.T) {
		pages := map[string]htmlPage{}
		fetched := map[string]bool{}
		itemSeen, pagedSeen := map[string]bool{}, map[string]bool{}
		itemPath := regexp.MustCompile(`^/ogc/collections/([^/]+)/items/[^/]+$`)
		itemsPath := regexp.MustCompile(`^/ogc/collections/([^/]+)/items$`)
		queue := []string{e.url + "/ogc"}
		for len(queue) > 0 {
			next := queue[0]
			queue = queue[1:]
			if fetched[next] {
				continue
			}
			fetched[next] = true
			u, _ := url.Parse(next)
			// every page the templates make is parsed; anything else (JSON, CSV, scripts,
			// the viewer) must only answer
			if u.Path == "/api.html" || strings.HasPrefix(u.Path, "/ogc") || strings.HasPrefix(u.Path, "/problems") {
				res, body := send(t, http.MethodGet, next, "Accept", browserAccept)
				if !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
					if res.StatusCode != http.StatusOK {
						t.Errorf("%s: status %d: %.200s", next, res.StatusCode, body)
					}
					continue
				}
				p := e.getPage(t, next)
				pages[next] = p
				for _, l := range p.links {
					lu, err := url.Parse(l)
					if err != nil || !strings.HasPrefix(l, e.url+"/") {
						continue
					}
					// one item and one further page of each collection
					if m := itemPath.FindStringSubmatch(lu.Path); m != nil {
						if itemSeen[m[1]] {
							continue
						}
						itemSeen[m[1]] = true
					}
					if m := itemsPath.FindStringSubmatch(lu.Path); m != nil && (lu.Query().Has("after") || lu.Query().Has("before")) {
						if pagedSeen[m[1]] {
							continue
						}
						pagedSeen[m[1]] = true
					}
					queue = append(queue, l)
				}
				continue
			}
			if res, body := send(t, http.MethodGet, next, "Accept", browserAccept); res.StatusCode != http.StatusOK {
				t.Errorf("%s: status %d: %.200s", next, res.StatusCode, body)
			}
		}
		t.Logf("fetched %d URLs, %d of them pages", len(fetched), len(pages))

		has := func(path string) bool {
			for u := range pages {
				if pu, _ := url.Parse(u); pu.Path == path {
					return true
				}
			}
			return false
		}
		for _, path := range []string{"/ogc", "/ogc/conformance", "/ogc/collections", "/api.html", "/problems", "/problems/not-found"} {
			if !has(path) {
				t.Errorf("no page of %s was reached", path)
			}
		}
		for _, l := range e.publicLayers(t) {
			c := "/ogc/collections/" + l.Name
			for _, path := range []string{c, c + "/items", c + "/queryables"} {
				if !has(path) {
					t.Errorf("%s: no page of %s was reached", l.Name, path)
				}
			}
			// an item wherever there is one, a next page where there are more than a page's
			var fc struct{ NumberMatched int }
			if r := e.get(t, c+"/items?limit=1"); json.Unmarshal(r.body, &fc) != nil {
				t.Fatalf("%s: %d %s", c, r.status, r.body)
			}
			if itemSeen[l.Name] != (fc.NumberMatched > 0) || pagedSeen[l.Name] != (fc.NumberMatched > 100) {
				t.Errorf("%s of %d features: an item reached %v, a next page %v", l.Name, fc.NumberMatched, itemSeen[l.Name], pagedSeen[l.Name])
			}
		}
		// and back: every item links its collection and the collection's items
		for u, p := range pages {
			pu, _ := url.Parse(u)
			m := itemPath.FindStringSubmatch(pu.Path)
			if m == nil {
				continue
			}
			c := e.url + "/ogc/collections/" + m[1]
			if !slices.Contains(p.links, c+"?f=html") || !slices.Contains(p.links, c+"/items?f=html") {
				t.Errorf("%s links neither %s nor its items: %v", u, c, p.links)
			}
		}
	})

	t.Run("each page links its JSON and each JSON document its page, rel alternate", func(t *testing.T) {
		for _, c := range []struct{ path, media string }{
			{"/ogc", "application/json"},
			{"/ogc/conformance", "application/json"},
			{"/ogc/collections", "application/json"},
			{"/ogc/collections/parcels", "application/json"},
			{"/ogc/collections/parcels/queryables", "application/schema+json"},
			{"/ogc/collections/parcels/items?limit=3", "application/geo+json"},
			{"/ogc/collections/streets/items/1", "application/geo+json"},
			{"/problems/not-found", "application/json"},
		} {
			p := e.getPage(t, e.url+c.path)
			alt, ok := p.alternates[c.media]
			if !ok {
				t.Errorf("%s: no alternate of type %s: %v", c.path, c.media, p.alternates)
				continue
			}
			res, body := send(t, http.MethodGet, alt, "Accept", browserAccept)
			if res.StatusCode != http.StatusOK || mediaOf(res.Header.Get("Content-Type")) != c.media {
				t.Errorf("%s: its alternate %s: status %d, Content-Type %q", c.path, alt, res.StatusCode, res.Header.Get("Content-Type"))
				continue
			}
			var doc struct{ Links []ogcLink }
			if err := json.Unmarshal(body, &doc); err != nil {
				t.Errorf("%s: %v", alt, err)
			}
			if len(doc.Links) == 0 {
				continue // conformance, queryables and problem types have no links
			}
			back := ""
			for _, l := range doc.Links {
				if l.Rel == "alternate" && l.Type == "text/html" {
					back = l.Href
				}
			}
			if back == "" {
				t.Errorf("%s has no alternate link to its page: %+v", alt, doc.Links)
				continue
			}
			// a client that prefers no format gets the page by following the link
			if r := e.get(t, strings.TrimPrefix(back, e.url)); r.status != http.StatusOK || r.header.Get("Content-Type") != "text/html; charset=utf-8" {
				t.Errorf("%s: its page %s: status %d, Content-Type %q", alt, back, r.status, r.header.Get("Content-Type"))
			}
		}
	})

	t.Run("HTML and GeoJSON list the same features, page after page", func(t *testing.T) {
		for _, query := range []string{
			"limit=7",
			"limit=5&sortby=-area_m2&land_use=ODT",
			fmt.Sprintf("limit=6&bbox=%f,%f,%f,%f", e.centre[0]-0.003, e.centre[1]-0.003, e.centre[0]+0.003, e.centre[1]+0.003),
			"limit=4&filter=" + url.QueryEscape("area_m2 > 150 AND land_use IN ('ODT','TMD')"),
		} {
			jsonURL := e.url + "/ogc/collections/parcels/items?" + query
			htmlURL := jsonURL + "&f=html"
			for step := range 3 {
				var fc struct {
					Features []struct {
						ID json.Number `json:"id"`
					}
					NumberMatched *int64 `json:"numberMatched"`
					Links         []ogcLink
				}
				r := e.get(t, strings.TrimPrefix(jsonURL, e.url), "Accept", "application/geo+json")
				if r.status != http.StatusOK {
					t.Fatalf("%s: status %d: %s", jsonURL, r.status, r.body)
				}
				if err := json.Unmarshal(r.body, &fc); err != nil {
					t.Fatal(err)
				}
				var want []string
				for _, f := range fc.Features {
					want = append(want, f.ID.String())
				}
				p := e.getPage(t, htmlURL)
				var rows, mapped []string
				for _, m := range featureRow.FindAllStringSubmatch(p.body, -1) {
					rows = append(rows, m[1])
				}
				if m := pageFeatures.FindStringSubmatch(p.body); m != nil {
					if err := json.Unmarshal([]byte(m[1]), &fc); err != nil {
						t.Fatalf("%s: the map's features: %v", htmlURL, err)
					}
					for _, f := range fc.Features {
						mapped = append(mapped, f.ID.String())
					}
				}
				if len(want) == 0 || !slices.Equal(rows, want) || !slices.Equal(mapped, want) {
					t.Errorf("%s (page %d): the table lists %v and the map %v, the GeoJSON %v", query, step+1, rows, mapped, want)
				}
				if m := countLine.FindStringSubmatch(p.body); m == nil || m[1] != strconv.Itoa(len(want)) ||
					(fc.NumberMatched == nil) != (m[2] == "") || fc.NumberMatched != nil && m[2] != strconv.FormatInt(*fc.NumberMatched, 10) {
					t.Errorf("%s (page %d): count %q, numberMatched %v", query, step+1, m, fc.NumberMatched)
				}
				// the next page of each, after the first the previous one
				pager := map[string]string{}
				for _, m := range pagerLink.FindAllStringSubmatch(p.body, -1) {
					pager[m[2]] = html.UnescapeString(m[1])
				}
				rel := "next"
				if step == 2 {
					break
				}
				jsonURL, htmlURL = "", pager[rel]
				for _, l := range fc.Links {
					if l.Rel == rel {
						jsonURL = l.Href
					}
				}
				if jsonURL == "" || htmlURL == "" {
					t.Errorf("%s (page %d): next page %q in the GeoJSON, %q in the page", query, step+1, jsonURL, htmlURL)
					break
				}
			}
		}
	})

	t.Run("JSON unless the client prefers HTML", func(t *testing.T) {
		for _, c := range []struct {
			path, accept, want string
		}{
			{"/ogc", "", "application/json"},
			{"/ogc", "*/*", "application/json"},
			{"/ogc", "application/json", "application/json"},
			{"/ogc", "application/json, text/html", "application/json"},
			{"/ogc", "text/html;q=0.5, application/json", "application/json"},
			{"/ogc", "text/html", "text/html"},
			{"/ogc", browserAccept, "text/html"},
			{"/ogc?f=json", browserAccept, "application/json"},
			{"/ogc?f=html", "", "text/html"},
			{"/ogc/collections/parcels/items?limit=2", "application/geo+json", "application/geo+json"},
			{"/ogc/collections/parcels/items?limit=2", "application/json", "application/geo+json"},
			{"/ogc/collections/parcels/items?limit=2", browserAccept, "text/html"},
			{"/ogc/collections/parcels/items?limit=2&f=csv", browserAccept, "text/csv"},
			{"/ogc/collections/parcels/items?limit=2&f=json", browserAccept, "application/geo+json"},
			{"/ogc/collections/parcels/items/1", browserAccept, "text/html"},
			{"/ogc/collections/parcels/items/1", "application/geo+json", "application/geo+json"},
			{"/ogc/collections/parcels/queryables", "application/schema+json", "application/schema+json"},
			{"/ogc/collections/parcels/queryables", browserAccept, "text/html"},
			{"/ogc/api", "", "application/vnd.oai.openapi+json"},
			{"/ogc/api", browserAccept, "text/html"},
			{"/problems/not-found", "", "text/html"},
			{"/problems/not-found", "application/json", "application/json"},
			{"/problems/not-found", "application/problem+json, application/json", "application/json"},
		} {
			var header []string
			if c.accept != "" {
				header = []string{"Accept", c.accept}
			}
			r := e.get(t, c.path, header...)
			if r.status != http.StatusOK || mediaOf(r.header.Get("Content-Type")) != c.want {
				t.Errorf("%s, Accept %q: status %d, Content-Type %q, want %s", c.path, c.accept, r.status, r.header.Get("Content-Type"), c.want)
			}
			if !strings.Contains(c.path, "f=") && !varies(r.header, "Accept") {
				t.Errorf("%s: Vary %q lacks Accept", c.path, r.header.Values("Vary"))
			}
		}
		e.checkParamProblem(t, "/ogc/collections/parcels/items?f=xml", http.StatusBadRequest, "f")
		e.checkParamProblem(t, "/ogc/collections/parcels/items/1?f=csv", http.StatusBadRequest, "f")
		// a page is revalidated like a document
		r := e.get(t, "/ogc/collections?f=html")
		if etag := r.header.Get("ETag"); etag == "" || e.get(t, "/ogc/collections?f=html", "If-None-Match", etag).status != http.StatusNotModified {
			t.Errorf("the collections page: ETag %q does not revalidate", etag)
		}
	})

	t.Run("the API reference loads Swagger UI from the binary and the document from the service", func(t *testing.T) {
		p := e.getPage(t, e.url+"/api.html")
		var scripts, styles int
		for _, l := range p.links {
			if !strings.Contains(l, "/lib/swagger-ui-dist@") && !strings.HasSuffix(l, "/static/api.js") {
				continue
			}
			res, body := send(t, http.MethodGet, l)
			switch ct := mediaOf(res.Header.Get("Content-Type")); {
			case res.StatusCode != http.StatusOK || len(body) == 0:
				t.Errorf("%s: status %d", l, res.StatusCode)
			case ct == "text/javascript":
				scripts++
			case ct == "text/css":
				styles++
			}
		}
		if scripts != 2 || styles != 1 {
			t.Errorf("the page loads %d scripts and %d stylesheets of Swagger UI's: %v", scripts, styles, p.links)
		}
		m := regexp.MustCompile(`data-openapi="([^"]+)"`).FindStringSubmatch(p.body)
		if m == nil {
			t.Fatalf("no document named: %s", p.body)
		}
		var doc struct{ OpenAPI string }
		if r := e.get(t, strings.TrimPrefix(html.UnescapeString(m[1]), e.url), "Accept", "application/json"); r.status != http.StatusOK || json.Unmarshal(r.body, &doc) != nil || doc.OpenAPI != "3.0.3" {
			t.Errorf("%s: status %d, %.200s", m[1], r.status, r.body)
		}
		if r := e.get(t, "/api.html"); !strings.Contains(r.header.Get("Content-Security-Policy"), "style-src 'self' 'unsafe-inline'") {
			t.Errorf("Content-Security-Policy %q: Swagger UI sets styles inline", r.header.Get("Content-Security-Policy"))
		}
	})

	t.Run("in a browser: the items map draws the page's features, a click opens one, the API reference renders", func(t *testing.T) {
		b := needBrowser(t)
		path := "/ogc/collections/parcels/items?limit=12&f=html&" + fmt.Sprintf("bbox=%f,%f,%f,%f", e.centre[0]-0.002, e.centre[1]-0.002, e.centre[0]+0.002, e.centre[1]+0.002)
		var fc struct {
			Features []struct {
				ID int64 `json:"id"`
			}
		}
		r := e.get(t, strings.Replace(path, "f=html", "f=json", 1))
		if err := json.Unmarshal(r.body, &fc); err != nil || len(fc.Features) == 0 {
			t.Fatalf("%s: %v, %s", path, err, r.body)
		}
		ids := make([]int64, len(fc.Features))
		for i, f := range fc.Features {
			ids[i] = f.ID
		}
		arg, _ := json.Marshal(map[string]any{"path": path, "ids": ids})
		b.run(t, "pages.mjs", e.url, arg)
	})
}
