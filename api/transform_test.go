package api_test

import (
	"math"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"bandoso/store/storetest"
)

// transformedBody is what the tests read of GET /v1/transform.
type transformedBody struct {
	Lon, Lat, X, Y float64
	CRS            string
}

func TestTransform(t *testing.T) {
	t.Parallel()
	base, _ := newServer(t, storetest.New(t))
	get := func(t *testing.T, query string) transformedBody {
		t.Helper()
		res, body := send(t, http.MethodGet, base+"/v1/transform?"+query)
		var out transformedBody
		decodeOK(t, query, res.StatusCode, res.Header.Get("Content-Type"), "application/json", body, &out)
		return out
	}
	// mission.md §6: (600000 E, 1192000 N) in EPSG:9210 is (106.66618296 E, 10.77752619 N)
	// with the pinned transformation; 1e-7° is about a centimetre.
	const knownE, knownN, knownLon, knownLat = 600000.0, 1192000.0, 106.66618296, 10.77752619
	near := func(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

	t.Run("VN-2000 TM-3 to WGS84: the known point to a centimetre", func(t *testing.T) {
		got := get(t, "x=600000&y=1192000&crs=EPSG:9210&to=EPSG:4326")
		if !near(got.Lon, knownLon, 1e-7) || !near(got.Lat, knownLat, 1e-7) || got.X != got.Lon || got.Y != got.Lat ||
			got.CRS != "http://www.opengis.net/def/crs/EPSG/0/4326" {
			t.Errorf("%+v, want (%.8f, %.8f)", got, knownLon, knownLat)
		}
		// without to, x and y stay in the point's own CRS
		if own := get(t, "x=600000&y=1192000&crs=EPSG:9210"); own.X != knownE || own.Y != knownN || own.Lon != got.Lon ||
			!strings.HasSuffix(own.CRS, "/EPSG/0/9210") {
			t.Errorf("without to: %+v", own)
		}
	})

	t.Run("WGS84 to VN-2000 TM-3: the known point to a centimetre", func(t *testing.T) {
		got := get(t, "lon=106.66618296&lat=10.77752619&to=EPSG:9210")
		if math.Hypot(got.X-knownE, got.Y-knownN) > 0.01 || got.Lon != knownLon || got.Lat != knownLat {
			t.Errorf("%+v, want (%.0f, %.0f)", got, knownE, knownN)
		}
	})

	t.Run("through UTM 48N and back to the same place", func(t *testing.T) {
		utm := get(t, "x=600000&y=1192000&crs=EPSG:9210&to="+url.QueryEscape("http://www.opengis.net/def/crs/EPSG/0/3405"))
		if math.Abs(utm.X-knownE) < 1000 {
			t.Fatalf("UTM 48N's easting %.3f is the TM-3 one's", utm.X)
		}
		got := get(t, "x="+ftoa(utm.X)+"&y="+ftoa(utm.Y)+"&crs=EPSG:3405")
		if !near(got.Lon, knownLon, 1e-7) || !near(got.Lat, knownLat, 1e-7) {
			t.Errorf("%+v back to WGS84: %+v", utm, got)
		}
	})

	t.Run("bad input is 400 naming the parameter", func(t *testing.T) {
		for query, param := range map[string]string{
			"x=600000&y=1192000":                            "crs",
			"x=600000&crs=EPSG:9210":                        "y",
			"x=100000000&y=1192000&crs=EPSG:9210":           "x",
			"x=600000&y=-5&crs=EPSG:9210":                   "y",
			"x=1500000&y=9400000&crs=EPSG:9210":             "x",
			"x=600000&y=1192000&crs=EPSG:9210&to=EPSG:2154": "to",
			"lon=-170&lat=0&to=EPSG:9210":                   "to",
			"lon=106.7&lat=10.8&x=600000":                   "lon",
		} {
			checkParamProblem(t, base, "/v1/transform?"+query, http.StatusBadRequest, param)
		}
	})
}
