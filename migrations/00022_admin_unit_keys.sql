-- Units found by name in one probe: the name without its kind word, stored, and the key a
-- name is matched by indexed, so that a search by name no longer computes them for every
-- ward of the table on each request. The expressions are unit_key()'s two steps (Go
-- migration 00011), written out so that the column does not depend on that function.

-- +goose Up
ALTER TABLE admin_units ADD COLUMN name_bare text GENERATED ALWAYS AS
	(regexp_replace(norm_text(name), '^(phuong|xa|thi tran|dac khu|quan|huyen|thi xa|thanh pho|tinh) ', '')) STORED;
CREATE INDEX admin_units_name_key ON admin_units (level, (regexp_replace(name_bare, '[^a-z0-9]+', '', 'g')));
CREATE INDEX admin_units_name_bare_trgm ON admin_units USING gin (name_bare gin_trgm_ops);

-- +goose Down
ALTER TABLE admin_units DROP COLUMN name_bare;
