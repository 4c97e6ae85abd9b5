-- Keys: a revoked or deleted key is announced like a layer's change, so that every running
-- service forgets what it remembered of the key at once instead of when its cache expires.

-- +goose Up
-- +goose StatementBegin
CREATE FUNCTION announce_keys() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM announce('api_keys', NULL, 0);
	RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER announce_keys AFTER UPDATE OR DELETE OR TRUNCATE ON api_keys
	FOR EACH STATEMENT EXECUTE FUNCTION announce_keys();

-- +goose Down
DROP TRIGGER announce_keys ON api_keys;
DROP FUNCTION announce_keys();
