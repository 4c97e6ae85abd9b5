package geo

import (
	"testing"

	"github.com/paulmach/orb"
)

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

// Every CRS's area holds Ho Chi Minh City; the TM-3 zone's domain holds the city's
// coordinates and refuses absurd ones.
func TestCRSDomain(t *testing.T) {
	for _, c := range CRSs {
		if a := c.Area(); !a.Contains(orb.Point{106.7, 10.78}) || a.Min[0] < -180 || a.Max[1] > 90 {
			t.Errorf("%s: area %v", c.URI, a)
		}
	}
	c, _ := ParseCRS("EPSG:9210")
	for _, p := range []orb.Point{{600000, 1192000}, {-500000, 0}, {1500000, 9400000}} {
		if !c.Domain().Contains(p) {
			t.Errorf("EPSG:9210's domain lacks %v", p)
		}
	}
	for _, p := range []orb.Point{{-1e8, 1192000}, {600000, -1}, {1e7, 1e7}} {
		if c.Domain().Contains(p) {
			t.Errorf("EPSG:9210's domain holds %v", p)
		}
	}
}
