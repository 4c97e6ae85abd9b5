-- Changes: every committed change to a layer's table is announced, with where it happened, so
-- that every running service drops the tiles it touches and reads its catalog again. The
-- generalized table behind low-zoom parcels follows each change instead of waiting for a
-- refresh.

-- +goose Up
-- changes: one row per changing statement per table. boxes are the lon/lat envelopes of the
-- rows before and after (one per row for statements of up to 1,000 rows, else their extent),
-- empty when no row has a geometry; NULL means the whole table (truncate, rebuild, catalog).
-- A listener reads the rows past the last it saw; txid lets it also find rows of a
-- transaction that took its id early but committed late (see store/changes.go).
CREATE TABLE changes (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	at timestamptz NOT NULL DEFAULT now(),
	table_name text NOT NULL,
	boxes geometry(MultiPolygon, 4326),
	rows integer NOT NULL,
	txid bigint NOT NULL DEFAULT txid_current()
);
CREATE INDEX changes_at ON changes (at);
CREATE INDEX changes_txid ON changes (txid);

-- +goose StatementBegin
-- announce records one change of tbl and notifies the listeners; they read the row itself.
CREATE FUNCTION announce(tbl text, boxes geometry, nrows integer) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	change bigint;
BEGIN
	INSERT INTO changes (table_name, boxes, rows) VALUES (tbl, boxes, nrows) RETURNING id INTO change;
	PERFORM pg_notify('bandoso_changes', change::text);
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
-- change_boxes is the lon/lat envelopes of geoms (each once), for a statement of a few rows.
CREATE FUNCTION change_boxes(geoms geometry[]) RETURNS geometry LANGUAGE sql IMMUTABLE AS $$
	SELECT coalesce(ST_Multi(ST_Collect(b)), ST_GeomFromText('MULTIPOLYGON EMPTY', 4326))
	FROM (SELECT DISTINCT ST_MakeEnvelope(ST_XMin(g), ST_YMin(g), ST_XMax(g), ST_YMax(g), 4326) AS b
		FROM unnest(geoms) g WHERE g IS NOT NULL) s
$$;
-- +goose StatementEnd

-- +goose StatementBegin
-- announce_changes announces a whole statement on a layer table from its transition tables:
-- the envelope of every row before and after when there are up to 1,000, else their extent,
-- so that a bulk load costs one pass and one box. Unlike record_changes it runs with
-- bandoso.audit off: bulk loads must reach the tiles too.
CREATE FUNCTION announce_changes() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	src text := CASE TG_OP WHEN 'INSERT' THEN 'new_rows' WHEN 'DELETE' THEN 'old_rows'
		ELSE '(SELECT geom FROM new_rows UNION ALL SELECT geom FROM old_rows)' END;
	n integer;
	ext box2d;
	boxes geometry;
BEGIN
	IF TG_OP = 'TRUNCATE' THEN
		PERFORM announce(TG_TABLE_NAME, NULL, 0);
		RETURN NULL;
	END IF;
	EXECUTE format('SELECT count(*), ST_Extent(geom) FROM %s r', src) INTO n, ext;
	IF n = 0 THEN
		RETURN NULL;
	END IF;
	IF n <= 1000 THEN
		EXECUTE format('SELECT change_boxes(array_agg(geom)) FROM %s r', src) INTO boxes;
	ELSIF ext IS NULL THEN
		boxes := ST_GeomFromText('MULTIPOLYGON EMPTY', 4326);
	ELSE
		boxes := ST_Multi(ST_MakeEnvelope(ST_XMin(ext), ST_YMin(ext), ST_XMax(ext), ST_YMax(ext), 4326));
	END IF;
	IF TG_OP = 'UPDATE' THEN
		n := n / 2;
	END IF;
	PERFORM announce(TG_TABLE_NAME, boxes, n);
	RETURN NULL;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
DO $$
DECLARE
	t text;
BEGIN
	FOREACH t IN ARRAY ARRAY['admin_units', 'streets', 'parcels', 'addresses', 'plans', 'planning_zones', 'road_boundaries'] LOOP
		EXECUTE format('CREATE TRIGGER announce_insert AFTER INSERT ON %I REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION announce_changes()', t);
		EXECUTE format('CREATE TRIGGER announce_update AFTER UPDATE ON %I REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION announce_changes()', t);
		EXECUTE format('CREATE TRIGGER announce_delete AFTER DELETE ON %I REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION announce_changes()', t);
		EXECUTE format('CREATE TRIGGER announce_truncate AFTER TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION announce_changes()', t);
	END LOOP;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
-- announce_catalog: the layer catalog changed; every service reads it again.
CREATE FUNCTION announce_catalog() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM announce('layers', NULL, 0);
	RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER announce_catalog AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON layers
	FOR EACH STATEMENT EXECUTE FUNCTION announce_catalog();
CREATE TRIGGER announce_catalog AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON layer_bands
	FOR EACH STATEMENT EXECUTE FUNCTION announce_catalog();

-- parcel_ward_totals becomes a table kept up to date ward by ward: after a statement on
-- parcels (or on ward outlines), the totals of the wards it touched are computed again and
-- announced, so low-zoom tiles follow edits at once. parcel_ward_totals_source is the
-- definition; a filter on ward_code reaches the parcels index through it.
DROP MATERIALIZED VIEW parcel_ward_totals;
CREATE VIEW parcel_ward_totals_source AS
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
CREATE TABLE parcel_ward_totals AS SELECT * FROM parcel_ward_totals_source;
CREATE UNIQUE INDEX parcel_ward_totals_id ON parcel_ward_totals (id);
CREATE INDEX parcel_ward_totals_ward_code ON parcel_ward_totals (ward_code);
CREATE INDEX parcel_ward_totals_geom_3857 ON parcel_ward_totals USING gist (geom_3857);

-- +goose StatementBegin
-- update_ward_totals computes the totals of the wards codes again and announces where they
-- are. Concurrent edits in one ward take turns (advisory locks, in code order), so the later
-- one counts the earlier one's parcels.
CREATE FUNCTION update_ward_totals(codes text[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	c text;
	outlines geometry[];
	boxes geometry;
BEGIN
	codes := array(SELECT DISTINCT x FROM unnest(codes) x WHERE x IS NOT NULL ORDER BY x);
	IF cardinality(codes) = 0 THEN
		RETURN;
	END IF;
	FOREACH c IN ARRAY codes LOOP
		PERFORM pg_advisory_xact_lock(hashtext('parcel_ward_totals'), hashtext(c));
	END LOOP;
	SELECT array_agg(geom_3857) INTO outlines FROM parcel_ward_totals WHERE ward_code = ANY(codes);
	DELETE FROM parcel_ward_totals WHERE ward_code = ANY(codes);
	INSERT INTO parcel_ward_totals SELECT * FROM parcel_ward_totals_source WHERE ward_code = ANY(codes);
	SELECT outlines || array_agg(geom_3857) INTO outlines FROM parcel_ward_totals WHERE ward_code = ANY(codes);
	SELECT change_boxes(array_agg(ST_Transform(g, 4326))) INTO boxes FROM unnest(outlines) g;
	IF NOT ST_IsEmpty(boxes) THEN
		PERFORM announce('parcel_ward_totals', boxes, cardinality(codes));
	END IF;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
-- ward_totals_follow runs update_ward_totals for the wards of a statement's rows, unless
-- bandoso.tile_tables is 'defer' (bulk loads, which call refresh_tile_tables at the end).
CREATE FUNCTION ward_totals_follow() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	codes text[];
	col text := CASE TG_TABLE_NAME WHEN 'parcels' THEN 'ward_code' ELSE 'code' END;
BEGIN
	IF current_setting('bandoso.tile_tables', true) = 'defer' THEN
		RETURN NULL;
	END IF;
	IF TG_OP = 'INSERT' THEN
		EXECUTE format('SELECT array_agg(DISTINCT %I) FROM new_rows', col) INTO codes;
	ELSIF TG_OP = 'UPDATE' THEN
		EXECUTE format('SELECT array_agg(DISTINCT c) FROM (SELECT %1$I AS c FROM new_rows UNION SELECT %1$I FROM old_rows) r', col) INTO codes;
	ELSE
		EXECUTE format('SELECT array_agg(DISTINCT %I) FROM old_rows', col) INTO codes;
	END IF;
	PERFORM update_ward_totals(codes);
	RETURN NULL;
END $$;
-- +goose StatementEnd

CREATE TRIGGER ward_totals_insert AFTER INSERT ON parcels REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION ward_totals_follow();
CREATE TRIGGER ward_totals_update AFTER UPDATE ON parcels REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION ward_totals_follow();
CREATE TRIGGER ward_totals_delete AFTER DELETE ON parcels REFERENCING OLD TABLE AS old_rows
	FOR EACH STATEMENT EXECUTE FUNCTION ward_totals_follow();
-- a ward's outline or name shows in its totals
CREATE TRIGGER ward_totals_update AFTER UPDATE ON admin_units REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION ward_totals_follow();

-- +goose StatementBegin
-- refresh_tile_tables rebuilds the generalized tables behind low-zoom tiles from scratch, for
-- bulk loads that deferred them, and announces them whole. Readers see the old contents
-- until the transaction commits.
CREATE OR REPLACE FUNCTION refresh_tile_tables() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	PERFORM pg_advisory_xact_lock(hashtext('parcel_ward_totals'));
	DELETE FROM parcel_ward_totals;
	INSERT INTO parcel_ward_totals SELECT * FROM parcel_ward_totals_source;
	PERFORM announce('parcel_ward_totals', NULL, 0);
END $$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION refresh_tile_tables() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	REFRESH MATERIALIZED VIEW CONCURRENTLY parcel_ward_totals;
END $$;
-- +goose StatementEnd
DROP TRIGGER ward_totals_insert ON parcels;
DROP TRIGGER ward_totals_update ON parcels;
DROP TRIGGER ward_totals_delete ON parcels;
DROP TRIGGER ward_totals_update ON admin_units;
DROP FUNCTION ward_totals_follow();
DROP FUNCTION update_ward_totals(text[]);
DROP TABLE parcel_ward_totals;
DROP VIEW parcel_ward_totals_source;
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
DROP TRIGGER announce_catalog ON layers;
DROP TRIGGER announce_catalog ON layer_bands;
DROP FUNCTION announce_catalog();
-- +goose StatementBegin
DO $$
DECLARE
	t text;
BEGIN
	FOREACH t IN ARRAY ARRAY['admin_units', 'streets', 'parcels', 'addresses', 'plans', 'planning_zones', 'road_boundaries'] LOOP
		EXECUTE format('DROP TRIGGER announce_insert ON %1$I; DROP TRIGGER announce_update ON %1$I; '
			'DROP TRIGGER announce_delete ON %1$I; DROP TRIGGER announce_truncate ON %1$I', t);
	END LOOP;
END $$;
-- +goose StatementEnd
DROP FUNCTION announce_changes();
DROP FUNCTION change_boxes(geometry[]);
DROP FUNCTION announce(text, geometry, integer);
DROP TABLE changes;
