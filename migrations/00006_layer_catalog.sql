-- The layer catalog: what the service publishes, read by tiles and features at run time.

-- +goose Up
CREATE TABLE layers (
	name text PRIMARY KEY CHECK (name ~ '^[a-z][a-z0-9_]{0,62}$'),
	title text NOT NULL,
	description text NOT NULL DEFAULT '',
	source text NOT NULL DEFAULT '',
	licence text NOT NULL DEFAULT '',
	-- the table behind the layer and its geometry and id columns
	table_name text NOT NULL,
	geom_column text NOT NULL DEFAULT 'geom',
	id_column text NOT NULL DEFAULT 'id',
	-- a filter on the table's rows that belong to this layer (SQL, written by operators)
	row_filter text,
	geometry_type text NOT NULL CHECK (geometry_type IN ('Point', 'LineString', 'Polygon')),
	-- attributes published in tiles and features, in order
	fields text[] NOT NULL DEFAULT '{}',
	min_zoom smallint NOT NULL DEFAULT 0 CHECK (min_zoom BETWEEN 0 AND 24),
	max_zoom smallint NOT NULL DEFAULT 22 CHECK (max_zoom BETWEEN 0 AND 24),
	public boolean NOT NULL DEFAULT true,
	-- true while the layer holds generated demo data rather than the city's records
	synthetic boolean NOT NULL DEFAULT false,
	updated_at timestamptz NOT NULL DEFAULT now(),
	CHECK (min_zoom <= max_zoom)
);

INSERT INTO layers (name, title, description, table_name, row_filter, geometry_type, fields, min_zoom, max_zoom) VALUES
	('wards', 'Phường, xã (từ 1/7/2025)', 'Wards and communes of the administrative system in force since 2025-07-01.',
		'admin_units', $$level = 'ward' AND valid_to IS NULL$$, 'Polygon', '{code,name,kind}', 0, 22),
	('wards_2024', 'Phường, xã (trước 1/7/2025)', 'Wards and communes before the 2025 reform, with their districts.',
		'admin_units', $$level = 'ward' AND valid_to = DATE '2025-07-01'$$, 'Polygon', '{code,name,kind,parent_code}', 0, 22),
	('streets', 'Đường, hẻm', 'Street and alley centre lines.',
		'streets', NULL, 'LineString', '{name,kind,alley_no}', 10, 22),
	('parcels', 'Thửa đất', 'Cadastral land parcels: cadastral ward, map sheet, parcel number, land use and legal area.',
		'parcels', NULL, 'Polygon', '{ward_code,sheet_no,parcel_no,land_use,area_m2}', 14, 22),
	('addresses', 'Địa chỉ', 'House numbers with their digital address codes.',
		'addresses', NULL, 'Point', '{code,house_number,street_id,ward_code}', 16, 22),
	('plans', 'Đồ án quy hoạch', 'Approved detailed plans with their decisions.',
		'plans', NULL, 'Polygon', '{name,decision_no,decision_date,scale}', 10, 22),
	('planning_zones', 'Ô quy hoạch', 'Planning zones: land-use function, FAR, building density, floors.',
		'planning_zones', NULL, 'Polygon', '{plan_id,zone_code,land_use,function_name,far,density_pct,floors_min,floors_max}', 12, 22),
	('road_boundaries', 'Lộ giới', 'Planned street widths along centre lines.',
		'road_boundaries', NULL, 'LineString', '{street_name,width_m,plan_id}', 13, 22);

-- dataset_info records facts about the loaded data as a whole, such as which demo city
-- (seed, size, generator version) is loaded.
CREATE TABLE dataset_info (
	key text PRIMARY KEY,
	value jsonb NOT NULL,
	updated_at timestamptz NOT NULL DEFAULT now()
);

-- +goose Down
DROP TABLE dataset_info;
DROP TABLE layers;
