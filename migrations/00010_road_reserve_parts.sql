-- +goose Up
-- road_reserve_parts: each road boundary's reserve cut into pieces of at most 64 vertices,
-- indexed. A street's reserve is one polygon along the whole street (about 1,400 vertices in
-- the one-million-parcel city), so its box meets most parcels and a planning report measured
-- every reserve whole: 50 ms a report. The pieces near a parcel are a few small polygons.
-- Kept by a trigger, so a report always sees the reserves as they are.
CREATE TABLE road_reserve_parts (
	-- no foreign key, so that loads may TRUNCATE road_boundaries; the triggers keep it in step
	road_boundary_id bigint NOT NULL,
	geom geometry(Polygon, 4326) NOT NULL
);
CREATE INDEX road_reserve_parts_geom ON road_reserve_parts USING gist (geom);
CREATE INDEX road_reserve_parts_road ON road_reserve_parts (road_boundary_id);

-- +goose StatementBegin
CREATE FUNCTION road_reserve_parts_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'TRUNCATE' THEN
		TRUNCATE road_reserve_parts;
		RETURN NULL;
	END IF;
	DELETE FROM road_reserve_parts WHERE road_boundary_id = OLD.id;
	IF TG_OP = 'DELETE' THEN
		RETURN NULL;
	END IF;
	INSERT INTO road_reserve_parts (road_boundary_id, geom)
	SELECT NEW.id, d.geom
	FROM ST_Subdivide(NEW.reserve, 64) AS piece (g), ST_Dump(piece.g) AS d
	WHERE GeometryType(d.geom) = 'POLYGON';
	RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER road_reserve_parts_sync AFTER INSERT OR UPDATE OR DELETE ON road_boundaries
	FOR EACH ROW EXECUTE FUNCTION road_reserve_parts_sync();
CREATE TRIGGER road_reserve_parts_truncate AFTER TRUNCATE ON road_boundaries
	FOR EACH STATEMENT EXECUTE FUNCTION road_reserve_parts_sync();

INSERT INTO road_reserve_parts (road_boundary_id, geom)
SELECT r.id, d.geom
FROM road_boundaries r, ST_Subdivide(r.reserve, 64) AS piece (g), ST_Dump(piece.g) AS d
WHERE GeometryType(d.geom) = 'POLYGON';

-- +goose Down
DROP TRIGGER road_reserve_parts_truncate ON road_boundaries;
DROP TRIGGER road_reserve_parts_sync ON road_boundaries;
DROP FUNCTION road_reserve_parts_sync();
DROP TABLE road_reserve_parts;
