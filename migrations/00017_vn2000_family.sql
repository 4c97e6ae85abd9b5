-- Every VN-2000 CRS of the EPSG registry through the one pinned transformation (EPSG:6960),
-- as 00002 did for the six the service names in its API: files arrive in any of them.
--
-- PostGIS 3.3 carries VN-2000 / TM-3 zones 481, 491 (5896, 5898) and the axis-swapped variants
-- 6956–6959 under auth_name 'EPSG', which makes PostGIS ask PROJ, and PROJ picks its own
-- transformation for Vietnam (EPSG:5194 in the south, about 0.8 m off). It lacks the local
-- TM-3 zones of the provinces, 9205–9218, except 9210, which 00002 added. auth_name
-- 'bandoso' and a proj4text with the pinned +towgs84 make PostGIS use the string instead.

-- +goose Up
INSERT INTO spatial_ref_sys (srid, auth_name, auth_srid, srtext, proj4text)
SELECT srid, 'bandoso', srid, NULL, proj || ' +ellps=WGS84 +towgs84=-191.90441429,-39.30318279,-111.45032835,0.00928836,-0.01975479,0.00427372,0.252906278 +units=m +no_defs'
FROM (VALUES
	(5896, '+proj=tmerc +lat_0=0 +lon_0=102 +k=0.9999 +x_0=500000 +y_0=0'),
	(5898, '+proj=tmerc +lat_0=0 +lon_0=108 +k=0.9999 +x_0=500000 +y_0=0'),
	(6956, '+proj=tmerc +lat_0=0 +lon_0=102 +k=0.9999 +x_0=0 +y_0=500000'),
	(6957, '+proj=tmerc +lat_0=0 +lon_0=105 +k=0.9999 +x_0=0 +y_0=500000'),
	(6958, '+proj=tmerc +lat_0=0 +lon_0=108 +k=0.9999 +x_0=0 +y_0=500000'),
	(6959, '+proj=tmerc +lat_0=0 +lon_0=107.75 +k=0.9999 +x_0=0 +y_0=500000'),
	-- the provinces' local TM-3 zones: VN-2000 / TM-3 103-00 … 108-30
	(9205, '+proj=tmerc +lat_0=0 +lon_0=103 +k=0.9999 +x_0=500000 +y_0=0'),
	(9206, '+proj=tmerc +lat_0=0 +lon_0=104 +k=0.9999 +x_0=500000 +y_0=0'),
	(9207, '+proj=tmerc +lat_0=0 +lon_0=104.5 +k=0.9999 +x_0=500000 +y_0=0'),
	(9208, '+proj=tmerc +lat_0=0 +lon_0=104.75 +k=0.9999 +x_0=500000 +y_0=0'),
	(9209, '+proj=tmerc +lat_0=0 +lon_0=105.5 +k=0.9999 +x_0=500000 +y_0=0'),
	(9211, '+proj=tmerc +lat_0=0 +lon_0=106 +k=0.9999 +x_0=500000 +y_0=0'),
	(9212, '+proj=tmerc +lat_0=0 +lon_0=106.25 +k=0.9999 +x_0=500000 +y_0=0'),
	(9213, '+proj=tmerc +lat_0=0 +lon_0=106.5 +k=0.9999 +x_0=500000 +y_0=0'),
	(9214, '+proj=tmerc +lat_0=0 +lon_0=107 +k=0.9999 +x_0=500000 +y_0=0'),
	(9215, '+proj=tmerc +lat_0=0 +lon_0=107.25 +k=0.9999 +x_0=500000 +y_0=0'),
	(9216, '+proj=tmerc +lat_0=0 +lon_0=107.5 +k=0.9999 +x_0=500000 +y_0=0'),
	(9217, '+proj=tmerc +lat_0=0 +lon_0=108.25 +k=0.9999 +x_0=500000 +y_0=0'),
	(9218, '+proj=tmerc +lat_0=0 +lon_0=108.5 +k=0.9999 +x_0=500000 +y_0=0')
) AS v(srid, proj)
ON CONFLICT (srid) DO UPDATE
SET auth_name = EXCLUDED.auth_name, auth_srid = EXCLUDED.auth_srid,
    srtext = EXCLUDED.srtext, proj4text = EXCLUDED.proj4text;

-- +goose Down
DELETE FROM spatial_ref_sys WHERE srid BETWEEN 9205 AND 9218 AND srid <> 9210;
