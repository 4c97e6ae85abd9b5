package api_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"bandoso/internal/testwait"
	"bandoso/store"
)

// downloadFile is a download's GeoJSON: an items page without links, and the layer's facts.
type downloadFile struct {
	itemsPage
	Name   string `json:"name"`
	Title  string `json:"title"`
	Source string `json:"source"`
}

// TestDownload downloads the demo city's parcels in each format with the same filters as an
// OGC API items request and finds the same features with the same properties.
func TestDownload(t *testing.T) {
	t.Parallel()
	e := newTileEnv(t)
	// A box around the city's centre and a filter: a part of the layer, not all of it.
	box := fmt.Sprintf("%f,%f,%f,%f", e.centre[0]-0.004, e.centre[1]-0.004, e.centre[0]+0.004, e.centre[1]+0.004)
	filters := "bbox=" + box + "&filter=" + url.QueryEscape("land_use = 'ODT' AND area_m2 > 60")
	items := e.items(t, "/ogc/collections/parcels/items?limit=10000&"+filters)
	all := e.count(t, `SELECT count(*) FROM parcels`)
	if items.NumberReturned == 0 || int64(items.NumberReturned) >= all || items.NumberMatched != int64(items.NumberReturned) {
		t.Fatalf("the filters select %d of %d parcels (matched %d): want some, not all, on one page", items.NumberReturned, all, items.NumberMatched)
	}

	t.Run("GeoJSON holds the items' features and the catalog's facts", func(t *testing.T) {
		res, body := send(t, http.MethodGet, e.url+"/v1/layers/parcels/download?"+filters)
		checkStatus(t, "download", res, body, http.StatusOK)
		if ct := res.Header.Get("Content-Type"); ct != "application/geo+json" {
			t.Errorf("Content-Type %q", ct)
		}
		checkAttachment(t, res, "parcels-", ".geojson")
		if l := res.Header.Get("Link"); !strings.Contains(l, "/v1/layers/parcels>; rel=\"describedby\"") {
			t.Errorf("Link %q lacks the catalog entry", l)
		}
		if src := res.Header.Get("X-Data-Source"); !strings.Contains(src, "synthetic") {
			t.Errorf("X-Data-Source %q does not say the demo data is synthetic", src)
		}
		var f downloadFile
		if err := json.Unmarshal(body, &f); err != nil {
			t.Fatalf("%v in %.300s", err, body)
		}
		if f.Type != "FeatureCollection" || f.Name != "parcels" || f.Title == "" || f.NumberReturned != len(f.Features) {
			t.Errorf("type %q, name %q, title %q, numberReturned %d of %d features", f.Type, f.Name, f.Title, f.NumberReturned, len(f.Features))
		}
		if len(f.Features) != len(items.Features) {
			t.Fatalf("%d features, the items %d", len(f.Features), len(items.Features))
		}
		for i, want := range items.Features {
			got := f.Features[i]
			if got.ID != want.ID || !reflect.DeepEqual(got.Props, want.Props) || !bytes.Equal(got.Geometry, want.Geometry) {
				t.Fatalf("feature %d: %d %v %.80s, the items' %d %v %.80s", i, got.ID, got.Props, got.Geometry, want.ID, want.Props, want.Geometry)
			}
		}
	})

	t.Run("CSV holds the items' rows, after a byte order mark unless bom=false", func(t *testing.T) {
		wantRes, want := send(t, http.MethodGet, e.url+"/ogc/collections/parcels/items?f=csv&limit=10000&"+filters)
		res, body := send(t, http.MethodGet, e.url+"/v1/layers/parcels/download?f=csv&"+filters)
		checkStatus(t, "download", res, body, http.StatusOK)
		checkAttachment(t, res, "parcels-", ".csv")
		rest, ok := bytes.CutPrefix(body, []byte("\uFEFF"))
		if !ok {
			t.Errorf("no byte order mark: %.40q", body)
		}
		rows := readCSV(t, res, rest)
		if len(rows) != items.NumberReturned+1 || !reflect.DeepEqual(rows, readCSV(t, wantRes, want)) {
			t.Errorf("%d rows, want the %d of the items' CSV and the same", len(rows), items.NumberReturned+1)
		}
		if i := slices.Index(rows[0], "land_use"); i < 0 || rows[1][i] != "ODT" || rows[0][len(rows[0])-1] != "wkt" {
			t.Errorf("header %v, first row %v", rows[0], rows[1])
		}
		_, plain := send(t, http.MethodGet, e.url+"/v1/layers/parcels/download?f=csv&bom=false&"+filters)
		if !bytes.Equal(plain, rest) {
			t.Errorf("bom=false: %.40q, want the file without its mark", plain)
		}
	})

	t.Run("GeoPackage opens in GDAL with the features, WGS 84 and the fields", func(t *testing.T) {
		res, body := send(t, http.MethodGet, e.url+"/v1/layers/parcels/download?f=gpkg&"+filters)
		checkStatus(t, "download", res, body, http.StatusOK)
		checkAttachment(t, res, "parcels-", ".gpkg")
		path := filepath.Join(t.TempDir(), "parcels.gpkg")
		if err := os.WriteFile(path, body, 0o600); err != nil {
			t.Fatal(err)
		}
		info := ogrinfo(t, "-so", "-al", path)
		for _, want := range []string{"Layer name: parcels", fmt.Sprintf("Feature Count: %d", items.NumberReturned),
			`ID["EPSG",4326]`, "land_use: String", "area_m2: Real", "IDENTIFIER=Thửa đất"} {
			if !strings.Contains(info, want) {
				t.Errorf("ogrinfo lacks %q:\n%s", want, info)
			}
		}
		first := items.Features[0]
		one := ogrinfo(t, "-q", path, "-sql", fmt.Sprintf("SELECT land_use, parcel_no FROM parcels WHERE fid = %d", first.ID))
		for _, want := range []string{"land_use (String) = " + first.Props["land_use"].(string),
			fmt.Sprintf("parcel_no (Integer) = %v", first.Props["parcel_no"])} {
			if !strings.Contains(one, want) {
				t.Errorf("feature %d lacks %q:\n%s", first.ID, want, one)
			}
		}
	})

	t.Run("properties chooses what each feature carries", func(t *testing.T) {
		res, body := send(t, http.MethodGet, e.url+"/v1/layers/parcels/download?properties=land_use,area_m2&"+filters)
		checkStatus(t, "download", res, body, http.StatusOK)
		var f downloadFile
		if err := json.Unmarshal(body, &f); err != nil {
			t.Fatal(err)
		}
		if len(f.Features) != items.NumberReturned {
			t.Fatalf("%d features, want %d", len(f.Features), items.NumberReturned)
		}
		for _, ft := range f.Features {
			if len(ft.Props) != 2 || ft.Props["land_use"] != "ODT" || ft.Props["area_m2"].(float64) <= 60 {
				t.Fatalf("feature %d: %v", ft.ID, ft.Props)
			}
		}
	})

	t.Run("HEAD says what GET sends without reading the layer", func(t *testing.T) {
		res, body := send(t, http.MethodHead, e.url+"/v1/layers/parcels/download?f=csv")
		checkStatus(t, "HEAD", res, body, http.StatusOK)
		checkAttachment(t, res, "parcels-", ".csv")
		if len(body) != 0 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") {
			t.Errorf("HEAD: %d bytes, Content-Type %q", len(body), res.Header.Get("Content-Type"))
		}
	})

	t.Run("bad parameters are 400 naming the parameter", func(t *testing.T) {
		for _, c := range []struct{ query, param string }{
			{"f=xml", "f"}, {"f=csv&f=json", "f"}, {"bbox=1,2", "bbox"}, {"bbox=1,2,x,4", "bbox"},
			{"limit=10", "limit"}, {"crs=EPSG:3857", "crs"}, {"bom=true", "bom"}, {"f=csv&bom=maybe", "bom"},
			{"filter=" + url.QueryEscape("nothing = 1"), "filter"}, {"colour=red", "colour"},
		} {
			res, body := send(t, http.MethodGet, e.url+"/v1/layers/parcels/download?"+c.query)
			p := checkStatus(t, c.query, res, body, http.StatusBadRequest)
			errs, _ := p["errors"].([]any)
			if len(errs) != 1 || errs[0].(map[string]any)["parameter"] != c.param {
				t.Errorf("%s: errors %v, want parameter %s", c.query, p["errors"], c.param)
			}
		}
		res, body := send(t, http.MethodGet, e.url+"/v1/layers/nowhere/download")
		checkStatus(t, "unknown layer", res, body, http.StatusNotFound)
	})

	t.Run("a restricted layer needs a key, as its items do", func(t *testing.T) {
		admin := newKey(t, e.db, "download-admin", store.RoleAdmin)
		reader := newKey(t, e.db, "download-reader", store.RoleReader)
		setPublic(t, e, admin, "parcels", false)
		defer setPublic(t, e, admin, "parcels", true)
		for _, f := range []string{"geojson", "csv", "gpkg"} {
			res, body := send(t, http.MethodGet, e.url+"/v1/layers/parcels/download?f="+f)
			checkStatus(t, f+" without a key", res, body, http.StatusUnauthorized)
			res, body = send(t, http.MethodGet, e.url+"/v1/layers/parcels/download?f="+f, reader...)
			checkStatus(t, f+" with a key", res, body, http.StatusOK)
			if cc := res.Header.Get("Cache-Control"); !strings.HasPrefix(cc, "private") {
				t.Errorf("%s with a key: Cache-Control %q", f, cc)
			}
		}
	})

	t.Run("as_of reads the layer as it was, and dates the file", func(t *testing.T) {
		// as_of in whole seconds, after every row was written and before the delete
		loaded := time.Now()
		testwait.Until(t, "the next second", func() bool { return time.Now().Truncate(time.Second).After(loaded) })
		before := time.Now().UTC().Truncate(time.Second)
		gone := items.Features[0].ID
		if _, err := e.pool.Exec(context.Background(), `DELETE FROM parcels WHERE id = $1`, gone); err != nil {
			t.Fatal(err)
		}
		at := before.Format(time.RFC3339)
		past := e.items(t, "/ogc/collections/parcels/items?limit=10000&as_of="+at+"&"+filters)
		res, body := send(t, http.MethodGet, e.url+"/v1/layers/parcels/download?as_of="+at+"&"+filters)
		checkStatus(t, "download", res, body, http.StatusOK)
		checkAttachment(t, res, "parcels-"+before.In(time.FixedZone("ICT", 7*3600)).Format(time.DateOnly), ".geojson")
		var f downloadFile
		if err := json.Unmarshal(body, &f); err != nil {
			t.Fatal(err)
		}
		if len(f.Features) != items.NumberReturned || !slices.Equal(ids(f.itemsPage), ids(past)) || !slices.Contains(ids(f.itemsPage), gone) {
			t.Errorf("%d features as of %s, want the %d of the items then, parcel %d among them", len(f.Features), at, len(past.Features), gone)
		}
		_, body = send(t, http.MethodGet, e.url+"/v1/layers/parcels/download?"+filters)
		var now downloadFile
		if err := json.Unmarshal(body, &now); err != nil {
			t.Fatal(err)
		}
		if len(now.Features) != items.NumberReturned-1 || slices.Contains(ids(now.itemsPage), gone) {
			t.Errorf("%d features now, want %d without parcel %d", len(now.Features), items.NumberReturned-1, gone)
		}
	})
}

func checkAttachment(t *testing.T, res *http.Response, prefix, suffix string) {
	t.Helper()
	cd := res.Header.Get("Content-Disposition")
	if !strings.HasPrefix(cd, "attachment; filename="+prefix) || !strings.HasSuffix(cd, suffix) {
		t.Errorf("Content-Disposition %q, want an attachment %s<date>%s", cd, prefix, suffix)
	}
}

func ogrinfo(t *testing.T, args ...string) string {
	t.Helper()
	out, err := exec.Command("ogrinfo", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("ogrinfo %v: %v: %s", args, err, out)
	}
	return string(out)
}

// TestDownloadClientGone: a client that stops reading and hangs up ends the download's
// statement on the server, and while it holds its download a second one is 429.
func TestDownloadClientGone(t *testing.T) {
	t.Parallel()
	e := newTileEnv(t)
	ctx := context.Background()
	// Large features (2,000 of 50 kB), more than the sockets between the database, the server
	// and the client hold (Linux grows a socket's buffers to tens of MB), so that the statement
	// is still sending rows when the client stops reading.
	if _, err := e.pool.Exec(ctx, `INSERT INTO parcels (ward_code, sheet_no, parcel_no, land_use, area_m2, geom)
		SELECT p.ward_code, 9000 + i / 1000, 1 + i % 1000, p.land_use, 100, ST_Multi(ST_Buffer(ST_PointOnSurface(p.geom), 0.0002, 512))
		FROM (SELECT * FROM parcels ORDER BY id LIMIT 1) p, generate_series(1, 2000) i`); err != nil {
		t.Fatal(err)
	}
	active := func() int64 {
		return e.count(t, `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()
			AND state <> 'idle' AND query LIKE 'SELECT ''{"type":"Feature"%' AND pid <> pg_backend_pid()`)
	}
	u, err := url.Parse(e.url)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// A small window: the client's own socket takes little of the file.
	if err := conn.(*net.TCPConn).SetReadBuffer(16 << 10); err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(conn, "GET /v1/layers/parcels/download HTTP/1.1\r\nHost: %s\r\n\r\n", u.Host)
	br := bufio.NewReader(conn)
	res, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d", res.StatusCode)
	}
	if _, err := io.ReadFull(res.Body, make([]byte, 64<<10)); err != nil {
		t.Fatal(err)
	}
	testwait.Until(t, "the download's statement running", func() bool { return active() == 1 })

	again, body := send(t, http.MethodGet, e.url+"/v1/layers/parcels/download")
	checkStatus(t, "a second download at once", again, body, http.StatusTooManyRequests)
	if ra, err := strconv.Atoi(again.Header.Get("Retry-After")); err != nil || ra < 1 {
		t.Errorf("Retry-After %q", again.Header.Get("Retry-After"))
	}

	conn.Close()
	testwait.Until(t, "the download's statement gone", func() bool { return active() == 0 })
	testwait.Until(t, "a new download admitted", func() bool {
		res, _ := send(t, http.MethodHead, e.url+"/v1/layers/parcels/download?properties=land_use&bbox=0,0,1,1")
		return res.StatusCode == http.StatusOK
	})
}

// dcatDoc is the DCAT catalog, as far as the tests read it.
type dcatDoc struct {
	Context map[string]any   `json:"@context"`
	Type    string           `json:"@type"`
	Dataset []dcatDataset    `json:"dcat:dataset"`
	Service []map[string]any `json:"dcat:service"`
}

type dcatDataset struct {
	Type         string `json:"@type"`
	Identifier   string `json:"dct:identifier"`
	Title        string `json:"dct:title"`
	Modified     any    `json:"dct:modified"`
	Publisher    any    `json:"dct:publisher"`
	Spatial      any    `json:"dct:spatial"`
	Distribution []struct {
		DownloadURL map[string]any `json:"dcat:downloadURL"`
		MediaType   map[string]any `json:"dcat:mediaType"`
	} `json:"dcat:distribution"`
}

func (e tileEnv) dcat(t *testing.T, header ...string) dcatDoc {
	t.Helper()
	res, body := send(t, http.MethodGet, e.url+"/v1/catalog.jsonld", header...)
	checkStatus(t, "catalog", res, body, http.StatusOK)
	if ct := res.Header.Get("Content-Type"); ct != "application/ld+json" {
		t.Errorf("Content-Type %q", ct)
	}
	var d dcatDoc
	if err := json.Unmarshal(body, &d); err != nil {
		t.Fatal(err)
	}
	return d
}

// TestDCATCatalog: the catalog lists every layer the request may read as a dcat:Dataset whose
// download distributions download it, and leaves restricted layers out without a key.
func TestDCATCatalog(t *testing.T) {
	t.Parallel()
	e := newTileEnv(t)
	var public int
	if err := e.pool.QueryRow(context.Background(), `SELECT count(*) FROM layers WHERE public`).Scan(&public); err != nil {
		t.Fatal(err)
	}
	d := e.dcat(t)
	if d.Type != "dcat:Catalog" || d.Context["dcat"] != "http://www.w3.org/ns/dcat#" || len(d.Service) != 2 {
		t.Errorf("@type %q, @context %v, %d services", d.Type, d.Context, len(d.Service))
	}
	if len(d.Dataset) != public {
		t.Fatalf("%d datasets, %d public layers", len(d.Dataset), public)
	}
	parcels := -1
	for i, ds := range d.Dataset {
		if ds.Type != "dcat:Dataset" || ds.Title == "" || ds.Modified == nil || ds.Publisher == nil {
			t.Errorf("dataset %s: %+v", ds.Identifier, ds)
		}
		if ds.Identifier == "parcels" {
			parcels = i
		}
	}
	if parcels < 0 {
		t.Fatal("no dataset parcels")
	}
	if d.Dataset[parcels].Spatial == nil {
		t.Error("parcels have no dct:spatial")
	}
	var downloads []string
	for _, dist := range d.Dataset[parcels].Distribution {
		if u, _ := dist.DownloadURL["@id"].(string); u != "" {
			downloads = append(downloads, u)
			res, body := send(t, http.MethodGet, u)
			checkStatus(t, u, res, body, http.StatusOK)
			if want := strings.TrimPrefix(dist.MediaType["@id"].(string), "https://www.iana.org/assignments/media-types/"); !strings.HasPrefix(res.Header.Get("Content-Type"), want) {
				t.Errorf("%s: Content-Type %q, the catalog says %s", u, res.Header.Get("Content-Type"), want)
			}
		}
	}
	if len(downloads) != 3 {
		t.Errorf("parcels' downloads %v, want geojson, csv and gpkg", downloads)
	}

	admin := newKey(t, e.db, "dcat-admin", store.RoleAdmin)
	reader := newKey(t, e.db, "dcat-reader", store.RoleReader)
	setPublic(t, e, admin, "parcels", false)
	defer setPublic(t, e, admin, "parcels", true)
	has := func(d dcatDoc) bool {
		return slices.ContainsFunc(d.Dataset, func(ds dcatDataset) bool { return ds.Identifier == "parcels" })
	}
	if has(e.dcat(t)) {
		t.Error("restricted parcels listed without a key")
	}
	if !has(e.dcat(t, reader...)) {
		t.Error("restricted parcels not listed with a key")
	}
}

// TestDownloadWithoutGDAL: without ogr2ogr a GeoPackage is 501 and the catalog offers none.
// Not parallel: it empties PATH for the process.
func TestDownloadWithoutGDAL(t *testing.T) {
	e := newTileEnv(t)
	t.Setenv("PATH", t.TempDir())
	res, body := send(t, http.MethodGet, e.url+"/v1/layers/parcels/download?f=gpkg")
	p := checkStatus(t, "gpkg without GDAL", res, body, http.StatusNotImplemented)
	if p["type"] != "/problems/gdal-missing" {
		t.Errorf("problem %v", p)
	}
	res, body = send(t, http.MethodGet, e.url+"/v1/layers/parcels/download?f=csv")
	checkStatus(t, "csv without GDAL", res, body, http.StatusOK)
	for _, ds := range e.dcat(t).Dataset {
		for _, dist := range ds.Distribution {
			if u, _ := dist.DownloadURL["@id"].(string); strings.Contains(u, "f=gpkg") {
				t.Errorf("%s offered without GDAL", u)
			}
		}
	}
}
