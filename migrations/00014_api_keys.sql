-- API keys: who may edit the city's layers, import files, run admin tasks, and read
-- restricted layers. A key's secret is shown once, when it is made; the database keeps only
-- its SHA-256 (the secret is 32 random bytes, so a slow password hash adds nothing) and a
-- short prefix by which people and logs can name the key without holding it.

-- +goose Up
CREATE TABLE api_keys (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	name text NOT NULL CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$'),
	-- reader: restricted layers; editor: also features and imports; admin: also keys, the
	-- catalog and the audit log
	role text NOT NULL CHECK (role IN ('reader', 'editor', 'admin')),
	prefix text NOT NULL UNIQUE CHECK (prefix ~ '^[a-z2-7]{8}$'),
	hash bytea NOT NULL UNIQUE CHECK (length(hash) = 32),
	created_at timestamptz NOT NULL DEFAULT now(),
	created_by text NOT NULL DEFAULT session_user,
	revoked_at timestamptz
);
CREATE UNIQUE INDEX api_keys_live_name ON api_keys (name) WHERE revoked_at IS NULL;

-- The catalog says when each layer's data last changed: the newest audit row of its table.
CREATE INDEX audit_log_table_at ON audit_log (table_name, at);

-- +goose Down
DROP INDEX audit_log_table_at;
DROP TABLE api_keys;
