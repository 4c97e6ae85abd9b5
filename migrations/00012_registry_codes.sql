-- Registry codes: every address gets a 12-digit code (mã định danh địa chỉ), 11 digits of
-- serial and a Damm check digit, that names no ward or postcode (both changed in 2025 and
-- will change again) and is never given to another address. The national "địa chỉ số"
-- (5-digit postcode + 5-digit serial) is kept beside it when imported data carries it.

-- +goose Up
-- damm_digit runs the Damm quasigroup of order 10 over a string of digits: the check digit of
-- a payload, and 0 for a payload followed by its check digit. The Go twin is geo.DammCheck.
-- A non-digit makes it NULL.
-- +goose StatementBegin
CREATE FUNCTION damm_digit(digits text) RETURNS integer LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
	q constant smallint[] := '{{0,3,1,7,5,9,8,6,4,2},{7,0,9,2,1,5,4,8,6,3},{4,2,0,6,8,7,1,3,5,9},
		{1,7,5,0,9,8,3,4,2,6},{6,1,2,3,0,4,5,9,7,8},{3,6,7,4,2,0,9,5,8,1},{5,8,6,9,7,2,0,1,3,4},
		{8,9,4,5,3,6,2,0,1,7},{9,4,3,8,6,1,7,2,0,5},{2,5,8,1,4,3,6,7,9,0}}';
	interim integer := 0;
BEGIN
	FOR i IN 1..length(digits) LOOP
		interim := q[interim + 1][ascii(substr(digits, i, 1)) - 47];
	END LOOP;
	RETURN interim;
END $$;
-- +goose StatementEnd

-- registry_serial spreads the n-th issued serial over the 11-digit space so that neighbouring
-- houses do not get neighbouring codes. An affine map modulo 10^11 with a multiplier prime to
-- 10 is a bijection, so distinct n never share a serial; n * 86028157 stays within bigint.
-- The demo generator (demo.RegistrySerial) computes the same.
CREATE FUNCTION registry_serial(n bigint) RETURNS bigint LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN ((n % 100000000000) * 86028157 + 31415926535) % 100000000000;

-- registry_code is the 12-digit code of a serial: 11 digits zero-padded, then the check digit.
-- +goose StatementBegin
CREATE FUNCTION registry_code(serial bigint) RETURNS text LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
	s text := lpad(serial::text, 11, '0');
BEGIN
	RETURN s || damm_digit(s);
END $$;
-- +goose StatementEnd

-- address_serial counts issued serials; a sequence never goes back, even when the
-- transaction that drew a value rolls back.
CREATE SEQUENCE address_serial MINVALUE 1 MAXVALUE 99999999999;

-- address_codes: every registry code ever issued, kept when its address is deleted
-- (retired_at set), so that no code names two addresses over time. A code given explicitly
-- (an import carrying codes) is refused here if it was ever issued before.
CREATE TABLE address_codes (
	code text NOT NULL,
	address_id bigint NOT NULL,
	issued_at timestamptz NOT NULL DEFAULT now(),
	retired_at timestamptz
);

-- Existing codes become registry codes of their address id's serial, in one table rewrite
-- that checks the new constraint as it goes (an UPDATE would write every row twice and fire
-- the history triggers).
ALTER TABLE addresses
	ALTER COLUMN code TYPE text USING registry_code(registry_serial(id)),
	ADD CONSTRAINT addresses_code_registry CHECK (code ~ '^[0-9]{12}$' AND damm_digit(code) = 0),
	ADD COLUMN national_code text CONSTRAINT addresses_national_code_digits CHECK (national_code ~ '^[0-9]{10}$');
CREATE UNIQUE INDEX addresses_national_code_key ON addresses (national_code) WHERE national_code IS NOT NULL;
UPDATE addresses_history SET code = registry_code(registry_serial(id));
ALTER TABLE addresses_history ADD COLUMN national_code text;

INSERT INTO address_codes (code, address_id, issued_at)
SELECT code, id, sys_from FROM addresses;
-- addresses deleted before: their codes are retired, not free
INSERT INTO address_codes (code, address_id, issued_at, retired_at)
SELECT DISTINCT ON (h.id) h.code, h.id, h.sys_from, h.sys_to
FROM addresses_history h
WHERE NOT EXISTS (SELECT 1 FROM addresses a WHERE a.id = h.id)
ORDER BY h.id, h.sys_to DESC;
ALTER TABLE address_codes ADD CONSTRAINT address_codes_pkey PRIMARY KEY (code);
SELECT setval('address_serial', greatest(
	(SELECT max(id) FROM addresses), (SELECT max(id) FROM addresses_history), 1));

-- next_registry_code issues the next code, skipping any that an import already registered.
-- +goose StatementBegin
CREATE FUNCTION next_registry_code() RETURNS text LANGUAGE plpgsql VOLATILE AS $$
DECLARE
	c text;
BEGIN
	LOOP
		c := registry_code(registry_serial(nextval('address_serial')));
		EXIT WHEN NOT EXISTS (SELECT 1 FROM address_codes WHERE code = c);
	END LOOP;
	RETURN c;
END $$;
-- +goose StatementEnd
ALTER TABLE addresses ALTER COLUMN code SET DEFAULT next_registry_code();

-- The registry follows addresses a statement at a time (one trigger call per COPY, not per row).
-- +goose StatementBegin
CREATE FUNCTION issue_address_codes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO address_codes (code, address_id) SELECT code, id FROM new_rows;
	RETURN NULL;
END $$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE FUNCTION retire_address_codes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE address_codes c SET retired_at = now() FROM old_rows o WHERE c.code = o.code;
	RETURN NULL;
END $$;
-- +goose StatementEnd
-- A code is the address's for good: corrections move the point or fix the number, never the code.
-- +goose StatementBegin
CREATE FUNCTION keep_address_code() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF NEW.code IS DISTINCT FROM OLD.code THEN
		RAISE EXCEPTION 'address % keeps its registry code %', OLD.id, OLD.code
			USING ERRCODE = 'check_violation', CONSTRAINT = 'addresses_code_permanent';
	END IF;
	RETURN NEW;
END $$;
-- +goose StatementEnd
CREATE TRIGGER address_codes_issue AFTER INSERT ON addresses
	REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION issue_address_codes();
CREATE TRIGGER address_codes_retire AFTER DELETE ON addresses
	REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION retire_address_codes();
CREATE TRIGGER address_code_permanent BEFORE UPDATE OF code ON addresses
	FOR EACH ROW EXECUTE FUNCTION keep_address_code();

-- +goose Down
-- The 7-character codes are gone for good; the 12-digit codes stay as plain text.
DROP TRIGGER address_code_permanent ON addresses;
DROP TRIGGER address_codes_retire ON addresses;
DROP TRIGGER address_codes_issue ON addresses;
DROP FUNCTION keep_address_code();
DROP FUNCTION retire_address_codes();
DROP FUNCTION issue_address_codes();
ALTER TABLE addresses ALTER COLUMN code DROP DEFAULT;
DROP FUNCTION next_registry_code();
DROP TABLE address_codes;
DROP SEQUENCE address_serial;
ALTER TABLE addresses_history DROP COLUMN national_code;
DROP INDEX addresses_national_code_key;
ALTER TABLE addresses DROP CONSTRAINT addresses_code_registry, DROP COLUMN national_code;
DROP FUNCTION registry_code(bigint);
DROP FUNCTION registry_serial(bigint);
DROP FUNCTION damm_digit(text);
