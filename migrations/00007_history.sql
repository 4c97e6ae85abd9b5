-- History and audit: every change to the city's layers with who made it, when, and the
-- rows before and after; past versions kept so that any table can be read "as of" a time.

-- +goose Up
-- audit_log: one row per changed row. actor is the session's bandoso.actor setting (the
-- service sets it from the API key), else the database role.
CREATE TABLE audit_log (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	at timestamptz NOT NULL DEFAULT now(),
	actor text NOT NULL,
	action text NOT NULL CHECK (action IN ('insert', 'update', 'delete')),
	table_name text NOT NULL,
	row_id bigint NOT NULL,
	before jsonb,
	after jsonb,
	txid bigint NOT NULL DEFAULT txid_current()
);
CREATE INDEX audit_log_row ON audit_log (table_name, row_id, at);
CREATE INDEX audit_log_at ON audit_log (at);

-- Versioned tables carry sys_from, the time their current version began; older versions
-- move to <table>_history with sys_to, the time they ended. A row as of time t is the one
-- with sys_from <= t in the table, or sys_from <= t < sys_to in its history.
-- +goose StatementBegin
CREATE FUNCTION history_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	NEW.sys_from := now();
	RETURN NEW;
END $$;
-- +goose StatementEnd

-- record_changes writes audit rows and history for a whole statement at once, from its
-- transition tables, so bulk changes cost one trigger call, not one per row. Setting
-- bandoso.audit to 'off' for a transaction skips it; bulk loads that replace a layer
-- record one summary row in dataset_info instead.
-- +goose StatementBegin
CREATE FUNCTION record_changes() RETURNS trigger LANGUAGE plpgsql AS $$
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

-- +goose StatementBegin
-- make_versioned adds sys_from, the history table and the triggers to a table. A later
-- migration that adds a column to a versioned table must add it to <table>_history too, at
-- the same position (before sys_to): history rows are copied column by column.
CREATE FUNCTION make_versioned(tbl regclass) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	t text := tbl::text;
BEGIN
	EXECUTE format('ALTER TABLE %s ADD COLUMN sys_from timestamptz NOT NULL DEFAULT now()', t);
	EXECUTE format('CREATE TABLE %s (LIKE %s)', t || '_history', t);
	EXECUTE format('ALTER TABLE %s ADD COLUMN sys_to timestamptz NOT NULL', t || '_history');
	EXECUTE format('CREATE INDEX ON %s (id, sys_from, sys_to)', t || '_history');
	EXECUTE format('CREATE INDEX ON %s USING gist (geom)', t || '_history');
	EXECUTE format('CREATE TRIGGER history_touch BEFORE UPDATE ON %s FOR EACH ROW EXECUTE FUNCTION history_touch()', t);
	EXECUTE format('CREATE TRIGGER audit_insert AFTER INSERT ON %s REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION record_changes()', t);
	EXECUTE format('CREATE TRIGGER audit_update AFTER UPDATE ON %s REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION record_changes()', t);
	EXECUTE format('CREATE TRIGGER audit_delete AFTER DELETE ON %s REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION record_changes()', t);
END $$;
-- +goose StatementEnd

SELECT make_versioned(t) FROM unnest(ARRAY[
	'admin_units', 'streets', 'parcels', 'addresses', 'plans', 'planning_zones', 'road_boundaries'
]::regclass[]) AS t;

-- +goose Down
-- +goose StatementBegin
DO $$
DECLARE
	t text;
BEGIN
	FOREACH t IN ARRAY ARRAY['admin_units', 'streets', 'parcels', 'addresses', 'plans', 'planning_zones', 'road_boundaries'] LOOP
		EXECUTE format('DROP TABLE %I', t || '_history');
		EXECUTE format('DROP TRIGGER history_touch ON %1$I; DROP TRIGGER audit_insert ON %1$I; '
			'DROP TRIGGER audit_update ON %1$I; DROP TRIGGER audit_delete ON %1$I', t);
		EXECUTE format('ALTER TABLE %I DROP COLUMN sys_from', t);
	END LOOP;
END $$;
-- +goose StatementEnd
DROP FUNCTION make_versioned(regclass);
DROP FUNCTION record_changes();
DROP FUNCTION history_touch();
DROP TABLE audit_log;
