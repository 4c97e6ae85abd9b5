package ingest

import "testing"

func TestParseCRS(t *testing.T) {
	cases := map[string]int{
		"EPSG:32648": 32648, "epsg:9210": 9210, "32649": 32649, " 3405 ": 3405,
		"urn:ogc:def:crs:EPSG::32648":                 32648,
		"urn:ogc:def:crs:EPSG:6.6:4326":               4326,
		"http://www.opengis.net/def/crs/EPSG/0/5899":  5899,
		"https://www.opengis.net/def/crs/EPSG/0/9210": 9210,
		"[EPSG:3857]": 3857, "CRS84": 4326, "urn:ogc:def:crs:OGC:1.3:CRS84": 4326,
		"http://www.opengis.net/def/crs/OGC/1.3/CRS84": 4326,
	}
	for in, want := range cases {
		if got, ok := ParseCRS(in); !ok || got != want {
			t.Errorf("ParseCRS(%q) = %d, %v; want %d", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "EPSG:", "EPSG:0", "EPSG:-4326", "VN-2000", "urn:ogc:def:crs:ESRI::102100", "EPSG:1234567", "4326.0"} {
		if got, ok := ParseCRS(in); ok {
			t.Errorf("ParseCRS(%q) = %d, want refused", in, got)
		}
	}
}
