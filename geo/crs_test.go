package geo

import "testing"

func TestParseCRS(t *testing.T) {
	for in, want := range map[string]int{
		"http://www.opengis.net/def/crs/OGC/1.3/CRS84": 4326,
		"[OGC:CRS84]": 4326,
		"http://www.opengis.net/def/crs/EPSG/0/9210": 9210,
		"EPSG:5897":   5897,
		"[EPSG:3405]": 3405,
		"http://www.opengis.net/def/crs/EPSG/0/4326": 4326,
		"http://www.opengis.net/def/crs/EPSG/0/2154": 0,
		"EPSG:abc": 0,
		"http://www.opengis.net/def/crs/EPSG/0/9210/x": 0,
		"": 0,
		"http://www.opengis.net/def/crs/OGC/1.3/CRS84x": 0,
	} {
		c, ok := ParseCRS(in)
		if ok != (want != 0) || c.SRID != want {
			t.Errorf("ParseCRS(%q) = %+v, %v; want SRID %d", in, c, ok, want)
		}
	}
	if c, _ := ParseCRS("EPSG:4326"); !c.LatFirst {
		t.Error("EPSG:4326 is latitude first")
	}
	if c, _ := ParseCRS("CRS84"); c.LatFirst {
		t.Error("CRS84 is longitude first")
	}
}
