package geo

import "testing"

// pinned is the pinned VN-2000 shift as the database's proj4text carries it.
const pinned = " +ellps=WGS84 +towgs84=-191.90441429,-39.30318279,-111.45032835,0.00928836,-0.01975479,0.00427372,0.252906278 +units=m +no_defs"

var srsTable = []SRS{
	{SRID: 9210, Proj4: "+proj=tmerc +lat_0=0 +lon_0=105.75 +k=0.9999 +x_0=500000 +y_0=0" + pinned, VN2000: true},
	{SRID: 5897, Proj4: "+proj=tmerc +lat_0=0 +lon_0=105 +k=0.9999 +x_0=500000 +y_0=0" + pinned, VN2000: true},
	{SRID: 6957, Proj4: "+proj=tmerc +lat_0=0 +lon_0=105 +k=0.9999 +x_0=0 +y_0=500000" + pinned, VN2000: true},
	{SRID: 3405, Proj4: "+proj=utm +zone=48" + pinned, VN2000: true},
	{SRID: 32648, Proj4: "+proj=utm +zone=48 +datum=WGS84 +units=m +no_defs"},
	{SRID: 32748, Proj4: "+proj=utm +zone=48 +south +datum=WGS84 +units=m +no_defs"},
	{SRID: 3148, Proj4: "+proj=utm +zone=48 +ellps=intl +towgs84=-206,172,-6,0,0,0,0 +units=m +no_defs"}, // Indian 1960 / UTM 48N
	{SRID: 4326, Proj4: "+proj=longlat +datum=WGS84 +no_defs"},
	{SRID: 4756, Proj4: "+proj=longlat" + pinned, VN2000: true},
}

func TestMatchSRS(t *testing.T) {
	cases := []struct {
		name, proj4, wkt string
		want             int
	}{
		{"TM-3 105°45' from a .prj naming its datum only", "+proj=tmerc +lat_0=0 +lon_0=105.75 +k=0.9999 +x_0=500000 +y_0=0 +ellps=WGS84 +units=m +no_defs",
			`PROJCS["HCM_VN2000_KTT",GEOGCS["GCS_VN2000",DATUM["Vietnam_2000",SPHEROID["WGS 84",6378137,298.257223563]]]]`, 9210},
		{"TM-3 105°45' with the pinned shift", "+proj=tmerc +lat_0=0 +lon_0=105.75 +k_0=0.9999 +x_0=500000 +y_0=0" + pinned, "", 9210},
		{"TM-3 105° by D_VN_2000", "+proj=tmerc +lat_0=0 +lon_0=105 +k=0.9999 +x_0=500000 +y_0=0 +ellps=WGS84 +units=m",
			`GEOGCS["GCS_VN_2000",DATUM["D_VN_2000",SPHEROID["WGS_1984",6378137.0,298.257223563]]]`, 5897},
		{"UTM 48N on WGS 84", "+proj=utm +zone=48 +datum=WGS84 +units=m +no_defs", `DATUM["D_WGS_1984"`, 32648},
		{"UTM 48N on VN-2000", "+proj=utm +zone=48 +ellps=WGS84 +units=m", `DATUM["VN-2000"`, 3405},
		{"UTM 48N on Indian 1960", "+proj=utm +zone=48 +ellps=intl +towgs84=-206,172,-6,0,0,0,0 +units=m", `DATUM["Indian_1960"`, 3148},
		{"degrees on WGS 84", "+proj=longlat +datum=WGS84 +no_defs", "", 4326},
		{"TM-3 on WGS 84 is not VN-2000", "+proj=tmerc +lat_0=0 +lon_0=105.75 +k=0.9999 +x_0=500000 +y_0=0 +datum=WGS84 +units=m", `DATUM["WGS_1984"`, 0},
		{"a central meridian nobody registered", "+proj=tmerc +lat_0=0 +lon_0=105.6 +k=0.9999 +x_0=500000 +y_0=0 +ellps=WGS84 +units=m", `DATUM["Vietnam_2000"`, 0},
		{"feet", "+proj=utm +zone=48 +datum=WGS84 +units=us-ft", "", 0},
	}
	for _, c := range cases {
		got, ok := MatchSRS(c.proj4, c.wkt, srsTable)
		if got != c.want || ok != (c.want != 0) {
			t.Errorf("%s: MatchSRS = %d, %v; want %d", c.name, got, ok, c.want)
		}
	}
}
