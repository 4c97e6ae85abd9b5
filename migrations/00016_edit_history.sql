-- Edits through the API: each audit row keeps the reason its editor gave (the session's
-- bandoso.reason, set with the actor for one transaction), so that history can say who
-- changed a feature and why.

-- +goose Up
ALTER TABLE audit_log ADD COLUMN reason text;

-- record_changes as 00008 made it, with the reason.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION record_changes() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	who text := coalesce(nullif(current_setting('bandoso.actor', true), ''), session_user);
	why text := nullif(current_setting('bandoso.reason', true), '');
	hist text := quote_ident(TG_TABLE_NAME || '_history');
	cols text;
BEGIN
	IF current_setting('bandoso.audit', true) = 'off' THEN
		RETURN NULL;
	END IF;
	IF TG_OP = 'INSERT' THEN
		INSERT INTO audit_log (actor, reason, action, table_name, row_id, after)
		SELECT who, why, 'insert', TG_TABLE_NAME, n.id, to_jsonb(n) - 'geom_3857' FROM new_rows n;
		RETURN NULL;
	END IF;
	IF TG_OP = 'UPDATE' THEN
		INSERT INTO audit_log (actor, reason, action, table_name, row_id, before, after)
		SELECT who, why, 'update', TG_TABLE_NAME, n.id, to_jsonb(o) - 'geom_3857', to_jsonb(n) - 'geom_3857'
		FROM old_rows o JOIN new_rows n USING (id);
	ELSE
		INSERT INTO audit_log (actor, reason, action, table_name, row_id, before)
		SELECT who, why, 'delete', TG_TABLE_NAME, o.id, to_jsonb(o) - 'geom_3857' FROM old_rows o;
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

-- +goose Down
-- record_changes as 00008 made it
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
ALTER TABLE audit_log DROP COLUMN reason;
