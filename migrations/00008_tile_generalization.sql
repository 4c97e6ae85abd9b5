-- +goose Up

-- Tiles are made in Web Mercator (EPSG:3857). Transforming each row from 4326 on every tile
-- took about 45% of a z16 parcels tile's database time (24 ms against 13 ms, measured on
-- the small demo city), so each table served as tiles also carries its geometry in 3857,
-- generated from geom (which stays the one truth, in 4326) and indexed for the tile filter.
ALTER TABLE admin_units ADD COLUMN geom_3857 geometry(MultiPolygon, 3857) GENERATED ALWAYS AS (ST_Transform(geom, 3857)) STORED;
ALTER TABLE streets ADD COLUMN geom_3857 geometry(MultiLineString, 3857) GENERATED ALWAYS AS (ST_Transform(geom, 3857)) STORED;
ALTER TABLE parcels ADD COLUMN geom_3857 geometry(MultiPolygon, 3857) GENERATED ALWAYS AS (ST_Transform(geom, 3857)) STORED;
ALTER TABLE addresses ADD COLUMN geom_3857 geometry(Point, 3857) GENERATED ALWAYS AS (ST_Transform(geom, 3857)) STORED;
ALTER TABLE plans ADD COLUMN geom_3857 geometry(MultiPolygon, 3857) GENERATED ALWAYS AS (ST_Transform(geom, 3857)) STORED;
ALTER TABLE planning_zones ADD COLUMN geom_3857 geometry(MultiPolygon, 3857) GENERATED ALWAYS AS (ST_Transform(geom, 3857)) STORED;
ALTER TABLE road_boundaries ADD COLUMN geom_3857 geometry(MultiLineString, 3857) GENERATED ALWAYS AS (ST_Transform(geom, 3857)) STORED;
CREATE INDEX admin_units_geom_3857 ON admin_units USING gist (geom_3857);
CREATE INDEX streets_geom_3857 ON streets USING gist (geom_3857);
CREATE INDEX parcels_geom_3857 ON parcels USING gist (geom_3857);
CREATE INDEX addresses_geom_3857 ON addresses USING gist (geom_3857);
CREATE INDEX plans_geom_3857 ON plans USING gist (geom_3857);
CREATE INDEX planning_zones_geom_3857 ON planning_zones USING gist (geom_3857);
CREATE INDEX road_boundaries_geom_3857 ON road_boundaries USING gist (geom_3857);

-- History keeps the columns its table had when it was made versioned; derived columns
-- added since (geom_3857) are left out. So record_changes now copies, by name, the columns
-- both tables have, and the audit log leaves out the 3857 copy of the geometry.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION record_changes() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	who text := coalesce(nullif(current_setting('bandoso.actor', true), ''), session_user);
	hist text := quote_ident(TG_TABLE_NAME || '_history');
	cols text;
BEGIN
	IF current_setting('bandoso.audit', true) = 'off' THEN
		RETURN NULL;
	END IF;
	IF TG_OP = 'INSERT' THEN
		INSERT INTO audit_log (actor, action, table_name, row_id, after)
		SELECT who, 'insert', TG_TABLE_NAME, n.id, to_jsonb(n) - 'geom_3857' FROM new_rows n;
		RETURN NULL;
	END IF;
	IF TG_OP = 'UPDATE' THEN
		INSERT INTO audit_log (actor, action, table_name, row_id, before, after)
		SELECT who, 'update', TG_TABLE_NAME, n.id, to_jsonb(o) - 'geom_3857', to_jsonb(n) - 'geom_3857'
		FROM old_rows o JOIN new_rows n USING (id);
	ELSE
		INSERT INTO audit_log (actor, action, table_name, row_id, before)
		SELECT who, 'delete', TG_TABLE_NAME, o.id, to_jsonb(o) - 'geom_3857' FROM old_rows o;
	END IF;
	SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum) INTO cols
	FROM pg_attribute a
	JOIN pg_attribute h ON h.attrelid = to_regclass(hist) AND h.attname = a.attname AND NOT h.attisdropped
	WHERE a.attrelid = TG_RELID AND a.attnum > 0 AND NOT a.attisdropped;
	-- a version that began in this same transaction was never visible: keep no history of it
	EXECUTE format('INSERT INTO %s (%s, sys_to) SELECT %s, now() FROM old_rows o WHERE o.sys_from < now()',
		hist, cols, cols);
	RETURN NULL;
END $$;
-- +goose StatementEnd

-- parcel_ward_totals: the parcels of each cadastral (pre-2025) ward, counted and summed, on
-- the ward's polygon. The parcels layer shows these up to zoom 14, where a tile of the
-- one-million-parcel city holds 60,000 parcels (1.4 MB) and most are a few pixels. land_use is the use covering
-- the largest area, so a style colours totals and parcels alike. Refreshed after imports
-- (refresh_tile_tables).
CREATE MATERIALIZED VIEW parcel_ward_totals AS
WITH by_use AS (
	SELECT ward_code, land_use, count(*) AS n, sum(area_m2) AS area
	FROM parcels
	GROUP BY ward_code, land_use
), totals AS (
	SELECT ward_code, sum(n)::integer AS parcels, sum(area)::float8 AS area_m2,
		(array_agg(land_use ORDER BY area DESC, land_use))[1] AS land_use
	FROM by_use
	GROUP BY ward_code
)
SELECT w.id, t.ward_code, w.name AS ward_name, t.parcels, t.area_m2, t.land_use, w.geom_3857
FROM totals t
JOIN admin_units w ON w.code = t.ward_code AND w.level = 'ward'
	AND w.valid_from <= DATE '2025-06-30' AND coalesce(w.valid_to, 'infinity') > DATE '2025-06-30'
WHERE w.geom_3857 IS NOT NULL;
CREATE UNIQUE INDEX parcel_ward_totals_id ON parcel_ward_totals (id);
CREATE INDEX parcel_ward_totals_geom_3857 ON parcel_ward_totals USING gist (geom_3857);

-- +goose StatementBegin
-- refresh_tile_tables brings the generalized tables behind low-zoom tiles up to date.
-- CONCURRENTLY lets tiles keep reading the old contents meanwhile.
CREATE FUNCTION refresh_tile_tables() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	REFRESH MATERIALIZED VIEW CONCURRENTLY parcel_ward_totals;
END $$;
-- +goose StatementEnd

-- layer_bands: how a layer is drawn in a range of zooms, where it differs from the layer's
-- own table: another source (a generalized table), another row filter (main streets only),
-- other fields, simplification to a fraction of a pixel, and a least size below which a
-- feature is dropped. Sizes are in CSS pixels of a 512-pixel tile, as MapLibre draws vector
-- tiles. A NULL column means the layer's own value. Zooms outside every band use the layer.
CREATE TABLE layer_bands (
	layer text NOT NULL REFERENCES layers (name) ON UPDATE CASCADE ON DELETE CASCADE,
	min_zoom smallint NOT NULL CHECK (min_zoom BETWEEN 0 AND 24),
	max_zoom smallint NOT NULL CHECK (max_zoom BETWEEN 0 AND 24),
	table_name text,
	geom_column text,
	id_column text,
	row_filter text,
	fields text[],
	simplify_px real NOT NULL DEFAULT 0 CHECK (simplify_px >= 0),
	min_size_px real NOT NULL DEFAULT 0 CHECK (min_size_px >= 0),
	description text NOT NULL DEFAULT '',
	PRIMARY KEY (layer, min_zoom),
	CHECK (min_zoom <= max_zoom)
);

-- The layer's own table is drawn from its 3857 geometry; geom_column stays the truth for
-- features and lookups.
ALTER TABLE layers ADD COLUMN tile_geom_column text;
UPDATE layers SET tile_geom_column = 'geom_3857';
UPDATE layers SET min_zoom = 10 WHERE name = 'parcels';

INSERT INTO layer_bands (layer, min_zoom, max_zoom, table_name, geom_column, id_column, row_filter, fields, simplify_px, min_size_px, description) VALUES
	('wards', 0, 13, NULL, NULL, NULL, NULL, NULL, 0.5, 0, 'simplified to half a pixel'),
	('wards_2024', 0, 13, NULL, NULL, NULL, NULL, NULL, 0.5, 0, 'simplified to half a pixel'),
	('plans', 10, 13, NULL, NULL, NULL, NULL, NULL, 0.5, 2, 'simplified; plans under 2 pixels dropped'),
	('planning_zones', 12, 14, NULL, NULL, NULL, NULL, NULL, 0.5, 2, 'simplified; zones under 2 pixels dropped'),
	('streets', 10, 13, NULL, NULL, NULL, $$kind = 'street'$$, NULL, 0.5, 4, 'streets without alleys, simplified; under 4 pixels dropped'),
	('streets', 14, 15, NULL, NULL, NULL, NULL, NULL, 0.5, 2, 'simplified; alleys under 2 pixels dropped'),
	('parcels', 10, 14, 'parcel_ward_totals', 'geom_3857', 'id', NULL, '{ward_code,ward_name,parcels,area_m2,land_use}', 0.5, 0,
		'one feature per cadastral ward: parcel count, total area and the land use covering most of it'),
	('parcels', 15, 15, NULL, NULL, NULL, NULL, '{land_use}', 0.5, 1,
		'land use only; parcels under one pixel dropped'),
	('addresses', 16, 16, NULL, NULL, NULL, NULL, '{house_number}', 0, 0, 'house numbers only');

-- +goose Down
DROP TABLE layer_bands;
UPDATE layers SET min_zoom = 14 WHERE name = 'parcels';
ALTER TABLE layers DROP COLUMN tile_geom_column;
DROP FUNCTION refresh_tile_tables();
DROP MATERIALIZED VIEW parcel_ward_totals;
ALTER TABLE admin_units DROP COLUMN geom_3857;
ALTER TABLE streets DROP COLUMN geom_3857;
ALTER TABLE parcels DROP COLUMN geom_3857;
ALTER TABLE addresses DROP COLUMN geom_3857;
ALTER TABLE plans DROP COLUMN geom_3857;
ALTER TABLE planning_zones DROP COLUMN geom_3857;
ALTER TABLE road_boundaries DROP COLUMN geom_3857;
-- record_changes as 00007 made it
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION record_changes() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	who text := coalesce(nullif(current_setting('bandoso.actor', true), ''), session_user);
	hist text := quote_ident(TG_TABLE_NAME || '_history');
BEGIN
	IF current_setting('bandoso.audit', true) = 'off' THEN
		RETURN NULL;
	END IF;
	IF TG_OP = 'INSERT' THEN
		INSERT INTO audit_log (actor, action, table_name, row_id, after)
		SELECT who, 'insert', TG_TABLE_NAME, n.id, to_jsonb(n) FROM new_rows n;
	ELSIF TG_OP = 'UPDATE' THEN
		INSERT INTO audit_log (actor, action, table_name, row_id, before, after)
		SELECT who, 'update', TG_TABLE_NAME, n.id, to_jsonb(o), to_jsonb(n)
		FROM old_rows o JOIN new_rows n USING (id);
		-- a version that began in this same transaction was never visible: keep no history of it
		EXECUTE format('INSERT INTO %s SELECT o.*, now() FROM old_rows o WHERE o.sys_from < now()', hist);
	ELSE
		INSERT INTO audit_log (actor, action, table_name, row_id, before)
		SELECT who, 'delete', TG_TABLE_NAME, o.id, to_jsonb(o) FROM old_rows o;
		EXECUTE format('INSERT INTO %s SELECT o.*, now() FROM old_rows o WHERE o.sys_from < now()', hist);
	END IF;
	RETURN NULL;
END $$;
-- +goose StatementEnd
