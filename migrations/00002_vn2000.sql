-- VN-2000 coordinate systems with the one pinned transformation to WGS84 (EPSG:6960).
--
-- PostGIS resolves an SRID whose auth_name is 'EPSG' through PROJ's database, and PROJ then
-- picks EPSG:5194 for Ho Chi Minh City, about 0.8 m from EPSG:6960. So these rows carry
-- auth_name 'bandoso' (unknown to PROJ), no srtext, and a proj4text with +towgs84: PostGIS
-- then builds the transformation from that string. +towgs84 uses the position-vector
-- convention, so the rotation signs are those of EPSG:6960 (coordinate frame) flipped.
-- SRIDs keep their EPSG numbers, so SRID 3405 is VN-2000 / UTM 48N with the pinned datum
-- shift. EPSG:9210 (TM-3 105°45', Ho Chi Minh City and Bình Dương) is missing from
-- PostGIS 3.3 and is added here.
-- After `ALTER EXTENSION postgis UPDATE`, run this migration's statements again: the
-- extension's upgrade may restore its own rows.

-- +goose Up
INSERT INTO spatial_ref_sys (srid, auth_name, auth_srid, srtext, proj4text)
SELECT srid, 'bandoso', srid, NULL, proj || ' +ellps=WGS84 +towgs84=-191.90441429,-39.30318279,-111.45032835,0.00928836,-0.01975479,0.00427372,0.252906278 +no_defs'
FROM (VALUES
	(4756, '+proj=longlat'),
	(3405, '+proj=utm +zone=48 +units=m'),
	(3406, '+proj=utm +zone=49 +units=m'),
	(5897, '+proj=tmerc +lat_0=0 +lon_0=105 +k=0.9999 +x_0=500000 +y_0=0 +units=m'),
	(5899, '+proj=tmerc +lat_0=0 +lon_0=107.75 +k=0.9999 +x_0=500000 +y_0=0 +units=m'),
	(9210, '+proj=tmerc +lat_0=0 +lon_0=105.75 +k=0.9999 +x_0=500000 +y_0=0 +units=m')
) AS v(srid, proj)
ON CONFLICT (srid) DO UPDATE
SET auth_name = EXCLUDED.auth_name, auth_srid = EXCLUDED.auth_srid,
    srtext = EXCLUDED.srtext, proj4text = EXCLUDED.proj4text;

-- The CRSs the service accepts, with their names for documents and APIs.
CREATE TABLE crs (
	srid integer PRIMARY KEY REFERENCES spatial_ref_sys (srid),
	uri text NOT NULL UNIQUE,
	name text NOT NULL,
	vn2000 boolean NOT NULL
);
INSERT INTO crs (srid, uri, name, vn2000) VALUES
	(4326, 'http://www.opengis.net/def/crs/EPSG/0/4326', 'WGS 84', false),
	(3857, 'http://www.opengis.net/def/crs/EPSG/0/3857', 'WGS 84 / Pseudo-Mercator', false),
	(4756, 'http://www.opengis.net/def/crs/EPSG/0/4756', 'VN-2000', true),
	(3405, 'http://www.opengis.net/def/crs/EPSG/0/3405', 'VN-2000 / UTM zone 48N', true),
	(3406, 'http://www.opengis.net/def/crs/EPSG/0/3406', 'VN-2000 / UTM zone 49N', true),
	(5897, 'http://www.opengis.net/def/crs/EPSG/0/5897', 'VN-2000 / TM-3 zone 481 (105°, Hà Nội)', true),
	(5899, 'http://www.opengis.net/def/crs/EPSG/0/5899', 'VN-2000 / TM-3 107-45 (Bà Rịa–Vũng Tàu)', true),
	(9210, 'http://www.opengis.net/def/crs/EPSG/0/9210', 'VN-2000 / TM-3 105-45 (Hồ Chí Minh, Bình Dương)', true);

-- +goose Down
DROP TABLE crs;
DELETE FROM spatial_ref_sys WHERE srid = 9210;
