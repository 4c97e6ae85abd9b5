package api_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb/maptile"

	"bandoso/api"
	"bandoso/catalog"
	"bandoso/store"
	"bandoso/tiles"
	"bandoso/web"
)

// attackHeaders are what a client puts in a request for a shared cache to keep: a host of
// its own in each form the service reads.
var attackHeaders = [][]string{
	{"X-Forwarded-Host", "evil.example", "X-Forwarded-Proto", "https", "X-Forwarded-Prefix", "/p"},
	{"Forwarded", "proto=https;host=evil.example"},
}

// linkedPaths are answers that embed the service's URL.
var linkedPaths = []string{"/tiles/streets.json", "/styles/default.json", "/ogc", "/ogc/collections",
	"/ogc/collections/streets", "/ogc/collections/streets/items?limit=1", "/ogc/api", "/v1/layers", "/v1/layers/streets"}

func TestForwardedHeaders(t *testing.T) {
	t.Parallel()
	e := newTileEnv(t)
	editor := newKey(t, e.db, "editor", store.RoleEditor)

	t.Run("from a peer not trusted, links are of the request's own host", func(t *testing.T) {
		for _, header := range attackHeaders {
			for _, path := range linkedPaths {
				r := e.get(t, path, header...)
				if r.status != http.StatusOK {
					t.Fatalf("%s: status %d: %.200s", path, r.status, r.body)
				}
				if strings.Contains(string(r.body), "evil.example") || !strings.Contains(string(r.body), e.url+"/") {
					t.Errorf("%s with %v: the links are not %s's: %.300s", path, header, e.url, r.body)
				}
				if !varies(r.header, "Host") {
					t.Errorf("%s: Vary %q lacks Host", path, r.header.Get("Vary"))
				}
			}
		}
		doc := decodeTileJSON(t, "/tiles/streets.json", e.get(t, "/tiles/streets.json", attackHeaders[0]...))
		if want := e.url + "/tiles/streets/{z}/{x}/{y}.mvt"; len(doc.Tiles) != 1 || doc.Tiles[0] != want {
			t.Errorf("tiles %v, want %s", doc.Tiles, want)
		}
		for i, header := range attackHeaders {
			loc := e.createParcel(t, e.url, 7700+i, append(header, editor...)...)
			if !strings.HasPrefix(loc, e.url+"/v1/layers/parcels/features/") {
				t.Errorf("%v: Location %q", header, loc)
			}
		}
	})

	t.Run("from a trusted proxy, links are of the host it forwards, and the answer varies on it", func(t *testing.T) {
		for i, header := range attackHeaders {
			want := "https://evil.example/"
			if header[0] == "X-Forwarded-Host" {
				want = "https://evil.example/p/"
			}
			for _, path := range linkedPaths {
				r := e.behindProxy().get(t, path, header...)
				if r.status != http.StatusOK || !strings.Contains(string(r.body), want) {
					t.Errorf("%s with %v: status %d, links not at %s: %.300s", path, header, r.status, want, r.body)
				}
				for _, v := range []string{"Host", "Forwarded", "X-Forwarded-Host", "X-Forwarded-Proto", "X-Forwarded-Prefix"} {
					if !varies(r.header, v) {
						t.Errorf("%s: Vary %q lacks %s", path, r.header.Get("Vary"), v)
					}
				}
			}
			loc := e.createParcel(t, e.proxied, 7800+i, append(header, editor...)...)
			if !strings.HasPrefix(loc, want+"v1/layers/parcels/features/") {
				t.Errorf("%v: Location %q", header, loc)
			}
		}
	})

	t.Run("the catalog varies on Host or is not publicly cacheable", func(t *testing.T) {
		r := e.get(t, "/v1/layers")
		if cc := r.header.Get("Cache-Control"); !varies(r.header, "Host") && (cc == "" || strings.Contains(cc, "public")) {
			t.Errorf("/v1/layers: Cache-Control %q, Vary %q", cc, r.header.Get("Vary"))
		}
	})

	t.Run("a Host that is not host[:port] is 400", func(t *testing.T) {
		for _, host := range []string{`evil.example/"><script>`, "a:1:2", "evil.example:99999", "a b"} {
			req := httptest.NewRequest(http.MethodGet, "/tiles/streets.json", nil)
			req.Host = host
			rec := httptest.NewRecorder()
			e.handler.ServeHTTP(rec, req)
			if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), `"parameter":"Host"`) {
				t.Errorf("Host %q: status %d: %s", host, rec.Code, rec.Body)
			}
		}
		for _, host := range []string{"maps.example.vn", "127.0.0.1:8080", "[::1]:8080"} {
			req := httptest.NewRequest(http.MethodGet, "/ogc", nil)
			req.Host = host
			rec := httptest.NewRecorder()
			e.handler.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"http://`+host+`/ogc`) {
				t.Errorf("Host %q: status %d: %.300s", host, rec.Code, rec.Body)
			}
		}
	})

	t.Run("with a public URL, links are its whatever the request says, and publicly cacheable", func(t *testing.T) {
		cat := catalog.New(e.db)
		url := serve(t, api.Server{DB: e.db, Catalog: cat, Tiles: tiles.New(e.db, cat, nil), Web: web.Embedded()}, func(s *api.Server) {
			s.Config.Tiles.MaxAge = 90 * time.Second
			s.Config.HTTP.PublicURL, s.Config.HTTP.TrustedProxies = "https://maps.example.vn/gis/", localProxy
		})
		for _, path := range linkedPaths {
			res, body := send(t, http.MethodGet, url+path, attackHeaders[1]...)
			if res.StatusCode != http.StatusOK || strings.Contains(string(body), "evil.example") ||
				!strings.Contains(string(body), "https://maps.example.vn/gis/") || strings.Contains(string(body), "/gis//") {
				t.Errorf("%s: status %d: %.300s", path, res.StatusCode, body)
			}
			if varies(res.Header, "Host") || varies(res.Header, "X-Forwarded-Host") {
				t.Errorf("%s: Vary %q", path, res.Header.Get("Vary"))
			}
		}
		if res, _ := send(t, http.MethodGet, url+"/tiles/streets.json"); res.Header.Get("Cache-Control") != "public, max-age=90" {
			t.Errorf("TileJSON: Cache-Control %q", res.Header.Get("Cache-Control"))
		}
	})
}

// createParcel creates a parcel through base, a copy of one moved aside with sheet number
// sheet, and returns the answer's Location.
func (e tileEnv) createParcel(t *testing.T, base string, sheet int, header ...string) string {
	t.Helper()
	var ward, geom string
	if err := e.pool.QueryRow(context.Background(), `SELECT ward_code, ST_AsGeoJSON(ST_Translate(geom, 0.02, 0.02), 9)
		FROM parcels ORDER BY id LIMIT 1`).Scan(&ward, &geom); err != nil {
		t.Fatal(err)
	}
	body := fmt.Sprintf(`{"type":"Feature","geometry":%s,"properties":{"ward_code":%q,"sheet_no":%d,"parcel_no":1,"land_use":"ODT","area_m2":100}}`,
		geom, ward, sheet)
	res, raw := sendBody(t, http.MethodPost, base+"/v1/layers/parcels/features", body,
		append([]string{"Content-Type", "application/geo+json"}, header...)...)
	checkStatus(t, "create", res, raw, http.StatusCreated)
	return res.Header.Get("Location")
}

func TestKeyedAnswersArePrivate(t *testing.T) {
	t.Parallel()
	e := newTileEnv(t)
	reader := newKey(t, e.db, "reader", store.RoleReader)
	for _, path := range []string{"/v1/layers", "/tiles/streets.json", "/styles/default.json", "/ogc/collections/streets/items?limit=1",
		"/v1/geocode?q=Nguy%E1%BB%85n", "/healthz", "/nowhere", tilePath("streets", maptile.At(e.centre, 16))} {
		for _, key := range [][]string{reader, {"X-API-Key", strings.TrimPrefix(reader[1], "Bearer ")}} {
			r := e.get(t, path, key...)
			cc := r.header.Get("Cache-Control")
			if !strings.Contains(cc, "private") && !strings.Contains(cc, "no-store") || strings.Contains(cc, "public") {
				t.Errorf("%s with %s: status %d, Cache-Control %q", path, key[0], r.status, cc)
			}
			if !varies(r.header, "Authorization") || !varies(r.header, "X-API-Key") {
				t.Errorf("%s with %s: Vary %q", path, key[0], r.header.Get("Vary"))
			}
		}
	}
	// The ETag and the tile's max-age stay: the client's own cache still revalidates.
	path := tilePath("streets", maptile.At(e.centre, 16))
	r := e.get(t, path, reader...)
	if r.status != http.StatusOK || r.header.Get("Cache-Control") != "private, max-age=90" || r.header.Get("ETag") == "" {
		t.Fatalf("tile with a key: status %d, Cache-Control %q, ETag %q", r.status, r.header.Get("Cache-Control"), r.header.Get("ETag"))
	}
	if again := e.get(t, path, append(reader, "If-None-Match", r.header.Get("ETag"))...); again.status != http.StatusNotModified {
		t.Errorf("If-None-Match with a key: status %d", again.status)
	}
	if r := e.get(t, "/v1/layers"); strings.Contains(r.header.Get("Cache-Control"), "private") {
		t.Errorf("without a key: Cache-Control %q", r.header.Get("Cache-Control"))
	}
}
